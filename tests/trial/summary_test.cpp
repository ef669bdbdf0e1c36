// Summaries per group and condition, and the per-trial CSV.
#include <sstream>

#include <gtest/gtest.h>

#include "reports/statistics/binomial_interval.hpp"
#include "rigs/trial/summary.hpp"
#include "rigs/trial/trial_csv.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial {
namespace {
using namespace test;

TrialOutcome make(const std::string& person, Role role, Expectation e, OutcomeClass c, const std::string& condition = "normal",
                  std::optional<std::int64_t> latency = std::nullopt, const std::string& attack = "") {
  TrialOutcome o;
  o.trial = "T" + person;
  o.group = "JX-A.2";
  o.condition = condition;
  o.person = person;
  o.role = role;
  o.expected = e;
  o.outcome = c;
  o.latency_ns = latency;
  o.attack = attack;
  return o;
}

std::vector<TrialOutcome> sample() {
  return {
      make("P1", Role::enrolled, Expectation::accept, OutcomeClass::true_accept, "normal", 400 * kMs),
      make("P1", Role::enrolled, Expectation::accept, OutcomeClass::true_accept, "normal", 600 * kMs),
      make("P2", Role::enrolled, Expectation::accept, OutcomeClass::true_accept, "normal", 500 * kMs),
      make("P2", Role::enrolled, Expectation::accept, OutcomeClass::false_reject),
      make("P2", Role::enrolled, Expectation::accept, OutcomeClass::error),
      make("P3", Role::enrolled, Expectation::accept, OutcomeClass::true_accept, "strong", 900 * kMs),
      make("P9", Role::impostor, Expectation::refuse, OutcomeClass::correct_refusal),
      make("P8", Role::impostor, Expectation::refuse, OutcomeClass::false_accept_unenrolled, "normal", 700 * kMs),
      make("P1", Role::attack, Expectation::refuse, OutcomeClass::attack_refused, "normal", std::nullopt, "print"),
      make("P1", Role::attack, Expectation::refuse, OutcomeClass::attack_accepted, "normal", 800 * kMs, "screen"),
  };
}

const RateSummary& rate(const TrialSummary& s, const std::string& name, const std::string& condition = "normal",
                        const std::string& attack = "") {
  for (const auto& r : s.rates)
    if (r.rate == name && r.condition == condition && r.attack == attack) return r;
  throw std::runtime_error("no rate " + name);
}

TEST(TrialCounts, CountDecidedSubjectsAndLatencies) {
  const auto v = sample();
  EXPECT_EQ(count(v, OutcomeClass::true_accept), 4u);
  EXPECT_EQ(count_decided(v), 9u);
  EXPECT_EQ(subjects(v), 5u);
  EXPECT_EQ(latencies_ns(v), (std::vector<std::int64_t>{400 * kMs, 600 * kMs, 500 * kMs, 900 * kMs}));
}

TEST(TrialSummary, RatesPerConditionWithClopperPearsonAndBootstrapByPerson) {
  const auto s = summarize(sample());
  const auto& pass = rate(s, "pass_rate");
  EXPECT_EQ(pass.count, 3u);
  EXPECT_EQ(pass.trials, 4u);
  EXPECT_EQ(pass.subjects, 2u);
  EXPECT_EQ(pass.errors, 1u);
  EXPECT_DOUBLE_EQ(pass.point, 0.75);
  EXPECT_EQ(pass.clopper_pearson, statistics::clopper_pearson(3, 4, 0.95));
  ASSERT_TRUE(pass.bootstrap);
  EXPECT_EQ(pass.bootstrap->persons, 2u);
  EXPECT_EQ(rate(s, "pass_rate", "strong").trials, 1u);
  EXPECT_EQ(rate(s, "wrong_person_rate").count, 0u);
  const auto& far = rate(s, "false_accept_rate");
  EXPECT_EQ(far.count, 1u);
  EXPECT_EQ(far.trials, 2u);
  EXPECT_EQ(rate(s, "apcer", "normal", "print").count, 0u);
  EXPECT_EQ(rate(s, "apcer", "normal", "screen").count, 1u);

  ASSERT_EQ(s.latencies.size(), 2u);
  EXPECT_EQ(s.latencies[0].condition, "normal");
  EXPECT_EQ(s.latencies[0].summary.count, 3u);
  EXPECT_EQ(s.latencies[0].summary.p50.value, 500 * kMs);

  const Json j = s.to_json();
  EXPECT_EQ(j["schema"], kSummarySchema);
  EXPECT_EQ(j["rates"][0]["interval"]["method"], "clopper-pearson");
  EXPECT_EQ(j["latencies"][0]["samples_ms"][0], 400.0);
  // Same seed, same bootstrap.
  EXPECT_EQ(summarize(sample()).to_json(), j);
}

TEST(TrialCsv, ExactColumnsAndQuotedMaskedFields) {
  auto o = make("P1", Role::enrolled, Expectation::accept, OutcomeClass::true_accept, "normal", 412'345'678);
  o.trial = "T00001";
  o.clause = "JX-A.2";
  o.presentation = "p1";
  o.photon = 123456789;
  o.card = card_of(12, 34567);
  o.record_latency_ns = 1'500 * kMs;
  o.terminal_mode = "test";
  auto e = make("P2", Role::attack, Expectation::refuse, OutcomeClass::error, "low", std::nullopt, "print");
  e.error = "cannot read image 'x,y.png' for " + id_number_of(2) + ", \"again\"";
  std::ostringstream os;
  write_trials_csv(os, {o, e});
  std::istringstream in(os.str());
  std::string header, row1, row2;
  std::getline(in, header);
  std::getline(in, row1);
  std::getline(in, row2);
  EXPECT_EQ(header,
            "trial,group,clause,condition,person,role,attack,presentation,photon_mono_ns,outcome,card,latency_ms,"
            "record_latency_ms,terminal_mode,error");
  EXPECT_EQ(row1, "T00001,JX-A.2,JX-A.2,normal,P1,enrolled,,p1,123456789,true_accept,12:34567,412.346,1500.000,test,");
  EXPECT_EQ(row2, "TP2,JX-A.2,,low,P2,attack,print,,,error,,,,,\"cannot read image 'x,y.png' for " +
                      mask_id(id_number_of(2)) + ", \"\"again\"\"\"");
}

}  // namespace
}  // namespace gaterig::trial
