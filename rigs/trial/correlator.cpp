#include "rigs/trial/correlator.hpp"


#include <algorithm>
#include <limits>
#include <sstream>
#include <tuple>

#include "probes/wiegand/frame.hpp"
#include "rigs/trial/record_date.hpp"

namespace gaterig::trial {
namespace {

constexpr const char* kAwaitingRecord = "awaiting-record";

// One frame charged to a trial, as the correlator judges it.
struct SeenFrame {
  MonoNs at = 0;
  std::optional<std::uint32_t> card;
  bool malformed = false;
  std::vector<std::string> findings;
};

SeenFrame read_frame(const Event& e) {
  SeenFrame s;
  s.at = e.at;
  try {
    const auto f = wiegand::WiegandFrame::from_event(e);
    s.card = f.data;
    const bool parity_bad = (f.parity_even_ok && !*f.parity_even_ok) || (f.parity_odd_ok && !*f.parity_odd_ok);
    s.malformed = !f.data || parity_bad || f.has(wiegand::rule::unknown_length);
    for (const auto& fi : f.findings) s.findings.push_back("wiegand-" + fi.rule + ": " + fi.message);
  } catch (const std::exception& ex) {
    s.malformed = true;
    s.findings.push_back(std::string("frame-unreadable: ") + ex.what());
  }
  return s;
}

std::string ms_text(std::int64_t ns) {
  std::ostringstream os;
  os.precision(1);
  os << std::fixed << ns / 1e6 << " ms";
  return os.str();
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

struct PlatformRecord {
  RecordSeen seen;
  std::string person;
  std::optional<WallNs> date_wall;
};

}  // namespace

TrialOutcome blank_outcome(const Trial& trial, const Presentation& p) {
  TrialOutcome o;
  o.trial = trial.id;
  o.index = trial.index;
  o.repetition = trial.repetition;
  o.presentation = p.id;
  o.person = p.person;
  o.role = p.role;
  o.attack = p.attack;
  o.condition = p.condition;
  o.expected = p.expected;
  o.outcome = OutcomeClass::error;
  return o;
}

TrialOutcome Correlator::error_outcome(const Trial& trial, const Presentation& p, std::string what) {
  TrialOutcome o = blank_outcome(trial, p);
  o.outcome = OutcomeClass::error;
  o.error = std::move(what);
  return o;
}

Correlator::Correlator(CardBook book, CorrelatorOptions options)
    : book_(std::move(book)), options_(std::move(options)) {}

TrialOutcome Correlator::correlate(const Trial& trial, const Presentation& p, const TrialWindow& w,
                                   const std::vector<Event>& events) const {
  TrialOutcome o = blank_outcome(trial, p);
  o.photon = w.photon;
  o.photon_wall = w.photon_wall;
  o.photon_method = w.photon_method;
  o.closed = w.closes;
  o.late_until = w.late_until;

  if (w.closes < w.photon || w.late_until < w.closes) {
    o.error = "trial window out of order (photon " + std::to_string(w.photon) + ", closes " +
              std::to_string(w.closes) + ", late until " + std::to_string(w.late_until) + ")";
    return o;
  }
  if ((p.role == Role::impostor || p.role == Role::unenrolled || p.role == Role::attack) &&
      p.expected == Expectation::accept) {
    o.error = "presentation " + p.id + ": a " + std::string(to_string(p.role)) + " presentation cannot expect accept";
    return o;
  }

  std::vector<SeenFrame> frames;
  for (const Event& e : events) {
    if (e.kind == kRigErrorKind && e.at >= w.photon && e.at <= w.closes) {
      const std::string what = e.payload.is_object() && e.payload.contains("what") && e.payload["what"].is_string()
                                   ? e.payload["what"].get<std::string>()
                                   : e.payload.dump();
      o.error = "rig error during the trial: " + what;
      return o;
    }
    if (e.kind == wiegand::kFrameEventKind && e.at >= w.photon && e.at < w.late_until) frames.push_back(read_frame(e));
  }
  std::stable_sort(frames.begin(), frames.end(), [](const SeenFrame& a, const SeenFrame& b) { return a.at < b.at; });
  o.frames = frames.size();
  for (const auto& f : frames)
    for (const auto& s : f.findings) add_unique(o.findings, s);
  if (frames.size() > 1) o.findings.push_back("frames: " + std::to_string(frames.size()) + " frames in one trial");

  const SeenFrame* decisive = frames.empty() ? nullptr : &frames.front();
  if (p.role == Role::enrolled && p.expected == Expectation::accept) {
    const auto expected = p.expected_card ? p.expected_card : book_.card_of(p.person);
    if (!expected) {
      o.error = "no card known for " + p.person + " (enrolled, expected accept): the card book lacks the person";
      return o;
    }
    const SeenFrame* wrong = nullptr;
    const SeenFrame* own = nullptr;
    for (const auto& f : frames) {
      if (f.malformed) continue;
      if (*f.card == *expected) {
        if (!own) own = &f;
      } else if (!wrong) {
        wrong = &f;
      }
    }
    if (wrong) {
      o.outcome = OutcomeClass::false_accept_wrong_person;
      decisive = wrong;
      if (!book_.owner_of_card(*wrong->card))
        o.findings.push_back("card-unknown: card " + card_text(*wrong->card) + " belongs to nobody in the set");
    } else if (own) {
      o.outcome = OutcomeClass::true_accept;
      decisive = own;
    } else {
      o.outcome = OutcomeClass::false_reject;
      if (!frames.empty())
        o.findings.push_back("frame-malformed: only malformed frames, which a controller checking them ignores");
    }
  } else if (!frames.empty()) {
    switch (p.role) {
      case Role::attack: o.outcome = OutcomeClass::attack_accepted; break;
      case Role::impostor:
      case Role::unenrolled: o.outcome = OutcomeClass::false_accept_unenrolled; break;
      case Role::enrolled: o.outcome = OutcomeClass::false_accept_policy; break;
    }
  } else if (p.role == Role::attack) {
    o.outcome = OutcomeClass::attack_refused;
  } else if (p.expected == Expectation::refuse_with_record) {
    o.outcome = OutcomeClass::no_answer;
    o.findings.push_back(std::string(kAwaitingRecord) + ": no flagged platform record attached yet");
  } else {
    o.outcome = OutcomeClass::correct_refusal;
  }

  if (decisive) {
    o.frame_at = decisive->at;
    o.latency_ns = decisive->at - w.photon;
    o.card = decisive->card;
    if (decisive->card)
      if (auto owner = book_.owner_of_card(*decisive->card)) o.card_person = *owner;
    if (decisive->at >= w.closes) {
      o.late = true;
      o.findings.push_back("late-output: frame " + ms_text(decisive->at - w.closes) + " after the window closed");
    }
  }
  return o;
}

std::optional<std::string> Correlator::record_person(const Event& e) const {
  if (e.kind != "platform.record_accepted" || !e.payload.is_object()) return std::nullopt;
  const Json& pl = e.payload;
  auto str = [&](const char* k) { return pl.contains(k) && pl[k].is_string() ? pl[k].get<std::string>() : std::string(); };
  const std::string id = !str("id_number").empty() ? str("id_number") : str("id_masked");
  return book_.person_of_id(id);
}

void Correlator::attach_records(std::vector<TrialOutcome>& outcomes, const std::vector<Event>& events) const {
  std::vector<PlatformRecord> records;
  for (const Event& e : events) {
    auto person = record_person(e);
    if (!person) continue;
    const Json& pl = e.payload;
    auto str = [&](const char* k) {
      return pl.contains(k) && pl[k].is_string() ? pl[k].get<std::string>() : std::string();
    };
    PlatformRecord r;
    r.person = *person;
    r.seen.record_id = pl.contains("record_id") && pl["record_id"].is_number_integer() ? pl["record_id"].get<std::int64_t>() : 0;
    r.seen.table = str("table");
    r.seen.date = str("date");
    r.seen.direction = str("direction");
    r.seen.attend_type = !str("attend_type").empty() ? str("attend_type") : str("attendType");
    r.seen.received = pl.contains("received_mono") && pl["received_mono"].is_number_integer()
                          ? pl["received_mono"].get<MonoNs>()
                          : e.at;
    r.date_wall = parse_civil(r.seen.date, options_.offset, "yyyy-MM-dd HH:mm:ss");
    records.push_back(std::move(r));
  }

  // Which trials should have made a record, for whom, and from when.
  struct Want {
    std::size_t outcome;
    std::string person;
    MonoNs ref;
    WallNs ref_wall;
  };
  std::vector<Want> wants;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    TrialOutcome& o = outcomes[i];
    if (o.outcome == OutcomeClass::error) continue;
    const bool refusal_with_record = o.expected == Expectation::refuse_with_record && o.frames == 0 &&
                                     (o.outcome == OutcomeClass::no_answer || o.outcome == OutcomeClass::correct_refusal);
    const bool pass = opened_gate(o.outcome) && !o.card_person.empty() && o.frame_at;
    if (!refusal_with_record && !pass) continue;
    o.record.reset();
    o.record_latency_ns.reset();
    const MonoNs ref = pass ? *o.frame_at : o.photon;
    wants.push_back(Want{i, pass ? o.card_person : o.person, ref, o.photon_wall + (ref - o.photon)});
    if (refusal_with_record) {
      o.outcome = OutcomeClass::no_answer;
      std::erase_if(o.findings, [](const std::string& s) { return s.rfind("record-", 0) == 0; });
      add_unique(o.findings, std::string(kAwaitingRecord) + ": no flagged platform record attached yet");
    }
  }

