#include "reports/statistics/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "reports/statistics/latency.hpp"
#include "reports/statistics/resampling.hpp"
#include "reports/statistics/special_functions.hpp"

namespace gaterig::statistics {

namespace {

double log_choose(std::uint64_t n, std::uint64_t k) {
  return std::lgamma(static_cast<double>(n) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
         std::lgamma(static_cast<double>(n - k) + 1.0);
}

void require_sample(ProportionSample s, const char* which) {
  if (s.successes > s.trials)
    throw std::invalid_argument(std::string(which) + ": successes (" + std::to_string(s.successes) + ") exceed trials (" +
                                std::to_string(s.trials) + ")");
}

std::string number(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

double median_of(std::vector<double>& v) {
  const std::size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
  const double upper = v[n / 2];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return (lower + upper) / 2.0;
}

}  // namespace

double fisher_exact_one_sided(ProportionSample baseline, ProportionSample condition, bool condition_lower) {
  require_sample(baseline, "fisher baseline");
  require_sample(condition, "fisher condition");
  const std::uint64_t total = baseline.trials + condition.trials;
  const std::uint64_t events = baseline.successes + condition.successes;
  const std::uint64_t draws = condition.trials;
  if (total == 0) return 1.0;
  const std::uint64_t x_min = draws > total - events ? draws - (total - events) : 0;
  const std::uint64_t x_max = std::min(events, draws);
  const double log_norm = log_choose(total, draws);
  long double p = 0.0L;
  const std::uint64_t from = condition_lower ? x_min : condition.successes;
  const std::uint64_t to = condition_lower ? condition.successes : x_max;
  for (std::uint64_t x = from; x <= to; ++x)
    p += std::exp(static_cast<long double>(log_choose(events, x) + log_choose(total - events, draws - x) - log_norm));
  return std::min(1.0, static_cast<double>(p));
}

Interval newcombe_difference(ProportionSample baseline, ProportionSample condition, double confidence, Sides sides) {
  require_confidence(confidence, "newcombe_difference");
  require_sample(baseline, "newcombe baseline");
  require_sample(condition, "newcombe condition");
  if (baseline.trials == 0 || condition.trials == 0)
    throw std::invalid_argument("newcombe_difference: both samples need trials");
  const double p1 = static_cast<double>(baseline.successes) / static_cast<double>(baseline.trials);
  const double p2 = static_cast<double>(condition.successes) / static_cast<double>(condition.trials);
  // A one-sided bound at c uses Wilson limits at z_c; the two-sided interval uses z_{1 - alpha/2}.
  auto limits = [&](ProportionSample s) -> Interval {
    if (sides == Sides::two_sided) return wilson(s.successes, s.trials, confidence, Sides::two_sided);
    return {wilson(s.successes, s.trials, confidence, Sides::lower).lower,
            wilson(s.successes, s.trials, confidence, Sides::upper).upper};
  };
  const Interval w1 = limits(baseline), w2 = limits(condition);
  const double d = p2 - p1;
  Interval r{-1.0, 1.0};
  if (sides != Sides::upper) r.lower = d - std::sqrt((p2 - w2.lower) * (p2 - w2.lower) + (w1.upper - p1) * (w1.upper - p1));
  if (sides != Sides::lower) r.upper = d + std::sqrt((w2.upper - p2) * (w2.upper - p2) + (p1 - w1.lower) * (p1 - w1.lower));
  return r;
}

std::string ProportionComparisonClause::statement() const {
  const std::string c = number(confidence * 100.0);
  const std::string m = number(margin * 100.0);
  if (higher_is_better) return name + ": difference lower " + c + " % bound ≥ -" + m + " pp";
  return name + ": difference upper " + c + " % bound ≤ +" + m + " pp";
}

std::ostream& operator<<(std::ostream& os, const ProportionComparison& c) {
  return os << c.clause.statement() << ": " << c.condition.successes << "/" << c.condition.trials << " vs "
            << c.baseline.successes << "/" << c.baseline.trials << ", difference " << number(c.difference * 100.0)
            << " pp, CI " << c.difference_interval << ", Fisher p = " << number(c.p_value) << " -> " << c.verdict;
}

ProportionComparison compare_proportions(const ProportionComparisonClause& clause, ProportionSample baseline,
                                         ProportionSample condition) {
  require_confidence(clause.confidence, "compare_proportions");
  if (!(clause.margin >= 0.0 && clause.margin < 1.0))
    throw std::invalid_argument("comparison \"" + clause.name + "\": margin must be a fraction in [0, 1), got " +
                                std::to_string(clause.margin));
  require_sample(baseline, "comparison baseline");
  require_sample(condition, "comparison condition");
  ProportionComparison c;
  c.clause = clause;
  c.baseline = baseline;
  c.condition = condition;
  if (baseline.trials == 0 || condition.trials == 0) return c;
  c.baseline_rate = static_cast<double>(baseline.successes) / static_cast<double>(baseline.trials);
  c.condition_rate = static_cast<double>(condition.successes) / static_cast<double>(condition.trials);
  c.difference = c.condition_rate - c.baseline_rate;
  c.difference_interval = newcombe_difference(baseline, condition, clause.confidence, Sides::two_sided);
  c.difference_bounds = {newcombe_difference(baseline, condition, clause.confidence, Sides::lower).lower,
                         newcombe_difference(baseline, condition, clause.confidence, Sides::upper).upper};
  c.p_value = fisher_exact_one_sided(baseline, condition, clause.higher_is_better);
  c.significantly_worse = c.p_value < 1.0 - clause.confidence;
  const Decision d = clause.higher_is_better
                         ? decide(Relation::at_least, -clause.margin, DecisionRule::guarded, c.difference,
                                  c.difference_bounds.lower, c.difference_bounds.upper)
                         : decide(Relation::at_most, clause.margin, DecisionRule::guarded, c.difference,
                                  c.difference_bounds.lower, c.difference_bounds.upper);
  c.verdict = d.verdict;
  c.zone = d.zone;
  return c;
}

MannWhitney mann_whitney_slower(const std::vector<std::int64_t>& baseline, const std::vector<std::int64_t>& condition) {
  if (baseline.empty() || condition.empty()) throw std::invalid_argument("mann_whitney_slower: both groups need samples");
  const std::uint64_t n1 = baseline.size(), n2 = condition.size();
  // Rank-free U: count pairs through a sorted baseline (O((n1 + n2) log n1)).
  auto base = baseline;
  std::sort(base.begin(), base.end());
  double u = 0.0;
  for (auto y : condition) {
    const auto below = std::lower_bound(base.begin(), base.end(), y) - base.begin();
    const auto not_above = std::upper_bound(base.begin(), base.end(), y) - base.begin();
    u += static_cast<double>(below) + 0.5 * static_cast<double>(not_above - below);
  }
  std::vector<std::int64_t> all(base);
  all.insert(all.end(), condition.begin(), condition.end());
  std::sort(all.begin(), all.end());
  double tie_term = 0.0;  // sum over tie groups of t^3 - t
  bool ties = false;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    const double t = static_cast<double>(j - i);
    if (j - i > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }
  MannWhitney r;
  r.u = u;
  if (!ties && n1 * n2 <= 2500) {
    // Null distribution of U by counting arrangements: f(i, j, u) = f(i, j-1, u-i) + f(i-1, j, u)
    // (the largest element is either a condition sample, above all i baseline ones, or not).
    std::vector<std::vector<double>> prev(n2 + 1), cur(n2 + 1);
    for (std::uint64_t j = 0; j <= n2; ++j) prev[j] = {1.0};  // i = 0: U is 0
    for (std::uint64_t i = 1; i <= n1; ++i) {
      cur[0] = {1.0};
      for (std::uint64_t j = 1; j <= n2; ++j) {
        cur[j].assign(i * j + 1, 0.0);
        for (std::uint64_t v = 0; v < prev[j].size(); ++v) cur[j][v] += prev[j][v];
        for (std::uint64_t v = 0; v < cur[j - 1].size(); ++v) cur[j][v + i] += cur[j - 1][v];
      }
      std::swap(prev, cur);
    }
    const auto& f = prev[n2];
    double total = 0.0, tail = 0.0;
    const auto u_obs = static_cast<std::uint64_t>(std::llround(u));
    for (std::uint64_t v = 0; v < f.size(); ++v) {
      total += f[v];
      if (v >= u_obs) tail += f[v];
    }
    r.p_value = tail / total;
    r.exact = true;
    return r;
  }
  const double N = static_cast<double>(n1 + n2);
  const double mean = static_cast<double>(n1 * n2) / 2.0;
  const double var = static_cast<double>(n1 * n2) / 12.0 * ((N + 1.0) - tie_term / (N * (N - 1.0)));
  if (var <= 0.0) return r;  // every sample equal: no evidence either way
  r.z = (u - mean - 0.5) / std::sqrt(var);
  r.p_value = normal_upper_tail(r.z);
  return r;
}

std::string LatencyComparisonClause::statement() const {
  return name + ": median slowdown upper " + number(confidence * 100.0) + " % bound ≤ " + format_duration_ns(margin_ns);
}

std::ostream& operator<<(std::ostream& os, const LatencyComparison& c) {
  return os << c.clause.statement() << ": median " << format_duration_ns(std::llround(c.condition_median)) << " vs "
            << format_duration_ns(std::llround(c.baseline_median)) << ", slowdown "
            << format_duration_ns(std::llround(c.median_difference)) << " (upper bound "
            << format_duration_ns(std::llround(c.difference_bounds.upper)) << "), Mann-Whitney p = " << number(c.test.p_value)
            << " -> " << c.verdict;
}

LatencyComparison compare_latencies(const LatencyComparisonClause& clause, const std::vector<std::int64_t>& baseline_ns,
                                    const std::vector<std::int64_t>& condition_ns) {
  require_confidence(clause.confidence, "compare_latencies");
  if (clause.margin_ns < 0) throw std::invalid_argument("latency comparison \"" + clause.name + "\": margin_ns must be >= 0");
  if (clause.replicates < 10) throw std::invalid_argument("latency comparison \"" + clause.name + "\": replicates must be >= 10");
  LatencyComparison c;
  c.clause = clause;
  c.baseline_count = baseline_ns.size();
  c.condition_count = condition_ns.size();
  if (baseline_ns.empty() || condition_ns.empty()) return c;
  std::vector<double> base(baseline_ns.begin(), baseline_ns.end()), cond(condition_ns.begin(), condition_ns.end());
  c.baseline_median = median_of(base);
  c.condition_median = median_of(cond);
  c.median_difference = c.condition_median - c.baseline_median;

  Resampler draw(clause.seed);
  std::vector<double> diffs, b(base.size()), k(cond.size());
  diffs.reserve(clause.replicates);
  for (std::uint32_t r = 0; r < clause.replicates; ++r) {
    for (auto& v : b) v = base[draw.index(base.size())];
    for (auto& v : k) v = cond[draw.index(cond.size())];
    diffs.push_back(median_of(k) - median_of(b));
  }
  std::sort(diffs.begin(), diffs.end());
  const double alpha = 1.0 - clause.confidence;
  c.difference_interval = {empirical_quantile(diffs, alpha / 2.0), empirical_quantile(diffs, 1.0 - alpha / 2.0)};
  c.difference_bounds = {empirical_quantile(diffs, alpha), empirical_quantile(diffs, 1.0 - alpha)};
  c.test = mann_whitney_slower(baseline_ns, condition_ns);
  c.significantly_slower = c.test.p_value < alpha;
  const Decision d = decide(Relation::at_most, static_cast<double>(clause.margin_ns), DecisionRule::guarded,
                            c.median_difference, c.difference_bounds.lower, c.difference_bounds.upper);
  c.verdict = d.verdict;
  c.zone = d.zone;
  return c;
}

}  // namespace gaterig::statistics
