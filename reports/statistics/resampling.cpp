#include "reports/statistics/resampling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gaterig::statistics {

std::uint64_t Resampler::index(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Resampler::index: n must be > 0");
  // Accept draws below the largest multiple of n, so every index is equally likely.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  for (;;) {
    const std::uint64_t r = engine_();
    if (r < limit) return r % n;
  }
}

std::uint64_t quantile_rank(double q, std::uint64_t n) {
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("quantile: q must be in [0, 1], got " + std::to_string(q));
  if (n == 0) throw std::invalid_argument("quantile: no values");
  // 0.95 * 100 is 95.00000000000001 in some spellings; a relative slack keeps rank 95.
  const double exact = q * static_cast<double>(n);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
  return std::clamp<std::uint64_t>(rank, 1, n);
}

double empirical_quantile(const std::vector<double>& sorted, double q) {
  return sorted[quantile_rank(q, sorted.size()) - 1];
}

}  // namespace gaterig::statistics
