#pragma once
// Comparing a condition against a baseline: JX-A.6 ("speed and pass rate unaffected by strong
// light and backlight": each light condition against normal light) and the bureau's audit of a
// field device against its certified baseline. Each comparison is a non-inferiority claim with a
// stated margin, decided on a confidence bound (guarded acceptance), plus a one-sided
// significance test that says whether the condition is worse at all.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/statistics/binomial_interval.hpp"
#include "reports/statistics/decision.hpp"

namespace gaterig::statistics {

struct ProportionSample {
  std::uint64_t successes = 0;  // events counted by the rate (passes, or false accepts)
  std::uint64_t trials = 0;
};

// Fisher's exact test, one-sided: the probability, given both margins of the 2x2 table, of a
// condition count as extreme as the one observed or more, towards "condition lower" (lower = true)
// or "condition higher" (lower = false). Hypergeometric sums in log space.
double fisher_exact_one_sided(ProportionSample baseline, ProportionSample condition, bool condition_lower);

// Newcombe (1998) method 10, the hybrid score interval for condition rate - baseline rate, built
// from the two Wilson intervals. two_sided, or one-sided (upper: [-1, U]; lower: [L, 1]).
Interval newcombe_difference(ProportionSample baseline, ProportionSample condition, double confidence,
                             Sides sides = Sides::two_sided);

struct ProportionComparisonClause {
  std::string name;       // "pass rate, strong light vs normal"
  std::string clause_id;  // "JX-A.6"
  double margin = 0.02;   // the largest tolerated worsening, a fraction (2 percentage points)
  double confidence = 0.95;
  bool higher_is_better = true;  // pass rate: true; FAR: false
  // "pass rate, strong light vs normal: difference lower 95 % bound ≥ -2 pp"
  std::string statement() const;
};

struct ProportionComparison {
  ProportionComparisonClause clause;
  ProportionSample baseline, condition;
  double baseline_rate = 0.0, condition_rate = 0.0;
  double difference = 0.0;          // condition - baseline
  Interval difference_interval;     // two-sided Newcombe at confidence (bounds in [-1, 1])
  Interval difference_bounds;       // one-sided Newcombe {lower, upper}, each at confidence
  double p_value = 1.0;             // Fisher one-sided, towards "condition worse"
  bool significantly_worse = false; // p_value < 1 - confidence
  Verdict verdict = Verdict::not_tested;
  Zone zone = Zone::none;
};
std::ostream& operator<<(std::ostream& os, const ProportionComparison& c);

// PASS: the pessimistic bound of the difference is within the margin (non-inferiority shown).
// FAIL: the optimistic bound is beyond the margin (worse by more than the margin, shown).
// NOT_DEMONSTRABLE otherwise; NOT_TESTED when either sample has no trials. A significant but
// small worsening inside the margin still passes: that is what the margin is for.
ProportionComparison compare_proportions(const ProportionComparisonClause& clause, ProportionSample baseline,
                                         ProportionSample condition);

// Mann–Whitney U for "condition slower than baseline" (one-sided). u counts pairs where the
// condition sample is larger (ties count 1/2). Exact null distribution when there are no ties
// and n1 * n2 <= 2500; otherwise the normal approximation with tie and continuity corrections.
struct MannWhitney {
  double u = 0.0;
  double z = 0.0;  // 0 when exact
  double p_value = 1.0;
  bool exact = false;
};
MannWhitney mann_whitney_slower(const std::vector<std::int64_t>& baseline_ns, const std::vector<std::int64_t>& condition_ns);

struct LatencyComparisonClause {
  std::string name;        // "recognition time, backlight vs normal"
  std::string clause_id;   // "JX-A.6"
  std::int64_t margin_ns = 200'000'000;  // the largest tolerated slowdown of the median
  double confidence = 0.95;
  std::uint64_t seed = 1;
  std::uint32_t replicates = 2000;
  std::string statement() const;  // "...: median slowdown upper 95 % bound ≤ 200 ms"
};

struct LatencyComparison {
  LatencyComparisonClause clause;
  std::uint64_t baseline_count = 0, condition_count = 0;
  double baseline_median = 0.0, condition_median = 0.0;  // ns (the mean of the middle two for even counts)
  double median_difference = 0.0;                        // condition - baseline, ns
  Interval difference_interval;  // two-sided percentile bootstrap at confidence, ns
  Interval difference_bounds;    // one-sided {lower, upper}, ns
  MannWhitney test;
  bool significantly_slower = false;  // test.p_value < 1 - confidence
  Verdict verdict = Verdict::not_tested;
  Zone zone = Zone::none;
};
std::ostream& operator<<(std::ostream& os, const LatencyComparison& c);

// Bootstrap of the median difference: each replicate resamples both groups with replacement
// (trials, not persons), seeded from clause.seed. PASS iff the upper bound <= margin; FAIL iff
// the lower bound > margin; NOT_TESTED when a group is empty.
LatencyComparison compare_latencies(const LatencyComparisonClause& clause, const std::vector<std::int64_t>& baseline_ns,
                                    const std::vector<std::int64_t>& condition_ns);

}  // namespace gaterig::statistics
