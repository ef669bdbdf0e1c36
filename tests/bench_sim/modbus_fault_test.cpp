// Faults injected into the simulated bench's request loop: each fires, announces itself, and the
// driver reports a clear error or recovers through its retry.
#include <gtest/gtest.h>

#include <thread>

#include "tests/bench_sim/bench_fixture.hpp"

namespace gaterig::test {
namespace {
using namespace std::chrono_literals;

TEST_F(BenchTest, ADelayLongerThanTheResponseTimeoutIsATimeoutNamingTheDevice) {
  bench->inject(Fault::delay(1500ms).on_unit(bench_map::kLuxUnit));
  try {
    lux->read();
    FAIL() << "a 1.5 s late reply was accepted with a 300 ms timeout";
  } catch (const ModbusError& e) {
    EXPECT_TRUE(e.timed_out()) << e.what();
    const std::string what = e.what();
    EXPECT_NE(what.find("simulated bench"), std::string::npos) << what;
    EXPECT_NE(what.find("unit 2: read input register 0"), std::string::npos) << what;
    EXPECT_NE(what.find("after 2 attempt(s)"), std::string::npos) << what;
  }
  // The first attempt's delay fired; the retry came on a new connection, so it fired again
  // once the server got to it. Either way it announced itself.
  auto fired = timeline.wait_for(0, [](const Event& e) { return e.kind == "bench.fault"; }, 5s);
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->payload["fault"], "delay:1500@2");
  EXPECT_EQ(fired->payload["unit"], 2);
  EXPECT_EQ(fired->payload["function"], 4);
  EXPECT_EQ(fired->payload["seed"], 1234);
}

TEST_F(BenchTest, AShortDelayOnlyMakesTheReplyLate) {
  bench->inject(Fault::delay(20ms).on_unit(bench_map::kLightUnit).times(1));
  light->set_level(bench_map::light::front, 300);
  EXPECT_EQ(bench->light().permille[bench_map::light::front], 300);
  EXPECT_EQ(count_kind(timeline, "bench.fault"), 1u);
  EXPECT_TRUE(bench->faults().empty());  // used up
}

TEST_F(BenchTest, ADroppedRequestIsRetriedOnAFreshConnection) {
  bench->inject(Fault::drop(1.0).times(1));
  EXPECT_NEAR(lux->read().lux, 500.0, 15.0);
  EXPECT_EQ(bench->stats().faults_fired, 1u);
  EXPECT_EQ(bench->stats().connections, 2u);
}

TEST_F(BenchTest, RequestsDroppedForEverEndInATimeout) {
  bench->inject(Fault::drop(1.0));
  try {
    relay->get(0);
    FAIL();
  } catch (const ModbusError& e) {
    EXPECT_TRUE(e.timed_out()) << e.what();
    EXPECT_NE(std::string(e.what()).find("unit 3: read coil 0"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bench->stats().faults_fired, 2u);  // both attempts
}

TEST_F(BenchTest, AnExceptionFaultIsReportedWithItsCodeAndNotRetried) {
  bench->inject(Fault::exception(4).on_unit(bench_map::kLuxUnit));
  try {
    lux->read();
    FAIL();
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 4);
    EXPECT_FALSE(e.timed_out());
    EXPECT_NE(std::string(e.what()).find("Modbus exception 4"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bench->stats().faults_fired, 1u);
  EXPECT_EQ(light->level(bench_map::light::ambient), 1000);  // other units unaffected
}

TEST_F(BenchTest, ADisconnectIsSurvivedByReconnecting) {
  bench->inject(Fault::disconnect().times(1));
  relay->set(0, false);
  EXPECT_FALSE(bench->outlets()[0]);
  EXPECT_EQ(bench->stats().connections, 2u);
  auto fired = timeline.wait_for(0, [](const Event& e) { return e.kind == "bench.fault"; }, 0ms);
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->payload["kind"], "disconnect");
}

TEST_F(BenchTest, ADisconnectOnEveryRequestIsAnErrorAfterTheRetries) {
  bench->inject(Fault::disconnect());
  EXPECT_THROW(light->level(0), ModbusError);
}

TEST(BenchFaults, ProbabilisticDropsRepeatWithTheSeed) {
  auto dropped_pattern = [](std::uint64_t seed) {
    ModbusBenchOptions o;
    o.seed = seed;
    ModbusBench bench(o);
    bench.inject(Fault::drop(0.5));
    auto l = link_to(bench, LinkOptions{50ms, 0});
    std::string pattern;
    for (int i = 0; i < 16; ++i) {
      try {
        l->read_holding(1, 0, 1);
        pattern += '.';
      } catch (const ModbusError&) {
        pattern += 'x';
      }
    }
    return pattern;
  };
  const std::string a = dropped_pattern(7);
  EXPECT_EQ(a, dropped_pattern(7));
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(BenchFaults, StopEndsTheServerInTheMiddleOfALongDelay) {
  ModbusBench bench;
  bench.inject(Fault::delay(std::chrono::hours(1)));
  auto l = link_to(bench, LinkOptions{100ms, 0});
  EXPECT_THROW(l->read_holding(1, 0, 1), ModbusError);
  bench.stop();  // would hang this test (and hit ctest's timeout) if the delay ignored stop
  SUCCEED();
}

}  // namespace
}  // namespace gaterig::test
