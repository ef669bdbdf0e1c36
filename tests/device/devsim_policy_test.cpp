// The terminal's access policy, card mapping and Wiegand bits, as pure logic.
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "probes/wiegand/decoder.hpp"
#include "probes/wiegand/layout.hpp"
#include "simulator/device/access_policy.hpp"
#include "simulator/device/wiegand_out.hpp"

namespace gaterig::device {
namespace {

constexpr MonoNs kSecond = 1'000'000'000;

FrameAnalysis matched(const std::string& person, float similarity = 0.8F) {
  FrameAnalysis a;
  a.face_found = true;
  a.faces = 1;
  a.refusal = Refusal::none;
  a.best = Match{person, similarity};
  a.matched = true;
  a.helmet = Flag{true, true, 1.0};
  return a;
}

// 2024-01-01 at `hh:mm` platform time (UTC+8), as wall ns.
WallNs at_china(int hh, int mm) {
  return (std::int64_t{1704067200} + (hh * 60 + mm) * 60 - 8 * 3600) * kSecond;
}

TEST(AccessPolicy, AcceptsAMatchedFaceOnceWithinTheRepeatWindow) {
  AccessPolicy p(PolicyRules{});
  EXPECT_TRUE(p.decide(matched("A"), at_china(9, 0), 10 * kSecond).accept);
  const Decision again = p.decide(matched("A"), at_china(9, 0), 12 * kSecond);
  EXPECT_FALSE(again.accept);
  EXPECT_EQ(again.reason, DenyReason::repeat);
  EXPECT_TRUE(p.decide(matched("A"), at_china(9, 0), 16 * kSecond).accept);  // 6 s later: window 5 s
}

TEST(AccessPolicy, RefusesNoFaceSpoofUnknownInThatOrder) {
  AccessPolicy p(PolicyRules{});
  FrameAnalysis none;
  EXPECT_EQ(p.decide(none, 0, 0).reason, DenyReason::no_face);
  FrameAnalysis spoof = matched("A");
  spoof.liveness = Liveness{true, false, 3.0, "frame"};
  EXPECT_EQ(p.decide(spoof, 0, 0).reason, DenyReason::spoof);
  FrameAnalysis unknown = matched("A", 0.2F);
  unknown.matched = false;
  EXPECT_EQ(p.decide(unknown, 0, 0).reason, DenyReason::unknown);
  EXPECT_TRUE(p.decide(matched("A"), 0, 0).accept);
}

TEST(AccessPolicy, NoHelmetIsRefusedWithOneFlaggedRecordPerPresentation) {
  AccessPolicy p(PolicyRules{});
  FrameAnalysis bare = matched("A");
  bare.helmet = Flag{true, false, 0.1};
  const Decision first = p.decide(bare, 0, 10 * kSecond);
  EXPECT_EQ(first.reason, DenyReason::no_helmet);
  EXPECT_TRUE(first.flagged_record);
  EXPECT_FALSE(p.decide(bare, 0, 11 * kSecond).flagged_record);
  bare.helmet.checked = false;  // the no-helmet profile: not measured, so not refused
  EXPECT_TRUE(p.decide(bare, 0, 12 * kSecond).accept);
}

TEST(AccessPolicy, PersonWindowWinsOverGroupWindowAndWrapsPastMidnight) {
  PolicyRules rules;
  rules.windows = {AccessWindow{"", "team-1", 6 * 60, 20 * 60}, AccessWindow{"night", "", 22 * 60, 6 * 60}};
  AccessPolicy p(rules);
  p.set_group("day", "team-1");
  p.set_group("night", "team-1");
  EXPECT_TRUE(p.inside_window("day", at_china(8, 0)));
  EXPECT_FALSE(p.inside_window("day", at_china(21, 0)));
  EXPECT_TRUE(p.inside_window("night", at_china(23, 30)));
  EXPECT_TRUE(p.inside_window("night", at_china(5, 59)));
  EXPECT_FALSE(p.inside_window("night", at_china(8, 0)));
  EXPECT_TRUE(p.inside_window("nobody-named", at_china(3, 0)));
  EXPECT_EQ(p.decide(matched("day"), at_china(21, 0), 0).reason, DenyReason::outside_window);
  rules.enforce_windows = false;  // ignores-access-window
  p.set_rules(rules);
  EXPECT_TRUE(p.decide(matched("day"), at_china(21, 0), 0).accept);
}

TEST(AccessPolicy, ForgetAcceptLetsTheSamePersonPassAgain) {
  AccessPolicy p(PolicyRules{});
  ASSERT_TRUE(p.decide(matched("A"), 0, 0).accept);
  p.forget_accept("A");
  EXPECT_TRUE(p.decide(matched("A"), 0, kSecond).accept);
}

TEST(GateCard, DerivedNumberIsTheFirstTwoBytesOfSha256) {
  const std::string id = "360102198001010015";
  const std::string h = crypto::sha256(id);
  EXPECT_EQ(derived_card_number(id),
            (static_cast<unsigned>(static_cast<unsigned char>(h[0])) << 8) | static_cast<unsigned char>(h[1]));
  EXPECT_EQ(CardBook(9).card_for(id), (GateCard{9, derived_card_number(id)}));
}

TEST(GateCard, FrameBitsDecodeBackAndDegradedKnobsShowOnTheWire) {
  const GateCard card{12, 34567};
  wiegand::WiegandFrame ok;
  ok.bits = gate_frame_bits(card, "wg26", false, false);
  wiegand::decode_layout(ok, wiegand::Format::raw);
  EXPECT_EQ(ok.format, wiegand::Format::wg26);
  EXPECT_EQ(ok.card, 34567u);
  EXPECT_EQ(ok.facility, 12u);
  EXPECT_TRUE(*ok.parity_even_ok && *ok.parity_odd_ok);

  wiegand::WiegandFrame parity;
  parity.bits = gate_frame_bits(card, "wg26", true, false);
  wiegand::decode_layout(parity, wiegand::Format::raw);
  EXPECT_FALSE(*parity.parity_odd_ok);

  wiegand::WiegandFrame wrong;
  wrong.bits = gate_frame_bits(card, "wg26", false, true);
  wiegand::decode_layout(wrong, wiegand::Format::raw);
  EXPECT_EQ(wrong.format, wiegand::Format::wg34);
  EXPECT_EQ(wrong.card, 34567u);
}

}  // namespace
}  // namespace gaterig::device
