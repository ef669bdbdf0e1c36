// FaultMode as a value (parse, JSON, validation, printing) and FaultSwitch's decisions and events.
#include "simulator/platform/fault_mode.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace gaterig;
using namespace gaterig::platform;
using namespace std::chrono_literals;

namespace {

std::string printed(const FaultMode& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(FaultMode, ParsesTheCommandLineForms) {
  EXPECT_EQ(FaultMode::parse("up"), FaultMode::up());
  EXPECT_EQ(FaultMode::parse("refuse"), FaultMode::refuse());
  EXPECT_EQ(FaultMode::parse("blackhole"), FaultMode::blackhole());
  EXPECT_EQ(FaultMode::parse("error"), FaultMode::error(503));
  EXPECT_EQ(FaultMode::parse("error:500"), FaultMode::error(500));
  EXPECT_EQ(FaultMode::parse("slow:250"), FaultMode::slow(250ms));
  EXPECT_EQ(FaultMode::parse("ack-lost"), FaultMode::ack_lost());
  EXPECT_EQ(FaultMode::parse("ack_lost,p=0.05,seed=7"), FaultMode::ack_lost().with_probability(0.05, 7));
}

TEST(FaultMode, RejectsBadTextNamingWhatIsWrong) {
  EXPECT_NE(error_of([] { FaultMode::parse("sluggish"); }).find("'sluggish' is not one of"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("slow"); }).find("slow:500"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("slow:abc"); }).find("expected a number"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("error:404"); }).find("'http_status'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("blackhole,p=1.5"); }).find("'probability'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("refuse,p=0.5"); }).find("'probability'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("blackhole:3"); }).find("takes no"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::parse("error,q=1"); }).find("unknown option 'q=1'"), std::string::npos);
}

TEST(FaultMode, RoundTripsThroughJson) {
  for (const auto& m : {FaultMode::up(), FaultMode::refuse(), FaultMode::blackhole(), FaultMode::error(500),
                        FaultMode::slow(500ms), FaultMode::ack_lost().with_probability(0.25, 99)}) {
    EXPECT_EQ(FaultMode::from_json(m.to_json()), m) << m.to_json().dump();
  }
  EXPECT_EQ(FaultMode::slow(500ms).to_json(), (Json{{"mode", "slow"}, {"delay_ms", 500}, {"probability", 1.0}}));
}

TEST(FaultMode, JsonErrorsNameTheField) {
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"delay_ms", 5}}); }).find("'mode'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"mode", 3}}); }).find("'mode'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"mode", "slow"}, {"delay_ms", "x"}}); }).find("'delay_ms'"),
            std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"mode", "slow"}}); }).find("'delay_ms'"), std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"mode", "up"}, {"delay_ms", 5}}); }).find("only applies"),
            std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json{{"mode", "error"}, {"colour", 5}}); }).find("'colour'"),
            std::string::npos);
  EXPECT_NE(error_of([] { FaultMode::from_json(Json::array()); }).find("JSON object"), std::string::npos);
}

TEST(FaultMode, PrintsItself) {
  EXPECT_EQ(printed(FaultMode::up()), "up");
  EXPECT_EQ(printed(FaultMode::slow(500ms)), "slow(500ms)");
  EXPECT_EQ(printed(FaultMode::error(500)), "error(HTTP 500)");
  EXPECT_EQ(printed(FaultMode::ack_lost().with_probability(0.05, 7)), "ack-lost(p=0.05 seed=7)");
}

TEST(FaultSwitch, AnnouncesEveryChangeWithThePreviousMode) {
  Timeline t;
  FaultSwitch s(&t);
  s.set(FaultMode::slow(100ms));
  const auto events = t.since(0);
  ASSERT_EQ(events.size(), 1u);  // starting "up" is no change
  EXPECT_EQ(events[0].kind, "platform.fault_changed");
  EXPECT_EQ(events[0].source, "platform");
  EXPECT_EQ(events[0].payload["fault"]["mode"], "slow");
  EXPECT_EQ(events[0].payload["previous"]["mode"], "up");
}

TEST(FaultSwitch, PicksAndReportsASeedWhenAProbabilityHasNone) {
  Timeline t;
  FaultSwitch s(&t);
  const FaultMode applied = s.set(FaultMode::blackhole().with_probability(0.5));
  EXPECT_NE(applied.seed, 0u);
  EXPECT_EQ(t.since(0).back().payload["fault"]["seed"], applied.seed);
}

TEST(FaultSwitch, TheSameSeedFiresOnTheSameRequests) {
  auto pattern = [](std::uint64_t seed) {
    FaultSwitch s;
    s.set(FaultMode::error().with_probability(0.3, seed));
    std::string out;
    for (int i = 0; i < 64; ++i) out += s.fire(HttpRequest{}, 1) ? 'X' : '.';
    return out;
  };
  EXPECT_EQ(pattern(11), pattern(11));
  EXPECT_NE(pattern(11), pattern(12));
  const auto p = pattern(11);
  EXPECT_NE(p.find('X'), std::string::npos);
  EXPECT_NE(p.find('.'), std::string::npos);
}

TEST(FaultSwitch, FiringPublishesTheFaultAndTheRequestAndCounts) {
  Timeline t;
  FaultSwitch s(&t);
  HttpRequest req;
  req.target = "/open.api";
  req.body = "appid=x&method=WorkerAttendance.Add";
  req.peer = "127.0.0.1:9";
  EXPECT_FALSE(s.fire(req, 3));
  s.set(FaultMode::ack_lost());
  ASSERT_TRUE(s.fire(req, 3));
  const Event e = t.since(0).back();
  EXPECT_EQ(e.kind, "platform.fault_fired");
  EXPECT_EQ(e.payload["fault"]["mode"], "ack-lost");
  EXPECT_EQ(e.payload["api_method"], "WorkerAttendance.Add");
  EXPECT_EQ(e.payload["connection"], 3);
  EXPECT_EQ(s.fired_counts()["ack-lost"], 1u);
}

TEST(FaultSwitch, RejectsAnInvalidModeAndKeepsTheCurrentOne) {
  FaultSwitch s;
  s.set(FaultMode::slow(10ms));
  EXPECT_THROW(s.set(FaultMode::error(404)), std::invalid_argument);
  EXPECT_EQ(s.current(), FaultMode::slow(10ms));
}

}  // namespace
