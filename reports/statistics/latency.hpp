#pragma once
// Latency distributions (ns): summary quantiles with distribution-free confidence bounds,
// histogram and empirical CDF for the report's plots, and time clauses ("recognition time ≤ 3 s").
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/statistics/decision.hpp"

namespace gaterig::statistics {

// A quantile of the sample, x_(ceil(q n)) (inverse empirical CDF: always an observed value), with
// order-statistic bounds. The bounds need no assumption about the distribution's shape, only
// independent trials from one continuous distribution: P(x_(s) >= xi_q) = P(Binomial(n, q) <= s - 1).
// A bound is absent when the sample is too small to give one at the stated confidence.
struct QuantileEstimate {
  double q = 0.5;
  double confidence = 0.95;
  std::int64_t value = 0;
  std::optional<std::int64_t> lower;        // two-sided interval at `confidence`
  std::optional<std::int64_t> upper;
  std::optional<std::int64_t> lower_bound;  // one-sided bounds, each at `confidence`
  std::optional<std::int64_t> upper_bound;
  friend bool operator==(const QuantileEstimate&, const QuantileEstimate&) = default;
};
std::ostream& operator<<(std::ostream& os, const QuantileEstimate& e);

// The smallest rank s in [1, n] with P(Binomial(n, q) <= s - 1) >= level: x_(s) is an upper
// bound of the q-quantile at `level`. nullopt when even x_(n) is not enough.
std::optional<std::uint64_t> upper_bound_rank(std::uint64_t n, double q, double level);
// The largest rank r in [1, n] with P(Binomial(n, q) >= r) >= level.
std::optional<std::uint64_t> lower_bound_rank(std::uint64_t n, double q, double level);
// The fewest samples for which an upper bound of the q-quantile exists at `confidence`:
// the smallest n with q^n <= 1 - confidence (59 for p95 at 95 %).
std::uint64_t minimum_samples_for_upper_bound(double q, double confidence);

// `sorted` ascending and not empty.
QuantileEstimate quantile_estimate(const std::vector<std::int64_t>& sorted, double q, double confidence);

struct LatencySummary {
  std::uint64_t count = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
  double mean = 0.0;
  double confidence = 0.95;
  QuantileEstimate p50, p90, p95, p99;
};
std::ostream& operator<<(std::ostream& os, const LatencySummary& s);

// Any order; empty gives count 0 and zeros. Negative samples are rejected (std::invalid_argument
// naming the index): a response before its stimulus means a broken clock, not a fast device.
LatencySummary summarize_latency(std::vector<std::int64_t> samples_ns, double confidence = 0.95);

struct Histogram {
  std::vector<std::int64_t> edges;    // bins + 1 edges; bin i is [edges[i], edges[i+1]), the last one closed
  std::vector<std::uint64_t> counts;  // one per bin
};
// Equal-width bins from min to max of the samples (any order).
Histogram histogram(const std::vector<std::int64_t>& samples_ns, std::size_t bins = 20);

struct EcdfPoint {
  std::int64_t value = 0;
  double cumulative = 0.0;  // fraction of samples <= value
  friend bool operator==(const EcdfPoint&, const EcdfPoint&) = default;
};
// The steps of the empirical CDF at distinct values, thinned to at most max_points (>= 2) evenly
// in rank; the first and last steps are always kept.
std::vector<EcdfPoint> empirical_cdf(const std::vector<std::int64_t>& samples_ns, std::size_t max_points = 200);

// How a time clause is decided.
//  quantile_bound (default): the one-sided upper bound of the q-quantile at `confidence` must be
//     <= limit for PASS; FAIL when its one-sided lower bound is > limit (guarded acceptance).
//  quantile_point: the sample q-quantile <= limit (simple acceptance).
//  all_samples: every trial <= limit, no statistics (a lab's "each pass within 3 s").
enum class LatencyRule { quantile_bound, quantile_point, all_samples };
std::string to_string(LatencyRule r);  // "quantile_bound", "quantile_point", "all_samples"
LatencyRule parse_latency_rule(const std::string& s);

struct LatencyClause {
  std::string name;       // "recognition time"
  std::string clause_id;  // "JX-A.2"
  std::int64_t limit_ns = 0;
  LatencyRule rule = LatencyRule::quantile_bound;
  double q = 0.95;
  double confidence = 0.95;
  // "recognition time p95 upper 95 % bound ≤ 3 s", "recognition time p95 ≤ 3 s",
  // "recognition time of every trial ≤ 3 s"
  std::string statement() const;
  void validate() const;
};

struct LatencyVerdict {
  LatencyClause clause;
  std::uint64_t count = 0;
  std::uint64_t samples_over_limit = 0;
  std::optional<QuantileEstimate> quantile;  // the decided quantile (absent for all_samples or no samples)
  std::optional<std::int64_t> max;
  Verdict verdict = Verdict::not_tested;
  Zone zone = Zone::none;
  // For quantile_bound: the fewest samples for which the upper bound exists at all.
  std::uint64_t minimum_samples = 0;
};
std::ostream& operator<<(std::ostream& os, const LatencyVerdict& v);

// Only trials that produced a response belong in samples_ns; a trial without one is not a slow
// sample but a miss, counted against the pass-rate clause.
LatencyVerdict decide_latency(const LatencyClause& clause, std::vector<std::int64_t> samples_ns);

// "3 s", "250 ms", "1.5 ms", "40 µs", "17 ns"
std::string format_duration_ns(std::int64_t ns);

}  // namespace gaterig::statistics
