#include "reports/statistics/comparison.hpp"

#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "brute_force.hpp"

namespace gaterig::statistics {
namespace {

constexpr std::int64_t ms = 1'000'000;

// Fisher: tables small enough to enumerate by hand (hypergeometric counts over C(N, n2)).
TEST(FisherExact, LadyTastingTea) {
  // 4/4 vs 0/4: only the observed table is as extreme, 1 / C(8, 4) = 1/70.
  EXPECT_NEAR(fisher_exact_one_sided({4, 4}, {0, 4}, true), 1.0 / 70.0, 1e-14);
  EXPECT_NEAR(fisher_exact_one_sided({3, 3}, {0, 3}, true), 1.0 / 20.0, 1e-14);
  // The other direction: the condition is not lower, so nothing is significant.
  EXPECT_NEAR(fisher_exact_one_sided({4, 4}, {0, 4}, false), 1.0, 1e-14);
}

TEST(FisherExact, FiveOfTenAgainstThreeOfTen) {
  // N = 20, 8 successes, condition draws 10: P(X <= 3) = (C(8,0)C(12,10) + C(8,1)C(12,9) +
  // C(8,2)C(12,8) + C(8,3)C(12,7)) / C(20,10) = (66 + 1760 + 13860 + 44352) / 184756.
  EXPECT_NEAR(fisher_exact_one_sided({5, 10}, {3, 10}, true), 60038.0 / 184756.0, 1e-13);
  // P(X >= 3) = 1 - P(X <= 2) = 1 - (66 + 1760 + 13860) / 184756.
  EXPECT_NEAR(fisher_exact_one_sided({5, 10}, {3, 10}, false), 1.0 - 15686.0 / 184756.0, 1e-13);
}

TEST(Newcombe, ReproducesThePublishedHybridScoreIntervals) {
  // Newcombe (1998), Statistics in Medicine 17:873, method 10. Reproduced by hand from the Wilson
  // limits: 56/70 [0.6920, 0.8769], 48/80 [0.4905, 0.7007] -> 0.2 - 0.1477 and 0.2 + 0.1339.
  const Interval a = newcombe_difference({48, 80}, {56, 70}, 0.95);
  EXPECT_NEAR(a.lower, 0.0524, 1e-4);
  EXPECT_NEAR(a.upper, 0.3339, 1e-4);
  const Interval b = newcombe_difference({3, 10}, {9, 10}, 0.95);
  EXPECT_NEAR(b.lower, 0.1705, 1e-4);
  EXPECT_NEAR(b.upper, 0.8090, 1e-4);
  // One-sided bounds sit inside the two-sided interval; swapping the groups mirrors it.
  const Interval lo = newcombe_difference({48, 80}, {56, 70}, 0.95, Sides::lower);
  EXPECT_GT(lo.lower, a.lower);
  EXPECT_EQ(lo.upper, 1.0);
  const Interval m = newcombe_difference({56, 70}, {48, 80}, 0.95);
  EXPECT_NEAR(m.lower, -a.upper, 1e-14);
  EXPECT_NEAR(m.upper, -a.lower, 1e-14);
}

ProportionComparisonClause strong_light() {
  return {"pass rate, strong light vs normal", "JX-A.6", 0.02, 0.95, true};
}

TEST(CompareProportions, EqualPerfectRatesAreNonInferior) {
  const auto c = compare_proportions(strong_light(), {300, 300}, {300, 300});
  EXPECT_EQ(c.verdict, Verdict::pass);
  EXPECT_FALSE(c.significantly_worse);
  EXPECT_GT(c.difference_bounds.lower, -0.02);
  EXPECT_EQ(c.clause.statement(), "pass rate, strong light vs normal: difference lower 95 % bound ≥ -2 pp");
}

TEST(CompareProportions, ALargeDropFails) {
  const auto c = compare_proportions(strong_light(), {300, 300}, {270, 300});
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_TRUE(c.significantly_worse);
  EXPECT_LT(c.difference_bounds.upper, -0.02);
  std::ostringstream os;
  os << c;
  EXPECT_NE(os.str().find("270/300 vs 300/300, difference -10 pp"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("-> FAIL"), std::string::npos) << os.str();
}

TEST(CompareProportions, SignificantButWithinTheMarginIsNotEnoughEvidenceEitherWay) {
  // 5 misses, all under strong light: Fisher says worse (p = C(300,5)/C(600,5) ~ 3 %), but the
  // worsening (1.7 pp) may lie inside the 2 pp margin: the sample cannot tell.
  const auto c = compare_proportions(strong_light(), {300, 300}, {295, 300});
  EXPECT_TRUE(c.significantly_worse);
  EXPECT_NEAR(c.p_value, (300.0 * 299 * 298 * 297 * 296) / (600.0 * 599 * 598 * 597 * 596), 1e-12);
  EXPECT_EQ(c.verdict, Verdict::not_demonstrable);
  EXPECT_EQ(c.zone, Zone::conditional_pass);
}

TEST(CompareProportions, ErrorRatesCompareTheOtherWay) {
  ProportionComparisonClause far{"FAR, backlight vs normal", "JX-A.6", 0.01, 0.95, false};
  const auto c = compare_proportions(far, {0, 600}, {0, 600});
  EXPECT_EQ(c.verdict, Verdict::pass);
  const auto worse = compare_proportions(far, {0, 600}, {40, 600});
  EXPECT_EQ(worse.verdict, Verdict::fail);
  EXPECT_TRUE(worse.significantly_worse);
  EXPECT_EQ(compare_proportions(far, {0, 0}, {0, 600}).verdict, Verdict::not_tested);
}

TEST(MannWhitney, ExactNullDistributionForSmallSamples) {
  // Complete separation of 3 vs 3: 1 arrangement of C(6, 3) = 20.
  const auto r = mann_whitney_slower({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 9.0);
  EXPECT_NEAR(r.p_value, 1.0 / 20.0, 1e-15);
  EXPECT_NEAR(mann_whitney_slower({4, 5, 6}, {1, 2, 3}).p_value, 1.0, 1e-15);
  // Null counts of U for 3 vs 3, U = 0..9: 1 1 2 3 3 3 3 2 1 1 (total 20).
  EXPECT_NEAR(mann_whitney_slower({1, 2, 4}, {3, 5, 6}).p_value, 2.0 / 20.0, 1e-15);  // U = 8
  EXPECT_NEAR(mann_whitney_slower({1, 2, 5}, {3, 4, 6}).p_value, 4.0 / 20.0, 1e-15);  // U = 7
}

TEST(MannWhitney, NormalApproximationWithTies) {
  // baseline {1,1,2}, condition {2,3,3}: U = 1*... pairs: 2 beats 1,1 and ties 2 -> 2.5; each 3 beats all 3 -> 6.
  // U = 8.5; N = 6, ties t = 2, 2, 2 -> sum(t^3 - t) = 18; var = 9/12 * (7 - 18/30) = 4.8.
  const auto r = mann_whitney_slower({1, 1, 2}, {2, 3, 3});
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 8.5);
  EXPECT_NEAR(r.z, (8.5 - 4.5 - 0.5) / std::sqrt(4.8), 1e-14);
  EXPECT_NEAR(r.p_value, 0.5 * std::erfc(r.z / std::sqrt(2.0)), 1e-15);
}

std::vector<std::int64_t> latencies(std::uint64_t seed, std::int64_t shift, int n) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(600 * ms + shift + static_cast<std::int64_t>(testing::uniform01(rng()) * 400 * ms));
  return v;
}

TEST(CompareLatencies, SameDistributionIsNonInferiorAndDeterministic) {
  LatencyComparisonClause clause{"recognition time, backlight vs normal", "JX-A.6", 200 * ms, 0.95, 5, 1000};
  const auto a = compare_latencies(clause, latencies(1, 0, 120), latencies(2, 0, 120));
  EXPECT_EQ(a.verdict, Verdict::pass);
  EXPECT_LE(a.difference_bounds.upper, 200.0 * ms);
  const auto b = compare_latencies(clause, latencies(1, 0, 120), latencies(2, 0, 120));
  EXPECT_EQ(a.difference_interval, b.difference_interval);
  EXPECT_EQ(clause.statement(), "recognition time, backlight vs normal: median slowdown upper 95 % bound ≤ 200 ms");
}

TEST(CompareLatencies, AHalfSecondSlowdownFails) {
  LatencyComparisonClause clause{"recognition time, backlight vs normal", "JX-A.6", 200 * ms, 0.95, 5, 1000};
  const auto c = compare_latencies(clause, latencies(1, 0, 120), latencies(2, 500 * ms, 120));
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_TRUE(c.significantly_slower);
  EXPECT_NEAR(c.median_difference, 500.0 * ms, 80.0 * ms);
  EXPECT_EQ(compare_latencies(clause, {}, latencies(2, 0, 10)).verdict, Verdict::not_tested);
  std::ostringstream os;
  os << c;
  EXPECT_NE(os.str().find("-> FAIL"), std::string::npos) << os.str();
}

}  // namespace
}  // namespace gaterig::statistics
