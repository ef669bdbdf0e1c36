// Passes against platform records: lost, duplicated, time-shifted, invented, each with evidence.
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "rigs/trial/correlator.hpp"
#include "rigs/trial/reconciliation.hpp"
#include "trial_test_support.hpp"

namespace gaterig::trial {
namespace {
using namespace test;

const UtcOffset kCst = UtcOffset::china();
WallNs at(const char* civil) { return *parse_civil(civil, kCst, "yyyy-MM-dd HH:mm:ss"); }

Pass pass(int person, const char* civil, MonoNs extra_ns = 0, const char* trial = "") {
  return Pass{trial, pid(person), id_number_of(person), 0, at(civil) + extra_ns};
}
PlatformRecord record(std::int64_t id, int person, const char* date, const char* direction = "01") {
  return PlatformRecord{id, mask_id(id_number_of(person)), date, direction, "01", 0};
}

const ReconciliationItem& item_of(const Reconciliation& r, ItemKind k, std::size_t nth = 0) {
  for (const auto& it : r.items)
    if (it.kind == k && nth-- == 0) return it;
  throw std::runtime_error("no such item");
}

TEST(Reconciliation, EveryPassWithItsRecordIsClean) {
  auto r = reconcile({pass(1, "2026-11-21 10:00:00", 400 * kMs), pass(2, "2026-11-21 10:00:05"),
                      pass(1, "2026-11-21 10:00:30", 900 * kMs)},
                     {record(1, 1, "2026-11-21 10:00:00"), record(2, 2, "2026-11-21 10:00:05"),
                      record(3, 1, "2026-11-21 10:00:30")});
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.matched, 3u);
  EXPECT_EQ(r.items.size(), 3u);
  EXPECT_EQ(item_of(r, ItemKind::matched, 2).record->record_id, 3);
  EXPECT_EQ(*item_of(r, ItemKind::matched, 2).shift_ms, -900);
}

TEST(Reconciliation, APassWithoutARecordIsLost) {
  auto r = reconcile({pass(1, "2026-11-21 10:00:00", 0, "T00007")}, {});
  EXPECT_EQ(r.lost, 1u);
  EXPECT_FALSE(r.clean());
  const auto& it = item_of(r, ItemKind::lost);
  EXPECT_NE(it.evidence.find("2026-11-21 10:00:00 (trial T00007): no record"), std::string::npos) << it.evidence;
  EXPECT_EQ(it.evidence.find(id_number_of(1)), std::string::npos) << "an ID number in clear";
}

TEST(Reconciliation, TheSameRecordStoredTwiceIsDuplicated) {
  auto r = reconcile({pass(1, "2026-11-21 10:00:00")},
                     {record(1, 1, "2026-11-21 10:00:00"), record(2, 1, "2026-11-21 10:00:00")});
  EXPECT_EQ(r.matched, 1u);
  EXPECT_EQ(r.duplicated, 1u);
  EXPECT_EQ(item_of(r, ItemKind::duplicated).record->record_id, 2);
  EXPECT_NE(item_of(r, ItemKind::duplicated).evidence.find("first: record 1"), std::string::npos);
}

TEST(Reconciliation, ABackfillThatRewroteTheTimeIsTimeShifted) {
  // Offline 10 minutes; the terminal uploaded both passes with the upload time.
  auto r = reconcile({pass(1, "2026-11-21 10:00:00"), pass(2, "2026-11-21 10:01:00")},
                     {record(1, 1, "2026-11-21 10:10:00"), record(2, 2, "2026-11-21 10:10:00")});
  EXPECT_EQ(r.time_shifted, 2u);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.invented, 0u);
  const auto& it = item_of(r, ItemKind::time_shifted);
  EXPECT_EQ(*it.shift_ms, 600'000);
  EXPECT_NE(it.evidence.find("+600.000 s, tolerance 2.000 s"), std::string::npos) << it.evidence;
}

TEST(Reconciliation, ToleranceIsInclusive) {
  auto exact = reconcile({pass(1, "2026-11-21 10:00:00")}, {record(1, 1, "2026-11-21 10:00:02")});
  EXPECT_EQ(exact.matched, 1u);
  auto over = reconcile({pass(1, "2026-11-21 09:59:59", 999 * kMs)}, {record(1, 1, "2026-11-21 10:00:02")});
  EXPECT_EQ(over.time_shifted, 1u);
  EXPECT_EQ(*item_of(over, ItemKind::time_shifted).shift_ms, 2001);
}

TEST(Reconciliation, PassesInNeighbouringSecondsKeepTheirOwnRecords) {
  // A date stands for its whole second: the pass at :38.760 is in record 1's second, although
  // record 2's bare date (:39) is nearer to it than record 1's (:38).
  auto r = reconcile({pass(1, "2026-11-21 10:00:38", 760 * kMs), pass(1, "2026-11-21 10:00:39", 990 * kMs)},
                     {record(1, 1, "2026-11-21 10:00:38"), record(2, 1, "2026-11-21 10:00:39")});
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.matched, 2u);
  EXPECT_EQ(item_of(r, ItemKind::matched, 0).record->record_id, 1);
  EXPECT_EQ(item_of(r, ItemKind::matched, 1).record->record_id, 2);
}

