// The register maps, through real libmodbus TCP on loopback: what a driver writes the simulated
// instrument holds, what the lux meter reads follows the lights, the relay reports its outlets.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/bench_sim/bench_fixture.hpp"

namespace gaterig::test {
namespace {
using namespace std::chrono_literals;
namespace lmap = bench_map::light;

TEST_F(BenchTest, ListensOnTheLoopbackPortTheKernelChose) { EXPECT_GT(bench->port(), 0); }

TEST_F(BenchTest, LightLevelsRoundTripThroughTheHoldingRegisters) {
  light->set_level(lmap::front, 700);
  light->set_level(lmap::back, 0);
  EXPECT_EQ(light->level(lmap::front), 700);
  EXPECT_EQ(light->level(lmap::ambient), 1000);  // power-up state: normal light
  EXPECT_EQ(bench->light().permille[lmap::front], 700);
  EXPECT_EQ(count_kind(timeline, "bench.light_set"), 2u);
  auto e = timeline.wait_for(0, [](const Event& e) { return e.kind == "bench.light_set"; }, 0ms);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload["channel"], lmap::front);
  EXPECT_EQ(e->payload["permille"], 700);
  EXPECT_EQ(e->source, "bench.light");
}

TEST_F(BenchTest, MasterEnableDarkensEveryChannelWithoutForgettingLevels) {
  light->set_enabled(false);
  EXPECT_FALSE(light->enabled());
  EXPECT_FALSE(bench->light().enabled);
  EXPECT_EQ(light->level(lmap::ambient), 1000);
  EXPECT_NEAR(lux->read().lux, 20.0, 3.0);  // only the floor
}

TEST_F(BenchTest, LightControllerRefusesALevelAbove1000NamingUnitAndRegister) {
  try {
    link->write_holding(bench_map::kLightUnit, lmap::kLevelBase + 2, 1001);
    FAIL() << "accepted 1001 per mille";
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 3);
    const std::string what = e.what();
    EXPECT_NE(what.find("simulated bench"), std::string::npos) << what;
    EXPECT_NE(what.find("unit 1"), std::string::npos) << what;
    EXPECT_NE(what.find("holding register 2"), std::string::npos) << what;
  }
  EXPECT_EQ(bench->light().permille[lmap::ambient], 1000);  // unchanged
}

TEST_F(BenchTest, DriverRejectsChannelsAndLevelsThatDoNotExistBeforeSending) {
  EXPECT_THROW(light->set_level(4, 10), std::out_of_range);
  EXPECT_THROW(light->set_level(0, 1001), std::out_of_range);
  EXPECT_THROW(relay->set(4, true), std::out_of_range);
  EXPECT_EQ(bench->stats().requests, 0u);
}

TEST_F(BenchTest, LuxFollowsTheLights) {
  const double normal = lux->read().lux;
  EXPECT_NEAR(normal, 500.0, 15.0);  // floor 20 + ambient 480
  light->set_level(lmap::front, 1000);
  const LuxReading strong = lux->read();
  EXPECT_NEAR(strong.lux, 2000.0, 50.0);
  EXPECT_TRUE(strong.valid);
  EXPECT_FALSE(strong.over_range);
  light->set_level(lmap::front, 0);
  light->set_level(lmap::ambient, 100);
  EXPECT_NEAR(lux->read().lux, 68.0, 5.0);
  EXPECT_EQ(count_kind(timeline, "bench.lux"), 3u);
}

TEST_F(BenchTest, LuxSamplesAreCountedSoARepeatedSampleIsVisible) {
  const auto a = lux->read().sample;
  const auto b = lux->read().sample;
  EXPECT_EQ(static_cast<std::uint16_t>(a + 1), b);
}

