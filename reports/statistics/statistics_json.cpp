#include "reports/statistics/statistics_json.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gaterig::statistics {

using Json = nlohmann::json;

namespace {

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

template <typename T>
Json optional_json(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// Field access that names what is wrong: "rate measurement: field \"verdict\": expected a string".
class Reader {
 public:
  Reader(const Json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j_.is_object()) throw std::invalid_argument(what_ + ": expected a JSON object");
  }
  const Json& at(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end()) throw std::invalid_argument(what_ + ": missing field \"" + key + "\"");
    return *it;
  }
  std::string string(const char* key) const {
    const Json& v = at(key);
    if (!v.is_string()) fail(key, "a string");
    return v.get<std::string>();
  }
  double number(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number()) fail(key, "a number");
    return v.get<double>();
  }
  double number_or_nan(const char* key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(key, "a number or null");
    return v.get<double>();
  }
  std::uint64_t count(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) fail(key, "a non-negative integer");
    return v.get<std::uint64_t>();
  }
  std::int64_t integer(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number_integer()) fail(key, "an integer");
    return v.get<std::int64_t>();
  }
  std::optional<std::int64_t> optional_integer(const char* key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::nullopt;
    return integer(key);
  }
  std::optional<std::uint64_t> optional_count(const char* key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::nullopt;
    return count(key);
  }
  Interval interval(const char* key) const {
    Reader r(at(key), what_ + " field \"" + key + "\"");
    return {r.number("lower"), r.number("upper")};
  }
  void require_schema(const char* schema) const {
    if (string("schema") != schema)
      throw std::invalid_argument(what_ + ": field \"schema\": expected \"" + schema + "\", got \"" + string("schema") + "\"");
  }
  [[noreturn]] void fail(const char* key, const char* expected) const {
    throw std::invalid_argument(what_ + ": field \"" + key + "\": expected " + expected);
  }
  const std::string& what() const { return what_; }

 private:
  const Json& j_;
  std::string what_;
};

template <typename F>
auto parsed(const Reader& r, const char* key, F parse) {
  const std::string value = r.string(key);
  try {
    return parse(value);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(r.what() + ": field \"" + key + "\": " + e.what());
  }
}

}  // namespace

Json to_json(const Interval& i) { return {{"lower", i.lower}, {"upper", i.upper}}; }

Json to_json(const BootstrapInterval& b) {
  return {{"method", "subject-bootstrap-percentile"},
          {"seed", b.seed},
          {"replicates", b.replicates},
          {"undefined_replicates", b.undefined_replicates},
          {"persons", b.persons},
          {"confidence", b.confidence},
          {"point", b.point},
          {"interval", to_json(b.interval)},
          {"bounds", to_json(b.bounds)}};
}

Json to_json(const RateClause& c) {
  return {{"name", c.name},
          {"clause_id", c.clause_id},
          {"events", c.events},
          {"trials", c.trials},
          {"relation", to_string(c.relation)},
          {"threshold", c.threshold},
          {"confidence", c.confidence},
          {"decision_rule", to_string(c.rule)},
          {"statement", c.statement()}};
}

Json to_json(const RateMeasurement& m) {
  return {{"schema", rate_schema},
          {"clause", to_json(m.clause)},
          {"unit", m.unit},
          {"numerator", m.numerator},
          {"denominator", m.denominator},
          {"point_estimate", number_or_null(m.point_estimate)},
          {"interval", {{"method", "clopper-pearson"}, {"sides", "two-sided"}, {"lower", m.interval.lower}, {"upper", m.interval.upper}}},
          {"bounds", {{"method", "clopper-pearson"}, {"sides", "one-sided"}, {"lower", m.bounds.lower}, {"upper", m.bounds.upper}}},
          {"bootstrap", m.bootstrap ? to_json(*m.bootstrap) : Json(nullptr)},
          {"decision_bounds", to_json(m.decision_bounds)},
          {"verdict", to_string(m.verdict)},
          {"zone", to_string(m.zone)},
          {"additional_clean_trials", optional_json(m.additional_clean_trials)}};
}

