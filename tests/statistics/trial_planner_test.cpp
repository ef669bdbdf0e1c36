#include "reports/statistics/trial_planner.hpp"

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "brute_force.hpp"

namespace gaterig::statistics {
namespace {

RateClause far_clause() {
  return {"FAR", "JX-A.2", "false accepts", "impostor presentations", Relation::at_most, 0.01, 0.95};
}

TEST(TrialPlanner, ZeroErrorsAtNinetyFivePercentNeedsExactly299) {
  // (1 - U)^n = 0.05 with U = 1 %: n = ln 0.05 / ln 0.99 = 298.07, so 299, not the rule of 3's 300.
  EXPECT_GT(1.0 - std::pow(0.05, 1.0 / 298.0), 0.01);
  EXPECT_LE(1.0 - std::pow(0.05, 1.0 / 299.0), 0.01);
  const TrialPlan p = plan_trials({far_clause()});
  EXPECT_EQ(p.trials, 299u);
  EXPECT_EQ(p.max_errors, 0u);
  EXPECT_EQ(p.persons, 299u);
  EXPECT_EQ(measure_rate(far_clause(), 0, 299).verdict, Verdict::pass);
  EXPECT_EQ(measure_rate(far_clause(), 0, 298).verdict, Verdict::not_demonstrable);
}

TEST(TrialPlanner, ToleratedErrorsMatchTheAcceptanceSamplingTable) {
  // The classic zero/one/two-failure demonstration table for 99 % at 95 % confidence:
  // 299, 473, 628, 773. Checked independently: at n, P(X <= k | p = 1 %) <= 5 %; at n - 1, above.
  const std::uint64_t table[] = {299, 473, 628, 773};
  for (std::uint64_t k = 0; k < 4; ++k) {
    const std::uint64_t n = minimum_trials(far_clause(), k);
    EXPECT_EQ(n, table[k]) << k << " errors";
    EXPECT_LE(static_cast<double>(testing::binomial_cdf_brute(k, n, 0.01L)), 0.05);
    EXPECT_GT(static_cast<double>(testing::binomial_cdf_brute(k, n - 1, 0.01L)), 0.05);
    EXPECT_EQ(max_tolerated_errors(far_clause(), n), std::optional<std::uint64_t>(k));
  }
  EXPECT_EQ(max_tolerated_errors(far_clause(), 298), std::nullopt);
}

TEST(TrialPlanner, PassRateClaimsPlanOnMisses) {
  RateClause pass{"pass rate", "JX-A.2", "accepted", "genuine", Relation::above, 0.99, 0.95};
  TrialPlanRequest r{pass};
  r.allowed_errors = 1;
  const TrialPlan p = plan_trials(r);
  EXPECT_EQ(p.trials, 473u);  // the strict ">" changes nothing: no bound lands exactly on 99 %
  EXPECT_EQ(p.max_errors, 1u);
  EXPECT_EQ(measure_rate(pass, 472, 473).verdict, Verdict::pass);
  EXPECT_NE(measure_rate(pass, 471, 472).verdict, Verdict::pass);
}

TEST(TrialPlanner, AnAssumedRatePlansForTheProbabilityOfPassing) {
  TrialPlanRequest r{far_clause()};
  r.assumed_rate = 0.002;
  r.assurance = 0.8;
  const TrialPlan p = plan_trials(r);
  ASSERT_TRUE(p.probability_of_pass);
  EXPECT_GE(*p.probability_of_pass, 0.8);
  EXPECT_NEAR(*p.probability_of_pass, static_cast<double>(testing::binomial_cdf_brute(p.max_errors, p.trials, 0.002L)), 1e-12);
  // No smaller n does it (checked by walking every n with the verdict function itself).
  for (std::uint64_t n = 299; n < p.trials; ++n) {
    const auto k = max_tolerated_errors(far_clause(), n);
    ASSERT_TRUE(k);
    EXPECT_LT(static_cast<double>(testing::binomial_cdf_brute(*k, n, 0.002L)), 0.8) << n;
  }
  // A perfect device needs only the zero-error plan.
  r.assumed_rate = 0.0;
  EXPECT_EQ(plan_trials(r).trials, 299u);
}

TEST(TrialPlanner, InflatesForCorrelatedAttemptsAndCountsPersons) {
  TrialPlanRequest r{far_clause()};
  r.attempts_per_person = 10;
  r.intra_person_correlation = 0.1;
  const TrialPlan p = plan_trials(r);
  EXPECT_DOUBLE_EQ(p.design_effect, 1.9);
  EXPECT_EQ(p.trials_with_design_effect, 569u);  // ceil(299 * 1.9 = 568.1)
  EXPECT_EQ(p.persons, 57u);
}

TEST(TrialPlanner, PrintsItself) {
  std::ostringstream os;
  os << plan_trials({far_clause()});
  EXPECT_EQ(os.str(), "299 trials, at most 0 errors, 299 persons");
}

TEST(TrialPlanner, RefusesPlansThatCannotSucceed) {
  RateClause zero = far_clause();
  zero.threshold = 0.0;
  EXPECT_THROW(plan_trials({zero}), std::invalid_argument);
  TrialPlanRequest r{far_clause()};
  r.assumed_rate = 0.01;  // on the limit: never demonstrable with assurance
  EXPECT_THROW(plan_trials(r), std::invalid_argument);
  r.assumed_rate = 0.002;
  r.assurance = 1.0;
  EXPECT_THROW(plan_trials(r), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::statistics
