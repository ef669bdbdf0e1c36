#pragma once
// A rate clause (FAR ≤ 1 %, pass rate > 99 %, APCER ≤ T, ...) and the measurement that decides
// it: counts, point estimate, Clopper–Pearson bounds, optional subject bootstrap, the decision
// rule in words, the verdict, and how many more clean trials a PASS would still need.
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/statistics/binomial_interval.hpp"
#include "reports/statistics/decision.hpp"
#include "reports/statistics/subject_bootstrap.hpp"

namespace gaterig::statistics {

// Declared by the standard profile, beside the test (OpenHTF style): the scenario only counts.
struct RateClause {
  std::string name;        // "FAR", "pass rate", "APCER (print)"
  std::string clause_id;   // "JX-A.2"
  std::string events;      // what the numerator counts: "false accepts", "accepted passes"
  std::string trials;      // what the denominator counts: "impostor presentations"
  Relation relation = Relation::at_most;
  double threshold = 0.0;  // a fraction: 1 % is 0.01
  double confidence = 0.95;
  DecisionRule rule = DecisionRule::guarded;

  // The decision rule in words for the certificate: "FAR upper 95 % bound ≤ 1 %",
  // "pass rate lower 95 % bound > 99 %", "FAR point estimate ≤ 1 %" (simple).
  std::string statement() const;
  void validate() const;  // throws std::invalid_argument naming the clause and field
};

struct RateMeasurement {
  RateClause clause;
  std::string unit = "fraction";  // every rate, bound and threshold is a fraction of trials
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 0;
  double point_estimate = std::numeric_limits<double>::quiet_NaN();  // NaN when not tested
  Interval interval;        // two-sided Clopper–Pearson at clause.confidence (for the report)
  Interval bounds;          // one-sided Clopper–Pearson {lower, upper}, each at clause.confidence
  std::optional<BootstrapInterval> bootstrap;  // by person, when per-person tallies were given
  Interval decision_bounds; // what the verdict used: the wider of `bounds` and bootstrap.bounds
  Verdict verdict = Verdict::not_tested;
  Zone zone = Zone::none;
  // The fewest further trials, all clean (no error for ≤ clauses, all successes for ≥ clauses),
  // after which the verdict would be PASS (Clopper–Pearson only). 0 when already PASS; absent
  // when no number of trials can pass (e.g. "≤ 0 %").
  std::optional<std::uint64_t> additional_clean_trials;

  std::string decision_rule() const { return clause.statement(); }
  friend bool operator==(const RateMeasurement&, const RateMeasurement&);
};
std::ostream& operator<<(std::ostream& os, const RateMeasurement& m);

// Clopper–Pearson one-sided bounds at the clause's confidence and the clause's decision.
Decision decide_counts(const RateClause& clause, std::uint64_t numerator, std::uint64_t denominator);

// Pooled counts, independent trials assumed.
RateMeasurement measure_rate(const RateClause& clause, std::uint64_t numerator, std::uint64_t denominator);

// Per-person tallies: the counts are their sums, and a subject bootstrap (seeded) widens the
// bounds where persons differ. The verdict uses whichever bound is more pessimistic.
RateMeasurement measure_rate(const RateClause& clause, const std::vector<PersonTally>& persons,
                             std::uint64_t seed, std::uint32_t replicates = 2000);

// Further clean trials needed to PASS (see RateMeasurement::additional_clean_trials).
std::optional<std::uint64_t> additional_clean_trials(const RateClause& clause, std::uint64_t numerator,
                                                     std::uint64_t denominator);

}  // namespace gaterig::statistics
