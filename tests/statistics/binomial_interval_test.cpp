#include "reports/statistics/binomial_interval.hpp"

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "brute_force.hpp"
#include "reports/statistics/special_functions.hpp"

namespace gaterig::statistics {
namespace {

using testing::binomial_cdf_brute;
using testing::binomial_upper_tail_brute;

// Reference numbers: closed forms where they exist (x = 0: (1 - U)^n = alpha; x = n: L^n = alpha),
// otherwise the defining tail equations checked by summing binomial terms at the returned bound.
// No external statistics package was available on this machine.

TEST(ClopperPearson, ZeroInThreeHundredGivesTheExactRuleOfThree) {
  const Interval u = clopper_pearson(0, 300, 0.95, Sides::upper);
  EXPECT_EQ(u.lower, 0.0);
  EXPECT_NEAR(u.upper, 1.0 - std::pow(0.05, 1.0 / 300.0), 1e-15);
  EXPECT_NEAR(u.upper, 0.009936, 5e-7);
  EXPECT_LT(u.upper, 3.0 / 300.0);  // the rule of 3 is a slight overestimate
  const Interval two = clopper_pearson(0, 300, 0.95, Sides::two_sided);
  EXPECT_NEAR(two.upper, 1.0 - std::pow(0.025, 1.0 / 300.0), 1e-15);
}

TEST(ClopperPearson, AllSuccessesHaveTheClosedFormLowerBound) {
  EXPECT_NEAR(clopper_pearson(300, 300, 0.95, Sides::lower).lower, std::pow(0.05, 1.0 / 300.0), 1e-15);
  EXPECT_NEAR(clopper_pearson(20, 20, 0.95).lower, std::pow(0.025, 1.0 / 20.0), 1e-15);
  EXPECT_EQ(clopper_pearson(20, 20, 0.95).upper, 1.0);
}

TEST(ClopperPearson, OneInHundredMatchesTheTextbookInterval) {
  const Interval i = clopper_pearson(1, 100, 0.95);
  EXPECT_NEAR(i.lower, 0.000253, 5e-7);
  EXPECT_NEAR(i.upper, 0.05446, 5e-6);
  // For x = 1 the lower tail equation has a closed form too: 1 - (1 - L)^n = alpha/2.
  EXPECT_NEAR(i.lower, 1.0 - std::pow(1.0 - 0.025, 1.0 / 100.0), 1e-15);
}

TEST(ClopperPearson, BoundsSolveTheirDefiningTailEquations) {
  for (std::uint64_t n : {1u, 2u, 7u, 30u, 100u, 301u, 1000u}) {
    for (std::uint64_t x = 0; x <= n; x += (n / 13 + 1)) {
      for (double c : {0.9, 0.95, 0.99}) {
        const double alpha = 1.0 - c;
        const Interval two = clopper_pearson(x, n, c);
        const Interval up = clopper_pearson(x, n, c, Sides::upper);
        const Interval lo = clopper_pearson(x, n, c, Sides::lower);
        if (x < n) {
          EXPECT_NEAR(static_cast<double>(binomial_cdf_brute(x, n, two.upper)), alpha / 2, 1e-9) << x << "/" << n;
          EXPECT_NEAR(static_cast<double>(binomial_cdf_brute(x, n, up.upper)), alpha, 1e-9) << x << "/" << n;
        }
        if (x > 0) {
          EXPECT_NEAR(static_cast<double>(binomial_upper_tail_brute(x, n, two.lower)), alpha / 2, 1e-9) << x << "/" << n;
          EXPECT_NEAR(static_cast<double>(binomial_upper_tail_brute(x, n, lo.lower)), alpha, 1e-9) << x << "/" << n;
        }
        EXPECT_EQ(up.lower, 0.0);
        EXPECT_EQ(lo.upper, 1.0);
      }
    }
  }
}

TEST(ClopperPearson, IsSymmetricUnderSwappingEventsAndNonEvents) {
  for (std::uint64_t n : {5u, 50u, 500u})
    for (std::uint64_t x = 0; x <= n; x += n / 5) {
      const Interval a = clopper_pearson(x, n, 0.95), b = clopper_pearson(n - x, n, 0.95);
      EXPECT_NEAR(a.lower, 1.0 - b.upper, 1e-13);
      EXPECT_NEAR(a.upper, 1.0 - b.lower, 1e-13);
    }
}

TEST(ClopperPearson, MovesMonotonicallyWithCountsTrialsAndConfidence) {
  double last = 0.0;
  for (std::uint64_t x = 0; x <= 50; ++x) {  // more events, higher bound
    const double u = clopper_pearson(x, 50, 0.95, Sides::upper).upper;
    EXPECT_GT(u, last);
    last = u;
  }
  last = 1.0;
  for (std::uint64_t n = 4; n < 400; n += 7) {  // more trials with the same events, lower bound
    const double u = clopper_pearson(3, n, 0.95, Sides::upper).upper;
    EXPECT_LT(u, last);
    last = u;
  }
  const Interval i90 = clopper_pearson(7, 80, 0.90), i99 = clopper_pearson(7, 80, 0.99);
  EXPECT_LT(i99.lower, i90.lower);
  EXPECT_GT(i99.upper, i90.upper);
  // The interval contains the point estimate.
  EXPECT_TRUE(clopper_pearson(7, 80, 0.95).contains(7.0 / 80.0));
}

TEST(ClopperPearson, EdgeCasesAndMisuse) {
  EXPECT_EQ(clopper_pearson(0, 0, 0.95), (Interval{0.0, 1.0}));
  EXPECT_THROW(clopper_pearson(5, 4, 0.95), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(1, 4, 1.0), std::invalid_argument);
  EXPECT_THROW(clopper_pearson(1, 4, 0.0), std::invalid_argument);
  EXPECT_THROW(parse_sides("both"), std::invalid_argument);
  EXPECT_EQ(parse_sides(to_string(Sides::upper)), Sides::upper);
  std::ostringstream os;
  os << Interval{0.25, 0.5};
  EXPECT_EQ(os.str(), "[0.25, 0.5]");
}

TEST(ClopperPearson, LargeCountsStayAccurate) {
  // A million trials: the tail equation still holds (checked through the independent CDF code).
  const Interval i = clopper_pearson(1234, 1'000'000, 0.95);
  EXPECT_NEAR(binomial_cdf(1234, 1'000'000, i.upper), 0.025, 1e-7);
  EXPECT_NEAR(1.0 - binomial_cdf(1233, 1'000'000, i.lower), 0.025, 1e-7);
}

TEST(Wilson, ZeroEventsHasTheClosedFormUpperLimit) {
  const double z = normal_quantile(0.975);
  const Interval w = wilson(0, 10, 0.95);
  EXPECT_EQ(w.lower, 0.0);
  EXPECT_NEAR(w.upper, z * z / (10 + z * z), 1e-15);
  EXPECT_NEAR(w.upper, 0.2775, 5e-5);  // Newcombe (1998), Table I, 0/10
}

TEST(Wilson, IsNarrowerThanClopperPearsonWhichCertificatesUse) {
  for (std::uint64_t x : {0u, 1u, 3u, 10u}) {
    const Interval w = wilson(x, 300, 0.95, Sides::upper), cp = clopper_pearson(x, 300, 0.95, Sides::upper);
    EXPECT_LT(w.upper, cp.upper) << x;
  }
}

}  // namespace
}  // namespace gaterig::statistics
