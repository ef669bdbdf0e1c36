#pragma once
// The per-trial CSV of a run (trials.csv), one row per trial, with exactly these columns:
//   trial,group,clause,condition,person,role,attack,presentation,photon_mono_ns,outcome,card,
//   latency_ms,record_latency_ms,terminal_mode,error
// Absent values are empty; latencies in ms with 3 decimals; card as "facility:number". Fields are
// quoted as RFC 4180 asks, and anything that looks like a resident ID number is masked.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "rigs/trial/outcome.hpp"

namespace gaterig::trial {

inline constexpr const char* kTrialCsvHeader =
    "trial,group,clause,condition,person,role,attack,presentation,photon_mono_ns,outcome,card,latency_ms,"
    "record_latency_ms,terminal_mode,error";

void write_trials_csv(std::ostream& os, const std::vector<TrialOutcome>& outcomes);
// Writes the file atomically (a temporary file, then rename); throws std::runtime_error naming it.
void write_trials_csv(const std::filesystem::path& path, const std::vector<TrialOutcome>& outcomes);

}  // namespace gaterig::trial
