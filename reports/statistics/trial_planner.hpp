#pragma once
// How many trials a rate clause needs before its verdict can be PASS at the stated confidence.
#include <cstdint>
#include <optional>
#include <ostream>

#include "reports/statistics/rate_measurement.hpp"

namespace gaterig::statistics {

struct TrialPlanRequest {
  RateClause clause;
  // Either plan for a fixed number of tolerated errors (0 gives the zero-failure plan, the exact
  // form of the "rule of 3") ...
  std::uint64_t allowed_errors = 0;
  // ... or for an assumed true rate of the device (the clause's own kind: error rate for ≤
  // clauses, success rate for ≥ clauses): then the plan is the smallest n whose probability of
  // ending in PASS is at least `assurance`.
  std::optional<double> assumed_rate;
  double assurance = 0.8;
  // Persons: attempts are correlated within a person (ISO/IEC 19795-1). With m attempts per person
  // and an intra-person correlation rho (an assumption from earlier runs), the trials are
  // inflated by the design effect 1 + (m - 1) rho (Kish).
  std::uint64_t attempts_per_person = 1;
  double intra_person_correlation = 0.0;
};

struct TrialPlan {
  std::uint64_t trials = 0;      // independent trials needed
  std::uint64_t max_errors = 0;  // the most errors (≤ clauses) or misses (≥ clauses) at `trials` that still PASS
  std::optional<double> probability_of_pass;  // at the assumed rate, P(PASS) with `trials`
  double design_effect = 1.0;
  std::uint64_t trials_with_design_effect = 0;  // ceil(trials * design_effect)
  std::uint64_t persons = 0;                    // ceil(trials_with_design_effect / attempts_per_person)
};
std::ostream& operator<<(std::ostream& os, const TrialPlan& p);

// Throws std::invalid_argument when no number of trials can PASS (a "≤ 0" clause, an assumed rate
// on the wrong side of the threshold, assurance not in (0, 1)) or the plan exceeds 2^40 trials.
TrialPlan plan_trials(const TrialPlanRequest& request);

// The fewest trials at which `errors` errors (misses for ≥ clauses) still PASS.
std::uint64_t minimum_trials(const RateClause& clause, std::uint64_t errors);

// The most errors (misses for ≥ clauses) that still PASS with n trials; nullopt if none does.
std::optional<std::uint64_t> max_tolerated_errors(const RateClause& clause, std::uint64_t n);

}  // namespace gaterig::statistics
