#include "reports/statistics/latency.hpp"

#include <cmath>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "brute_force.hpp"

namespace gaterig::statistics {
namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1'000'000'000;

std::vector<std::int64_t> one_to(std::int64_t n) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = n; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  return v;
}

LatencyClause recognition_time(LatencyRule rule = LatencyRule::quantile_bound) {
  return {"recognition time", "JX-A.2", 3 * s, rule, 0.95, 0.95};
}

TEST(QuantileBounds, P95NeedsFiftyNineSamplesForAnUpperBoundAt95) {
  // 0.95^59 = 0.0485 <= 0.05 < 0.95^58 = 0.0510
  EXPECT_EQ(minimum_samples_for_upper_bound(0.95, 0.95), 59u);
  EXPECT_EQ(upper_bound_rank(59, 0.95, 0.95), std::optional<std::uint64_t>(59));
  EXPECT_EQ(upper_bound_rank(58, 0.95, 0.95), std::nullopt);
  EXPECT_EQ(minimum_samples_for_upper_bound(0.5, 0.95), 5u);  // 0.5^5 = 0.031
  EXPECT_EQ(minimum_samples_for_upper_bound(0.99, 0.95), 299u);
}

TEST(QuantileBounds, MedianOfTenHasTheTabulatedRanks) {
  // Binomial(10, 1/2): P(<= 1) = 0.0107 <= 0.025 < P(<= 2) = 0.0547; P(<= 8) = 0.989 >= 0.975.
  EXPECT_EQ(lower_bound_rank(10, 0.5, 0.975), std::optional<std::uint64_t>(2));
  EXPECT_EQ(upper_bound_rank(10, 0.5, 0.975), std::optional<std::uint64_t>(9));
  const auto e = quantile_estimate({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.5, 0.95);
  EXPECT_EQ(e.value, 50);
  EXPECT_EQ(e.lower, std::optional<std::int64_t>(20));
  EXPECT_EQ(e.upper, std::optional<std::int64_t>(90));
}

TEST(QuantileBounds, RanksSatisfyTheirDefiningInequalitiesByBruteForce) {
  for (std::uint64_t n : {20u, 59u, 100u, 1000u})
    for (double q : {0.5, 0.9, 0.95, 0.99})
      for (double level : {0.95, 0.975}) {
        if (auto u = upper_bound_rank(n, q, level)) {
          EXPECT_GE(static_cast<double>(testing::binomial_cdf_brute(*u - 1, n, q)), level);
          if (*u > 1) { EXPECT_LT(static_cast<double>(testing::binomial_cdf_brute(*u - 2, n, q)), level); }
        } else {
          EXPECT_LT(static_cast<double>(testing::binomial_cdf_brute(n - 1, n, q)), level);
        }
        if (auto l = lower_bound_rank(n, q, level)) {
          EXPECT_GE(static_cast<double>(testing::binomial_upper_tail_brute(*l, n, q)), level);
          if (*l < n) { EXPECT_LT(static_cast<double>(testing::binomial_upper_tail_brute(*l + 1, n, q)), level); }
        }
      }
}

TEST(LatencySummary, QuantilesAreObservedValues) {
  const auto sum = summarize_latency(one_to(100));
  EXPECT_EQ(sum.count, 100u);
  EXPECT_EQ(sum.min, 1);
  EXPECT_EQ(sum.max, 100);
  EXPECT_DOUBLE_EQ(sum.mean, 50.5);
  EXPECT_EQ(sum.p50.value, 50);
  EXPECT_EQ(sum.p90.value, 90);
  EXPECT_EQ(sum.p95.value, 95);
  EXPECT_EQ(sum.p99.value, 99);
  EXPECT_FALSE(sum.p99.upper_bound);  // 100 samples cannot bound p99 at 95 %
  ASSERT_TRUE(sum.p95.upper_bound);
  EXPECT_GE(*sum.p95.upper_bound, 95);
  EXPECT_EQ(summarize_latency({}).count, 0u);
  EXPECT_THROW(summarize_latency({5, -1}), std::invalid_argument);
}

TEST(LatencySummary, UpperBoundOfP95CoversTheTrueQuantile) {
  // Exponential latencies with mean 1 s: p95 = -ln(0.05) s. 400 samples of 100 each, fixed seed.
  std::mt19937_64 rng(99);
  const double true_p95 = -std::log(0.05) * s;
  int covered = 0;
  for (int rep = 0; rep < 400; ++rep) {
    std::vector<std::int64_t> v;
    for (int i = 0; i < 100; ++i) v.push_back(static_cast<std::int64_t>(-std::log1p(-testing::uniform01(rng())) * s));
    std::sort(v.begin(), v.end());
    const auto e = quantile_estimate(v, 0.95, 0.95);
    covered += static_cast<double>(*e.upper_bound) >= true_p95 ? 1 : 0;
  }
  EXPECT_GE(covered, 0.95 * 400 - 12);  // nominal 95 %, exact method is conservative
}

TEST(LatencyVerdict, TimeClauseOnTheP95UpperBound) {
  std::vector<std::int64_t> fast(100, 800 * ms);
  const auto ok = decide_latency(recognition_time(), fast);
  EXPECT_EQ(ok.verdict, Verdict::pass);
  EXPECT_EQ(ok.minimum_samples, 59u);

  const auto few = decide_latency(recognition_time(), std::vector<std::int64_t>(30, 800 * ms));
  EXPECT_EQ(few.verdict, Verdict::not_demonstrable);  // the bound needs 59 samples
  EXPECT_EQ(few.zone, Zone::conditional_pass);

  std::vector<std::int64_t> slow(100, 4 * s);
  EXPECT_EQ(decide_latency(recognition_time(), slow).verdict, Verdict::fail);

  // 6 of 100 over the limit: p95 = x(95) is over, its lower bound x(91) is not.
  std::vector<std::int64_t> mixed(94, 1 * s);
  mixed.insert(mixed.end(), 6, 5 * s);
  const auto m = decide_latency(recognition_time(), mixed);
  EXPECT_EQ(m.samples_over_limit, 6u);
  EXPECT_EQ(m.verdict, Verdict::not_demonstrable);
  EXPECT_EQ(m.zone, Zone::conditional_fail);
  EXPECT_EQ(decide_latency(recognition_time(LatencyRule::quantile_point), mixed).verdict, Verdict::fail);

  EXPECT_EQ(decide_latency(recognition_time(), {}).verdict, Verdict::not_tested);
}

TEST(LatencyVerdict, EveryTrialRuleHasNoStatistics) {
  std::vector<std::int64_t> v(10, 1 * s);
  EXPECT_EQ(decide_latency(recognition_time(LatencyRule::all_samples), v).verdict, Verdict::pass);
  v.push_back(3 * s);  // on the limit counts as within
  EXPECT_EQ(decide_latency(recognition_time(LatencyRule::all_samples), v).verdict, Verdict::pass);
  v.push_back(3 * s + 1);
  const auto f = decide_latency(recognition_time(LatencyRule::all_samples), v);
  EXPECT_EQ(f.verdict, Verdict::fail);
  EXPECT_EQ(f.samples_over_limit, 1u);
}

TEST(LatencyClause, StatesItsRule) {
  EXPECT_EQ(recognition_time().statement(), "recognition time p95 upper 95 % bound ≤ 3 s");
  EXPECT_EQ(recognition_time(LatencyRule::quantile_point).statement(), "recognition time p95 ≤ 3 s");
  EXPECT_EQ(recognition_time(LatencyRule::all_samples).statement(), "recognition time of every trial ≤ 3 s");
  EXPECT_EQ(format_duration_ns(250 * ms), "250 ms");
  EXPECT_EQ(format_duration_ns(1'500'000), "1.5 ms");
  EXPECT_EQ(format_duration_ns(17), "17 ns");
  EXPECT_EQ(parse_latency_rule("all_samples"), LatencyRule::all_samples);
  EXPECT_THROW(parse_latency_rule("p95"), std::invalid_argument);
  LatencyClause bad = recognition_time();
  bad.limit_ns = 0;
  EXPECT_THROW(bad.validate(), std::invalid_argument);
}

TEST(Histogram, CountsEverySampleOnce) {
  const auto h = histogram(one_to(100), 10);
  ASSERT_EQ(h.edges.size(), 11u);
  ASSERT_EQ(h.counts.size(), 10u);
  EXPECT_EQ(h.edges.front(), 1);
  EXPECT_GE(h.edges.back(), 100);
  std::uint64_t total = 0;
  for (auto c : h.counts) total += c;
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(h.counts.front(), 10u);  // [1, 11)
  const auto single = histogram({7, 7, 7}, 4);
  EXPECT_EQ(single.counts[0], 3u);
  EXPECT_TRUE(histogram({}, 4).counts.empty());
}

TEST(EmpiricalCdf, StepsAtDistinctValuesThinnedToTheLimit) {
  const auto e = empirical_cdf({3, 1, 2, 2});
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0], (EcdfPoint{1, 0.25}));
  EXPECT_EQ(e[1], (EcdfPoint{2, 0.75}));
  EXPECT_EQ(e[2], (EcdfPoint{3, 1.0}));
  const auto thin = empirical_cdf(one_to(10000), 50);
  ASSERT_EQ(thin.size(), 50u);
  EXPECT_EQ(thin.front().value, 1);
  EXPECT_EQ(thin.back(), (EcdfPoint{10000, 1.0}));
  for (std::size_t i = 1; i < thin.size(); ++i) EXPECT_GT(thin[i].cumulative, thin[i - 1].cumulative);
}

TEST(LatencySummary, PrintsItself) {
  std::ostringstream os;
  os << summarize_latency(std::vector<std::int64_t>(100, 2 * s));
  EXPECT_NE(os.str().find("100 samples, min 2 s, p50=2 s"), std::string::npos) << os.str();
}

}  // namespace
}  // namespace gaterig::statistics
