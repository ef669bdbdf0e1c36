// Behaviour profiles and the terminal's configuration file.
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "simulator/device/profile.hpp"
#include "simulator/device/terminal_config.hpp"

namespace gaterig::device {
namespace {

constexpr const char* kMinimal = R"(
[devsim]
[devsim.platform]
port = 8080
appid = "a"
appsecret = "0123456789abcdef0123456789abcdef"
project_code = "p"
team = "t"
)";

TerminalConfig parse(const std::string& extra = "") {
  return TerminalConfig::from(Config::parse(std::string(kMinimal) + extra, "devsim.toml").table("devsim"));
}

TEST(TerminalConfig, DefaultsAreTheCompliantTerminal) {
  const TerminalConfig c = parse();
  EXPECT_EQ(c.face_capacity, 10'000u);
  EXPECT_EQ(c.record_capacity, 100'000u);
  EXPECT_EQ(c.wiegand.format, "wg26");
  EXPECT_EQ(c.wiegand.timing, "hardware");
  EXPECT_EQ(c.profile, "compliant");
  EXPECT_EQ(c.identity.vendor, "gaterig-sim");
}

TEST(TerminalConfig, ErrorsNameTheKey) {
  try {
    parse("[devsim.wiegand]\nformat = \"wg37\"\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "devsim.wiegand.format");
    EXPECT_NE(std::string(e.what()).find("wg26 or wg34"), std::string::npos);
  }
  EXPECT_THROW(parse("[devsim.policy]\nnot_a_key = 1\n"), ConfigError);
  EXPECT_EQ(parse("[devsim.wiegand]\ntiming = \"software\"\n").wiegand.timing, "software");
  EXPECT_EQ(parse().platform.backfill_batch_size, 500u);
  try {
    parse("backfill_batch_size = 501\n");  // kMinimal ends in [devsim.platform]
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "devsim.platform.backfill_batch_size");
  }
  try {
    parse("[devsim.wiegand]\ntiming = \"pwm\"\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "devsim.wiegand.timing");
  }
  EXPECT_THROW(parse("[[devsim.policy.windows]]\nperson = \"x\"\nfrom = \"25:00\"\nto = \"06:00\"\n"), ConfigError);
}

TEST(TerminalConfig, ParsesTimesOfDay) {
  EXPECT_EQ(parse_time_of_day("07:30"), 450);
  EXPECT_EQ(parse_time_of_day("24:00"), 1440);
  EXPECT_THROW(parse_time_of_day("7:30"), std::invalid_argument);
  EXPECT_THROW(parse_time_of_day("12:60"), std::invalid_argument);
}

TEST(Profiles, EachLowersItsSpec) {
  TerminalConfig c = parse();
  c.profile = "slow, small-store,bad-parity,plain-id,lossy-offline,loose";
  apply_profiles(c);
  EXPECT_GT(c.degraded.slow_probability, 0);
  EXPECT_GT(c.degraded.slow_until, std::chrono::milliseconds(3000));
  EXPECT_LT(c.face_capacity, 10'000u);
  EXPECT_LT(c.record_capacity, 100'000u);
  EXPECT_EQ(c.face.capacity, c.face_capacity);
  EXPECT_TRUE(c.degraded.bad_parity);
  EXPECT_TRUE(c.degraded.plain_id);
  EXPECT_GT(c.degraded.upload.lossy_offline, 0);
  EXPECT_LT(c.face.match_threshold, 0.5);
  EXPECT_FALSE(c.degraded.bad_sign);
}

TEST(Profiles, CompliantChangesNothingAndUnknownNamesAreListed) {
  TerminalConfig c = parse();
  apply_profiles(c);
  EXPECT_EQ(c.degraded.slow_probability, 0);
  EXPECT_EQ(c.degraded.upload.backdating, Backdating::none);
  try {
    parse_profiles("compliant,fast");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'fast'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("ignores-access-window"), std::string::npos);
  }
}

TEST(Profiles, DegradedTableSetsExactValues) {
  TerminalConfig c = parse("[devsim.degraded]\nduplicate_upload = 1.0\nbackdating = \"invent\"\n");
  c.profile = "duplicate-upload";
  apply_profiles(c);
  EXPECT_EQ(c.degraded.upload.duplicate_upload, 1.0);
  EXPECT_EQ(c.degraded.upload.backdating, Backdating::invent);
  TerminalConfig bad = parse("[devsim.degraded]\nlossy_offline = 2\n");
  EXPECT_THROW(apply_profiles(bad), ConfigError);
}

TEST(Profiles, SmallStoreCapacitiesScaleAndMeasuringKnobsParse) {
  TerminalConfig c = parse(
      "[devsim.degraded]\nsmall_store_faces = 20\nsmall_store_records = 300\ndecision_delay_ms = 12.5\n"
      "[devsim.qr]\nvisitor_card = 4242\n");
  c.profile = "small-store,no-qr";
  apply_profiles(c);
  EXPECT_EQ(c.face_capacity, 20u);
  EXPECT_EQ(c.face.capacity, 20u);
  EXPECT_EQ(c.record_capacity, 300u);
  EXPECT_EQ(c.degraded.decision_delay, std::chrono::microseconds(12'500));
  EXPECT_TRUE(c.degraded.ignore_qr);
  EXPECT_EQ(c.qr.visitor_card, 4242u);
  TerminalConfig compliant = parse("[devsim.degraded]\nsmall_store_records = 300\n");
  apply_profiles(compliant);  // the knob says what small-store keeps; without it nothing changes
  EXPECT_EQ(compliant.record_capacity, 100'000u);
  EXPECT_FALSE(compliant.degraded.ignore_qr);
  TerminalConfig bad = parse("[devsim.degraded]\ndecision_delay_ms = -1\n");
  EXPECT_THROW(apply_profiles(bad), ConfigError);
  EXPECT_THROW(parse("[devsim.qr]\nvisitor_card = 70000\n"), ConfigError);
}

}  // namespace
}  // namespace gaterig::device
