#include "reports/statistics/latency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "reports/statistics/binomial_interval.hpp"
#include "reports/statistics/resampling.hpp"
#include "reports/statistics/special_functions.hpp"

namespace gaterig::statistics {

namespace {

void require_q(double q, const char* what) {
  if (!(q > 0.0 && q < 1.0)) throw std::invalid_argument(std::string(what) + ": q must be in (0, 1), got " + std::to_string(q));
}

std::string percent(double fraction) {
  std::ostringstream os;
  os.precision(6);
  os << fraction * 100.0;
  return os.str();
}

std::string quantile_name(double q) {
  std::ostringstream os;
  os.precision(6);
  os << "p" << q * 100.0;
  return os.str();
}

std::vector<std::int64_t> sorted_checked(std::vector<std::int64_t> samples) {
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (samples[i] < 0)
      throw std::invalid_argument("latency sample " + std::to_string(i) + " is negative (" + std::to_string(samples[i]) +
                                  " ns): the response precedes its stimulus");
  std::sort(samples.begin(), samples.end());
  return samples;
}

}  // namespace

std::optional<std::uint64_t> upper_bound_rank(std::uint64_t n, double q, double level) {
  require_q(q, "upper_bound_rank");
  if (n == 0) return std::nullopt;
  // P(Bin <= s - 1) grows with s; find the first s reaching `level`.
  if (binomial_cdf(n - 1, n, q) < level) return std::nullopt;
  std::uint64_t lo = 0, hi = n;  // cdf(lo - 1) < level (vacuous for lo = 0), cdf(hi - 1) >= level
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (binomial_cdf(mid - 1, n, q) >= level) hi = mid; else lo = mid;
  }
  return hi;
}

std::optional<std::uint64_t> lower_bound_rank(std::uint64_t n, double q, double level) {
  require_q(q, "lower_bound_rank");
  if (n == 0) return std::nullopt;
  // P(Bin >= r) = 1 - P(Bin <= r - 1) falls with r; find the last r keeping it >= level.
  auto ok = [&](std::uint64_t r) { return 1.0 - binomial_cdf(r - 1, n, q) >= level; };
  if (!ok(1)) return std::nullopt;
  std::uint64_t lo = 1, hi = n + 1;
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (ok(mid)) lo = mid; else hi = mid;
  }
  return lo;
}

std::uint64_t minimum_samples_for_upper_bound(double q, double confidence) {
  require_q(q, "minimum_samples_for_upper_bound");
  require_confidence(confidence, "minimum_samples_for_upper_bound");
  // q^n <= 1 - c; start from the real solution and step to the exact integer.
  auto n = static_cast<std::uint64_t>(std::max(1.0, std::floor(std::log1p(-confidence) / std::log(q))));
  while (n > 1 && std::pow(q, static_cast<double>(n - 1)) <= 1.0 - confidence) --n;
  while (std::pow(q, static_cast<double>(n)) > 1.0 - confidence) ++n;
  return n;
}

std::ostream& operator<<(std::ostream& os, const QuantileEstimate& e) {
  os << quantile_name(e.q) << "=" << format_duration_ns(e.value);
  if (e.lower && e.upper)
    os << " (" << percent(e.confidence) << " % CI " << format_duration_ns(*e.lower) << " .. " << format_duration_ns(*e.upper) << ")";
  return os;
}

QuantileEstimate quantile_estimate(const std::vector<std::int64_t>& sorted, double q, double confidence) {
  require_q(q, "quantile_estimate");
  require_confidence(confidence, "quantile_estimate");
  if (sorted.empty()) throw std::invalid_argument("quantile_estimate: no samples");
  const std::uint64_t n = sorted.size();
  QuantileEstimate e;
  e.q = q;
  e.confidence = confidence;
  e.value = sorted[quantile_rank(q, n) - 1];
  auto at = [&](std::optional<std::uint64_t> rank) -> std::optional<std::int64_t> {
    if (!rank) return std::nullopt;
    return sorted[*rank - 1];
  };
  const double alpha = 1.0 - confidence;
  e.lower = at(lower_bound_rank(n, q, 1.0 - alpha / 2.0));
  e.upper = at(upper_bound_rank(n, q, 1.0 - alpha / 2.0));
  e.lower_bound = at(lower_bound_rank(n, q, confidence));
  e.upper_bound = at(upper_bound_rank(n, q, confidence));
  return e;
}

