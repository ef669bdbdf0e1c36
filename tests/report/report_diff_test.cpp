#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reports/report/report_diff.hpp"
#include "reports/report/report_package.hpp"

namespace gaterig::report {
namespace {

using namespace testing;

TEST(ReportDiff, NamesTheDegradedClauseAndTheChangedFirmware) {
  const auto d = diff_reports(load_report(built().compliant), load_report(built().degraded));
  EXPECT_TRUE(d.worse());
  EXPECT_EQ(d.worse_clauses(), std::vector<std::string>{"JX-A.6"});
  EXPECT_TRUE(d.firmware_changed);
  EXPECT_FALSE(d.device_changed);
  bool pass_rate = false, latency = false;
  for (const auto& m : d.metrics) {
    if (m.clause == "JX-A.6" && m.condition == "back" && m.name == "pass_rate") {
      pass_rate = m.significantly_worse;
      EXPECT_EQ(m.test, "fisher-exact-one-sided");
      EXPECT_LT(*m.p_adjusted, 1e-6);
    }
    if (m.clause == "JX-A.6" && m.condition == "back" && m.name == "recognition_time") {
      latency = m.significantly_worse;
      EXPECT_EQ(m.test, "mann-whitney-normal-one-sided");
    }
    // Same distributions, other seeds: not flagged.
    if (m.clause == "JX-A.2") {
      EXPECT_FALSE(m.significantly_worse) << m.name << " p=" << m.p_adjusted.value_or(-1);
    }
  }
  EXPECT_TRUE(pass_rate);
  EXPECT_TRUE(latency);
  const auto text = d.to_text();
  EXPECT_NE(text.find("FIRMWARE CHANGED: 2.4.1"), std::string::npos) << text;
  EXPECT_NE(text.find("JX-A.6 light: PASS → FAIL  (worse)"), std::string::npos) << text;
  EXPECT_NE(text.find("JX-A.1 storage and offline: PASS → ERROR  (no result)"), std::string::npos) << text;
  EXPECT_NE(text.find("result: WORSE in JX-A.6"), std::string::npos) << text;
}

TEST(ReportDiff, AReportComparedWithItselfIsNotWorse) {
  const auto r = load_report(built().compliant);
  const auto d = diff_reports(r, r);
  EXPECT_FALSE(d.worse());
  EXPECT_FALSE(d.firmware_changed);
  for (const auto& m : d.metrics) EXPECT_FALSE(m.significantly_worse) << m.clause << " " << m.name;
  EXPECT_GT(d.tested_metrics, 10u);
}

TEST(ReportDiff, TheDegradedRunAsBaselineShowsImprovementNotWorsening) {
  const auto d = diff_reports(load_report(built().degraded), load_report(built().compliant));
  EXPECT_FALSE(d.worse()) << d.to_text();
  bool better = false;
  for (const auto& c : d.clauses) better = better || (c.clause == "JX-A.6" && c.kind == "better");
  EXPECT_TRUE(better);
}

TEST(ReportDiff, JsonHasAStableSchema) {
  const auto j = diff_reports(load_report(built().compliant), load_report(built().degraded)).to_json();
  EXPECT_EQ(j["schema"], "gaterig.report-diff/1");
  EXPECT_EQ(j["worse_clauses"], nlohmann::json::array({"JX-A.6"}));
  EXPECT_EQ(j["firmware_changed"], true);
  EXPECT_EQ(j["method"]["multiplicity"], "Holm-Bonferroni over the tested metrics");
}

}  // namespace
}  // namespace gaterig::report
