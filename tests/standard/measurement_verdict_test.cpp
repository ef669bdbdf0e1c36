// Measurement verdicts from crafted recordings, against the shipped profile's declarations.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "rigs/standard/clause_result.hpp"
#include "rigs/standard/measurement.hpp"

namespace gaterig::standard {
namespace {

// "P007" (snprintf: GCC 12 warns falsely (-Wrestrict) about "P" + std::to_string(p)).
std::string person_label(int p) {
  char id[16];
  std::snprintf(id, sizeof id, "P%03d", p);
  return id;
}

const Standard& jiangxi() {
  static const Standard s = Standard::load(std::filesystem::path(GATERIG_SOURCE_DIR) / kDefaultStandardPath);
  return s;
}
const MeasurementSpec& spec(const std::string& clause, const std::string& name, const std::string& condition = "") {
  const auto* m = jiangxi().at(clause).find(name, condition);
  if (!m) throw std::runtime_error("no " + name + " in " + clause);
  return *m;
}

Measurement rate(const std::string& name, std::uint64_t events, std::uint64_t trials, const std::string& condition = "") {
  Measurement m;
  m.name = name;
  m.condition = condition;
  m.events = events;
  m.trials = trials;
  return m;
}

// Latencies (ns) from a seeded distribution: no flakiness, no clock.
std::vector<std::int64_t> latencies(std::size_t n, double median_ms, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> d(std::log(median_ms), 0.25);
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::int64_t>(d(g) * 1e6));
  return out;
}

TEST(RateVerdict, ZeroFalseAcceptsIn299TrialsPassesFarAtOnePercent) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 0, 299));
  EXPECT_EQ(r.verdict, MeasurementVerdict::pass);
  ASSERT_TRUE(r.value && r.interval);
  EXPECT_DOUBLE_EQ(*r.value, 0.0);
  EXPECT_NEAR(r.interval->high, 0.009969, 1e-5);
  EXPECT_EQ(r.interval->method, "clopper-pearson");
  EXPECT_EQ(r.interval->sides, "one-sided");
  EXPECT_EQ(r.trials, 299u);
  EXPECT_EQ(r.errors, 0u);
  EXPECT_EQ(r.unit, "ratio");
  EXPECT_TRUE(r.deviations.empty());
  EXPECT_EQ(r.statistics["schema"], "gaterig.statistics.rate/1");
}

TEST(RateVerdict, OneFalseAcceptIn299IsNotDemonstrableAndSaysHowManyMoreTrials) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 1, 299));
  EXPECT_EQ(r.verdict, MeasurementVerdict::not_demonstrable);
  EXPECT_EQ(r.zone, "conditional_pass");
  EXPECT_EQ(r.additional_clean_trials, 174u);
  EXPECT_NE(r.reason.find("conformity not demonstrated"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("174 further clean trials"), std::string::npos) << r.reason;
}

TEST(RateVerdict, FiveIn300IsOutsideOnTheEstimateButNotShownAtTheBound) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 5, 300));
  EXPECT_EQ(r.verdict, MeasurementVerdict::not_demonstrable);
  EXPECT_EQ(r.zone, "conditional_fail");
  EXPECT_EQ(r.errors, 5u);
  EXPECT_EQ(r.deviations.size(), 0u) << "300 >= the 299 planned";
}

TEST(RateVerdict, TenIn300ShowsNonConformity) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 10, 300));
  EXPECT_EQ(r.verdict, MeasurementVerdict::fail);
  EXPECT_NE(r.reason.find("non-conformity shown"), std::string::npos) << r.reason;
}

TEST(RateVerdict, PassRateCountsMissesAsErrorsAndUsesTheLowerBound) {
  const auto ok = evaluate(spec("JX-A.2", "pass_rate"), rate("pass_rate", 299, 299));
  EXPECT_EQ(ok.verdict, MeasurementVerdict::pass);
  EXPECT_EQ(ok.errors, 0u);
  const auto short_run = evaluate(spec("JX-A.2", "pass_rate"), rate("pass_rate", 100, 100));
  EXPECT_EQ(short_run.verdict, MeasurementVerdict::not_demonstrable);
  ASSERT_EQ(short_run.deviations.size(), 1u);
  EXPECT_EQ(short_run.deviations[0], "rests on 100 of 299 planned trials");
  const auto bad = evaluate(spec("JX-A.2", "pass_rate"), rate("pass_rate", 280, 300));
  EXPECT_EQ(bad.verdict, MeasurementVerdict::fail);
  EXPECT_EQ(bad.errors, 20u);
}

