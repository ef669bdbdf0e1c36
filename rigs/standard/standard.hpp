#pragma once
// A standard profile (scenarios/standards/*.toml): the clauses of a technical standard, and for
// each clause the measurements that decide it with their units, thresholds, decision rules and
// planned trial counts. Declared beside the test (OpenHTF): a scenario only records figures.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/statistics/decision.hpp"
#include "reports/statistics/latency.hpp"

namespace gaterig::standard {

using Json = nlohmann::json;

// How a measurement is recorded and decided.
//  rate               events in trials, a Clopper–Pearson bound (+ subject bootstrap) vs a limit
//  latency            samples (ns) and a quantile bound vs a limit
//  rate_comparison    a rate under `condition` minus the same rate under `baseline` (Newcombe)
//  latency_comparison median slowdown of `condition` against `baseline` (bootstrap, Mann–Whitney)
//  count              an exact count vs a limit (no statistics: reconciliation, wire conformance)
//  manual             the lab's observation (conforming or not)
enum class MeasurementKind { rate, latency, rate_comparison, latency_comparison, count, manual };
std::string to_string(MeasurementKind k);
std::optional<MeasurementKind> parse_measurement_kind(std::string_view s);

// What the rig can do about a clause.
//  automatable  the rig measures it
//  optional     the rig measures it only with an optional probe (else NOT TESTED with the reason)
//  manual       a lab's manual check; the rig records NOT TESTED with the reason
//  out_of_scope not a property the rig can test; NOT TESTED with the reason
enum class ClauseStatus { automatable, optional, manual, out_of_scope };
std::string to_string(ClauseStatus s);
std::optional<ClauseStatus> parse_clause_status(std::string_view s);

struct Threshold {
  statistics::Relation op = statistics::Relation::at_most;
  double value = 0.0;  // in the measurement's unit (a fraction for "ratio")
  friend bool operator==(const Threshold&, const Threshold&) = default;
};
std::string describe(const Threshold& t, std::string_view unit);  // "≤ 1 %", "≤ 3000 ms", "≥ 10000"

struct PlannedTrials {
  std::uint64_t full = 0;                 // a certification run
  std::uint64_t quick = 0;                // a quick (smoke) run
  std::uint64_t errors = 0;               // errors `full` still tolerates (rates)
  std::optional<std::uint64_t> persons;   // distinct persons behind `full`, when it matters
};

struct MeasurementSpec {
  std::string clause_id;  // "JX-A.2", the clause that declares it
  std::string name;       // "false_accept_rate"; (name, condition) is unique within a clause
  std::string title;      // "false-accept rate"
  MeasurementKind kind = MeasurementKind::rate;
  std::string unit;       // "ratio", "ms", "count" (a manual check: 1 conforming, 0 not)
  std::string condition;  // "normal", "strong", "print", ... ("" = none)
  std::string baseline;   // comparisons: the baseline condition ("normal")
  std::string events;     // what the numerator / value counts
  std::string out_of;     // what the trials are
  Threshold threshold;
  std::optional<double> quick_threshold;  // counts: what a quick run is judged against
  std::string rule;       // guarded | simple | quantile_bound | quantile_point | all_samples |
                          // non_inferiority | exact | manual
  std::string decision_rule;  // the rule in words, as the report prints it
  double confidence = 0.95;
  double quantile = 0.95;     // latency
  PlannedTrials planned;
  bool required = true;       // an unrecorded optional measurement does not stop a PASS
  std::string not_tested_reason;

  // "apcer [print]"
  std::string label() const;
};

struct Clause {
  std::string id;  // "JX-A.2"
  std::string title, title_zh;
  std::string requirement, requirement_zh;
  ClauseStatus status = ClauseStatus::automatable;
  std::string terminal_mode;  // "test" | "liveness" | "n/a"
  std::vector<std::string> conditions;
  std::string method;
  std::string not_tested_reason;
  Json parameters = Json::object();  // free-form numbers/strings for the scenario (tolerances, ...)
  std::vector<MeasurementSpec> measurements;

  // The declaration a recording (name, condition) belongs to: the exact match, else the only
  // measurement of that name when either side has no condition; nullptr when none or ambiguous.
  const MeasurementSpec* find(std::string_view name, std::string_view condition) const;
  const MeasurementSpec* find_exact(std::string_view name, std::string_view condition) const;
  // PASS needs these: a clause's planned measurements that are required.
  std::vector<const MeasurementSpec*> required_measurements() const;
};

struct Standard {
  std::string id, title, title_zh, version, source;
  double confidence = 0.95;
  std::string decision_rule = "guarded";
  std::string quick_rule = "simple";
  std::filesystem::path path;  // where it was loaded from
  std::string sha256;          // of the file's bytes (hex), for the results document
  std::vector<Clause> clauses;

  // Throws ConfigError (core/config.hpp) naming file:line:key: unknown keys, wrong types, bad
  // values, duplicate ids, and plans that could never PASS (fewer trials than the planner's minimum).
  static Standard load(const std::filesystem::path& path);
  static Standard parse(std::string_view text, std::string source_name = "<string>");

  const Clause* find(std::string_view clause_id) const;
  const Clause& at(std::string_view clause_id) const;  // throws std::out_of_range naming the id
};

// The profile as JSON (what `gaterig standard show --json` prints), schema gaterig.standard/1.
Json to_json(const Standard& s);

std::ostream& operator<<(std::ostream& os, const Threshold& t);
std::ostream& operator<<(std::ostream& os, const MeasurementSpec& m);  // "apcer [print] ≤ 5 %"
std::ostream& operator<<(std::ostream& os, const Clause& c);           // "JX-A.2 speed and accuracy (3 measurements)"

// The default profile shipped in the repository, relative to its root.
inline constexpr const char* kDefaultStandardPath = "scenarios/standards/jiangxi-2022.toml";

}  // namespace gaterig::standard