  // Candidate pairs, closest in date first (then earliest receipt): a trial whose record was lost
  // cannot take a neighbour's record that fits the neighbour better.
  struct Pair {
    std::int64_t distance;
    MonoNs received;
    std::size_t want, record;
  };
  std::vector<Pair> pairs;
  for (std::size_t a = 0; a < wants.size(); ++a)
    for (std::size_t b = 0; b < records.size(); ++b) {
      const auto& w = wants[a];
      const auto& r = records[b];
      // A record received before the presentation began cannot be its record. A terminal may
      // upload while its frame is still going out, so the bound is the photon, not the first
      // edge (record_latency_ns is then negative: uploaded before the gate output).
      if (r.person != w.person || r.seen.received <= outcomes[w.outcome].photon) continue;
      // A date that cannot be read sorts after every readable one.
      const std::int64_t d = r.date_wall ? record_date_distance(w.ref_wall, *r.date_wall) : std::numeric_limits<std::int64_t>::max();
      pairs.push_back(Pair{d, r.seen.received, a, b});
    }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return std::tie(x.distance, x.received, x.want, x.record) < std::tie(y.distance, y.received, y.want, y.record);
  });
  std::vector<bool> want_done(wants.size()), record_used(records.size());
  for (const Pair& pr : pairs) {
    if (want_done[pr.want] || record_used[pr.record]) continue;
    want_done[pr.want] = record_used[pr.record] = true;
    const Want& w = wants[pr.want];
    const PlatformRecord& r = records[pr.record];
    TrialOutcome& o = outcomes[w.outcome];
    o.record = r.seen;
    o.record_latency_ns = r.seen.received - w.ref;
    if (o.expected == Expectation::refuse_with_record && o.frames == 0) {
      std::erase_if(o.findings, [](const std::string& s) { return s.rfind(kAwaitingRecord, 0) == 0; });
      if (r.seen.attend_type == options_.no_helmet_attend_type) {
        o.outcome = OutcomeClass::correct_refusal;
      } else if (r.seen.attend_type.empty()) {
        o.findings.push_back("record-unflagged: the platform event carries no attend type, the no-helmet flag '" +
                             options_.no_helmet_attend_type + "' cannot be shown");
      } else {
        o.findings.push_back("record-unflagged: attend type '" + r.seen.attend_type + "', expected '" +
                             options_.no_helmet_attend_type + "'");
      }
    }
  }
}

}  // namespace gaterig::trial
