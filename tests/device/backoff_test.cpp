#include <gtest/gtest.h>

#include "simulator/device/backoff.hpp"

namespace gaterig::device {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, EachDelayLiesBetweenHalfTheCeilingAndTheCeiling) {
  Backoff b(milliseconds(100), milliseconds(5000), 7);
  for (int n = 0; n < 20; ++n) {
    const auto c = Backoff::ceiling(milliseconds(100), milliseconds(5000), n);
    const auto d = b.next();
    EXPECT_GE(d.count(), (c.count() + 1) / 2) << "attempt " << n;
    EXPECT_LE(d.count(), c.count()) << "attempt " << n;
  }
}

TEST(Backoff, CeilingDoublesUpToTheCapAndNeverOverflows) {
  const milliseconds base(100), cap(5000);
  EXPECT_EQ(Backoff::ceiling(base, cap, 0), milliseconds(100));
  EXPECT_EQ(Backoff::ceiling(base, cap, 1), milliseconds(200));
  EXPECT_EQ(Backoff::ceiling(base, cap, 5), milliseconds(3200));
  EXPECT_EQ(Backoff::ceiling(base, cap, 6), cap);
  EXPECT_EQ(Backoff::ceiling(base, cap, 10'000), cap);
}

TEST(Backoff, TheSameSeedGivesTheSameScheduleAndResetStartsOver) {
  Backoff a(milliseconds(50), milliseconds(60'000), 42), b(milliseconds(50), milliseconds(60'000), 42);
  std::vector<long> sa, sb;
  for (int i = 0; i < 12; ++i) {
    sa.push_back(a.next().count());
    sb.push_back(b.next().count());
  }
  EXPECT_EQ(sa, sb);
  Backoff c(milliseconds(50), milliseconds(60'000), 43);
  std::vector<long> sc;
  for (int i = 0; i < 12; ++i) sc.push_back(c.next().count());
  EXPECT_NE(sa, sc) << "the jitter does not depend on the seed";
  a.reset();
  EXPECT_EQ(a.attempt(), 0);
  EXPECT_LE(a.next(), milliseconds(50));
}

TEST(Backoff, MisuseIsRefused) {
  EXPECT_THROW(Backoff(milliseconds(0), milliseconds(10), 1), std::invalid_argument);
  EXPECT_THROW(Backoff(milliseconds(100), milliseconds(10), 1), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::device
