#pragma once
// What one trial came to: the class a certifier counts, the card on the wire, the latency from
// photon to the first Wiegand edge, and (attached after the run) the platform record it made.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "rigs/trial/presentation.hpp"

namespace gaterig::trial {

// The classes. Only true_accept, attack_refused and correct_refusal are successes; error is the
// rig's fault (never the device's) and is left out of every rate.
//   true_accept                the expected person's card, well formed
//   false_reject               expected accept, no usable frame (none, or only malformed ones)
//   false_accept_wrong_person  expected accept, a frame with another person's (or an unknown) card
//   false_accept_unenrolled    impostor/unenrolled presentation, any frame
//   false_accept_policy        an enrolled person who had to be refused (no helmet, outside the
//                              access window), any frame  [not in the brief's list: see README]
//   attack_accepted            attack presentation, any frame
//   attack_refused             attack presentation, silence
//   correct_refusal            refusal expected and silence (refuse_with_record: and the flagged record)
//   no_answer                  refuse_with_record: silence but no flagged record (yet)
//   error                      the rig could not run or observe the trial
enum class OutcomeClass {
  true_accept,
  false_reject,
  false_accept_wrong_person,
  false_accept_unenrolled,
  false_accept_policy,
  attack_accepted,
  attack_refused,
  correct_refusal,
  no_answer,
  error,
};
std::string_view to_string(OutcomeClass c);
std::optional<OutcomeClass> parse_outcome_class(std::string_view text);
bool is_success(OutcomeClass c);
// The gate opened (some frame came out) in a trial of this class.
bool opened_gate(OutcomeClass c);

// A platform attendance record attached to the trial (platform.record_accepted).
struct RecordSeen {
  std::int64_t record_id = 0;
  std::string table;        // "attendance" | "entry_exit"
  std::string date;         // as uploaded: "yyyy-MM-dd HH:mm:ss" (UTC+8)
  std::string direction;    // "01" in / "02" out
  std::string attend_type;  // "" when the platform event did not carry it
  MonoNs received = 0;      // platform receipt, CLOCK_MONOTONIC
  Json to_json() const;
  static RecordSeen from_json(const Json& j);
  friend bool operator==(const RecordSeen&, const RecordSeen&) = default;
};

struct TrialOutcome {
  // The trial and what it showed.
  std::string trial;          // Trial::id
  std::uint64_t index = 0;    // Trial::index
  std::uint32_t repetition = 0;
  std::string presentation, person;
  Role role = Role::enrolled;
  std::string attack, condition;
  Expectation expected = Expectation::accept;
  // The run it belongs to (set by the runner).
  std::string group, clause, terminal_mode;
  // The window on the timeline.
  MonoNs photon = 0;          // 0 when nothing was shown (error before the flip)
  WallNs photon_wall = 0;     // the same instant on the wall clock (for reconciliation)
  std::string photon_method;
  MonoNs closed = 0;          // the decision/refusal window closed
  MonoNs late_until = 0;      // output up to here was charged to this trial
  // What the terminal did.
  OutcomeClass outcome = OutcomeClass::error;
  std::optional<std::uint32_t> card;       // card data of the decisive frame
  std::string card_person;                 // who that card belongs to, "" when unknown
  std::size_t frames = 0;                  // frames charged to the trial
  std::optional<MonoNs> frame_at;          // first edge of the first frame
  std::optional<std::int64_t> latency_ns;  // frame_at - photon
  bool late = false;                       // the first frame came after the window closed
  std::optional<std::int64_t> record_latency_ns;  // record receipt - frame_at (or - photon without a frame)
  std::optional<RecordSeen> record;
  std::vector<std::string> findings;       // "rule: message", e.g. frame findings, late output
  std::string error;                       // class error: what went wrong, naming the file/device

  Json to_json() const;
  static TrialOutcome from_json(const Json& j);  // throws std::invalid_argument naming the field
  friend bool operator==(const TrialOutcome&, const TrialOutcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const TrialOutcome& o);  // "T00001 P0007/p1 true_accept 12:345 412.0 ms"

}  // namespace gaterig::trial
