#pragma once
// Exponential back-off with jitter from a seeded RNG, so a run can be replayed: attempt n waits
// a uniformly drawn delay in [ceiling/2, ceiling], ceiling = min(cap, base * 2^n). Halving the
// floor keeps terminals that lost the platform together from retrying in lock-step, and keeps
// a lower bound so a retry storm cannot start.
#include <chrono>
#include <cstdint>
#include <random>

namespace gaterig::device {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed);

  // The delay before the next retry; advances the attempt counter.
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

  static std::chrono::milliseconds ceiling(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                           int attempt);

 private:
  std::chrono::milliseconds base_, cap_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace gaterig::device
