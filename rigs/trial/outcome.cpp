#include "rigs/trial/outcome.hpp"

#include <iomanip>

#include "rigs/trial/json_fields.hpp"

namespace gaterig::trial {
namespace {
constexpr OutcomeClass kAll[] = {
    OutcomeClass::true_accept,     OutcomeClass::false_reject,    OutcomeClass::false_accept_wrong_person,
    OutcomeClass::false_accept_unenrolled, OutcomeClass::false_accept_policy, OutcomeClass::attack_accepted,
    OutcomeClass::attack_refused,  OutcomeClass::correct_refusal, OutcomeClass::no_answer,
    OutcomeClass::error};

Json opt(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
}  // namespace

std::string_view to_string(OutcomeClass c) {
  switch (c) {
    case OutcomeClass::true_accept: return "true_accept";
    case OutcomeClass::false_reject: return "false_reject";
    case OutcomeClass::false_accept_wrong_person: return "false_accept_wrong_person";
    case OutcomeClass::false_accept_unenrolled: return "false_accept_unenrolled";
    case OutcomeClass::false_accept_policy: return "false_accept_policy";
    case OutcomeClass::attack_accepted: return "attack_accepted";
    case OutcomeClass::attack_refused: return "attack_refused";
    case OutcomeClass::correct_refusal: return "correct_refusal";
    case OutcomeClass::no_answer: return "no_answer";
    case OutcomeClass::error: return "error";
  }
  return "?";
}

std::optional<OutcomeClass> parse_outcome_class(std::string_view t) {
  for (OutcomeClass c : kAll)
    if (t == to_string(c)) return c;
  return std::nullopt;
}

bool is_success(OutcomeClass c) {
  return c == OutcomeClass::true_accept || c == OutcomeClass::attack_refused || c == OutcomeClass::correct_refusal;
}

bool opened_gate(OutcomeClass c) {
  return c == OutcomeClass::true_accept || c == OutcomeClass::false_accept_wrong_person ||
         c == OutcomeClass::false_accept_unenrolled || c == OutcomeClass::false_accept_policy ||
         c == OutcomeClass::attack_accepted;
}

Json RecordSeen::to_json() const {
  return Json{{"record_id", record_id}, {"table", table},           {"date", date},
              {"direction", direction}, {"attend_type", attend_type}, {"received_mono", received}};
}

RecordSeen RecordSeen::from_json(const Json& j) {
  const JsonFields f(j, "record");
  RecordSeen r;
  r.record_id = f.i64("record_id");
  r.table = f.string("table", "");
  r.date = f.string("date");
  r.direction = f.string("direction", "");
  r.attend_type = f.string("attend_type", "");
  r.received = f.i64("received_mono");
  return r;
}

Json TrialOutcome::to_json() const {
  return Json{{"trial", trial},
              {"index", index},
              {"repetition", repetition},
              {"presentation", presentation},
              {"person", person},
              {"role", to_string(role)},
              {"attack", attack},
              {"condition", condition},
              {"expected", to_string(expected)},
              {"group", group},
              {"clause", clause},
              {"terminal_mode", terminal_mode},
              {"photon_mono", photon},
              {"photon_wall", photon_wall},
              {"photon_method", photon_method},
              {"closed_mono", closed},
              {"late_until_mono", late_until},
              {"outcome", to_string(outcome)},
              {"card", card ? Json(*card) : Json(nullptr)},
              {"card_person", card_person},
              {"frames", frames},
              {"frame_at", opt(frame_at)},
              {"latency_ns", opt(latency_ns)},
              {"late", late},
              {"record_latency_ns", opt(record_latency_ns)},
              {"record", record ? record->to_json() : Json(nullptr)},
              {"findings", findings},
              {"error", error}};
}

TrialOutcome TrialOutcome::from_json(const Json& j) {
  const JsonFields f(j, "outcome");
  TrialOutcome o;
  o.trial = f.string("trial");
  o.index = f.u64("index");
  o.repetition = static_cast<std::uint32_t>(f.u64("repetition"));
  o.presentation = f.string("presentation");
  o.person = f.string("person");
  auto role = parse_role(f.string("role"));
  if (!role) f.fail("role", "enrolled, impostor, unenrolled or attack");
  o.role = *role;
  o.attack = f.string("attack", "");
  o.condition = f.string("condition", "");
  auto e = parse_expectation(f.string("expected"));
  if (!e) f.fail("expected", "accept, refuse or refuse_with_record");
  o.expected = *e;
  o.group = f.string("group", "");
  o.clause = f.string("clause", "");
  o.terminal_mode = f.string("terminal_mode", "");
  o.photon = f.i64("photon_mono");
  o.photon_wall = f.i64("photon_wall");
  o.photon_method = f.string("photon_method", "");
  o.closed = f.i64("closed_mono");
  o.late_until = f.i64("late_until_mono");
  auto c = parse_outcome_class(f.string("outcome"));
  if (!c) f.fail("outcome", "an outcome class (true_accept, false_reject, ...)");
  o.outcome = *c;
  o.card = f.optional_u32("card");
  o.card_person = f.string("card_person", "");
  o.frames = f.u64("frames");
  o.frame_at = f.optional_i64("frame_at");
  o.latency_ns = f.optional_i64("latency_ns");
  o.late = f.boolean("late", false);
  o.record_latency_ns = f.optional_i64("record_latency_ns");
  if (f.has("record")) o.record = RecordSeen::from_json(f.at("record"));
  o.findings = f.has("findings") ? f.strings("findings") : std::vector<std::string>{};
  o.error = f.string("error", "");
  return o;
}

std::ostream& operator<<(std::ostream& os, const TrialOutcome& o) {
  os << o.trial << " " << o.person << "/" << o.presentation << " " << to_string(o.outcome);
  if (o.card) os << " " << card_text(*o.card);
  if (o.latency_ns) os << " " << std::fixed << std::setprecision(1) << *o.latency_ns / 1e6 << " ms";
  if (o.late) os << " (late)";
  if (!o.error.empty()) os << ": " << o.error;
  return os;
}

}  // namespace gaterig::trial