std::ostream& operator<<(std::ostream& os, const LatencySummary& s) {
  if (s.count == 0) return os << "no samples";
  return os << s.count << " samples, min " << format_duration_ns(s.min) << ", " << s.p50 << ", " << s.p95 << ", max "
            << format_duration_ns(s.max);
}

LatencySummary summarize_latency(std::vector<std::int64_t> samples_ns, double confidence) {
  require_confidence(confidence, "summarize_latency");
  const auto sorted = sorted_checked(std::move(samples_ns));
  LatencySummary s;
  s.confidence = confidence;
  s.count = sorted.size();
  s.p50.q = 0.5; s.p90.q = 0.9; s.p95.q = 0.95; s.p99.q = 0.99;
  s.p50.confidence = s.p90.confidence = s.p95.confidence = s.p99.confidence = confidence;
  if (sorted.empty()) return s;
  s.min = sorted.front();
  s.max = sorted.back();
  long double sum = 0;
  for (auto v : sorted) sum += v;
  s.mean = static_cast<double>(sum / static_cast<long double>(sorted.size()));
  s.p50 = quantile_estimate(sorted, 0.5, confidence);
  s.p90 = quantile_estimate(sorted, 0.9, confidence);
  s.p95 = quantile_estimate(sorted, 0.95, confidence);
  s.p99 = quantile_estimate(sorted, 0.99, confidence);
  return s;
}

Histogram histogram(const std::vector<std::int64_t>& samples_ns, std::size_t bins) {
  if (bins == 0) throw std::invalid_argument("histogram: bins must be >= 1");
  Histogram h;
  if (samples_ns.empty()) return h;
  const auto [lo_it, hi_it] = std::minmax_element(samples_ns.begin(), samples_ns.end());
  const std::int64_t lo = *lo_it;
  const std::int64_t span = std::max<std::int64_t>(*hi_it - lo, 1);
  // Integer edges covering [min, max]; the width rounds up so the last edge reaches max.
  const std::int64_t width = (span + static_cast<std::int64_t>(bins) - 1) / static_cast<std::int64_t>(bins);
  for (std::size_t i = 0; i <= bins; ++i) h.edges.push_back(lo + width * static_cast<std::int64_t>(i));
  h.counts.assign(bins, 0);
  for (auto v : samples_ns) {
    auto i = static_cast<std::size_t>((v - lo) / width);
    h.counts[std::min(i, bins - 1)] += 1;
  }
  return h;
}

std::vector<EcdfPoint> empirical_cdf(const std::vector<std::int64_t>& samples_ns, std::size_t max_points) {
  if (max_points < 2) throw std::invalid_argument("empirical_cdf: max_points must be >= 2");
  auto sorted = samples_ns;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  std::vector<EcdfPoint> steps;
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (i + 1 == sorted.size() || sorted[i + 1] != sorted[i]) steps.push_back({sorted[i], static_cast<double>(i + 1) / n});
  if (steps.size() <= max_points) return steps;
  std::vector<EcdfPoint> thinned;
  for (std::size_t k = 0; k < max_points; ++k) thinned.push_back(steps[k * (steps.size() - 1) / (max_points - 1)]);
  return thinned;
}

std::string to_string(LatencyRule r) {
  switch (r) {
    case LatencyRule::quantile_bound: return "quantile_bound";
    case LatencyRule::quantile_point: return "quantile_point";
    case LatencyRule::all_samples: return "all_samples";
  }
  return "?";
}