Json to_json(const TrialPlan& p) {
  return {{"schema", trial_plan_schema},
          {"trials", p.trials},
          {"max_errors", p.max_errors},
          {"probability_of_pass", optional_json(p.probability_of_pass)},
          {"design_effect", p.design_effect},
          {"trials_with_design_effect", p.trials_with_design_effect},
          {"persons", p.persons}};
}

Json to_json(const QuantileEstimate& e) {
  return {{"q", e.q},
          {"confidence", e.confidence},
          {"value_ns", e.value},
          {"lower_ns", optional_json(e.lower)},
          {"upper_ns", optional_json(e.upper)},
          {"lower_bound_ns", optional_json(e.lower_bound)},
          {"upper_bound_ns", optional_json(e.upper_bound)}};
}

Json to_json(const LatencySummary& s) {
  Json j = {{"schema", latency_summary_schema}, {"count", s.count}, {"confidence", s.confidence}};
  if (s.count == 0) {
    for (const char* k : {"min_ns", "max_ns", "mean_ns", "p50", "p90", "p95", "p99"}) j[k] = nullptr;
    return j;
  }
  j["min_ns"] = s.min;
  j["max_ns"] = s.max;
  j["mean_ns"] = s.mean;
  j["p50"] = to_json(s.p50);
  j["p90"] = to_json(s.p90);
  j["p95"] = to_json(s.p95);
  j["p99"] = to_json(s.p99);
  return j;
}

Json to_json(const Histogram& h) { return {{"edges_ns", h.edges}, {"counts", h.counts}}; }

Json to_json(const std::vector<EcdfPoint>& ecdf) {
  Json a = Json::array();
  for (const auto& p : ecdf) a.push_back({{"value_ns", p.value}, {"cumulative", p.cumulative}});
  return a;
}

Json to_json(const LatencyClause& c) {
  return {{"name", c.name},
          {"clause_id", c.clause_id},
          {"limit_ns", c.limit_ns},
          {"rule", to_string(c.rule)},
          {"q", c.q},
          {"confidence", c.confidence},
          {"statement", c.statement()}};
}

Json to_json(const LatencyVerdict& v) {
  return {{"schema", latency_verdict_schema},
          {"clause", to_json(v.clause)},
          {"count", v.count},
          {"samples_over_limit", v.samples_over_limit},
          {"quantile", v.quantile ? to_json(*v.quantile) : Json(nullptr)},
          {"max_ns", optional_json(v.max)},
          {"verdict", to_string(v.verdict)},
          {"zone", to_string(v.zone)},
          {"minimum_samples", v.minimum_samples}};
}

Json to_json(const ProportionComparison& c) {
  return {{"schema", proportion_comparison_schema},
          {"clause", {{"name", c.clause.name}, {"clause_id", c.clause.clause_id}, {"margin", c.clause.margin},
                      {"confidence", c.clause.confidence}, {"higher_is_better", c.clause.higher_is_better},
                      {"statement", c.clause.statement()}}},
          {"baseline", {{"successes", c.baseline.successes}, {"trials", c.baseline.trials}, {"rate", c.baseline_rate}}},
          {"condition", {{"successes", c.condition.successes}, {"trials", c.condition.trials}, {"rate", c.condition_rate}}},
          {"difference", c.difference},
          {"difference_interval", {{"method", "newcombe-hybrid-score"}, {"lower", c.difference_interval.lower}, {"upper", c.difference_interval.upper}}},
          {"difference_bounds", to_json(c.difference_bounds)},
          {"test", {{"method", "fisher-exact-one-sided"}, {"p_value", c.p_value}, {"alpha", 1.0 - c.clause.confidence}}},
          {"significantly_worse", c.significantly_worse},
          {"verdict", to_string(c.verdict)},
          {"zone", to_string(c.zone)}};
}

