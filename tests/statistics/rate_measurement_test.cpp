#include "reports/statistics/rate_measurement.hpp"

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

namespace gaterig::statistics {
namespace {

RateClause far_clause(DecisionRule rule = DecisionRule::guarded) {
  return {"FAR", "JX-A.2", "false accepts", "impostor presentations", Relation::at_most, 0.01, 0.95, rule};
}

RateClause pass_rate_clause(DecisionRule rule = DecisionRule::guarded) {
  return {"pass rate", "JX-A.2", "accepted passes", "genuine presentations", Relation::above, 0.99, 0.95, rule};
}

TEST(RateClause, StatesItsDecisionRuleInWords) {
  EXPECT_EQ(far_clause().statement(), "FAR upper 95 % bound ≤ 1 %");
  EXPECT_EQ(pass_rate_clause().statement(), "pass rate lower 95 % bound > 99 %");
  EXPECT_EQ(far_clause(DecisionRule::simple).statement(), "FAR point estimate ≤ 1 %");
  RateClause bad = far_clause();
  bad.threshold = 1.5;
  EXPECT_THROW(bad.validate(), std::invalid_argument);
}

TEST(RateMeasurement, NoTrialsIsNotTestedAndNamesThePlan) {
  const auto m = measure_rate(far_clause(), 0, 0);
  EXPECT_EQ(m.verdict, Verdict::not_tested);
  EXPECT_TRUE(std::isnan(m.point_estimate));
  EXPECT_EQ(m.interval, (Interval{0.0, 1.0}));
  ASSERT_TRUE(m.additional_clean_trials);
  EXPECT_EQ(*m.additional_clean_trials, 299u);
}

TEST(RateMeasurement, ZeroFalseAcceptsInThreeHundredPasses) {
  const auto m = measure_rate(far_clause(), 0, 300);
  EXPECT_EQ(m.verdict, Verdict::pass);
  EXPECT_EQ(m.zone, Zone::pass);
  EXPECT_NEAR(m.bounds.upper, 0.009936, 5e-7);
  EXPECT_EQ(m.additional_clean_trials, std::optional<std::uint64_t>(0));
}

TEST(RateMeasurement, ZeroFalseAcceptsInHundredCannotBeClaimed) {
  const auto m = measure_rate(far_clause(), 0, 100);
  EXPECT_EQ(m.verdict, Verdict::not_demonstrable);
  EXPECT_EQ(m.zone, Zone::conditional_pass);
  EXPECT_NEAR(m.bounds.upper, 0.0295, 5e-5);
  EXPECT_EQ(m.additional_clean_trials, std::optional<std::uint64_t>(199));  // 100 + 199 = 299
}

TEST(RateMeasurement, ExactlyAtTheThresholdIsDecidedByTheRule) {
  // 3/300 = 1 % exactly: the point is at the limit, the bound is far above it.
  EXPECT_EQ(measure_rate(far_clause(), 3, 300).verdict, Verdict::not_demonstrable);
  EXPECT_EQ(measure_rate(far_clause(DecisionRule::simple), 3, 300).verdict, Verdict::pass);   // 1 % ≤ 1 %
  RateClause strict = far_clause(DecisionRule::simple);
  strict.relation = Relation::below;
  EXPECT_EQ(measure_rate(strict, 3, 300).verdict, Verdict::fail);                             // 1 % < 1 % is false
  // The guarded bound exactly at the limit: ≤ passes, < does not.
  RateClause at = far_clause();
  at.threshold = measure_rate(far_clause(), 0, 300).bounds.upper;
  EXPECT_EQ(measure_rate(at, 0, 300).verdict, Verdict::pass);
  at.relation = Relation::below;
  EXPECT_EQ(measure_rate(at, 0, 300).verdict, Verdict::not_demonstrable);
  // Pass rate: 297/300 = 99 % is not > 99 % but is ≥ 99 %.
  EXPECT_EQ(measure_rate(pass_rate_clause(DecisionRule::simple), 297, 300).verdict, Verdict::fail);
  RateClause at_least = pass_rate_clause(DecisionRule::simple);
  at_least.relation = Relation::at_least;
  EXPECT_EQ(measure_rate(at_least, 297, 300).verdict, Verdict::pass);
}

TEST(RateMeasurement, ClearlyTooManyErrorsFail) {
  const auto m = measure_rate(far_clause(), 10, 300);  // 3.3 %, lower bound ~1.8 %
  EXPECT_GT(m.bounds.lower, 0.01);
  EXPECT_EQ(m.verdict, Verdict::fail);
  EXPECT_EQ(m.zone, Zone::fail);
  ASSERT_TRUE(m.additional_clean_trials);
  // Consistency: that many further clean trials pass, one fewer does not.
  const auto k = *m.additional_clean_trials;
  EXPECT_EQ(measure_rate(far_clause(), 10, 300 + k).verdict, Verdict::pass);
  EXPECT_NE(measure_rate(far_clause(), 10, 300 + k - 1).verdict, Verdict::pass);
}

TEST(RateMeasurement, PointAboveTheLimitButUnprovenIsAConditionalFail) {
  const auto guarded = measure_rate(far_clause(), 5, 300);  // 1.67 %
  EXPECT_LT(guarded.bounds.lower, 0.01);
  EXPECT_EQ(guarded.verdict, Verdict::not_demonstrable);
  EXPECT_EQ(guarded.zone, Zone::conditional_fail);
  EXPECT_EQ(measure_rate(far_clause(DecisionRule::simple), 5, 300).verdict, Verdict::fail);
}

TEST(RateMeasurement, PassRateClausesUseTheLowerBound) {
  const auto all = measure_rate(pass_rate_clause(), 300, 300);
  EXPECT_NEAR(all.bounds.lower, std::pow(0.05, 1.0 / 300.0), 1e-15);
  EXPECT_EQ(all.verdict, Verdict::pass);
  const auto one_miss = measure_rate(pass_rate_clause(), 299, 300);
  EXPECT_EQ(one_miss.verdict, Verdict::not_demonstrable);
  ASSERT_TRUE(one_miss.additional_clean_trials);
  const auto k = *one_miss.additional_clean_trials;
  EXPECT_EQ(measure_rate(pass_rate_clause(), 299 + k, 300 + k).verdict, Verdict::pass);
  EXPECT_NE(measure_rate(pass_rate_clause(), 299 + k - 1, 300 + k - 1).verdict, Verdict::pass);
  // recognition rate ≥ 85 %: 95/100 has a lower bound ~89.8 %.
  RateClause recognition{"recognition rate", "JX-A.3", "recognized", "first attempts", Relation::at_least, 0.85};
  EXPECT_EQ(measure_rate(recognition, 95, 100).verdict, Verdict::pass);
  EXPECT_EQ(measure_rate(recognition, 70, 100).verdict, Verdict::fail);
}

TEST(RateMeasurement, ImpossibleClaimsHaveNoTrialCount) {
  RateClause zero = far_clause();
  zero.threshold = 0.0;  // "≤ 0 %": no sample ever shows it
  const auto m = measure_rate(zero, 0, 1000);
  EXPECT_EQ(m.verdict, Verdict::not_demonstrable);
  EXPECT_FALSE(m.additional_clean_trials);
}

TEST(RateMeasurement, PersonTalliesWidenTheBoundWhenErrorsCluster) {
  // 30 persons x 10 attempts; all 3 false accepts come from one look-alike.
  std::vector<PersonTally> persons;
  for (int i = 0; i < 30; ++i) persons.push_back({std::string("P").append(std::to_string(i)), i == 7 ? 3u : 0u, 10});
  RateClause clause = far_clause();
  clause.threshold = 0.05;
  const auto m = measure_rate(clause, persons, 42);
  ASSERT_TRUE(m.bootstrap);
  EXPECT_EQ(m.numerator, 3u);
  EXPECT_EQ(m.denominator, 300u);
  EXPECT_EQ(m.bootstrap->seed, 42u);
  EXPECT_EQ(m.decision_bounds.upper, std::max(m.bounds.upper, m.bootstrap->bounds.upper));
  EXPECT_EQ(m.decision_bounds.lower, std::min(m.bounds.lower, m.bootstrap->bounds.lower));
  EXPECT_EQ(m.verdict, m.decision_bounds.upper <= 0.05 ? Verdict::pass : Verdict::not_demonstrable);
  // Same seed, same measurement.
  EXPECT_EQ(measure_rate(clause, persons, 42), m);
}

TEST(RateMeasurement, PrintsAReadableLine) {
  std::ostringstream os;
  os << measure_rate(far_clause(), 0, 100);
  EXPECT_NE(os.str().find("FAR 0/100"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("NOT_DEMONSTRABLE (199 more clean trials would pass)"), std::string::npos) << os.str();
}

TEST(RateMeasurement, RejectsCountsThatCannotBe) {
  EXPECT_THROW(measure_rate(far_clause(), 5, 4), std::invalid_argument);
}

TEST(Decision, ParsesWhatItPrints) {
  for (auto v : {Verdict::pass, Verdict::fail, Verdict::not_demonstrable, Verdict::not_tested})
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  for (auto r : {Relation::at_most, Relation::below, Relation::at_least, Relation::above}) {
    EXPECT_EQ(parse_relation(to_string(r)), r);
    EXPECT_EQ(parse_relation(symbol(r)), r);
  }
  EXPECT_THROW(parse_decision_rule("lenient"), std::invalid_argument);
  EXPECT_THROW(parse_verdict("ERROR"), std::invalid_argument);
}

TEST(Decision, TheWorstAttackSpeciesDecidesTheClause) {
  RateClause apcer{"APCER", "JX-A.9", "attacks accepted", "attack presentations", Relation::at_most, 0.01};
  const auto print = measure_rate(apcer, 0, 300), screen = measure_rate(apcer, 0, 300), video = measure_rate(apcer, 0, 120);
  EXPECT_EQ(worst_of({print.verdict, screen.verdict}), Verdict::pass);
  EXPECT_EQ(worst_of({print.verdict, screen.verdict, video.verdict}), Verdict::not_demonstrable);
  EXPECT_EQ(worst_of({print.verdict, measure_rate(apcer, 12, 300).verdict, video.verdict}), Verdict::fail);
  EXPECT_EQ(worst_of({print.verdict, Verdict::not_tested}), Verdict::not_demonstrable);
  EXPECT_EQ(worst_of({Verdict::not_tested}), Verdict::not_tested);
  EXPECT_EQ(worst_of({}), Verdict::not_tested);
}

}  // namespace
}  // namespace gaterig::statistics
