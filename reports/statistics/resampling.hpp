#pragma once
// Seeded resampling that gives the same draws on every platform: std::mt19937_64's output is
// fixed by the C++ standard, but std::uniform_int_distribution's mapping is not, so the index
// draw is written out here (rejection sampling, no modulo bias).
#include <cstdint>
#include <random>
#include <vector>

namespace gaterig::statistics {

class Resampler {
 public:
  explicit Resampler(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n), n > 0.
  std::uint64_t index(std::uint64_t n);

 private:
  std::mt19937_64 engine_;
};

// The inverse empirical CDF of sorted values at probability q in [0, 1]: the value of rank
// ceil(q * size) (1-based, at least 1). No interpolation: the result is always an observed value.
double empirical_quantile(const std::vector<double>& sorted, double q);

// The 1-based rank ceil(q * n) clamped to [1, n], robust to q * n landing a hair above an integer.
std::uint64_t quantile_rank(double q, std::uint64_t n);

}  // namespace gaterig::statistics
