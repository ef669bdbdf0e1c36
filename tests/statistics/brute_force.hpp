#pragma once
// Independent reference computations for the tests: binomial tails by summing probabilities
// term by term (recurrence in long double, no lgamma, no incomplete beta).
#include <cstdint>

namespace gaterig::statistics::testing {

// P(X <= x) and P(X >= x) for X ~ Binomial(n, p), summed term by term.
long double binomial_cdf_brute(std::uint64_t x, std::uint64_t n, long double p);
long double binomial_upper_tail_brute(std::uint64_t x, std::uint64_t n, long double p);

// A double in [0, 1) from a seeded engine, identical on every platform.
double uniform01(unsigned long long raw);

}  // namespace gaterig::statistics::testing
