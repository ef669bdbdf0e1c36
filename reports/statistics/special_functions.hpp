#pragma once
// The few special functions the intervals and tests need, written out so that every bound a
// certificate quotes can be traced to code in this folder (no external maths library).
#include <cstdint>

namespace gaterig::statistics {

// ln B(a, b).
double log_beta(double a, double b);

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and x in [0, 1].
// Continued fraction (modified Lentz), on the side of x where it converges fast.
double regularized_incomplete_beta(double a, double b, double x);

// The x in [0, 1] with I_x(a, b) = p. Newton steps kept inside a shrinking bisection bracket,
// so it cannot diverge; relative accuracy about 1e-14 in x.
double inverse_regularized_incomplete_beta(double a, double b, double p);

// P(X <= k) for X ~ Binomial(n, p).
double binomial_cdf(std::uint64_t k, std::uint64_t n, double p);

// Phi^-1(p): Acklam's rational approximation refined by one Halley step (about 1e-15).
double normal_quantile(double p);

// Phi(z) and its upper tail 1 - Phi(z), the latter accurate far into the tail.
double normal_cdf(double z);
double normal_upper_tail(double z);

}  // namespace gaterig::statistics
