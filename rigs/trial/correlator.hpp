#pragma once
// The heart of the trial part: a trial's window on the timeline in, its outcome out. Pure (no
// clock, no I/O), so every rule below is tested with synthetic event sequences.
//
// The rules only ever err towards FAIL:
//  * A wiegand.frame with photon <= at < late_until is charged to the trial; one that came after
//    the window closed is "late output" and still counts (a late true accept keeps its latency, so
//    a speed clause catches it; late output in a refusal trial is a false accept).
//  * Expected accept: any frame with another person's card or a card nobody owns makes it
//    false_accept_wrong_person; else a well-formed frame with the person's card makes it
//    true_accept; frames that are malformed (bad parity, unknown length, unreadable) cannot open
//    a controller that checks them, so alone they make it false_reject.
//  * Refusal trials: ANY frame, malformed or unknown, is gate output: false_accept_unenrolled
//    (impostor/unenrolled), attack_accepted (attack), false_accept_policy (an enrolled person
//    who had to be refused).
//  * refuse_with_record (no helmet): silence is no_answer until attach_records() finds the
//    person's record with the no-helmet attend type; then correct_refusal.
//  * A rig.error event inside the window makes the trial class error (never a device outcome).
//  * latency = first edge of the decisive frame - photon.
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "rigs/trial/card_book.hpp"
#include "rigs/trial/outcome.hpp"
#include "rigs/trial/plan.hpp"

namespace gaterig::trial {

struct TrialWindow {
  MonoNs photon = 0;       // when the presentation was on screen
  MonoNs closes = 0;       // the decision/refusal window closed
  MonoNs late_until = 0;   // the next trial's photon (or the end of the run's last gap)
  WallNs photon_wall = 0;  // photon on the wall clock (for records and reconciliation)
  std::string photon_method;
};

struct CorrelatorOptions {
  // The attendType a terminal uploads for a refused no-helmet pass (docs/design-notes.md).
  std::string no_helmet_attend_type = "01-no-helmet";
  UtcOffset offset = UtcOffset::china();  // of the records' date strings
};

inline constexpr const char* kRigErrorKind = "rig.error";

class Correlator {
 public:
  explicit Correlator(CardBook book, CorrelatorOptions options = {});

  // `events`: any superset of the window's events (others are ignored), in any order.
  TrialOutcome correlate(const Trial& trial, const Presentation& p, const TrialWindow& w,
                         const std::vector<Event>& events) const;

  // Second pass after the run (records may come long after the window): attaches to each trial
  // that should have made a record (a gate output whose card has an owner; a refuse_with_record
  // trial) the platform.record_accepted of that person closest in date to the pass, received
  // after it, each record to one trial at most (closest pairs first). Sets record,
  // record_latency_ns (receipt - frame, or - photon without a frame) and decides
  // refuse_with_record trials. Idempotent: calling it again with more events redoes the match.
  void attach_records(std::vector<TrialOutcome>& outcomes, const std::vector<Event>& events) const;

  // The set's person a platform.record_accepted event is about (by its ID number, or the masked
  // one), or nullopt for another event or a person the card book does not know.
  std::optional<std::string> record_person(const Event& e) const;

  // A trial the rig could not run or observe.
  static TrialOutcome error_outcome(const Trial& trial, const Presentation& p, std::string what);

  const CardBook& book() const { return book_; }
  const CorrelatorOptions& options() const { return options_; }

 private:
  CardBook book_;
  CorrelatorOptions options_;
};

// The outcome fields that come from the trial and presentation alone (class error, no window).
TrialOutcome blank_outcome(const Trial& trial, const Presentation& p);

}  // namespace gaterig::trial
