// The correlator's rules, one synthetic event sequence each.
#include <algorithm>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "rigs/trial/correlator.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial {
namespace {
using namespace test;

constexpr MonoNs kPhoton = 100 * kS;
// 2026-11-21 10:00:00 +08:00 at the photon.
const WallNs kPhotonWall = *parse_civil("2026-11-21 10:00:00", UtcOffset::china(), "yyyy-MM-dd HH:mm:ss");

TrialWindow window(MonoNs closes_after = 5 * kS, MonoNs late_after = 6 * kS) {
  return TrialWindow{kPhoton, kPhoton + closes_after, kPhoton + late_after, kPhotonWall, "frame-publish"};
}

Trial trial(std::uint64_t i = 0) { return Trial{i, "T0000" + std::to_string(i + 1), 0, 1}; }

bool has_finding(const TrialOutcome& o, const std::string& prefix) {
  return std::any_of(o.findings.begin(), o.findings.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

class CorrelatorTest : public ::testing::Test {
 protected:
  Correlator correlator{small_book()};
  Presentation genuine = presentation("p1", "P1", Role::enrolled, Expectation::accept);
  Presentation impostor = presentation("p9", "P9", Role::impostor, Expectation::refuse);
  Presentation outsider = presentation("x1", "X1", Role::unenrolled, Expectation::refuse);
  Presentation attack = presentation("a1", "P1", Role::attack, Expectation::refuse, "normal", "print");
  Presentation no_helmet = presentation("h1", "P1", Role::enrolled, Expectation::refuse_with_record, "no-helmet");
  Presentation outside_window = presentation("w1", "P1", Role::enrolled, Expectation::refuse, "outside-window");

  TrialOutcome run(const Presentation& p, const std::vector<Event>& events, TrialWindow w = window()) {
    return correlator.correlate(trial(), p, w, events);
  }
};

TEST_F(CorrelatorTest, OwnCardIsATrueAcceptWithExactLatency) {
  auto o = run(genuine, {frame_event(kPhoton + 412'345'678, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::true_accept);
  ASSERT_TRUE(o.latency_ns);
  EXPECT_EQ(*o.latency_ns, 412'345'678);
  EXPECT_EQ(*o.frame_at, kPhoton + 412'345'678);
  EXPECT_EQ(*o.card, card_of(1, 101));
  EXPECT_EQ(o.card_person, "P1");
  EXPECT_EQ(o.frames, 1u);
  EXPECT_FALSE(o.late);
  EXPECT_TRUE(o.findings.empty());
  EXPECT_EQ(o.photon_wall, kPhotonWall);
}

TEST_F(CorrelatorTest, SilenceOnAGenuineTrialIsAFalseReject) {
  auto o = run(genuine, {});
  EXPECT_EQ(o.outcome, OutcomeClass::false_reject);
  EXPECT_FALSE(o.latency_ns);
  EXPECT_FALSE(o.card);
}

TEST_F(CorrelatorTest, AnotherEnrolledPersonsCardIsAWrongPersonAccept) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 1, 102)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_accept_wrong_person);
  EXPECT_EQ(o.card_person, "P2");
  EXPECT_FALSE(has_finding(o, "card-unknown"));
}

TEST_F(CorrelatorTest, ACardNobodyOwnsIsAWrongPersonAccept) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 7, 777)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_accept_wrong_person);
  EXPECT_EQ(o.card_person, "");
  EXPECT_TRUE(has_finding(o, "card-unknown")) << o;
}

TEST_F(CorrelatorTest, AWrongCardAfterTheRightOneStillMakesItAWrongPersonAccept) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 1, 101), frame_event(kPhoton + 900 * kMs, 1, 103)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_accept_wrong_person);
  EXPECT_EQ(*o.latency_ns, 900 * kMs);
  EXPECT_EQ(o.frames, 2u);
  EXPECT_TRUE(has_finding(o, "frames: 2"));
}

TEST_F(CorrelatorTest, OnlyABadParityFrameIsAFalseRejectWithItsFindings) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 1, 101, /*bad_parity=*/true)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_reject);
  EXPECT_EQ(o.frames, 1u);
  EXPECT_TRUE(has_finding(o, "frame-malformed"));
  EXPECT_TRUE(has_finding(o, "wiegand-parity-odd-bad")) << o;
}

TEST_F(CorrelatorTest, AGoodFrameAfterABadOneIsATrueAcceptTimedAtTheGoodOne) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 1, 101, true), frame_event(kPhoton + 500 * kMs, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::true_accept);
  EXPECT_EQ(*o.latency_ns, 500 * kMs);
  EXPECT_TRUE(has_finding(o, "wiegand-parity-odd-bad"));
}

