#include "reports/statistics/statistics_json.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace gaterig::statistics {
namespace {

using Json = nlohmann::json;

RateClause far_clause() {
  return {"FAR", "JX-A.2", "false accepts", "impostor presentations", Relation::at_most, 0.01, 0.95};
}

TEST(StatisticsJson, RateMeasurementRoundTripsThroughText) {
  for (const auto& m : {measure_rate(far_clause(), 0, 300), measure_rate(far_clause(), 0, 0),
                        measure_rate(far_clause(), 7, 123)}) {
    const std::string text = to_json(m).dump();
    EXPECT_EQ(rate_measurement_from_json(Json::parse(text)), m) << text;
  }
  std::vector<PersonTally> persons{{"a", 1, 10}, {"b", 0, 10}, {"c", 2, 10}};
  const auto with_boot = measure_rate(far_clause(), persons, 9, 200);
  EXPECT_EQ(rate_measurement_from_json(Json::parse(to_json(with_boot).dump())), with_boot);
}

TEST(StatisticsJson, RateMeasurementHasTheDocumentedFields) {
  const Json j = to_json(measure_rate(far_clause(), 0, 100));
  EXPECT_EQ(j["schema"], "gaterig.statistics.rate/1");
  EXPECT_EQ(j["clause"]["statement"], "FAR upper 95 % bound ≤ 1 %");
  EXPECT_EQ(j["clause"]["relation"], "<=");
  EXPECT_EQ(j["clause"]["decision_rule"], "guarded");
  EXPECT_EQ(j["verdict"], "NOT_DEMONSTRABLE");
  EXPECT_EQ(j["zone"], "conditional_pass");
  EXPECT_EQ(j["interval"]["method"], "clopper-pearson");
  EXPECT_EQ(j["bounds"]["sides"], "one-sided");
  EXPECT_TRUE(j["bootstrap"].is_null());
  EXPECT_EQ(j["additional_clean_trials"], 199);
  EXPECT_EQ(j["unit"], "fraction");
  EXPECT_TRUE(to_json(measure_rate(far_clause(), 0, 0))["point_estimate"].is_null());
}

TEST(StatisticsJson, ReadersNameTheBadField) {
  Json j = to_json(measure_rate(far_clause(), 0, 300));
  j.erase("verdict");
  try {
    rate_measurement_from_json(j);
    FAIL() << "accepted a measurement without a verdict";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "rate measurement: missing field \"verdict\"");
  }
  j = to_json(measure_rate(far_clause(), 0, 300));
  j["verdict"] = "MAYBE";
  EXPECT_THROW(rate_measurement_from_json(j), std::invalid_argument);
  j = to_json(measure_rate(far_clause(), 0, 300));
  j["numerator"] = -1;
  EXPECT_THROW(rate_measurement_from_json(j), std::invalid_argument);
  j = to_json(measure_rate(far_clause(), 0, 300));
  j["schema"] = "gaterig.statistics.rate/2";
  EXPECT_THROW(rate_measurement_from_json(j), std::invalid_argument);
}

TEST(StatisticsJson, LatencyVerdictRoundTrips) {
  LatencyClause clause{"recognition time", "JX-A.2", 3'000'000'000, LatencyRule::quantile_bound, 0.95, 0.95};
  std::vector<std::int64_t> v;
  for (int i = 1; i <= 80; ++i) v.push_back(i * 10'000'000);
  for (const auto& verdict : {decide_latency(clause, v), decide_latency(clause, {})}) {
    const auto back = latency_verdict_from_json(Json::parse(to_json(verdict).dump()));
    EXPECT_EQ(back.verdict, verdict.verdict);
    EXPECT_EQ(back.quantile, verdict.quantile);
    EXPECT_EQ(back.max, verdict.max);
    EXPECT_EQ(back.clause.statement(), verdict.clause.statement());
    EXPECT_EQ(back.minimum_samples, verdict.minimum_samples);
  }
}

TEST(StatisticsJson, SummariesPlansAndComparisonsSerialise) {
  const Json s = to_json(summarize_latency({5, 1, 3}));
  EXPECT_EQ(s["schema"], "gaterig.statistics.latency_summary/1");
  EXPECT_EQ(s["p50"]["value_ns"], 3);
  EXPECT_TRUE(s["p95"]["upper_bound_ns"].is_null());
  EXPECT_TRUE(to_json(summarize_latency({}))["p50"].is_null());
  EXPECT_EQ(to_json(histogram({1, 2, 3}, 3))["counts"], Json::array({1, 1, 1}));
  EXPECT_EQ(to_json(empirical_cdf({1, 2}))[1]["cumulative"], 1.0);
  const Json p = to_json(plan_trials({far_clause()}));
  EXPECT_EQ(p["trials"], 299);
  EXPECT_TRUE(p["probability_of_pass"].is_null());
  const Json c = to_json(compare_proportions({"pass rate", "JX-A.6"}, {300, 300}, {300, 300}));
  EXPECT_EQ(c["schema"], "gaterig.statistics.proportion_comparison/1");
  EXPECT_EQ(c["test"]["method"], "fisher-exact-one-sided");
  EXPECT_EQ(c["verdict"], "PASS");
  const Json l = to_json(compare_latencies({"t", "JX-A.6"}, {1, 2, 3}, {4, 5, 6}));
  EXPECT_EQ(l["test"]["method"], "mann-whitney-exact");
  EXPECT_EQ(l["clause"]["seed"], 1);
}

}  // namespace
}  // namespace gaterig::statistics
