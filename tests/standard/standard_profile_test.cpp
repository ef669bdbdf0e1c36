// The shipped profile loads, covers every clause of SPEC.md, and bad profiles name file:line:key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/config.hpp"
#include "reports/statistics/trial_planner.hpp"
#include "rigs/standard/standard.hpp"

namespace gaterig::standard {
namespace {

const std::filesystem::path kProfile = std::filesystem::path(GATERIG_SOURCE_DIR) / kDefaultStandardPath;

const Standard& jiangxi() {
  static const Standard s = Standard::load(kProfile);
  return s;
}

TEST(StandardProfile, TheJiangxiProfileLoadsWithItsIdentity) {
  const auto& s = jiangxi();
  EXPECT_EQ(s.id, "jiangxi-2022");
  EXPECT_EQ(s.version, "2022");
  EXPECT_EQ(s.title_zh, "江西省实名制考勤设备技术标准");
  EXPECT_EQ(s.sha256.size(), 64u);
  EXPECT_DOUBLE_EQ(s.confidence, 0.95);
}

TEST(StandardProfile, DeclaresEveryClauseA1ToA18AndTheEnrollmentSync) {
  std::vector<std::string> ids;
  for (const auto& c : jiangxi().clauses) ids.push_back(c.id);
  std::vector<std::string> expected;
  for (int i = 1; i <= 18; ++i) expected.push_back("JX-A." + std::to_string(i));
  expected.push_back("JX-B.5");
  EXPECT_EQ(ids, expected);
}

TEST(StandardProfile, EveryClauseIdOfSpecMdIsInTheProfile) {
  const std::filesystem::path spec = std::filesystem::path(GATERIG_SHARED_DIR) / "SPEC.md";
  if (!std::filesystem::exists(spec)) GTEST_SKIP() << "../shared/SPEC.md is absent (" << spec << ")";
  std::ifstream in(spec);
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  std::set<std::string> in_spec;
  const std::regex row(R"(\|\s*(JX-A\.\d+)\s*\|)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), row); it != std::sregex_iterator(); ++it)
    in_spec.insert((*it)[1]);
  ASSERT_EQ(in_spec.size(), 18u) << "SPEC.md's clause table changed";
  for (const auto& id : in_spec) EXPECT_NE(jiangxi().find(id), nullptr) << id << " of SPEC.md is not in the profile";
}

TEST(StandardProfile, EveryClauseHasTitlesAMethodAndEitherMeasurementsOrAReason) {
  for (const auto& c : jiangxi().clauses) {
    SCOPED_TRACE(c.id);
    EXPECT_FALSE(c.title.empty());
    EXPECT_FALSE(c.title_zh.empty());
    EXPECT_FALSE(c.requirement_zh.empty());
    EXPECT_FALSE(c.method.empty());
    if (c.status == ClauseStatus::automatable) {
      EXPECT_FALSE(c.required_measurements().empty());
    } else {
      EXPECT_FALSE(c.not_tested_reason.empty());
    }
    for (const auto& m : c.measurements) {
      EXPECT_FALSE(m.decision_rule.empty()) << m.label();
      EXPECT_GE(m.planned.full, m.planned.quick) << m.label();
    }
  }
}

TEST(StandardProfile, ManualAndOutOfScopeClausesAreTheOnesTheSpecSays) {
  EXPECT_EQ(jiangxi().at("JX-A.8").status, ClauseStatus::out_of_scope);
  EXPECT_EQ(jiangxi().at("JX-A.12").status, ClauseStatus::optional);
  EXPECT_EQ(jiangxi().at("JX-A.14").status, ClauseStatus::out_of_scope);
  EXPECT_EQ(jiangxi().at("JX-A.16").status, ClauseStatus::out_of_scope);
  EXPECT_EQ(jiangxi().at("JX-A.2").status, ClauseStatus::automatable);
  EXPECT_EQ(jiangxi().at("JX-A.9").terminal_mode, "liveness");
  EXPECT_EQ(jiangxi().at("JX-A.2").terminal_mode, "test");
}

TEST(StandardProfile, TheNoticesNumbersAreTheThresholds) {
  const auto& a2 = jiangxi().at("JX-A.2");
  const auto* pass = a2.find("pass_rate", "normal");
  const auto* far = a2.find("false_accept_rate", "normal");
  const auto* time = a2.find("recognition_time", "normal");
  ASSERT_TRUE(pass && far && time);
  EXPECT_EQ(pass->threshold, (Threshold{statistics::Relation::above, 0.99}));
  EXPECT_EQ(far->threshold, (Threshold{statistics::Relation::at_most, 0.01}));
  EXPECT_EQ(time->threshold, (Threshold{statistics::Relation::at_most, 3000}));
  EXPECT_EQ(time->unit, "ms");
  const auto* rec = jiangxi().at("JX-A.3").find("recognition_rate", "");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->threshold, (Threshold{statistics::Relation::at_least, 0.85}));
  const auto* fte = jiangxi().at("JX-A.3").find("enrollment_failure_rate", "");
  ASSERT_TRUE(fte);
  EXPECT_EQ(fte->threshold, (Threshold{statistics::Relation::at_most, 0.01}));
  const auto* cap = jiangxi().at("JX-A.1").find("enrolled_capacity", "");
  ASSERT_TRUE(cap);
  EXPECT_EQ(cap->threshold, (Threshold{statistics::Relation::at_least, 10000}));
}

TEST(StandardProfile, PlannedTrialsAreThePlannersForTheGuardedRates) {
  for (const auto& c : jiangxi().clauses)
    for (const auto& m : c.measurements) {
      if (m.kind != MeasurementKind::rate || m.rule != "guarded") continue;
      statistics::RateClause rc;
      rc.name = m.name;
      rc.relation = m.threshold.op;
      rc.threshold = m.threshold.value;
      rc.confidence = m.confidence;
      EXPECT_EQ(m.planned.full, statistics::minimum_trials(rc, m.planned.errors)) << c.id << " " << m.label();
    }
  EXPECT_EQ(jiangxi().at("JX-A.2").find("false_accept_rate", "normal")->planned.full, 299u);
  EXPECT_EQ(jiangxi().at("JX-A.9").find("apcer", "print")->planned.full, 59u);
}

TEST(StandardProfile, FindWithoutAConditionNamesTheOnlyMeasurementOfThatName) {
  const auto& a2 = jiangxi().at("JX-A.2");
  EXPECT_EQ(a2.find("false_accept_rate", ""), a2.find("false_accept_rate", "normal"));
  const auto& a9 = jiangxi().at("JX-A.9");
  EXPECT_EQ(a9.find("apcer", ""), nullptr) << "three species: the condition is needed";
  EXPECT_NE(a9.find("apcer", "video"), nullptr);
}

TEST(StandardProfile, PrintsItself) {
  std::ostringstream os;
  os << jiangxi().at("JX-A.2") << " | " << *jiangxi().at("JX-A.2").find("false_accept_rate", "normal");
  EXPECT_EQ(os.str(), "JX-A.2 speed and accuracy (3 measurements) | false_accept_rate [normal] ≤ 1 %");
}

TEST(StandardProfile, JsonCarriesEveryClauseAndPlan) {
  const Json j = to_json(jiangxi());
  EXPECT_EQ(j["schema"], "gaterig.standard/1");
  EXPECT_EQ(j["clauses"].size(), 19u);
  EXPECT_EQ(j["clauses"][1]["measurements"][1]["planned"]["full"], 299);
}

// ---- bad profiles -------------------------------------------------------------------------------

std::string minimal(const std::string& measurement_extra = "", const std::string& clause_extra = "") {
  return R"([standard]
id = "t"
title = "t"
title_zh = "t"
version = "1"

[[clause]]
id = "X.1"
title = "x"
title_zh = "x"
requirement = "x"
requirement_zh = "x"
status = "automatable"
terminal_mode = "test"
method = "m"
)" + clause_extra + R"(
  [[clause.measurement]]
  name = "far"
  kind = "rate"
  unit = "ratio"
  events = "e"
  out_of = "t"
  threshold = { op = "<=", value = 0.01 }
  rule = "guarded"
  decision_rule = "d"
  planned = { full = 299, quick = 30 }
)" + measurement_extra;
}

std::string error_of(const std::string& text) {
  try {
    Standard::parse(text, "bad.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StandardProfileErrors, AMinimalProfileLoads) {
  const auto s = Standard::parse(minimal(), "ok.toml");
  ASSERT_EQ(s.clauses.size(), 1u);
  EXPECT_EQ(s.clauses[0].measurements[0].clause_id, "X.1");
}

TEST(StandardProfileErrors, AnUnknownKeyNamesFileLineAndKey) {
  EXPECT_EQ(error_of(minimal("  treshold = 3\n")),
            "bad.toml:27: key 'clause[0].measurement[0].treshold': unknown key (known here: name, title, kind, "
            "unit, condition, baseline, events, out_of, threshold, quick_threshold, rule, decision_rule, "
            "confidence, quantile, planned, required, not_tested_reason)");
}

TEST(StandardProfileErrors, AWrongTypeNamesTheKey) {
  std::string text = minimal();
  text.replace(text.find("title = \"x\""), 11, "title = 3");
  EXPECT_EQ(error_of(text), "bad.toml:9: key 'clause[0].title': expected a string, found an integer");
}

TEST(StandardProfileErrors, AnUnknownRelationIsNamed) {
  std::string text = minimal();
  text.replace(text.find("op = \"<=\""), 9, "op = \"=<\"");
  EXPECT_NE(error_of(text).find("bad.toml:23: key 'clause[0].measurement[0].threshold.op': expected one of"),
            std::string::npos)
      << error_of(text);
}

TEST(StandardProfileErrors, APlanThatCannotPassIsRefused) {
  std::string text = minimal();
  text.replace(text.find("full = 299"), 10, "full = 298");
  EXPECT_EQ(error_of(text),
            "bad.toml:26: key 'clause[0].measurement[0].planned': full = 298 trials cannot PASS with 0 error(s); "
            "the planner needs 299");
}

TEST(StandardProfileErrors, TheUnitMustFitTheKind) {
  std::string text = minimal();
  text.replace(text.find("unit = \"ratio\""), 14, "unit = \"%\"");
  EXPECT_EQ(error_of(text), "bad.toml:20: key 'clause[0].measurement[0].unit': a rate measurement is in \"ratio\", found \"%\"");
}

TEST(StandardProfileErrors, ARateThresholdInPercentIsCaught) {
  std::string text = minimal();
  text.replace(text.find("value = 0.01"), 12, "value = 5");
  EXPECT_NE(error_of(text).find("a fraction in [0, 1] (1 % is 0.01)"), std::string::npos) << error_of(text);
}

TEST(StandardProfileErrors, ADuplicateMeasurementIsNamed) {
  const std::string again = minimal().substr(minimal().find("  [[clause.measurement]]"));
  EXPECT_NE(error_of(minimal() + again).find("measurement far is declared twice in X.1"), std::string::npos);
}

TEST(StandardProfileErrors, AManualClauseNeedsItsReason) {
  std::string text = minimal();
  text.replace(text.find("status = \"automatable\""), 22, "status = \"manual\"");
  EXPECT_NE(error_of(text).find("key 'clause[0].not_tested_reason': missing"), std::string::npos) << error_of(text);
}

TEST(StandardProfileErrors, AMissingFileIsNamed) {
  try {
    Standard::load("/nonexistent/standard.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/standard.toml: no such file");
  }
}

}  // namespace
}  // namespace gaterig::standard

namespace gaterig::standard {
namespace {

TEST(StandardProfile, ARecordedConditionTheDeclarationDoesNotDistinguishStillMatches) {
  const auto& a10 = jiangxi().at("JX-A.10");
  EXPECT_EQ(a10.find("malformed_frames", "normal"), a10.find_exact("malformed_frames", ""));
  EXPECT_EQ(jiangxi().at("JX-A.9").find("apcer", "paper-mask"), nullptr) << "a species the profile does not declare";
}

}  // namespace
}  // namespace gaterig::standard