LatencyRule parse_latency_rule(const std::string& s) {
  for (auto r : {LatencyRule::quantile_bound, LatencyRule::quantile_point, LatencyRule::all_samples})
    if (to_string(r) == s) return r;
  throw std::invalid_argument("latency rule: expected quantile_bound, quantile_point or all_samples, got \"" + s + "\"");
}

std::string LatencyClause::statement() const {
  const std::string limit = " ≤ " + format_duration_ns(limit_ns);
  switch (rule) {
    case LatencyRule::quantile_bound:
      return name + " " + quantile_name(q) + " upper " + percent(confidence) + " % bound" + limit;
    case LatencyRule::quantile_point: return name + " " + quantile_name(q) + limit;
    case LatencyRule::all_samples: return name + " of every trial" + limit;
  }
  return name;
}

void LatencyClause::validate() const {
  const std::string who = "latency clause \"" + name + "\"";
  if (name.empty()) throw std::invalid_argument("latency clause: name is empty");
  if (limit_ns <= 0) throw std::invalid_argument(who + ": limit_ns must be > 0, got " + std::to_string(limit_ns));
  if (!(q > 0.0 && q < 1.0)) throw std::invalid_argument(who + ": q must be in (0, 1), got " + std::to_string(q));
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument(who + ": confidence must be in (0, 1), got " + std::to_string(confidence));
}

std::ostream& operator<<(std::ostream& os, const LatencyVerdict& v) {
  os << v.clause.statement() << ": " << v.count << " samples, " << v.samples_over_limit << " over the limit";
  if (v.quantile) os << ", " << *v.quantile;
  return os << " -> " << v.verdict;
}

LatencyVerdict decide_latency(const LatencyClause& clause, std::vector<std::int64_t> samples_ns) {
  clause.validate();
  const auto sorted = sorted_checked(std::move(samples_ns));
  LatencyVerdict v;
  v.clause = clause;
  v.count = sorted.size();
  v.minimum_samples = clause.rule == LatencyRule::quantile_bound ? minimum_samples_for_upper_bound(clause.q, clause.confidence) : 1;
  if (sorted.empty()) return v;
  v.max = sorted.back();
  v.samples_over_limit = static_cast<std::uint64_t>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), clause.limit_ns));
  const auto limit = static_cast<double>(clause.limit_ns);
  Decision d;
  if (clause.rule == LatencyRule::all_samples) {
    const bool ok = v.samples_over_limit == 0;
    d = {ok ? Verdict::pass : Verdict::fail, ok ? Zone::pass : Zone::fail};
  } else {
    v.quantile = quantile_estimate(sorted, clause.q, clause.confidence);
    const auto& e = *v.quantile;
    constexpr double inf = std::numeric_limits<double>::infinity();
    // A missing bound is unbounded: without an upper bound no PASS, without a lower bound no FAIL.
    const double lower = e.lower_bound ? static_cast<double>(*e.lower_bound) : -inf;
    const double upper = e.upper_bound ? static_cast<double>(*e.upper_bound) : inf;
    const auto rule = clause.rule == LatencyRule::quantile_bound ? DecisionRule::guarded : DecisionRule::simple;
    d = decide(Relation::at_most, limit, rule, static_cast<double>(e.value), lower, upper);
  }
  v.verdict = d.verdict;
  v.zone = d.zone;
  return v;
}

std::string format_duration_ns(std::int64_t ns) {
  struct Unit { std::int64_t scale; const char* name; };
  static constexpr Unit units[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "µs"}, {1, "ns"}};
  const std::int64_t mag = ns < 0 ? -ns : ns;
  for (const auto& u : units) {
    if (mag >= u.scale) {
      std::ostringstream os;
      os.precision(6);
      os << static_cast<double>(ns) / static_cast<double>(u.scale) << " " << u.name;
      return os.str();
    }
  }
  return std::to_string(ns) + " ns";
}

}  // namespace gaterig::statistics
