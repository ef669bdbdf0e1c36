// Clause verdicts: ERROR for the rig's faults, NOT TESTED when nothing (or not everything) was
// recorded, FAIL when a measurement fails or is not demonstrated, PASS only when all passed.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "rigs/standard/clause_result.hpp"

namespace gaterig::standard {
namespace {

const Standard& jiangxi() {
  static const Standard s = Standard::load(std::filesystem::path(GATERIG_SOURCE_DIR) / kDefaultStandardPath);
  return s;
}

Measurement counts(const std::string& name, std::uint64_t events, std::uint64_t trials, const std::string& condition = "") {
  Measurement m;
  m.name = name;
  m.condition = condition;
  m.events = events;
  m.trials = trials;
  return m;
}

Measurement fast(std::size_t n) {
  Measurement m;
  m.name = "recognition_time";
  for (std::size_t i = 0; i < n; ++i) m.samples_ns.push_back(static_cast<std::int64_t>(500'000'000 + i * 1'000'000));
  return m;
}

std::vector<Measurement> good_a2() { return {counts("pass_rate", 299, 299), counts("false_accept_rate", 0, 299), fast(299)}; }

TEST(ClauseVerdict, EveryMeasurementPassingPasses) {
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), good_a2());
  EXPECT_EQ(r.verdict, ClauseVerdict::pass) << r.reason;
  EXPECT_EQ(r.measurements.size(), 3u);
  EXPECT_TRUE(r.deviations.empty());
  EXPECT_EQ(r.title_zh, "识别速度与准确率");
  EXPECT_EQ(r.terminal_mode, "test");
  EXPECT_NE(r.decision_rule.find("false_accept_rate [normal]: guarded"), std::string::npos) << r.decision_rule;
}

TEST(ClauseVerdict, OneFalseAcceptIn299FailsTheClauseAsNotDemonstrated) {
  auto rec = good_a2();
  rec[1] = counts("false_accept_rate", 1, 299);
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::fail);
  EXPECT_EQ(r.measurements[1].verdict, MeasurementVerdict::not_demonstrable);
  EXPECT_NE(r.reason.find("conformity not demonstrated"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find("non-conformity shown"), std::string::npos) << r.reason;
}

TEST(ClauseVerdict, FiveFalseAcceptsIn300FailTheClause) {
  auto rec = good_a2();
  rec[1] = counts("false_accept_rate", 5, 300);
  EXPECT_EQ(evaluate_clause(jiangxi().at("JX-A.2"), rec).verdict, ClauseVerdict::fail);
}

TEST(ClauseVerdict, ShownNonConformityIsSaidSo) {
  auto rec = good_a2();
  rec[0] = counts("pass_rate", 250, 300);
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::fail);
  EXPECT_EQ(r.reason.rfind("non-conformity shown: pass_rate [normal]", 0), 0u) << r.reason;
}

TEST(ClauseVerdict, ARigErrorIsErrorNeverFail) {
  auto rec = good_a2();
  rec[1] = counts("false_accept_rate", 50, 299);  // would FAIL
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec, std::string("Wiegand probe lost its GPIO lines"));
  EXPECT_EQ(r.verdict, ClauseVerdict::error);
  EXPECT_EQ(r.error, "Wiegand probe lost its GPIO lines");
  EXPECT_EQ(r.measurements.size(), 3u) << "kept for diagnosis";
  EXPECT_EQ(r.measurements[1].verdict, MeasurementVerdict::fail);
}

TEST(ClauseVerdict, ContradictoryCountsAreTheRigsError) {
  auto rec = good_a2();
  rec[1] = counts("false_accept_rate", 400, 299);
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::error);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->find("400 events in 299 trials"), std::string::npos) << *r.error;
}

TEST(ClauseVerdict, NothingRecordedIsNotTested) {
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), {});
  EXPECT_EQ(r.verdict, ClauseVerdict::not_tested);
  EXPECT_EQ(r.reason, "no scenario recorded a measurement of JX-A.2");
  EXPECT_EQ(r.measurements.size(), 3u);
}

TEST(ClauseVerdict, PartlyRecordedIsNotTestedAndSaysWhatIsMissing) {
  auto rec = good_a2();
  rec.pop_back();
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::not_tested);
  EXPECT_EQ(r.reason, "tested incompletely: not recorded: recognition_time [normal]");
}

