#include "core/clock.hpp"

#include <gtest/gtest.h>

using namespace gaterig;

TEST(Clock, MonotonicNeverGoesBack) {
  MonoNs prev = mono_now();
  for (int i = 0; i < 1000; ++i) {
    const MonoNs now = mono_now();
    ASSERT_GE(now, prev);
    prev = now;
  }
}

TEST(Clock, MappingConvertsBothWays) {
  const auto map = WallClockMapping::capture();
  const MonoNs m = map.mono_origin() + 1'500'000'000;
  EXPECT_EQ(map.to_wall(m), map.wall_origin() + 1'500'000'000);
  EXPECT_EQ(map.to_mono(map.to_wall(m)), m);
  // The mapping agrees with the wall clock read now to well within a second.
  EXPECT_NEAR(static_cast<double>(map.to_wall(mono_now())), static_cast<double>(wall_now()), 1e8);
}

TEST(Clock, FormatsChinaStandardTime) {
  // 2023-06-01 00:30:05 UTC is 08:30:05 in China.
  const WallNs w = *parse_civil("2023-06-01 00:30:05", UtcOffset{0}, "yyyy-MM-dd HH:mm:ss");
  EXPECT_EQ(format_civil(w, UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"), "2023-06-01 08:30:05");
  EXPECT_EQ(format_civil(w, UtcOffset::china(), "yyyyMMddHHmmss"), "20230601083005");
  EXPECT_EQ(format_civil(w, UtcOffset::china(), "yyyyMMddHH"), "2023060108");
  EXPECT_EQ(format_iso_utc(w + 7'000'000), "2023-06-01T00:30:05.007Z");
}

TEST(Clock, ParseRoundTripsAndRejectsImpossibleDates) {
  const auto w = parse_civil("20240229235959", UtcOffset::china(), "yyyyMMddHHmmss");
  ASSERT_TRUE(w);
  EXPECT_EQ(format_civil(*w, UtcOffset::china(), "yyyyMMddHHmmss"), "20240229235959");
  EXPECT_FALSE(parse_civil("20230229000000", UtcOffset::china(), "yyyyMMddHHmmss"));  // not leap
  EXPECT_FALSE(parse_civil("2023-13-01 00:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  EXPECT_FALSE(parse_civil("2023-01-01 24:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  EXPECT_FALSE(parse_civil("2023-01-01T00:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  EXPECT_FALSE(parse_civil("2023-01-01 00:00:00 ", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  EXPECT_FALSE(parse_civil("2023-01-0a 00:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
}

TEST(Clock, EpochIsKnown) {
  EXPECT_EQ(*parse_civil("1970-01-01 08:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"), 0);
}