TEST(RateVerdict, PerPersonTalliesAddTheSubjectBootstrap) {
  Measurement m = rate("pass_rate", 0, 0);
  for (int p = 0; p < 100; ++p) m.persons.push_back({person_label(p), 3, 3});
  m.seed = 7;
  const auto r = evaluate(spec("JX-A.2", "pass_rate"), m);
  EXPECT_EQ(r.trials, 300u);
  EXPECT_EQ(r.subjects, 100u);
  ASSERT_TRUE(r.bootstrap);
  EXPECT_EQ(r.bootstrap->method, "subject-bootstrap-percentile");
  EXPECT_EQ(r.verdict, MeasurementVerdict::pass);
}

TEST(RateVerdict, ContradictoryCountsAreRejected) {
  EXPECT_THROW(evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 5, 3)), std::invalid_argument);
}

TEST(RateVerdict, NothingRecordedIsNotTested) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), nullptr);
  EXPECT_EQ(r.verdict, MeasurementVerdict::not_tested);
  EXPECT_FALSE(r.value);
  EXPECT_EQ(r.reason, "not recorded by any scenario");
  const auto zero = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 0, 0));
  EXPECT_EQ(zero.verdict, MeasurementVerdict::not_tested);
}

TEST(RateVerdict, AQuickRunDecidesOnThePointEstimateAndSaysSo) {
  const auto r = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 0, 30), {.quick = true});
  EXPECT_EQ(r.verdict, MeasurementVerdict::pass);
  EXPECT_EQ(r.planned_trials, 30u);
  ASSERT_EQ(r.deviations.size(), 1u);
  EXPECT_NE(r.deviations[0].find("quick run: 30 of 299 planned trials"), std::string::npos) << r.deviations[0];
  EXPECT_NE(r.decision_rule.find("simple acceptance"), std::string::npos);
  const auto full = evaluate(spec("JX-A.2", "false_accept_rate"), rate("false_accept_rate", 0, 30));
  EXPECT_EQ(full.verdict, MeasurementVerdict::not_demonstrable) << "the same 30 trials prove nothing under the guarded rule";
}

TEST(LatencyVerdict, P95UpperBoundUnderThreeSecondsPasses) {
  Measurement m;
  m.name = "recognition_time";
  m.samples_ns = latencies(299, 800, 1);
  const auto r = evaluate(spec("JX-A.2", "recognition_time"), m);
  EXPECT_EQ(r.verdict, MeasurementVerdict::pass);
  EXPECT_EQ(r.unit, "ms");
  EXPECT_EQ(r.samples_ms.size(), 299u);
  ASSERT_TRUE(r.interval && r.value);
  EXPECT_EQ(r.interval->method, "order-statistic");
  EXPECT_LE(r.interval->high, 3000.0);
  EXPECT_GE(r.interval->high, *r.value);
  EXPECT_EQ(r.statistics["verdict"]["schema"], "gaterig.statistics.latency_verdict/1");
}

TEST(LatencyVerdict, SlowTerminalFailsAndTooFewSamplesAreNotDemonstrable) {
  Measurement slow;
  slow.name = "recognition_time";
  slow.samples_ns = latencies(299, 3500, 2);
  EXPECT_EQ(evaluate(spec("JX-A.2", "recognition_time"), slow).verdict, MeasurementVerdict::fail);

  Measurement few;
  few.name = "recognition_time";
  few.samples_ns = latencies(30, 500, 3);
  const auto r = evaluate(spec("JX-A.2", "recognition_time"), few);
  EXPECT_EQ(r.verdict, MeasurementVerdict::not_demonstrable);
  EXPECT_NE(r.reason.find("at least 59"), std::string::npos) << r.reason;
  EXPECT_EQ(evaluate(spec("JX-A.2", "recognition_time"), few, {.quick = true}).verdict, MeasurementVerdict::pass);
}

TEST(ComparisonVerdict, StrongLightAsGoodAsNormalPassesNonInferiority) {
  Measurement m = rate("pass_rate_vs_normal", 299, 299, "strong");
  m.baseline_events = 299;
  m.baseline_trials = 299;
  const auto r = evaluate(spec("JX-A.6", "pass_rate_vs_normal", "strong"), m);
  EXPECT_EQ(r.verdict, MeasurementVerdict::pass);
  ASSERT_TRUE(r.baseline && r.interval);
  EXPECT_EQ(r.baseline->condition, "normal");
  EXPECT_EQ(r.interval->method, "newcombe-hybrid-score");
  EXPECT_GE(r.interval->low, -0.02);
  EXPECT_NE(r.reason.find("Fisher"), std::string::npos);
}

