// The journal survives a crash mid-write and refuses to continue another plan.
#include <fstream>

#include <gtest/gtest.h>

#include "rigs/trial/correlator.hpp"
#include "rigs/trial/journal.hpp"
#include "image_dir.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial {
namespace {
using namespace test;

TrialPlan plan_of(std::uint64_t seed) {
  std::vector<Presentation> ps;
  for (int i = 1; i <= 3; ++i) ps.push_back(presentation(pid(i, "g"), pid(i), Role::enrolled, Expectation::accept));
  return TrialPlan::make(ps, 2, seed);
}

TrialOutcome outcome_of(const TrialPlan& plan, std::size_t i, OutcomeClass c = OutcomeClass::true_accept) {
  const Trial& t = plan.trials()[i];
  TrialOutcome o = blank_outcome(t, plan.presentation_of(t));
  o.outcome = c;
  o.photon = static_cast<MonoNs>(i + 1) * kS;
  o.latency_ns = 400 * kMs;
  return o;
}

std::uintmax_t size_of(const std::filesystem::path& p) { return std::filesystem::file_size(p); }

TEST(TrialJournal, KeepsEveryAppendedTrialAcrossReopening) {
  TempDir dir;
  const auto plan = plan_of(1);
  const auto path = dir.path() / "run" / "trials.jsonl";
  {
    TrialJournal j(path, plan);
    for (std::size_t i = 0; i < 3; ++i) j.append(outcome_of(plan, i));
    EXPECT_TRUE(j.done(plan.trials()[2].id));
    EXPECT_FALSE(j.done(plan.trials()[3].id));
  }
  TrialJournal again(path, plan);
  ASSERT_EQ(again.outcomes().size(), 3u);
  EXPECT_EQ(again.outcomes()[1], outcome_of(plan, 1));
  const auto c = TrialJournal::load(path);
  EXPECT_EQ(c.plan_sha256, plan.sha256());
  EXPECT_EQ(TrialPlan::from_json(c.plan).sha256(), plan.sha256());
}

TEST(TrialJournal, ATornLastLineIsSkippedWithAWarningAndCutOffBeforeTheNextAppend) {
  TempDir dir;
  const auto plan = plan_of(1);
  const auto path = dir.path() / "trials.jsonl";
  std::uintmax_t after_two = 0;
  {
    TrialJournal j(path, plan);
    j.append(outcome_of(plan, 0));
    j.append(outcome_of(plan, 1));
    after_two = size_of(path);
    j.append(outcome_of(plan, 2));
  }
  // The crash: the third line is only half written.
  const std::uintmax_t full = size_of(path);
  std::filesystem::resize_file(path, after_two + (full - after_two) / 2);

  const auto c = TrialJournal::load(path);
  ASSERT_EQ(c.outcomes.size(), 2u);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("trials.jsonl: line 4: torn last line"), std::string::npos) << c.warnings[0];
  EXPECT_EQ(c.good_bytes, after_two);

  {
    TrialJournal j(path, plan);
    EXPECT_EQ(j.warnings().size(), 1u);
    EXPECT_FALSE(j.done(plan.trials()[2].id));
    j.append(outcome_of(plan, 2));
  }
  const auto healed = TrialJournal::load(path);
  EXPECT_TRUE(healed.warnings.empty());
  ASSERT_EQ(healed.outcomes.size(), 3u);
  EXPECT_EQ(healed.outcomes[2], outcome_of(plan, 2));
}

TEST(TrialJournal, ATornHeaderStartsOver) {
  TempDir dir;
  const auto plan = plan_of(1);
  const auto path = dir.path() / "trials.jsonl";
  { TrialJournal j(path, plan); }
  std::filesystem::resize_file(path, 20);
  TrialJournal j(path, plan);
  j.append(outcome_of(plan, 0));
  const auto c = TrialJournal::load(path);
  EXPECT_EQ(c.plan_sha256, plan.sha256());
  EXPECT_EQ(c.outcomes.size(), 1u);
}

TEST(TrialJournal, AnotherPlansJournalIsRefusedNamingTheFile) {
  TempDir dir;
  const auto path = dir.path() / "trials.jsonl";
  { TrialJournal j(path, plan_of(1)); }
  try {
    TrialJournal j(path, plan_of(2));
    FAIL() << "another plan's journal was continued";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_NE(std::string(e.what()).find(path.string() + ": a journal of plan"), std::string::npos) << e.what();
  }
}

TEST(TrialJournal, ADamagedLineBeforeTheLastIsAnErrorNamingTheLine) {
  TempDir dir;
  const auto plan = plan_of(1);
  const auto path = dir.path() / "trials.jsonl";
  {
    TrialJournal j(path, plan);
    j.append(outcome_of(plan, 0));
  }
  {
    std::ofstream out(path, std::ios::app);
    out << "{not json\n" << outcome_of(plan, 1).to_json().dump() << "\n";
  }
  try {
    TrialJournal::load(path);
    FAIL();
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::ofstream(dir.path() / "other.jsonl") << "{\"hello\": 1}\n";
  EXPECT_THROW(TrialJournal::load(dir.path() / "other.jsonl"), JournalError);
  EXPECT_THROW(TrialJournal::load(dir.path() / "absent.jsonl"), JournalError);
}

TEST(TrialJournal, ALaterLineReplacesAnErrorAndOnlyNonErrorsAreDone) {
  TempDir dir;
  const auto plan = plan_of(1);
  const auto path = dir.path() / "trials.jsonl";
  TrialJournal j(path, plan);
  j.append(outcome_of(plan, 0, OutcomeClass::error));
  EXPECT_FALSE(j.done(plan.trials()[0].id));
  j.append(outcome_of(plan, 0, OutcomeClass::false_reject));
  EXPECT_TRUE(j.done(plan.trials()[0].id));
  ASSERT_EQ(j.outcomes().size(), 1u);
  const auto c = TrialJournal::load(path);
  ASSERT_EQ(c.outcomes.size(), 1u);
  EXPECT_EQ(c.outcomes[0].outcome, OutcomeClass::false_reject);
}

}  // namespace
}  // namespace gaterig::trial
