#pragma once
// JSON for everything a report quotes. The schema is documented in README.md ("JSON schema") and
// versioned by the "schema" field of each top-level object; fields are only ever added.
// All rates and thresholds are fractions; all durations are integer nanoseconds; a figure that
// does not exist (no trials, a bound the sample cannot give) is null.
#include <nlohmann/json_fwd.hpp>

#include "reports/statistics/comparison.hpp"
#include "reports/statistics/latency.hpp"
#include "reports/statistics/rate_measurement.hpp"
#include "reports/statistics/trial_planner.hpp"

namespace gaterig::statistics {

inline constexpr const char* rate_schema = "gaterig.statistics.rate/1";
inline constexpr const char* latency_summary_schema = "gaterig.statistics.latency_summary/1";
inline constexpr const char* latency_verdict_schema = "gaterig.statistics.latency_verdict/1";
inline constexpr const char* proportion_comparison_schema = "gaterig.statistics.proportion_comparison/1";
inline constexpr const char* latency_comparison_schema = "gaterig.statistics.latency_comparison/1";
inline constexpr const char* trial_plan_schema = "gaterig.statistics.trial_plan/1";

nlohmann::json to_json(const Interval& i);
nlohmann::json to_json(const BootstrapInterval& b);
nlohmann::json to_json(const RateClause& c);
nlohmann::json to_json(const RateMeasurement& m);
nlohmann::json to_json(const TrialPlan& p);
nlohmann::json to_json(const QuantileEstimate& e);
nlohmann::json to_json(const LatencySummary& s);
nlohmann::json to_json(const Histogram& h);
nlohmann::json to_json(const std::vector<EcdfPoint>& ecdf);
nlohmann::json to_json(const LatencyClause& c);
nlohmann::json to_json(const LatencyVerdict& v);
nlohmann::json to_json(const ProportionComparison& c);
nlohmann::json to_json(const LatencyComparison& c);

// Readers for what a later stage reads back (the report from a run's results, the bureau's
// baseline). They throw std::invalid_argument naming the field and what was expected.
RateClause rate_clause_from_json(const nlohmann::json& j);
RateMeasurement rate_measurement_from_json(const nlohmann::json& j);
LatencyClause latency_clause_from_json(const nlohmann::json& j);
QuantileEstimate quantile_estimate_from_json(const nlohmann::json& j);
LatencyVerdict latency_verdict_from_json(const nlohmann::json& j);

}  // namespace gaterig::statistics
