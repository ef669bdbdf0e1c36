#include "reports/statistics/rate_measurement.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace gaterig::statistics {

namespace {

std::string percent(double fraction) {
  std::ostringstream os;
  os.precision(6);
  os << fraction * 100.0;
  return os.str();
}

bool same_double(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

std::string RateClause::statement() const {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string s = name;
  if (rule == DecisionRule::simple) {
    s.append(" point estimate");
  } else {
    s.append(limits_from_above(relation) ? " upper " : " lower ").append(percent(confidence)).append(" % bound");
  }
  return s.append(" ").append(symbol(relation)).append(" ").append(percent(threshold)).append(" %");
}

void RateClause::validate() const {
  const std::string who = "rate clause \"" + name + "\"" + (clause_id.empty() ? "" : " (" + clause_id + ")");
  if (name.empty()) throw std::invalid_argument("rate clause: name is empty");
  if (!(threshold >= 0.0 && threshold <= 1.0))
    throw std::invalid_argument(who + ": threshold must be a fraction in [0, 1], got " + std::to_string(threshold));
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument(who + ": confidence must be in (0, 1), got " + std::to_string(confidence));
}

bool operator==(const RateMeasurement& a, const RateMeasurement& b) {
  auto same_boot = [](const std::optional<BootstrapInterval>& x, const std::optional<BootstrapInterval>& y) {
    if (x.has_value() != y.has_value()) return false;
    if (!x) return true;
    return x->seed == y->seed && x->replicates == y->replicates && x->undefined_replicates == y->undefined_replicates &&
           x->persons == y->persons && x->confidence == y->confidence && x->point == y->point &&
           x->interval == y->interval && x->bounds == y->bounds;
  };
  const auto& c = a.clause;
  const auto& d = b.clause;
  return c.name == d.name && c.clause_id == d.clause_id && c.events == d.events && c.trials == d.trials &&
         c.relation == d.relation && c.threshold == d.threshold && c.confidence == d.confidence && c.rule == d.rule &&
         a.unit == b.unit && a.numerator == b.numerator && a.denominator == b.denominator &&
         same_double(a.point_estimate, b.point_estimate) && a.interval == b.interval && a.bounds == b.bounds &&
         same_boot(a.bootstrap, b.bootstrap) && a.decision_bounds == b.decision_bounds && a.verdict == b.verdict &&
         a.zone == b.zone && a.additional_clean_trials == b.additional_clean_trials;
}

std::ostream& operator<<(std::ostream& os, const RateMeasurement& m) {
  os << m.clause.name << " " << m.numerator << "/" << m.denominator;
  if (m.denominator > 0) os << " = " << percent(m.point_estimate) << " %";
  os << ", " << percent(m.clause.confidence) << " % CI [" << percent(m.interval.lower) << ", "
     << percent(m.interval.upper) << "] %; rule: " << m.decision_rule() << " -> " << m.verdict;
  if (m.verdict != Verdict::pass && m.additional_clean_trials)
    os << " (" << *m.additional_clean_trials << " more clean trials would pass)";
  return os;
}

Decision decide_counts(const RateClause& clause, std::uint64_t numerator, std::uint64_t denominator) {
  if (denominator == 0) return {};
  const Interval b = clopper_pearson(numerator, denominator, clause.confidence, Sides::upper);
  const Interval l = clopper_pearson(numerator, denominator, clause.confidence, Sides::lower);
  const double point = static_cast<double>(numerator) / static_cast<double>(denominator);
  return decide(clause.relation, clause.threshold, clause.rule, point, l.lower, b.upper);
}

std::optional<std::uint64_t> additional_clean_trials(const RateClause& clause, std::uint64_t numerator,
                                                     std::uint64_t denominator) {
  const bool errors_counted = limits_from_above(clause.relation);
  auto passes_after = [&](std::uint64_t m) {
    const std::uint64_t x = errors_counted ? numerator : numerator + m;
    return decide_counts(clause, x, denominator + m).verdict == Verdict::pass;
  };
  if (passes_after(0)) return 0;
  // The bound moves monotonically towards the limit as clean trials accumulate: double, then
  // bisect. Past 2^40 trials a clause is not demonstrable in practice (and "≤ 0" never is).
  std::uint64_t hi = 1;
  while (!passes_after(hi)) {
    if (hi >= (std::uint64_t{1} << 40)) return std::nullopt;
    hi *= 2;
  }
  std::uint64_t lo = hi / 2;  // fails (or is 0, which failed above)
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (passes_after(mid)) hi = mid; else lo = mid;
  }
  return hi;
}

RateMeasurement measure_rate(const RateClause& clause, std::uint64_t numerator, std::uint64_t denominator) {
  clause.validate();
  if (numerator > denominator)
    throw std::invalid_argument("rate \"" + clause.name + "\": numerator (" + std::to_string(numerator) +
                                ") exceeds denominator (" + std::to_string(denominator) + ")");
  RateMeasurement m;
  m.clause = clause;
  m.numerator = numerator;
  m.denominator = denominator;
  m.additional_clean_trials = additional_clean_trials(clause, numerator, denominator);
  if (denominator == 0) return m;  // NOT_TESTED, vacuous bounds
  m.point_estimate = static_cast<double>(numerator) / static_cast<double>(denominator);
  m.interval = clopper_pearson(numerator, denominator, clause.confidence, Sides::two_sided);
  m.bounds = {clopper_pearson(numerator, denominator, clause.confidence, Sides::lower).lower,
              clopper_pearson(numerator, denominator, clause.confidence, Sides::upper).upper};
  m.decision_bounds = m.bounds;
  const Decision d = decide(clause.relation, clause.threshold, clause.rule, m.point_estimate, m.bounds.lower, m.bounds.upper);
  m.verdict = d.verdict;
  m.zone = d.zone;
  return m;
}

RateMeasurement measure_rate(const RateClause& clause, const std::vector<PersonTally>& persons, std::uint64_t seed,
                             std::uint32_t replicates) {
  std::uint64_t events = 0, attempts = 0;
  for (const auto& p : persons) {
    events += p.events;
    attempts += p.attempts;
  }
  RateMeasurement m = measure_rate(clause, events, attempts);
  if (attempts == 0) return m;
  m.bootstrap = subject_bootstrap(persons, {seed, replicates, clause.confidence});
  m.decision_bounds = {std::min(m.bounds.lower, m.bootstrap->bounds.lower),
                       std::max(m.bounds.upper, m.bootstrap->bounds.upper)};
  const Decision d = decide(clause.relation, clause.threshold, clause.rule, m.point_estimate, m.decision_bounds.lower,
                            m.decision_bounds.upper);
  m.verdict = d.verdict;
  m.zone = d.zone;
  return m;
}

}  // namespace gaterig::statistics
