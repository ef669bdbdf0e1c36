#pragma once
// A trial plan: every presentation times the repetitions, in an order shuffled from a recorded
// seed (std::mt19937_64 with our own Fisher-Yates, so the order is the same on every platform),
// with the timing of each trial, identified by the SHA-256 of its canonical JSON. The hash is
// what a journal is tied to: a resumed run continues exactly the plan it started.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "rigs/trial/presentation.hpp"

namespace gaterig::trial {

struct TrialTiming {
  // The neutral (grey) frame shown between trials. Output during it is charged to the trial before.
  std::chrono::milliseconds gap{1000};
  // How long an expected accept may take; the window closes early `settle` after the first frame.
  std::chrono::milliseconds decision_window{5000};
  // After the first Wiegand frame: time for further frames of the same trial to arrive (and for
  // the probe to publish them: a frame is published ~25 ms after its last edge).
  std::chrono::milliseconds settle{300};
  // How long silence must last before a refusal is called (refusal trials).
  std::chrono::milliseconds refusal_window{5000};
  // The terminal's anti-passback: the same person is not shown again sooner than this after
  // their last photon (0: no guard). The runner waits, the plan only spreads persons out.
  std::chrono::milliseconds repeat_window{0};
  // Video presentations: the time each frame stays on screen (frames cycle until the window closes).
  std::chrono::milliseconds frame_interval{40};

  std::chrono::milliseconds window_for(Expectation e) const {
    return e == Expectation::accept ? decision_window : refusal_window;
  }
  Json to_json() const;  // integer milliseconds: {"gap_ms": 1000, ...}
  static TrialTiming from_json(const Json& j);
  friend bool operator==(const TrialTiming&, const TrialTiming&) = default;
};

struct Trial {
  std::uint64_t index = 0;        // position in the plan, 0-based
  std::string id;                 // "T00001" (1-based, zero-padded to 5 digits)
  std::size_t presentation = 0;   // index into TrialPlan::presentations()
  std::uint32_t repetition = 0;   // 1-based
  friend bool operator==(const Trial&, const Trial&) = default;
};

inline constexpr const char* kPlanSchema = "gaterig.trial_plan/1";

class TrialPlan {
 public:
  // Every presentation `repetitions` times, shuffled with `seed`. With person_spacing k > 0 the
  // order is then repaired (deterministically) so that no person appears twice within k
  // consecutive trials where the mix of persons allows it. Throws std::invalid_argument for no
  // presentations, duplicate presentation ids, or repetitions == 0.
  static TrialPlan make(std::vector<Presentation> presentations, std::uint32_t repetitions, std::uint64_t seed,
                        TrialTiming timing = {}, std::size_t person_spacing = 0);

  const std::vector<Presentation>& presentations() const { return presentations_; }
  const std::vector<Trial>& trials() const { return trials_; }
  const Presentation& presentation_of(const Trial& t) const { return presentations_.at(t.presentation); }
  std::uint64_t seed() const { return seed_; }
  std::uint32_t repetitions() const { return repetitions_; }
  std::size_t person_spacing() const { return person_spacing_; }
  const TrialTiming& timing() const { return timing_; }
  std::size_t size() const { return trials_.size(); }
  // Lowercase hex SHA-256 of canonical_json().dump() (keys sorted, no whitespace).
  const std::string& sha256() const { return sha256_; }

  // Everything that defines the plan, without the hash.
  Json canonical_json() const;
  // canonical_json() plus "sha256".
  Json to_json() const;
  // Throws std::invalid_argument naming the field, or when a stated sha256 does not match.
  static TrialPlan from_json(const Json& j);

 private:
  TrialPlan() = default;
  void seal();

  std::vector<Presentation> presentations_;
  std::vector<Trial> trials_;
  std::uint64_t seed_ = 0;
  std::uint32_t repetitions_ = 0;
  std::size_t person_spacing_ = 0;
  TrialTiming timing_;
  std::string sha256_;
};

std::ostream& operator<<(std::ostream& os, const TrialPlan& p);  // "plan 1a2b3c4d: 300 trials, 100 presentations x 3, seed 1"

// Fisher-Yates over [0, n) driven by mt19937_64(seed) with rejection sampling for the index draw
// (reports/statistics Resampler): the same permutation on every platform and standard library.
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed);

}  // namespace gaterig::trial
