#include <map>
#include <set>

#include <gtest/gtest.h>

#include "rigs/trial/plan.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial {
namespace {
using namespace test;

std::vector<Presentation> persons_times(int persons, int per_person) {
  std::vector<Presentation> v;
  for (int i = 1; i <= persons; ++i)
    for (int k = 1; k <= per_person; ++k)
      v.push_back(presentation(pid(i) + pid(k, "-"), pid(i), Role::enrolled, Expectation::accept));
  return v;
}

TEST(TrialPlan, EveryPresentationAppearsOncePerRepetition) {
  auto plan = TrialPlan::make(persons_times(10, 2), 3, 7);
  ASSERT_EQ(plan.size(), 60u);
  std::map<std::pair<std::size_t, std::uint32_t>, int> seen;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Trial& t = plan.trials()[i];
    EXPECT_EQ(t.index, i);
    ++seen[{t.presentation, t.repetition}];
  }
  EXPECT_EQ(seen.size(), 60u);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k.first << " rep " << k.second;
  EXPECT_EQ(plan.trials().front().id, "T00001");
  EXPECT_EQ(plan.trials().back().id, "T00060");
}

TEST(TrialPlan, SameSeedSameOrderAndHashOtherSeedOther) {
  auto a = TrialPlan::make(persons_times(10, 2), 3, 7);
  auto b = TrialPlan::make(persons_times(10, 2), 3, 7);
  auto c = TrialPlan::make(persons_times(10, 2), 3, 8);
  EXPECT_EQ(a.trials(), b.trials());
  EXPECT_EQ(a.sha256(), b.sha256());
  EXPECT_NE(a.trials(), c.trials());
  EXPECT_NE(a.sha256(), c.sha256());
  EXPECT_EQ(a.sha256().size(), 64u);
}

TEST(TrialPlan, ShuffleIsThePlatformIndependentFisherYates) {
  // mt19937_64's output is fixed by the C++ standard and the index draw is our own, so this
  // permutation is the same on every platform; if it changes, every recorded plan changes.
  EXPECT_EQ(shuffled_indices(10, 1), (std::vector<std::size_t>{1, 7, 3, 9, 4, 0, 5, 2, 6, 8}));
  auto v = shuffled_indices(1000, 42);
  std::set<std::size_t> s(v.begin(), v.end());
  EXPECT_EQ(s.size(), 1000u);
  EXPECT_EQ(*s.rbegin(), 999u);
}

TEST(TrialPlan, HashCoversTimingAndPresentations) {
  auto base = TrialPlan::make(persons_times(3, 1), 2, 1);
  TrialTiming slower;
  slower.refusal_window = std::chrono::milliseconds(6000);
  EXPECT_NE(base.sha256(), TrialPlan::make(persons_times(3, 1), 2, 1, slower).sha256());
  auto ps = persons_times(3, 1);
  ps[0].images = {"other.png"};
  EXPECT_NE(base.sha256(), TrialPlan::make(ps, 2, 1).sha256());
}

TEST(TrialPlan, JsonRoundTripKeepsHashAndRefusesAnEditedPlan) {
  TrialTiming t;
  t.gap = std::chrono::milliseconds(250);
  t.repeat_window = std::chrono::milliseconds(5000);
  auto ps = persons_times(4, 2);
  ps[1].expected_card = card_of(3, 4);
  ps[2].role = Role::attack;
  ps[2].attack = "print";
  ps[2].expected = Expectation::refuse;
  auto plan = TrialPlan::make(ps, 2, 99, t, 1);
  const Json j = plan.to_json();
  auto back = TrialPlan::from_json(Json::parse(j.dump()));
  EXPECT_EQ(back.sha256(), plan.sha256());
  EXPECT_EQ(back.trials(), plan.trials());
  EXPECT_EQ(back.presentations(), plan.presentations());
  EXPECT_EQ(back.timing(), plan.timing());
  EXPECT_EQ(back.person_spacing(), 1u);

  Json edited = j;
  edited["trials"][0][2] = 2;
  edited["trials"][1][2] = 1;
  try {
    TrialPlan::from_json(edited);
    FAIL() << "an edited plan was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("plan.sha256"), std::string::npos) << e.what();
  }
}

TEST(TrialPlan, BadInputsAreNamed) {
  EXPECT_THROW(TrialPlan::make({}, 1, 1), std::invalid_argument);
  EXPECT_THROW(TrialPlan::make(persons_times(2, 1), 0, 1), std::invalid_argument);
  auto dup = persons_times(2, 1);
  dup[1].id = dup[0].id;
  try {
    TrialPlan::make(dup, 1, 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("P1-1 appears twice"), std::string::npos) << e.what();
  }
  Json bad = Presentation{}.to_json();
  bad["id"] = "x";
  bad["role"] = "visitor";
  try {
    Presentation::from_json(bad);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("presentation.role"), std::string::npos) << e.what();
  }
}

TEST(TrialPlan, PersonSpacingKeepsTheSamePersonApart) {
  // 20 persons x 3 presentations x 2 repetitions: plenty of room to keep each person 3 apart.
  auto plan = TrialPlan::make(persons_times(20, 3), 2, 5, {}, 3);
  auto plain = TrialPlan::make(persons_times(20, 3), 2, 5);
  auto close_repeats = [](const TrialPlan& p, std::size_t k) {
    int n = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      for (std::size_t b = 1; b <= k && b <= i; ++b)
        n += p.presentation_of(p.trials()[i]).person == p.presentation_of(p.trials()[i - b]).person;
    return n;
  };
  EXPECT_GT(close_repeats(plain, 3), 0) << "the test needs a shuffle that puts a person close to itself";
  EXPECT_EQ(close_repeats(plan, 3), 0);
  EXPECT_EQ(plan.size(), plain.size());
  // One person only: spacing cannot be honoured and the plan is still complete.
  EXPECT_EQ(TrialPlan::make(persons_times(1, 3), 2, 5, {}, 2).size(), 6u);
}

}  // namespace
}  // namespace gaterig::trial