TEST(ComparisonVerdict, BacklightLosingTenPointsFails) {
  Measurement m = rate("pass_rate_vs_normal", 269, 299, "back");
  m.baseline_events = 299;
  m.baseline_trials = 299;
  const auto r = evaluate(spec("JX-A.6", "pass_rate_vs_normal", "back"), m);
  EXPECT_EQ(r.verdict, MeasurementVerdict::fail);
  EXPECT_EQ(r.errors, 30u);
  EXPECT_NEAR(*r.value, -30.0 / 299.0, 1e-12);
}

TEST(ComparisonVerdict, ASmallSignificantLossInsideTheMarginIsNotDemonstrable) {
  Measurement m = rate("pass_rate_vs_normal", 296, 299, "strong");
  m.baseline_events = 299;
  m.baseline_trials = 299;
  EXPECT_EQ(evaluate(spec("JX-A.6", "pass_rate_vs_normal", "strong"), m).verdict, MeasurementVerdict::not_demonstrable);
}

TEST(ComparisonVerdict, MedianSlowdownAgainstNormalLight) {
  Measurement same;
  same.name = "recognition_time_vs_normal";
  same.condition = "back";
  same.baseline_samples_ns = latencies(299, 800, 11);
  same.samples_ns = latencies(299, 820, 12);
  const auto ok = evaluate(spec("JX-A.6", "recognition_time_vs_normal", "back"), same);
  EXPECT_EQ(ok.verdict, MeasurementVerdict::pass) << ok.reason;
  EXPECT_EQ(ok.baseline->samples_ms.size(), 299u);
  EXPECT_NE(ok.reason.find("Mann–Whitney"), std::string::npos);

  Measurement slow = same;
  slow.samples_ns = latencies(299, 1400, 13);
  EXPECT_EQ(evaluate(spec("JX-A.6", "recognition_time_vs_normal", "back"), slow).verdict, MeasurementVerdict::fail);
}

TEST(CountVerdict, BackfillReconciliationNeedsExactZeros) {
  Measurement lost = rate("backfill_lost", 0, 300);
  EXPECT_EQ(evaluate(spec("JX-A.1", "backfill_lost"), lost).verdict, MeasurementVerdict::pass);
  lost.events = 1;
  const auto r = evaluate(spec("JX-A.1", "backfill_lost"), lost);
  EXPECT_EQ(r.verdict, MeasurementVerdict::fail);
  EXPECT_EQ(r.errors, 1u);
  EXPECT_EQ(r.interval, std::nullopt);
  EXPECT_EQ(evaluate(spec("JX-A.1", "backfill_time_shifted"), rate("backfill_time_shifted", 0, 0)).verdict,
            MeasurementVerdict::not_tested)
      << "zero passes reconciled prove nothing";
}

TEST(CountVerdict, CapacityShortOfTheFigureBecauseTheRigAskedForLessIsNotDemonstrable) {
  const auto& cap = spec("JX-A.1", "enrolled_capacity");
  EXPECT_EQ(evaluate(cap, rate("enrolled_capacity", 10050, 10100)).verdict, MeasurementVerdict::pass);
  EXPECT_EQ(evaluate(cap, rate("enrolled_capacity", 9980, 10100)).verdict, MeasurementVerdict::fail);
  EXPECT_EQ(evaluate(cap, rate("enrolled_capacity", 200, 200)).verdict, MeasurementVerdict::not_demonstrable);
  const auto quick = evaluate(cap, rate("enrolled_capacity", 200, 200), {.quick = true});
  EXPECT_EQ(quick.verdict, MeasurementVerdict::pass);
  EXPECT_EQ(quick.threshold.value, 200.0);
  EXPECT_EQ(quick.deviations.size(), 2u) << "quick threshold, and fewer than planned";
}

TEST(ManualVerdict, TheLabsObservationDecides) {
  Measurement m;
  m.name = "mounting_height_and_angle";
  m.passed = true;
  EXPECT_EQ(evaluate(spec("JX-A.7", "mounting_height_and_angle"), m).verdict, MeasurementVerdict::pass);
  m.passed = false;
  EXPECT_EQ(evaluate(spec("JX-A.7", "mounting_height_and_angle"), m).verdict, MeasurementVerdict::fail);
}

TEST(MeasurementVerdictText, SpellsTheResultsDocumentsVerdicts) {
  EXPECT_EQ(verdict_text(MeasurementVerdict::not_demonstrable), "NOT DEMONSTRABLE");
  EXPECT_EQ(parse_measurement_verdict("NOT TESTED"), MeasurementVerdict::not_tested);
  EXPECT_THROW(parse_measurement_verdict("NOT_DEMONSTRABLE"), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::standard
