#pragma once
// The platform's record dates have whole seconds ("yyyy-MM-dd HH:mm:ss"): a date stands for the
// second [date, date + 1 s) its pass fell in. Measured against the bare date, a pass late in its
// second looks closer to the next second's record of the same person, and closest-first pairing
// then crosses two records (one "lost", one "invented"). Both pairings (the correlator's records
// of trials, the reconciliation's passes and records) measure with this.
#include <cstdint>

#include "core/clock.hpp"

namespace gaterig::trial {

inline constexpr std::int64_t kRecordDateResolutionNs = 1'000'000'000;

// 0 when `pass` lies in the record's second, else the distance to the nearer end of that second.
constexpr std::int64_t record_date_distance(WallNs pass, WallNs date) {
  const std::int64_t lo = date, hi = date + kRecordDateResolutionNs, at = pass;
  if (at < lo) return lo - at;
  if (at >= hi) return at - hi + 1;
  return 0;
}

}  // namespace gaterig::trial