TEST(Reconciliation, ARecordOfNoPassIsInvented) {
  // P1's backfill carried one fabricated record (upload time, direction flipped); P3 never passed.
  auto r = reconcile({pass(1, "2026-11-21 10:00:00")},
                     {record(1, 1, "2026-11-21 10:00:00"), record(2, 1, "2026-11-21 10:05:00", "02"),
                      record(3, 3, "2026-11-21 10:00:00")});
  EXPECT_EQ(r.matched, 1u);
  EXPECT_EQ(r.invented, 2u);
  EXPECT_NE(item_of(r, ItemKind::invented, 0).evidence.find("direction 02"), std::string::npos);
  EXPECT_NE(item_of(r, ItemKind::invented, 1).evidence.find("no pass of that person in the run"), std::string::npos)
      << item_of(r, ItemKind::invented, 1).evidence;
}

TEST(Reconciliation, AShiftedRecordGoesToTheClosestPassAndTheOtherIsLost) {
  auto r = reconcile({pass(1, "2026-11-21 10:00:00"), pass(1, "2026-11-21 10:01:00")},
                     {record(1, 1, "2026-11-21 10:10:00")});
  EXPECT_EQ(r.time_shifted, 1u);
  EXPECT_EQ(r.lost, 1u);
  EXPECT_EQ(item_of(r, ItemKind::lost).pass->wall, at("2026-11-21 10:00:00"));
}

TEST(Reconciliation, FarBeyondMaxShiftIsLostPlusInvented) {
  ReconciliationOptions o;
  o.max_shift = std::chrono::hours(1);
  auto r = reconcile({pass(1, "2026-11-21 10:00:00")}, {record(1, 1, "2026-11-21 12:00:00")}, o);
  EXPECT_EQ(r.lost, 1u);
  EXPECT_EQ(r.invented, 1u);
}

TEST(Reconciliation, UnreadableDatesAndAmbiguousMasksAreWarned) {
  Pass twin = pass(2, "2026-11-21 10:00:00");
  twin.person = "P2-twin";
  twin.id_number = mask_id(id_number_of(2));
  auto r = reconcile({pass(2, "2026-11-21 10:00:00"), twin}, {record(1, 1, "21/11/2026")});
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("share the masked ID number"), std::string::npos);
  EXPECT_NE(r.warnings[1].find("'21/11/2026' is not yyyy-MM-dd HH:mm:ss"), std::string::npos);
}

TEST(Reconciliation, JsonHasCountsItemsAndNoIdNumberInClear) {
  auto r = reconcile({pass(1, "2026-11-21 10:00:00", 0, "T00001"), pass(2, "2026-11-21 10:00:00")},
                     {record(1, 1, "2026-11-21 10:00:01"), record(2, 3, "2026-11-21 10:00:00")});
  const Json j = r.to_json();
  EXPECT_EQ(j["schema"], kReconciliationSchema);
  EXPECT_EQ(j["counts"]["matched"], 1);
  EXPECT_EQ(j["counts"]["lost"], 1);
  EXPECT_EQ(j["counts"]["invented"], 1);
  EXPECT_EQ(j["clean"], false);
  EXPECT_EQ(j["tolerance_ms"], 2000);
  ASSERT_EQ(j["items"].size(), 3u);
  EXPECT_EQ(j["items"][0]["trial"], "T00001");
  EXPECT_EQ(j["items"][0]["shift_ms"], 1000);
  EXPECT_EQ(j["items"][0]["id_masked"], mask_id(id_number_of(1)));
  const std::string text = j.dump();
  for (int i : {1, 2, 3}) EXPECT_EQ(text.find(id_number_of(i)), std::string::npos);
}

TEST(Reconciliation, PassesComeFromOutcomesAndRecordsFromPlatformEvents) {
  const CardBook book = small_book();
  Correlator c(book);
  const WallNs wall = at("2026-11-21 10:00:00");
  auto genuine = presentation("g1", "P1", Role::enrolled, Expectation::accept);
  auto impostor = presentation("i9", "P9", Role::impostor, Expectation::refuse);
  auto helmet = presentation("h2", "P2", Role::enrolled, Expectation::refuse_with_record, "no-helmet");
  auto w = [&](int k) { return TrialWindow{k * 10 * kS, k * 10 * kS + 5 * kS, k * 10 * kS + 6 * kS, wall + k * 10 * kS, ""}; };
  std::vector<TrialOutcome> v{
      c.correlate(Trial{0, "T00001", 0, 1}, genuine, w(1), {frame_event(10 * kS + 500 * kMs, 1, 101)}),
      c.correlate(Trial{1, "T00002", 1, 1}, impostor, w(2), {frame_event(20 * kS + 700 * kMs, 1, 103)}),
      c.correlate(Trial{2, "T00003", 2, 1}, helmet, w(3), {}),
      c.correlate(Trial{3, "T00004", 1, 2}, impostor, w(4), {}),
  };
  const auto passes = passes_from_outcomes(v, book);
  ASSERT_EQ(passes.size(), 3u);
  EXPECT_EQ(passes[0].person, "P1");
  EXPECT_EQ(passes[0].wall, wall + 10 * kS + 500 * kMs);
  EXPECT_EQ(passes[1].person, "P3");  // the impostor passed as P3: that is whose record it makes
  EXPECT_EQ(passes[2].person, "P2");
  EXPECT_EQ(passes[2].wall, wall + 30 * kS);

  const auto records = records_from_events({record_event(11 * kS, id_number_of(1), "2026-11-21 10:00:10", 1),
                                            record_event(21 * kS, id_number_of(3), "2026-11-21 10:00:20", 2),
                                            Event{0, "platform", "platform.request", Json::object()}});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].received, 11 * kS);
  const auto r = reconcile(passes, records);
  EXPECT_EQ(r.matched, 2u);
  EXPECT_EQ(r.lost, 1u);  // the refused no-helmet pass was never uploaded
  EXPECT_EQ(item_of(r, ItemKind::lost).pass->trial, "T00003");
}

}  // namespace
}  // namespace gaterig::trial
