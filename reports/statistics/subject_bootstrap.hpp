#pragma once
// ISO/IEC 19795-1 (§7, "subject-dependent correlation"): attempts by the same person are not
// independent, so the uncertainty of a pooled error rate is estimated by resampling PERSONS.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "reports/statistics/binomial_interval.hpp"

namespace gaterig::statistics {

// One person's (or one attack instrument's) trials: how many errors in how many attempts.
struct PersonTally {
  std::string person;  // an opaque label (never a resident ID number)
  std::uint64_t events = 0;
  std::uint64_t attempts = 0;
};

struct BootstrapOptions {
  std::uint64_t seed = 1;          // recorded in the result; the same seed gives the same interval
  std::uint32_t replicates = 2000;
  double confidence = 0.95;
};

struct BootstrapInterval {
  std::uint64_t seed = 0;
  std::uint32_t replicates = 0;
  std::uint32_t undefined_replicates = 0;  // replicates that drew only persons with no attempts
  std::uint64_t persons = 0;
  double confidence = 0.95;
  double point = 0.0;  // the pooled rate sum(events) / sum(attempts) of the original sample
  Interval interval;   // two-sided percentile interval at `confidence`
  Interval bounds;     // {one-sided lower, one-sided upper} percentile bounds at `confidence`
};
std::ostream& operator<<(std::ostream& os, const BootstrapInterval& b);

// Each replicate draws persons.size() persons with replacement and computes the pooled rate.
// The percentile interval takes the inverse empirical CDF of the replicates (no interpolation).
// With zero events every replicate is 0 and the interval collapses to [0, 0]: the bootstrap says
// nothing about rare events, which is why verdicts also need the Clopper–Pearson bound.
// Throws std::invalid_argument when there are no persons, no attempts, events > attempts, or a
// bad confidence / replicate count.
BootstrapInterval subject_bootstrap(const std::vector<PersonTally>& persons, const BootstrapOptions& options);

}  // namespace gaterig::statistics
