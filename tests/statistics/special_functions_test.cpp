#include "reports/statistics/special_functions.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "brute_force.hpp"

namespace gaterig::statistics {
namespace {

TEST(IncompleteBeta, MatchesClosedFormsForIntegerShapes) {
  for (double x : {1e-6, 0.01, 0.2, 0.5, 0.77, 0.999}) {
    EXPECT_NEAR(regularized_incomplete_beta(1, 1, x), x, 1e-14);                           // uniform
    EXPECT_NEAR(regularized_incomplete_beta(3, 1, x), std::pow(x, 3), 1e-14);               // x^a
    EXPECT_NEAR(regularized_incomplete_beta(1, 7, x), -std::expm1(7 * std::log1p(-x)), 1e-14);  // 1-(1-x)^b
  }
  EXPECT_NEAR(regularized_incomplete_beta(40, 40, 0.5), 0.5, 1e-14);  // symmetry
  // a ln x + b ln(1-x) rounds at ~1e-16 of its size (5545 here): 1e-12 is what the method gives.
  EXPECT_NEAR(regularized_incomplete_beta(4000, 4000, 0.5), 0.5, 1e-12);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0.0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1.0), 1.0);
}

TEST(IncompleteBeta, InverseRoundTripsAcrossShapesAndTails) {
  // b >= 1 as in every Clopper-Pearson bound: with b < 1 and p near 1 the root sits within a few
  // ulps of 1, where x itself cannot be represented finely enough to hit p to 1e-12.
  for (double a : {0.5, 1.0, 3.0, 50.0, 2000.0})
    for (double b : {1.0, 7.0, 300.0, 5000.0})
      for (double p : {1e-6, 0.025, 0.05, 0.5, 0.95, 0.975, 1 - 1e-6}) {
        const double x = inverse_regularized_incomplete_beta(a, b, p);
        EXPECT_NEAR(regularized_incomplete_beta(a, b, x), p, 1e-12)
            << "a=" << a << " b=" << b << " p=" << p;
      }
}

TEST(LogBeta, AgreesWithFactorialsAndStaysAccurateForLargeShapes) {
  // B(a, b) = (a-1)!(b-1)!/(a+b-1)! for integers: ln B(2, 3) = ln(1/12).
  EXPECT_NEAR(log_beta(2, 3), std::log(1.0 / 12.0), 1e-15);
  // B(1, b) = 1/b exactly, at sizes where lgamma differences lose 1e-9.
  for (double b : {10.0, 20.0, 1e3, 1e6, 1e9}) EXPECT_NEAR(log_beta(1, b), -std::log(b), 1e-14 * std::log(b)) << b;
  // B(2, b) = 1/(b(b+1)).
  for (double b : {20.0, 1e6}) EXPECT_NEAR(log_beta(2, b), -std::log(b) - std::log1p(b), 1e-13) << b;
  // Both large: B(a, a) against the duplication formula ln B(a, a) = 2 lgamma(a) - lgamma(2a), at a = 16
  // where lgamma itself is exact to 1e-15.
  EXPECT_NEAR(log_beta(16, 16), 2 * std::lgamma(16.0) - std::lgamma(32.0), 1e-13);
  EXPECT_NEAR(log_beta(15, 40), std::lgamma(15.0) + std::lgamma(40.0) - std::lgamma(55.0), 1e-13);
}

TEST(IncompleteBeta, RejectsBadShapes) {
  EXPECT_THROW(regularized_incomplete_beta(0, 1, 0.5), std::invalid_argument);
  EXPECT_THROW(inverse_regularized_incomplete_beta(1, -1, 0.5), std::invalid_argument);
}

TEST(BinomialCdf, AgreesWithTermByTermSums) {
  for (std::uint64_t n : {1u, 10u, 100u, 1000u})
    for (double p : {0.001, 0.01, 0.3, 0.5, 0.99})
      for (std::uint64_t k = 0; k <= n; k += (n / 10 + 1))
        EXPECT_NEAR(binomial_cdf(k, n, p), static_cast<double>(testing::binomial_cdf_brute(k, n, p)), 1e-12)
            << "k=" << k << " n=" << n << " p=" << p;
}

TEST(NormalQuantile, ReproducesTabulatedCriticalValues) {
  // Standard normal critical values (any statistics table; 15+ digits from erfc inversion).
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-13);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-12);
  for (double p : {1e-10, 0.01, 0.3, 0.7, 0.99}) EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14 + 1e-12 * p);
}

}  // namespace
}  // namespace gaterig::statistics
