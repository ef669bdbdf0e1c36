#include "reports/statistics/trial_planner.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reports/statistics/special_functions.hpp"

namespace gaterig::statistics {

namespace {

constexpr std::uint64_t max_plan = std::uint64_t{1} << 40;

// The clause's numerator when `errors` of n trials went wrong.
bool passes(const RateClause& clause, std::uint64_t errors, std::uint64_t n) {
  const std::uint64_t numerator = limits_from_above(clause.relation) ? errors : n - errors;
  return decide_counts(clause, numerator, n).verdict == Verdict::pass;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const TrialPlan& p) {
  os << p.trials << " trials, at most " << p.max_errors << " errors";
  if (p.probability_of_pass) os << ", P(PASS) = " << *p.probability_of_pass;
  if (p.design_effect != 1.0) os << ", design effect " << p.design_effect << " -> " << p.trials_with_design_effect;
  return os << ", " << p.persons << " persons";
}

namespace {

// The fewest trials >= `from` at which `errors` errors PASS. More trials with the same errors
// only move the bounds towards the limit, so the search doubles and then bisects.
std::uint64_t minimum_trials_from(const RateClause& clause, std::uint64_t errors, std::uint64_t from) {
  const std::uint64_t first = std::max({errors, from, std::uint64_t{1}});
  if (passes(clause, errors, first)) return first;
  std::uint64_t lo = first, hi = first;
  do {
    if (hi >= max_plan)
      throw std::invalid_argument("plan for \"" + clause.statement() + "\": no PASS within 2^40 trials with " +
                                  std::to_string(errors) + " errors");
    lo = hi;
    hi *= 2;
  } while (!passes(clause, errors, hi));
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (passes(clause, errors, mid)) hi = mid; else lo = mid;
  }
  return hi;
}

}  // namespace

std::uint64_t minimum_trials(const RateClause& clause, std::uint64_t errors) {
  clause.validate();
  return minimum_trials_from(clause, errors, 1);
}

std::optional<std::uint64_t> max_tolerated_errors(const RateClause& clause, std::uint64_t n) {
  clause.validate();
  if (n == 0 || !passes(clause, 0, n)) return std::nullopt;
  std::uint64_t lo = 0, hi = n + 1;  // passes(lo), and hi is beyond any count
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (passes(clause, mid, n)) lo = mid; else hi = mid;
  }
  return lo;
}

TrialPlan plan_trials(const TrialPlanRequest& request) {
  const RateClause& clause = request.clause;
  clause.validate();
  const std::string who = "plan for \"" + clause.statement() + "\"";
  if (request.attempts_per_person == 0) throw std::invalid_argument(who + ": attempts_per_person must be >= 1");
  if (!(request.intra_person_correlation >= 0.0 && request.intra_person_correlation <= 1.0))
    throw std::invalid_argument(who + ": intra_person_correlation must be in [0, 1]");

  TrialPlan plan;
  if (!request.assumed_rate) {
    plan.trials = minimum_trials(clause, request.allowed_errors);
  } else {
    const double assumed = *request.assumed_rate;
    if (!(request.assurance > 0.0 && request.assurance < 1.0))
      throw std::invalid_argument(who + ": assurance must be in (0, 1), got " + std::to_string(request.assurance));
    if (!(assumed >= 0.0 && assumed <= 1.0) || !satisfies(clause.relation, assumed, clause.threshold) ||
        assumed == clause.threshold)
      throw std::invalid_argument(who + ": the assumed rate " + std::to_string(assumed) +
                                  " must lie strictly inside the limit, or no number of trials demonstrates it");
    const double error_rate = limits_from_above(clause.relation) ? assumed : 1.0 - assumed;
    // With k errors tolerated, PASS needs n >= n_k, and P(errors <= k) falls as n grows past n_k
    // until n_{k+1} lets one more error through. So the smallest n with enough assurance is the
    // first n_k (in k) that has it.
    std::uint64_t n = 1;
    for (std::uint64_t k = 0;; ++k) {
      n = minimum_trials_from(clause, k, n);
      const double p = binomial_cdf(k, n, error_rate);
      if (p >= request.assurance) {
        plan.trials = n;
        plan.probability_of_pass = p;
        break;
      }
      if (n >= max_plan) throw std::invalid_argument(who + ": more than 2^40 trials needed at the assumed rate");
    }
  }
  plan.max_errors = max_tolerated_errors(clause, plan.trials).value_or(0);
  plan.design_effect =
      1.0 + (static_cast<double>(request.attempts_per_person) - 1.0) * request.intra_person_correlation;
  plan.trials_with_design_effect =
      static_cast<std::uint64_t>(std::ceil(static_cast<double>(plan.trials) * plan.design_effect - 1e-9));
  plan.persons = (plan.trials_with_design_effect + request.attempts_per_person - 1) / request.attempts_per_person;
  return plan;
}

}  // namespace gaterig::statistics
