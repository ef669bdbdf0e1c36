#pragma once
// Reconciliation (JX-A.1, JX-A.11): every pass the terminal made against every attendance record
// the platform stored. A pass is a gate output for a known person (or a refused no-helmet pass,
// which must be uploaded too); a record is a platform.record_accepted. Each record is matched to a
// pass of the same person:
//   matched       one record whose second [date, date + 1 s) is within `tolerance` of the pass time
//   time_shifted  the pass's record carries a date off by more than `tolerance` (within max_shift)
//                 (a backfill that rewrote the time, a terminal clock that drifted)
//   duplicated    a further stored record for a pass that already has one
//   lost          a pass with no record
//   invented      a record that belongs to no pass (another person, or no pass near its date)
// Dates are civil "yyyy-MM-dd HH:mm:ss" at the platform's UTC offset (UTC+8). Records carry ID
// numbers masked, so persons are matched on mask_id(); two persons with the same mask make the
// reconciliation ambiguous, and it says so.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "rigs/trial/card_book.hpp"
#include "rigs/trial/outcome.hpp"

namespace gaterig::trial {

struct Pass {
  std::string trial;      // the trial that made it ("" for passes made outside a plan)
  std::string person;
  std::string id_number;  // full or masked
  MonoNs at = 0;          // the frame's first edge (or the photon of a refused pass)
  WallNs wall = 0;        // the same instant on the wall clock: the time the record must carry
};

struct PlatformRecord {
  std::int64_t record_id = 0;
  std::string id_number;  // as the platform event gives it: masked
  std::string date;       // "yyyy-MM-dd HH:mm:ss"
  std::string direction;
  std::string attend_type;
  MonoNs received = 0;
};

struct ReconciliationOptions {
  std::chrono::milliseconds tolerance{2000};
  // A record further than this from every pass of its person is invented, not time-shifted.
  std::chrono::hours max_shift{24 * 7};
  UtcOffset offset = UtcOffset::china();
};

enum class ItemKind { matched, time_shifted, duplicated, lost, invented };
std::string_view to_string(ItemKind k);

struct ReconciliationItem {
  ItemKind kind = ItemKind::matched;
  std::optional<Pass> pass;
  std::optional<PlatformRecord> record;
  std::optional<std::int64_t> shift_ms;  // record date - pass time
  std::string evidence;                  // one sentence with the numbers (ID numbers masked)
};

struct Reconciliation {
  ReconciliationOptions options;
  std::size_t passes = 0, records = 0;
  std::size_t matched = 0, time_shifted = 0, duplicated = 0, lost = 0, invented = 0;
  std::vector<ReconciliationItem> items;   // every pass and every record, matched ones included
  std::vector<std::string> warnings;       // ambiguous masks, unreadable dates
  bool clean() const { return time_shifted + duplicated + lost + invented == 0; }
  // {"schema":"gaterig.reconciliation/1","tolerance_ms",...,"counts":{...},"clean",
  //  "items":[{"kind","trial","person","id_masked","pass_wall","record_id","date","received_mono",
  //            "shift_ms","evidence"}],"warnings":[...]}
  Json to_json() const;
};

inline constexpr const char* kReconciliationSchema = "gaterig.reconciliation/1";

Reconciliation reconcile(const std::vector<Pass>& passes, const std::vector<PlatformRecord>& records,
                         const ReconciliationOptions& options = {});

// platform.record_accepted events (attendance and entry_exit) as records.
std::vector<PlatformRecord> records_from_events(const std::vector<Event>& events);

// The passes a run's outcomes made: every gate output whose card has an owner (the pass is the
// card owner's: that is whom the terminal recorded), and every refuse_with_record trial without
// a frame (the refused pass must be uploaded). Needs outcome.photon_wall.
std::vector<Pass> passes_from_outcomes(const std::vector<TrialOutcome>& outcomes, const CardBook& book);

}  // namespace gaterig::trial
