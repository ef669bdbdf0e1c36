#pragma once
// What a run's outcomes add up to, per group and condition: rates with Clopper–Pearson intervals
// and a by-person bootstrap (reports/statistics), and latency quantiles of the true accepts.
// Verdicts are not made here: the standard profile decides clauses from these figures.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "reports/statistics/binomial_interval.hpp"
#include "reports/statistics/latency.hpp"
#include "reports/statistics/subject_bootstrap.hpp"
#include "rigs/trial/outcome.hpp"

namespace gaterig::trial {

// The counts a scenario records (the Python side binds these).
std::size_t count(const std::vector<TrialOutcome>& v, OutcomeClass c);
std::size_t count_decided(const std::vector<TrialOutcome>& v);  // every trial but rig errors
std::size_t subjects(const std::vector<TrialOutcome>& v);       // distinct persons among decided trials
// Photon -> first edge of the accepting frame, of every trial of class `c` (late ones included).
std::vector<std::int64_t> latencies_ns(const std::vector<TrialOutcome>& v, OutcomeClass c = OutcomeClass::true_accept);

struct RateSummary {
  std::string group, condition;
  // "pass_rate" and "wrong_person_rate" (genuine trials), "false_accept_rate" (impostor and
  // unenrolled), "apcer" (attacks, per species), "correct_refusal_rate" (enrolled persons to refuse).
  std::string rate;
  std::string attack;               // the species for "apcer", "" otherwise
  std::string events;               // what the numerator counts, in words
  std::uint64_t count = 0;          // numerator
  std::uint64_t trials = 0;         // decided trials (denominator)
  std::uint64_t subjects = 0;       // distinct persons among them
  std::uint64_t errors = 0;         // rig errors, left out of the rate
  double point = 0.0;               // count / trials (NaN without trials)
  double confidence = 0.95;
  statistics::Interval clopper_pearson;               // two-sided
  std::optional<statistics::BootstrapInterval> bootstrap;  // by person; absent without trials
};

struct LatencyGroup {
  std::string group, condition;
  statistics::LatencySummary summary;  // of the true accepts
  std::vector<std::int64_t> samples_ns;
};

struct SummaryOptions {
  double confidence = 0.95;
  std::uint64_t bootstrap_seed = 1;
  std::uint32_t replicates = 2000;
};

struct TrialSummary {
  std::vector<RateSummary> rates;
  std::vector<LatencyGroup> latencies;
  // {"schema":"gaterig.trial_summary/1","rates":[{group,condition,rate,attack,events,count,trials,
  //  subjects,errors,point,interval:{method,confidence,low,high},bootstrap:{...}|null}],
  //  "latencies":[{group,condition,summary:<gaterig.statistics.latency_summary/1>,samples_ms:[...]}]}
  Json to_json() const;
};

inline constexpr const char* kSummarySchema = "gaterig.trial_summary/1";

TrialSummary summarize(const std::vector<TrialOutcome>& outcomes, const SummaryOptions& options = {});

}  // namespace gaterig::trial
