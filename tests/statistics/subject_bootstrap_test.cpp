#include "reports/statistics/subject_bootstrap.hpp"

#include <iostream>
#include <random>

#include <gtest/gtest.h>

#include "brute_force.hpp"
#include "reports/statistics/resampling.hpp"

namespace gaterig::statistics {
namespace {

std::vector<PersonTally> clustered_persons() {
  std::vector<PersonTally> persons;
  for (int i = 0; i < 40; ++i) persons.push_back({std::string("P").append(std::to_string(i)), i % 8 == 0 ? 4u : (i % 5 == 0 ? 1u : 0u), 12});
  return persons;
}

TEST(Resampler, TheEngineIsTheStandardOne) {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64 is fixed by the standard.
  std::mt19937_64 e;
  e.discard(9999);
  EXPECT_EQ(e(), 9981545732273789042ull);
}

TEST(Resampler, DrawsEveryIndexEvenly) {
  Resampler r(7);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) ++counts[r.index(6)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);  // ~4 sigma
  EXPECT_THROW(r.index(0), std::invalid_argument);
}

TEST(SubjectBootstrap, TheSameSeedGivesTheSameInterval) {
  const auto a = subject_bootstrap(clustered_persons(), {123, 1000, 0.95});
  const auto b = subject_bootstrap(clustered_persons(), {123, 1000, 0.95});
  const auto c = subject_bootstrap(clustered_persons(), {124, 1000, 0.95});
  EXPECT_EQ(a.interval, b.interval);
  EXPECT_EQ(a.bounds, b.bounds);
  EXPECT_EQ(a.seed, 123u);
  EXPECT_EQ(a.replicates, 1000u);
  EXPECT_EQ(a.persons, 40u);
  EXPECT_NE(a.interval, c.interval);  // a different seed moves the percentiles a little
  EXPECT_DOUBLE_EQ(a.point, 27.0 / 480.0);  // 5 persons x 4 + 7 persons x 1
  EXPECT_LE(a.interval.lower, a.bounds.lower);
  EXPECT_GE(a.interval.upper, a.bounds.upper);
  EXPECT_LT(a.interval.lower, a.point);
  EXPECT_GT(a.interval.upper, a.point);
}

TEST(SubjectBootstrap, ZeroErrorsCollapsesToZero) {
  std::vector<PersonTally> clean(20, PersonTally{"p", 0, 10});
  const auto b = subject_bootstrap(clean, {1, 500, 0.95});
  EXPECT_EQ(b.interval, (Interval{0.0, 0.0}));  // why verdicts also need Clopper–Pearson
}

TEST(SubjectBootstrap, CountsReplicatesWithoutAttempts) {
  std::vector<PersonTally> persons{{"a", 1, 5}, {"b", 0, 0}};
  const auto b = subject_bootstrap(persons, {3, 400, 0.9});
  EXPECT_GT(b.undefined_replicates, 50u);  // both draws "b": probability 1/4
  EXPECT_LT(b.undefined_replicates, 150u);
}

TEST(SubjectBootstrap, RejectsWhatCannotBeResampled) {
  EXPECT_THROW(subject_bootstrap({}, {}), std::invalid_argument);
  EXPECT_THROW(subject_bootstrap({{"a", 0, 0}}, {}), std::invalid_argument);
  EXPECT_THROW(subject_bootstrap({{"a", 3, 2}}, {}), std::invalid_argument);
  EXPECT_THROW(subject_bootstrap({{"a", 1, 2}}, {1, 5, 0.95}), std::invalid_argument);
}

// Coverage sanity with a fixed seed: persons differ (20 % of them are "look-alikes" with a 20 %
// error rate, the rest 1 %), so attempts are correlated within persons. The percentile interval by
// person should cover the population rate near its nominal 90 %; a binomial interval that treats
// the 500 attempts as independent covers it far less often.
TEST(SubjectBootstrap, CoversThePopulationRateUnderClusteringWhereBinomialDoesNot) {
  std::mt19937_64 world(20240601);
  const double true_rate = 0.8 * 0.01 + 0.2 * 0.20;
  int boot_cover = 0, binomial_cover = 0;
  const int datasets = 200;
  for (int d = 0; d < datasets; ++d) {
    std::vector<PersonTally> persons;
    std::uint64_t events = 0;
    for (int i = 0; i < 50; ++i) {
      const double p = testing::uniform01(world()) < 0.2 ? 0.20 : 0.01;
      PersonTally t{"P", 0, 10};
      for (int a = 0; a < 10; ++a) t.events += testing::uniform01(world()) < p ? 1 : 0;
      events += t.events;
      persons.push_back(t);
    }
    const auto b = subject_bootstrap(persons, {static_cast<std::uint64_t>(d + 1), 400, 0.90});
    boot_cover += b.interval.contains(true_rate) ? 1 : 0;
    binomial_cover += clopper_pearson(events, 500, 0.90).contains(true_rate) ? 1 : 0;
  }
  const double boot = static_cast<double>(boot_cover) / datasets;
  const double binomial = static_cast<double>(binomial_cover) / datasets;
  RecordProperty("bootstrap_coverage", std::to_string(boot));
  RecordProperty("binomial_coverage", std::to_string(binomial));
  std::cout << "[ coverage ] nominal 90 %: person bootstrap " << boot << ", Clopper-Pearson by attempt " << binomial << "\n";
  EXPECT_GT(boot, 0.80) << "bootstrap coverage " << boot;
  EXPECT_LT(boot, 0.97) << "bootstrap coverage " << boot;
  EXPECT_LT(binomial, boot) << "binomial coverage " << binomial;
}

}  // namespace
}  // namespace gaterig::statistics
