#include "brute_force.hpp"

#include <cmath>

namespace gaterig::statistics::testing {

namespace {
// pmf(0) = (1-p)^n, pmf(k+1) = pmf(k) * (n-k)/(k+1) * p/(1-p); returns the sum over [from, to].
long double sum_pmf(std::uint64_t from, std::uint64_t to, std::uint64_t n, long double p) {
  if (p <= 0.0L) return from == 0 ? 1.0L : 0.0L;
  if (p >= 1.0L) return to >= n ? 1.0L : 0.0L;
  long double pmf = std::exp(static_cast<long double>(n) * std::log1p(-p));
  const long double ratio = p / (1.0L - p);
  long double sum = 0.0L;
  for (std::uint64_t k = 0; k <= to && k <= n; ++k) {
    if (k >= from) sum += pmf;
    pmf *= static_cast<long double>(n - k) / static_cast<long double>(k + 1) * ratio;
  }
  return sum;
}
}  // namespace

long double binomial_cdf_brute(std::uint64_t x, std::uint64_t n, long double p) { return sum_pmf(0, x, n, p); }
long double binomial_upper_tail_brute(std::uint64_t x, std::uint64_t n, long double p) { return sum_pmf(x, n, n, p); }

double uniform01(unsigned long long raw) { return static_cast<double>(raw >> 11) * 0x1.0p-53; }

}  // namespace gaterig::statistics::testing