TEST_F(BenchTest, LuxAbove65535IsCarriedInTheHighWordAndClampedAtTheRange) {
  // A model with a very bright front light, to exercise both words and the over-range bit.
  ModbusBenchOptions o = options();
  o.lux_model.gain_lux[lmap::front] = 500000.0;
  ModbusBench bright(o);
  auto l = link_to(bright);
  ModbusLightController(l, bench_map::kLightUnit).set_level(lmap::front, 20);  // ~10,500 lx
  LuxReading r = ModbusLuxMeter(l, bench_map::kLuxUnit).read();
  EXPECT_NEAR(r.lux, 10500.0, 200.0);  // 105000 tenths > 65535
  ModbusLightController(l, bench_map::kLightUnit).set_level(lmap::front, 1000);
  r = ModbusLuxMeter(l, bench_map::kLuxUnit).read();
  EXPECT_TRUE(r.over_range);
  EXPECT_DOUBLE_EQ(r.lux, 200000.0);
  std::ostringstream os;
  os << r;
  EXPECT_NE(os.str().find("over-range"), std::string::npos) << os.str();
}

TEST_F(BenchTest, RelayOutletsRoundTripAndAreReportedToListeners) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, bool>> seen;
  bench->on_outlet_change([&](int o, bool on) {
    std::lock_guard lock(mu);
    seen.emplace_back(o, on);
    cv.notify_all();
  });
  EXPECT_TRUE(relay->get(1));  // power-up: all on
  relay->set(1, false);
  EXPECT_FALSE(relay->get(1));
  EXPECT_FALSE(bench->outlets()[1]);
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
  EXPECT_EQ(seen.front(), std::make_pair(1, false));
  EXPECT_EQ(count_kind(timeline, "bench.power"), 1u);
  EXPECT_EQ(count_kind(timeline, "bench.outlet_changed"), 1u);
}

TEST_F(BenchTest, RelayPulseCyclesTheOutletOffAndOnAgain) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, bool>> seen;
  bench->on_outlet_change([&](int o, bool on) {
    std::lock_guard lock(mu);
    seen.emplace_back(o, on);
    cv.notify_all();
  });
  relay->pulse(2, 30ms);
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return seen.size() >= 2; }));
  EXPECT_EQ(seen[0], std::make_pair(2, false));
  EXPECT_EQ(seen[1], std::make_pair(2, true));
  lock.unlock();
  EXPECT_TRUE(relay->get(2));
  EXPECT_EQ(link->read_holding(bench_map::kRelayUnit, bench_map::relay::kPulseTrigger, 1).at(0), 0);
}

TEST_F(BenchTest, AnUnknownUnitGetsTheGatewayTargetException) {
  try {
    link->read_holding(9, 0, 1);
    FAIL();
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 11);
    EXPECT_NE(std::string(e.what()).find("unit 9"), std::string::npos) << e.what();
  }
}

TEST_F(BenchTest, ReadingPastTheMapIsAnIllegalAddress) {
  try {
    link->read_input(bench_map::kLuxUnit, 0, bench_map::lux::kInputCount + 1);
    FAIL();
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 2);
  }
}

TEST(ModbusEndpoint, ParsesHostPortAndPrintsItself) {
  const TcpEndpoint t = parse_tcp_endpoint("10.0.0.7:5020");
  EXPECT_EQ(t.host, "10.0.0.7");
  EXPECT_EQ(t.port, 5020);
  std::ostringstream os;
  os << ModbusEndpoint{t} << " / " << ModbusEndpoint{RtuEndpoint{"/dev/ttyUSB0", 9600, 'E', 8, 1}};
  EXPECT_EQ(os.str(), "tcp 10.0.0.7:5020 / rtu /dev/ttyUSB0 9600 8E1");
  for (const char* bad : {"nohost", ":502", "h:", "h:0", "h:70000", "h:5x"})
    EXPECT_THROW(parse_tcp_endpoint(bad), std::invalid_argument) << bad;
}

TEST(ModbusLink, AnAbsentDeviceIsAnErrorNamingItAfterTheRetries) {
  int port;
  {
    ModbusBench gone;  // borrow a port nobody listens on once it is stopped
    port = gone.port();
  }
  ModbusLink l("bench lux meter", TcpEndpoint{"127.0.0.1", port}, LinkOptions{100ms, 1});
  try {
    l.read_input(2, 0, 4);
    FAIL();
  } catch (const ModbusError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.exception_code(), 0);
    EXPECT_NE(what.find("bench lux meter (tcp 127.0.0.1:" + std::to_string(port) + ") unit 2"), std::string::npos)
        << what;
    EXPECT_NE(what.find("after 2 attempt(s)"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace gaterig::test
