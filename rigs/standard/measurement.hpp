#pragma once
// A measurement as a scenario recorded it (counts, samples), and what the standard makes of it:
// a value with units, bounds, the threshold, the decision rule and a verdict. The statistics are
// reports/statistics'; this file only maps a profile's declaration onto them.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/statistics/subject_bootstrap.hpp"
#include "rigs/standard/standard.hpp"

namespace gaterig::standard {

// What a scenario recorded for one declared measurement (matched by name and condition).
//  rate:               events in trials (subjects = distinct persons); `persons` per-person
//                      tallies, when given, add the subject bootstrap.
//  latency:            samples_ns (only trials with a response).
//  rate_comparison:    events/trials under the condition, baseline_events/baseline_trials under
//                      the baseline condition.
//  latency_comparison: samples_ns under the condition, baseline_samples_ns under the baseline.
//  count:              events = the counted items (lost passes, persons held), trials = items examined.
//  manual:             passed = the lab's observation.
struct Measurement {
  std::string name;
  std::string condition;  // "" matches the declaration's only condition
  std::uint64_t events = 0;
  std::uint64_t trials = 0;
  std::uint64_t subjects = 0;
  std::vector<statistics::PersonTally> persons;
  std::uint64_t seed = 1;  // bootstrap seed (recorded in the result)
  std::vector<std::int64_t> samples_ns;
  std::uint64_t baseline_events = 0;
  std::uint64_t baseline_trials = 0;
  std::vector<std::int64_t> baseline_samples_ns;
  std::optional<bool> passed;
  std::vector<std::string> notes;  // e.g. the reconciliation's per-item findings, IDs masked
  std::uint64_t rig_errors = 0;    // trials the rig could not run, left out of `trials` (not judged)
};

// PASS, FAIL, NOT DEMONSTRABLE (the sample cannot settle it), NOT TESTED (nothing recorded).
using MeasurementVerdict = statistics::Verdict;
std::string verdict_text(MeasurementVerdict v);  // "PASS", "FAIL", "NOT DEMONSTRABLE", "NOT TESTED"
MeasurementVerdict parse_measurement_verdict(const std::string& s);  // throws std::invalid_argument

struct Bounds {
  double low = 0.0;
  double high = 0.0;
  double confidence = 0.95;
  std::string method;  // "clopper-pearson", "order-statistic", "newcombe-hybrid-score", "bootstrap-percentile"
  std::string sides;   // "one-sided" (what the verdict used) or "two-sided"
  friend bool operator==(const Bounds&, const Bounds&) = default;
};

struct BaselineFigures {  // comparisons: the baseline condition's side
  std::string condition;
  std::uint64_t events = 0;
  std::uint64_t trials = 0;
  std::optional<double> value;  // its rate (ratio) or median (ms)
  std::vector<double> samples_ms;
  friend bool operator==(const BaselineFigures&, const BaselineFigures&) = default;
};

struct MeasurementResult {
  std::string name;
  std::string title;
  std::string unit;       // "ratio", "ms", "count"
  std::string condition;
  std::optional<double> value;  // null when not tested
  std::uint64_t trials = 0;
  std::uint64_t errors = 0;     // trials counting against the limit (misses for ">=" rates)
  std::uint64_t subjects = 0;
  std::optional<Bounds> interval;            // the bounds the verdict used (one-sided)
  std::optional<Bounds> interval_two_sided;  // for the report (ISO/IEC 19795-1)
  std::optional<Bounds> bootstrap;           // subject bootstrap, one-sided
  Threshold threshold;
  MeasurementVerdict verdict = MeasurementVerdict::not_tested;
  std::string zone = "none";     // ILAC-G8: pass | conditional_pass | conditional_fail | fail | none
  std::string decision_rule;     // the rule as applied, in words
  std::string reason;            // one line: why this verdict
  std::uint64_t planned_trials = 0;
  std::optional<std::uint64_t> additional_clean_trials;
  std::optional<BaselineFigures> baseline;
  std::vector<double> samples_ms;  // latency kinds: every sample (condition side for comparisons)
  std::vector<std::string> deviations;
  std::vector<std::string> notes;
  bool required = true;
  Json statistics = nullptr;  // the reports/statistics JSON behind the figures (schema-tagged)
  std::uint64_t rig_errors = 0;  // trials the rig could not run (scenario's errors=), left out of `trials`
  friend bool operator==(const MeasurementResult&, const MeasurementResult&) = default;
};

struct EvaluationOptions {
  bool quick = false;  // a quick run: simple acceptance, quick thresholds, each short verdict flagged
};

// The measurement's verdict under the profile's declaration. Nothing recorded: pass nullptr.
// Throws std::invalid_argument for recordings that contradict the kind (events > trials,
// negative latency samples), naming the measurement.
MeasurementResult evaluate(const MeasurementSpec& spec, const Measurement* recorded, const EvaluationOptions& options = {});
MeasurementResult evaluate(const MeasurementSpec& spec, const Measurement& recorded, const EvaluationOptions& options = {});

std::ostream& operator<<(std::ostream& os, const MeasurementResult& r);  // "false_accept_rate [normal] 0/299 ... PASS"

}  // namespace gaterig::standard