TEST(ClauseVerdict, AnUnrecordedOptionalMeasurementIsADeviationNotABlock) {
  std::vector<Measurement> rec{counts("masked_pass_rate", 59, 59), counts("masked_false_accept_rate", 0, 299)};
  const auto r = evaluate_clause(jiangxi().at("JX-A.4"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::pass) << r.reason;
  ASSERT_EQ(r.deviations.size(), 1u);
  EXPECT_NE(r.deviations[0].find("mask_detection_rate [mask]: not tested (the platform dialect carries no mask flag"),
            std::string::npos)
      << r.deviations[0];
}

TEST(ClauseVerdict, OutOfScopeClausesAreNotTestedWithTheirReason) {
  for (const char* id : {"JX-A.8", "JX-A.12", "JX-A.14", "JX-A.16"}) {
    const auto r = evaluate_clause(jiangxi().at(id), {});
    EXPECT_EQ(r.verdict, ClauseVerdict::not_tested) << id;
    EXPECT_EQ(r.reason, jiangxi().at(id).not_tested_reason) << id;
    EXPECT_FALSE(r.reason.empty()) << id;
  }
}

TEST(ClauseVerdict, AnUndeclaredRecordingIsTheScenariosErrorNotASilentNotTested) {
  auto rec = good_a2();
  rec.push_back(counts("far", 0, 299));
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::error);
  EXPECT_NE(r.error->find("a scenario recorded far, which JX-A.2 does not declare"), std::string::npos) << *r.error;
  auto twice = good_a2();
  twice.push_back(counts("pass_rate", 10, 10));
  EXPECT_EQ(*evaluate_clause(jiangxi().at("JX-A.2"), twice).error, "a scenario recorded pass_rate [normal] twice");
}

TEST(ClauseVerdict, TheWorstApcerSpeciesDecidesLiveness) {
  std::vector<Measurement> rec{counts("apcer", 0, 59, "print"), counts("apcer", 0, 59, "screen"),
                               counts("apcer", 0, 59, "video")};
  EXPECT_EQ(evaluate_clause(jiangxi().at("JX-A.9"), rec).verdict, ClauseVerdict::pass);
  rec[2] = counts("apcer", 20, 59, "video");
  const auto r = evaluate_clause(jiangxi().at("JX-A.9"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::fail);
  EXPECT_NE(r.reason.find("apcer [video]"), std::string::npos);
}

TEST(ClauseVerdict, BackfillReconciliationCountsDecideJxA1) {
  std::vector<Measurement> rec{counts("enrolled_capacity", 10100, 10100), counts("record_capacity", 100000, 100000),
                               counts("backfill_lost", 0, 300),          counts("backfill_duplicated", 0, 300),
                               counts("backfill_invented", 0, 300),      counts("backfill_time_shifted", 0, 300)};
  EXPECT_EQ(evaluate_clause(jiangxi().at("JX-A.1"), rec).verdict, ClauseVerdict::pass);
  rec[4] = counts("backfill_invented", 2, 300);
  const auto r = evaluate_clause(jiangxi().at("JX-A.1"), rec);
  EXPECT_EQ(r.verdict, ClauseVerdict::fail);
  EXPECT_NE(r.reason.find("backfill_invented"), std::string::npos);
}

TEST(ClauseVerdict, AQuickRunIsMarkedInEveryShortVerdict) {
  std::vector<Measurement> rec{counts("pass_rate", 30, 30), counts("false_accept_rate", 0, 30), fast(30)};
  const auto r = evaluate_clause(jiangxi().at("JX-A.2"), rec, std::nullopt, {.quick = true});
  EXPECT_EQ(r.verdict, ClauseVerdict::pass);
  EXPECT_EQ(r.deviations.size(), 3u);
  EXPECT_NE(r.notes.back().find("not a certificate claim"), std::string::npos);
  EXPECT_EQ(evaluate_clause(jiangxi().at("JX-A.2"), rec).verdict, ClauseVerdict::fail)
      << "the same trials cannot demonstrate the clause in a full run";
}

TEST(ClauseVerdict, EvaluatingTheStandardCoversEveryClauseInOrder) {
  std::vector<ClauseRecordings> rec{{"JX-A.2", good_a2(), std::nullopt}, {"JX-A.10", {}, std::string("probe died")}};
  const auto all = evaluate_standard(jiangxi(), rec);
  ASSERT_EQ(all.size(), 19u);
  EXPECT_EQ(all[1].verdict, ClauseVerdict::pass);
  EXPECT_EQ(all[9].verdict, ClauseVerdict::error);
  EXPECT_EQ(all[0].verdict, ClauseVerdict::not_tested);
  EXPECT_EQ(overall(all), ClauseVerdict::error);
  EXPECT_THROW(evaluate_standard(jiangxi(), {{"JX-Z.1", {}, std::nullopt}}), std::invalid_argument);
}

TEST(ClauseVerdict, OverallIgnoresUntestableClausesButNotFailures) {
  ClauseResult pass, fail, untested;
  pass.verdict = ClauseVerdict::pass;
  fail.verdict = ClauseVerdict::fail;
  untested.verdict = ClauseVerdict::not_tested;
  EXPECT_EQ(overall({pass, untested}), ClauseVerdict::pass);
  EXPECT_EQ(overall({pass, fail, untested}), ClauseVerdict::fail);
  EXPECT_EQ(overall({untested}), ClauseVerdict::not_tested);
}

TEST(ClauseVerdict, PrintsItself) {
  std::ostringstream os;
  os << evaluate_clause(jiangxi().at("JX-A.2"), good_a2());
  EXPECT_EQ(os.str(), "JX-A.2 speed and accuracy: PASS (every required measurement passed)");
}

}  // namespace
}  // namespace gaterig::standard