Json to_json(const LatencyComparison& c) {
  return {{"schema", latency_comparison_schema},
          {"clause", {{"name", c.clause.name}, {"clause_id", c.clause.clause_id}, {"margin_ns", c.clause.margin_ns},
                      {"confidence", c.clause.confidence}, {"seed", c.clause.seed}, {"replicates", c.clause.replicates},
                      {"statement", c.clause.statement()}}},
          {"baseline", {{"count", c.baseline_count}, {"median_ns", c.baseline_median}}},
          {"condition", {{"count", c.condition_count}, {"median_ns", c.condition_median}}},
          {"median_difference_ns", c.median_difference},
          {"difference_interval", {{"method", "bootstrap-percentile"}, {"lower", c.difference_interval.lower}, {"upper", c.difference_interval.upper}}},
          {"difference_bounds", to_json(c.difference_bounds)},
          {"test", {{"method", c.test.exact ? "mann-whitney-exact" : "mann-whitney-normal"}, {"u", c.test.u}, {"z", c.test.z},
                    {"p_value", c.test.p_value}, {"alpha", 1.0 - c.clause.confidence}}},
          {"significantly_slower", c.significantly_slower},
          {"verdict", to_string(c.verdict)},
          {"zone", to_string(c.zone)}};
}

RateClause rate_clause_from_json(const Json& j) {
  Reader r(j, "rate clause");
  RateClause c;
  c.name = r.string("name");
  c.clause_id = r.string("clause_id");
  c.events = r.string("events");
  c.trials = r.string("trials");
  c.relation = parsed(r, "relation", parse_relation);
  c.threshold = r.number("threshold");
  c.confidence = r.number("confidence");
  c.rule = parsed(r, "decision_rule", parse_decision_rule);
  c.validate();
  return c;
}

RateMeasurement rate_measurement_from_json(const Json& j) {
  Reader r(j, "rate measurement");
  r.require_schema(rate_schema);
  RateMeasurement m;
  m.clause = rate_clause_from_json(r.at("clause"));
  m.unit = r.string("unit");
  m.numerator = r.count("numerator");
  m.denominator = r.count("denominator");
  m.point_estimate = r.number_or_nan("point_estimate");
  m.interval = r.interval("interval");
  m.bounds = r.interval("bounds");
  if (!r.at("bootstrap").is_null()) {
    Reader b(r.at("bootstrap"), "rate measurement field \"bootstrap\"");
    BootstrapInterval bi;
    bi.seed = b.count("seed");
    bi.replicates = static_cast<std::uint32_t>(b.count("replicates"));
    bi.undefined_replicates = static_cast<std::uint32_t>(b.count("undefined_replicates"));
    bi.persons = b.count("persons");
    bi.confidence = b.number("confidence");
    bi.point = b.number("point");
    bi.interval = b.interval("interval");
    bi.bounds = b.interval("bounds");
    m.bootstrap = bi;
  }
  m.decision_bounds = r.interval("decision_bounds");
  m.verdict = parsed(r, "verdict", parse_verdict);
  m.zone = parsed(r, "zone", parse_zone);
  m.additional_clean_trials = r.optional_count("additional_clean_trials");
  return m;
}

LatencyClause latency_clause_from_json(const Json& j) {
  Reader r(j, "latency clause");
  LatencyClause c;
  c.name = r.string("name");
  c.clause_id = r.string("clause_id");
  c.limit_ns = r.integer("limit_ns");
  c.rule = parsed(r, "rule", parse_latency_rule);
  c.q = r.number("q");
  c.confidence = r.number("confidence");
  c.validate();
  return c;
}

QuantileEstimate quantile_estimate_from_json(const Json& j) {
  Reader r(j, "quantile estimate");
  QuantileEstimate e;
  e.q = r.number("q");
  e.confidence = r.number("confidence");
  e.value = r.integer("value_ns");
  e.lower = r.optional_integer("lower_ns");
  e.upper = r.optional_integer("upper_ns");
  e.lower_bound = r.optional_integer("lower_bound_ns");
  e.upper_bound = r.optional_integer("upper_bound_ns");
  return e;
}

LatencyVerdict latency_verdict_from_json(const Json& j) {
  Reader r(j, "latency verdict");
  r.require_schema(latency_verdict_schema);
  LatencyVerdict v;
  v.clause = latency_clause_from_json(r.at("clause"));
  v.count = r.count("count");
  v.samples_over_limit = r.count("samples_over_limit");
  if (!r.at("quantile").is_null()) v.quantile = quantile_estimate_from_json(r.at("quantile"));
  v.max = r.optional_integer("max_ns");
  v.verdict = parsed(r, "verdict", parse_verdict);
  v.zone = parsed(r, "zone", parse_zone);
  v.minimum_samples = r.count("minimum_samples");
  return v;
}

}  // namespace gaterig::statistics
