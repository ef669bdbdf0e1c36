#include "core/resident_id.hpp"

#include <gtest/gtest.h>

using namespace gaterig;

TEST(ResidentId, AcceptsAKnownValidNumber) {
  EXPECT_TRUE(is_valid_resident_id("11010519491231002X"));
  EXPECT_TRUE(is_valid_resident_id("11010519491231002x"));
  EXPECT_EQ(resident_id_check_char("11010519491231002"), 'X');
}

TEST(ResidentId, ExplainsEachKindOfProblem) {
  EXPECT_EQ(*resident_id_problem("110105194912310"), "must be 18 characters, got 15");
  EXPECT_EQ(*resident_id_problem("1101051949123100AX"), "character 17 is not a digit");
  EXPECT_EQ(*resident_id_problem("110105194912310021"), "check character is 1, expected X");
  EXPECT_EQ(resident_id_problem("99010519491231002X")->substr(0, 14), "region code 99");
  // 1949-02-30 is not a date; fix the check character so only the date is wrong.
  std::string bad_date = "11010519490230002";
  bad_date += *resident_id_check_char(bad_date);
  EXPECT_EQ(*resident_id_problem(bad_date), "birth date 19490230 is not a date");
}

TEST(ResidentId, SyntheticNumbersAreValidDeterministicAndDistinct) {
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const auto id = synthetic_resident_id(seed);
    ASSERT_TRUE(is_valid_resident_id(id)) << id << ": " << *resident_id_problem(id);
    EXPECT_EQ(id, synthetic_resident_id(seed));
  }
  EXPECT_NE(synthetic_resident_id(1), synthetic_resident_id(2));
  EXPECT_EQ(synthetic_resident_id(3, "440703").substr(0, 6), "440703");
}

TEST(ResidentId, MaskingHidesTheBirthDateAndSequence) {
  EXPECT_EQ(mask_id("11010519491231002X"), "110***********002X");
  EXPECT_EQ(mask_id("12345"), "***45");
  EXPECT_EQ(mask_ids_in("worker 11010519491231002X entered; card 1234"),
            "worker 110***********002X entered; card 1234");
  // 19 digits is not an ID number: left alone.
  EXPECT_EQ(mask_ids_in("1101051949123100211"), "1101051949123100211");
}