TEST_F(CorrelatorTest, ALateTrueAcceptKeepsItsLatency) {
  auto o = run(genuine, {frame_event(kPhoton + 5'500 * kMs, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::true_accept);
  EXPECT_TRUE(o.late);
  EXPECT_EQ(*o.latency_ns, 5'500 * kMs);
  EXPECT_TRUE(has_finding(o, "late-output: frame 500.0 ms after the window closed")) << o;
}

TEST_F(CorrelatorTest, FramesOutsidePhotonToLateUntilBelongToOtherTrials) {
  auto o = run(genuine, {frame_event(kPhoton - 1, 1, 101), frame_event(kPhoton + 6 * kS, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_reject);
  EXPECT_EQ(o.frames, 0u);
  // A frame exactly at the photon is this trial's.
  EXPECT_EQ(run(genuine, {frame_event(kPhoton, 1, 101)}).outcome, OutcomeClass::true_accept);
}

TEST_F(CorrelatorTest, EventsInAnyOrderAndOtherKindsAreIgnored) {
  std::vector<Event> ev{Event{kPhoton + 10 * kMs, "bench", "bench.lux", Json{{"lux", 500}}},
                        frame_event(kPhoton + 800 * kMs, 1, 101), frame_event(kPhoton + 200 * kMs, 1, 101),
                        Event{kPhoton, "display", "display.shown", Json::object()}};
  auto o = run(genuine, ev);
  EXPECT_EQ(o.outcome, OutcomeClass::true_accept);
  EXPECT_EQ(*o.latency_ns, 200 * kMs);
}

TEST_F(CorrelatorTest, AnyFrameOnAnImpostorIsAFalseAcceptEvenMalformed) {
  EXPECT_EQ(run(impostor, {frame_event(kPhoton + 1 * kS, 1, 101)}).outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_EQ(run(impostor, {frame_event(kPhoton + 1 * kS, 1, 109)}).outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_EQ(run(impostor, {frame_event(kPhoton + 1 * kS, 9, 9, true)}).outcome, OutcomeClass::false_accept_unenrolled);
  auto raw = run(outsider, {raw_frame_event(kPhoton + 1 * kS, "10110")});
  EXPECT_EQ(raw.outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_FALSE(raw.card);
  EXPECT_EQ(*raw.latency_ns, 1 * kS);
}

TEST_F(CorrelatorTest, AnUnreadableFrameEventIsStillGateOutput) {
  Event garbage{kPhoton + 2 * kS, "wiegand", "wiegand.frame", Json{{"bits", 7}}};
  auto o = run(impostor, {garbage});
  EXPECT_EQ(o.outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_TRUE(has_finding(o, "frame-unreadable"));
}

TEST_F(CorrelatorTest, SilenceOnAnImpostorIsACorrectRefusal) {
  auto o = run(impostor, {frame_event(kPhoton - 10 * kMs, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::correct_refusal);
  EXPECT_FALSE(o.latency_ns);
}

TEST_F(CorrelatorTest, LateOutputAfterARefusalWindowIsAFalseAccept) {
  auto o = run(impostor, {frame_event(kPhoton + 5'200 * kMs, 1, 102)});
  EXPECT_EQ(o.outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_TRUE(o.late);
  EXPECT_EQ(o.card_person, "P2");
}

TEST_F(CorrelatorTest, AttacksAreAcceptedOrRefused) {
  EXPECT_EQ(run(attack, {frame_event(kPhoton + 700 * kMs, 1, 101)}).outcome, OutcomeClass::attack_accepted);
  EXPECT_EQ(run(attack, {}).outcome, OutcomeClass::attack_refused);
}

TEST_F(CorrelatorTest, AnEnrolledPersonWhoMustBeRefusedOpensNothing) {
  EXPECT_EQ(run(outside_window, {frame_event(kPhoton + 700 * kMs, 1, 101)}).outcome, OutcomeClass::false_accept_policy);
  EXPECT_EQ(run(outside_window, {}).outcome, OutcomeClass::correct_refusal);
  EXPECT_EQ(run(no_helmet, {frame_event(kPhoton + 700 * kMs, 1, 101)}).outcome, OutcomeClass::false_accept_policy);
}

TEST_F(CorrelatorTest, NoHelmetSilenceWaitsForTheFlaggedRecord) {
  auto o = run(no_helmet, {});
  EXPECT_EQ(o.outcome, OutcomeClass::no_answer);
  EXPECT_TRUE(has_finding(o, "awaiting-record"));

  std::vector<TrialOutcome> v{o};
  correlator.attach_records(v, {record_event(kPhoton + 3 * kS, id_number_of(1), "2026-11-21 10:00:00", 5, "01-no-helmet")});
  EXPECT_EQ(v[0].outcome, OutcomeClass::correct_refusal);
  EXPECT_FALSE(has_finding(v[0], "awaiting-record"));
  ASSERT_TRUE(v[0].record);
  EXPECT_EQ(v[0].record->record_id, 5);
  EXPECT_EQ(v[0].record->attend_type, "01-no-helmet");
  EXPECT_EQ(*v[0].record_latency_ns, 3 * kS);  // no frame: from the photon

  // An unflagged record does not show the helmet check; nor does a record that says nothing.
  std::vector<TrialOutcome> plain{o};
  correlator.attach_records(plain, {record_event(kPhoton + 3 * kS, id_number_of(1), "2026-11-21 10:00:00", 5, "01")});
  EXPECT_EQ(plain[0].outcome, OutcomeClass::no_answer);
  EXPECT_TRUE(has_finding(plain[0], "record-unflagged: attend type '01'"));
  std::vector<TrialOutcome> silent{o};
  correlator.attach_records(silent, {record_event(kPhoton + 3 * kS, id_number_of(1), "2026-11-21 10:00:00", 5)});
  EXPECT_EQ(silent[0].outcome, OutcomeClass::no_answer);
  EXPECT_TRUE(has_finding(silent[0], "record-unflagged: the platform event carries no attend type"));
  // And none at all stays no_answer.
  std::vector<TrialOutcome> none{o};
  correlator.attach_records(none, {});
  EXPECT_EQ(none[0].outcome, OutcomeClass::no_answer);
}

TEST_F(CorrelatorTest, ARigErrorInTheWindowMakesTheTrialAnError) {
  auto o = run(genuine, {frame_event(kPhoton + 300 * kMs, 1, 101),
                         Event{kPhoton + 1 * kS, "rig", "rig.error", Json{{"what", "wiegand capture stopped"}}}});
  EXPECT_EQ(o.outcome, OutcomeClass::error);
  EXPECT_NE(o.error.find("wiegand capture stopped"), std::string::npos);
  // Before the photon it is not this trial's.
  auto ok = run(genuine, {Event{kPhoton - 1, "rig", "rig.error", Json{{"what", "x"}}}, frame_event(kPhoton + 1, 1, 101)});
  EXPECT_EQ(ok.outcome, OutcomeClass::true_accept);
}

TEST_F(CorrelatorTest, AGenuineTrialWithoutAKnownCardIsARigError) {
  auto stranger = presentation("s1", "P42", Role::enrolled, Expectation::accept);
  auto o = run(stranger, {frame_event(kPhoton + 300 * kMs, 1, 101)});
  EXPECT_EQ(o.outcome, OutcomeClass::error);
  EXPECT_NE(o.error.find("P42"), std::string::npos);
  // A card stated on the presentation needs no book.
  stranger.expected_card = card_of(4, 42);
  EXPECT_EQ(run(stranger, {frame_event(kPhoton + 300 * kMs, 4, 42)}).outcome, OutcomeClass::true_accept);
}

TEST_F(CorrelatorTest, NonsensePresentationsAndWindowsAreErrorsNotVerdicts) {
  auto p = presentation("q", "P9", Role::impostor, Expectation::accept);
  EXPECT_EQ(run(p, {}).outcome, OutcomeClass::error);
  EXPECT_EQ(run(genuine, {}, TrialWindow{kPhoton, kPhoton - 1, kPhoton, 0, ""}).outcome, OutcomeClass::error);
}

TEST_F(CorrelatorTest, RecordsAttachToTheirPassClosestInDate) {
  // Two passes of P1 ten seconds apart; the first one's record was lost; P2 got a wrong-person pass.
  std::vector<TrialOutcome> v;
  v.push_back(run(genuine, {frame_event(kPhoton + 400 * kMs, 1, 101)}));
  TrialWindow w2{kPhoton + 10 * kS, kPhoton + 15 * kS, kPhoton + 16 * kS, kPhotonWall + 10 * kS, ""};
  v.push_back(correlator.correlate(trial(1), genuine, w2, {frame_event(kPhoton + 10'300 * kMs, 1, 101)}));
  v.push_back(correlator.correlate(trial(2), presentation("p3", "P3", Role::enrolled, Expectation::accept),
                                   TrialWindow{kPhoton + 20 * kS, kPhoton + 25 * kS, kPhoton + 26 * kS,
                                               kPhotonWall + 20 * kS, ""},
                                   {frame_event(kPhoton + 20'500 * kMs, 1, 102)}));
  ASSERT_EQ(v[2].outcome, OutcomeClass::false_accept_wrong_person);
  const std::vector<Event> records{
      record_event(kPhoton + 10'900 * kMs, id_number_of(1), "2026-11-21 10:00:10", 11),
      record_event(kPhoton + 21 * kS, id_number_of(2), "2026-11-21 10:00:20", 12),
      // A record received before its pass cannot be its record.
      record_event(kPhoton + 20'000 * kMs, id_number_of(2), "2026-11-21 10:00:20", 13),
  };
  correlator.attach_records(v, records);
  EXPECT_FALSE(v[0].record) << "the lost pass took its neighbour's record";
  ASSERT_TRUE(v[1].record);
  EXPECT_EQ(v[1].record->record_id, 11);
  EXPECT_EQ(*v[1].record_latency_ns, 600 * kMs);  // receipt - first edge
  ASSERT_TRUE(v[2].record);
  EXPECT_EQ(v[2].record->record_id, 12);  // the card owner's record
  EXPECT_EQ(*v[2].record_latency_ns, 500 * kMs);

  // Idempotent.
  auto again = v;
  correlator.attach_records(again, records);
  EXPECT_EQ(again, v);
}

TEST_F(CorrelatorTest, TwoPassesOfOnePersonInNeighbouringSecondsKeepTheirOwnRecords) {
  // The dates have whole seconds. The first pass is late in second :00 (0.76 s), the second early in
  // second :01 (1.99 s): by the bare date the first pass is closer to the second's record (0.24 s
  // against 0.76 s), and pairing the closest first left the second pass "lost" and the first
  // record "invented" (seen on the simulated rig at 0.25 s trials).
  std::vector<TrialOutcome> v;
  v.push_back(correlator.correlate(trial(0), genuine,
                                   TrialWindow{kPhoton + 740 * kMs, kPhoton + 1'000 * kMs, kPhoton + 1'200 * kMs,
                                               kPhotonWall + 740 * kMs, ""},
                                   {frame_event(kPhoton + 760 * kMs, 1, 101)}));
  v.push_back(correlator.correlate(trial(1), genuine,
                                   TrialWindow{kPhoton + 1'970 * kMs, kPhoton + 2'200 * kMs, kPhoton + 2'400 * kMs,
                                               kPhotonWall + 1'970 * kMs, ""},
                                   {frame_event(kPhoton + 1'990 * kMs, 1, 101)}));
  correlator.attach_records(v, {record_event(kPhoton + 780 * kMs, id_number_of(1), "2026-11-21 10:00:00", 21),
                                record_event(kPhoton + 2'010 * kMs, id_number_of(1), "2026-11-21 10:00:01", 22)});
  ASSERT_TRUE(v[0].record);
  ASSERT_TRUE(v[1].record);
  EXPECT_EQ(v[0].record->record_id, 21);
  EXPECT_EQ(v[1].record->record_id, 22);
}

TEST_F(CorrelatorTest, ARecordUploadedWhileTheFrameWentOutIsThePasssRecord) {
  // A terminal that uploads as it starts its Wiegand frame: the platform has the record 2 ms
  // before the first edge, but after the photon. It is the pass's record (latency -2 ms).
  std::vector<TrialOutcome> v{run(genuine, {frame_event(kPhoton + 400 * kMs, 1, 101)})};
  correlator.attach_records(v, {record_event(kPhoton + 398 * kMs, id_number_of(1), "2026-11-21 10:00:00", 31)});
  ASSERT_TRUE(v[0].record);
  EXPECT_EQ(v[0].record->record_id, 31);
  EXPECT_EQ(*v[0].record_latency_ns, -2 * kMs);
}

TEST_F(CorrelatorTest, OutcomeJsonRoundTrips) {
  auto o = run(genuine, {frame_event(kPhoton + 412 * kMs, 1, 101), frame_event(kPhoton + 5'500 * kMs, 1, 102)});
  o.group = "JX-A.2/genuine";
  o.record = RecordSeen{3, "attendance", "2026-11-21 10:00:00", "01", "01", kPhoton + kS};
  o.record_latency_ns = 588 * kMs;
  EXPECT_EQ(TrialOutcome::from_json(Json::parse(o.to_json().dump())), o);
  Json bad = o.to_json();
  bad["outcome"] = "maybe";
  EXPECT_THROW(TrialOutcome::from_json(bad), std::invalid_argument);
}

}  // namespace
}  // namespace gaterig::trial
