// rigs/trial for Python: presentations, plans, running them on a rig (Outcomes, the journal,
// progress), the per-trial CSV, and the reconciliation of passes against platform records.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "core/resident_id.hpp"
#include "core/stop_signal.hpp"
#include "python/src/bindings.hpp"
#include "python/src/interrupt.hpp"
#include "python/src/json_caster.hpp"
#include "python/src/rig_trials.hpp"
#include "rigs/trial/correlator.hpp"
#include "rigs/trial/journal.hpp"
#include "rigs/trial/reconciliation.hpp"
#include "rigs/trial/runner.hpp"
#include "rigs/trial/summary.hpp"
#include "rigs/trial/trial_csv.hpp"

namespace py = pybind11;
namespace tr = gaterig::trial;
using namespace std::chrono_literals;

namespace gaterig::python {

trial::TrialPlan plan_of(std::vector<trial::Presentation> presentations, std::uint32_t repetitions, std::uint64_t seed,
                         std::optional<int> gap_ms, std::optional<int> window_ms, std::optional<int> refusal_window_ms,
                         std::optional<int> repeat_window_ms, std::size_t person_spacing,
                         std::optional<int> settle_ms) {
  trial::TrialTiming t;
  if (gap_ms) t.gap = std::chrono::milliseconds(*gap_ms);
  if (window_ms) t.decision_window = std::chrono::milliseconds(*window_ms);
  if (refusal_window_ms) t.refusal_window = std::chrono::milliseconds(*refusal_window_ms);
  if (repeat_window_ms) t.repeat_window = std::chrono::milliseconds(*repeat_window_ms);
  if (settle_ms) t.settle = std::chrono::milliseconds(*settle_ms);
  return trial::TrialPlan::make(std::move(presentations), repetitions, seed, t, person_spacing);
}

trial::CardBook card_book_of(const fixtures::FixtureSet& set) {
  trial::CardBook book;
  for (const auto& p : set.persons) book.add(p.id, p.card.code(), p.id_number);
  return book;
}

std::vector<tr::Presentation> presentations_of(const fixtures::FixtureSet& set, const PresentationFilter& f) {
  std::vector<tr::Presentation> out;
  for (const auto& fp : set.presentations) {
    const auto* person = set.find_person(fp.person);
    if (!person) continue;
    const auto& t = fp.tags;
    const bool is_attack = t.attack != fixtures::Attack::none;
    const std::string role = is_attack ? "attack" : std::string(fixtures::to_string(person->role));
    if (f.role && *f.role != role) continue;
    if (f.light && *f.light != fixtures::to_string(t.light)) continue;
    if (f.mask && *f.mask != t.mask) continue;
    if (f.helmet && *f.helmet != t.helmet) continue;
    if (f.attack && *f.attack != fixtures::to_string(t.attack)) continue;
    if (f.distance && (!t.distance_m || std::fabs(*t.distance_m - *f.distance) > 0.05)) continue;
    if (f.qr && *f.qr != t.qr.has_value()) continue;
    if (f.person && *f.person != fp.person) continue;
    tr::Presentation p;
    p.id = fp.id;
    p.person = fp.person;
    p.role = is_attack ? tr::Role::attack : (person->role == fixtures::Role::enrolled ? tr::Role::enrolled : tr::Role::impostor);
    p.attack = is_attack ? std::string(fixtures::to_string(t.attack)) : "";
    p.condition = f.condition ? *f.condition : std::string(fixtures::to_string(t.light));
    for (const auto& frame : fp.frames) p.images.push_back(frame.path);
    p.expected = p.role == tr::Role::enrolled ? tr::Expectation::accept : tr::Expectation::refuse;
    if (f.expected) {
      auto e = tr::parse_expectation(*f.expected);
      if (!e) throw std::invalid_argument("expected: accept, refuse or refuse_with_record, got \"" + *f.expected + "\"");
      p.expected = *e;
    }
    if (person->role == fixtures::Role::enrolled) p.expected_card = person->card.code();
    if (!person->id_number.empty()) p.masked_id = mask_id(person->id_number);
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// Trials that should leave a platform record but have none yet.
std::size_t missing_records(const std::vector<tr::TrialOutcome>& v, const tr::CardBook& book) {
  std::size_t n = 0;
  for (const auto& o : v) {
    const bool gate = tr::opened_gate(o.outcome) && o.card && book.owner_of_card(*o.card);
    const bool flagged = o.expected == tr::Expectation::refuse_with_record && o.frames == 0;
    if ((gate || flagged) && !o.record) ++n;
  }
  return n;
}

Json progress_json(const tr::Progress& p, std::size_t successes, std::size_t decided) {
  Json j{{"done", p.done}, {"total", p.total}, {"resumed", p.resumed}, {"rate_per_s", p.rate_per_s},
         {"successes", successes}, {"decided", decided}};
  j["eta_s"] = p.eta ? Json(p.eta->count()) : Json(nullptr);
  j["last"] = p.last ? Json(std::string(tr::to_string(p.last->outcome))) : Json(nullptr);
  return j;
}

std::set<tr::OutcomeClass> classes_of(const py::object& which) {
  std::set<tr::OutcomeClass> out;
  auto add = [&](const std::string& s) {
    auto c = tr::parse_outcome_class(s);
    if (!c) throw std::invalid_argument("no outcome class \"" + s + "\" (true_accept, false_reject, ...)");
    out.insert(*c);
  };
  if (py::isinstance<py::str>(which)) add(which.cast<std::string>());
  else
    for (auto item : which) add(item.cast<std::string>());
  return out;
}

}  // namespace

Outcomes run_trials(rig::Rig& rig, const tr::TrialPlan& plan, const RunTrialsArgs& a) {
  if (!a.mode.empty() && rig.terminal().mode() != a.mode) rig.terminal().set_mode(a.mode);
  tr::Correlator correlator(card_book_of(rig.fixture_set()));
  std::optional<tr::TrialJournal> journal;
  if (!a.journal.empty()) journal.emplace(a.journal, plan);
  std::size_t successes = 0, decided = 0;
  tr::RunOptions o;
  o.group = a.group;
  o.clause = a.clause;
  o.terminal_mode = a.mode.empty() ? rig.terminal().mode() : a.mode;
  o.image_root = rig.fixtures().dir;
  o.journal = journal ? &*journal : nullptr;
  if (a.progress && !a.progress->is_none()) {
    o.progress = [&](const tr::Progress& p) {
      if (p.last && p.last->outcome != tr::OutcomeClass::error) {
        ++decided;
        // A refusal that must be uploaded (no helmet) waits for its record until the group ends:
        // the progress line judges the gate alone, which stayed shut.
        const bool shut_awaiting_record = p.last->expected == tr::Expectation::refuse_with_record &&
                                          p.last->outcome == tr::OutcomeClass::no_answer && p.last->frames == 0;
        if (tr::is_success(p.last->outcome) || shut_awaiting_record) ++successes;
      }
      py::gil_scoped_acquire gil;
      try {
        (*a.progress)(to_python(progress_json(p, successes, decided)));
      } catch (py::error_already_set& e) {
        if (e.matches(PyExc_KeyboardInterrupt)) note_interrupt_swallowed();  // the runner stops on its own
        else e.discard_as_unraisable("gaterig progress callback");
      }
    };
  }
  tr::TrialRunner runner(rig.display(), rig.timeline(), correlator, o);
  tr::RunResult r = runner.run(plan);

  // Records come after the gate opened (uploads are asynchronous): wait for them, bounded.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<std::int64_t>(a.record_wait_s * 1000));
  std::uint64_t seen = rig.timeline().last_seq();
  correlator.attach_records(r.outcomes, rig.timeline().since(0));
  while (!r.stopped && missing_records(r.outcomes, correlator.book()) > 0 && std::chrono::steady_clock::now() < deadline &&
         !StopSignal::instance().requested()) {
    const auto more = rig.timeline().wait_since(seen, 200ms);
    if (more.empty()) continue;
    seen = more.back().seq;
    correlator.attach_records(r.outcomes, rig.timeline().since(0));
  }
  return Outcomes{a.group, a.clause, o.terminal_mode, plan.sha256(), std::move(r.outcomes), r.stopped, r.resumed, r.ran};
}

void bind_trial(py::module_& m) {
  py::class_<tr::Presentation>(m, "Presentation")
      .def(py::init([](const nlohmann::json& j) { return tr::Presentation::from_json(j); }), py::arg("json"),
           "From the presentation JSON: {id, person, role, attack, condition, images, expected, expected_card, masked_id}.")
      .def_readonly("id", &tr::Presentation::id)
      .def_readonly("person", &tr::Presentation::person)
      .def_property_readonly("role", [](const tr::Presentation& p) { return std::string(tr::to_string(p.role)); })
      .def_readonly("attack", &tr::Presentation::attack)
      .def_readwrite("condition", &tr::Presentation::condition)
      .def_readonly("images", &tr::Presentation::images)
      .def_property("expected", [](const tr::Presentation& p) { return std::string(tr::to_string(p.expected)); },
                    [](tr::Presentation& p, const std::string& s) {
                      auto e = tr::parse_expectation(s);
                      if (!e) throw std::invalid_argument("expected: accept, refuse or refuse_with_record, got \"" + s + "\"");
                      p.expected = *e;
                    })
      .def_readonly("expected_card", &tr::Presentation::expected_card)
      .def_readonly("masked_id", &tr::Presentation::masked_id)
      .def("to_json", &tr::Presentation::to_json)
      .def("__repr__", [](const tr::Presentation& p) {
        std::ostringstream os;
        os << "<Presentation " << p << ">";
        return os.str();
      });

  py::class_<tr::TrialPlan>(m, "TrialPlan")
      .def_static("make",
                  &plan_of,
                  py::arg("presentations"), py::arg("repetitions") = 1, py::arg("seed") = 1, py::arg("gap_ms") = py::none(),
                  py::arg("window_ms") = py::none(), py::arg("refusal_window_ms") = py::none(),
                  py::arg("repeat_window_ms") = py::none(), py::arg("person_spacing") = 0,
                  py::arg("settle_ms") = py::none())
      .def_static("from_json", &tr::TrialPlan::from_json)
      .def_property_readonly("sha256", &tr::TrialPlan::sha256)
      .def_property_readonly("seed", &tr::TrialPlan::seed)
      .def_property_readonly("repetitions", &tr::TrialPlan::repetitions)
      .def("presentations", &tr::TrialPlan::presentations)
      .def("__len__", &tr::TrialPlan::size)
      .def("to_json", &tr::TrialPlan::to_json)
      .def("__repr__", [](const tr::TrialPlan& p) {
        std::ostringstream os;
        os << "<" << p << ">";
        return os.str();
      });

  py::class_<Outcomes>(m, "Outcomes", "What a run of a trial plan came to, one outcome per trial.")
      .def_readonly("group", &Outcomes::group)
      .def_readonly("clause", &Outcomes::clause)
      .def_readonly("terminal_mode", &Outcomes::terminal_mode)
      .def_readonly("plan_sha256", &Outcomes::plan_sha256)
      .def_readonly("stopped", &Outcomes::stopped)
      .def_readonly("resumed", &Outcomes::resumed)
      .def_readonly("ran", &Outcomes::ran)
      .def("__len__", [](const Outcomes& o) { return o.outcomes.size(); })
      .def("__getitem__", [](const Outcomes& o, std::size_t i) { return o.outcomes.at(i).to_json(); })
      .def("count", [](const Outcomes& o, const py::object& which) {
             const auto classes = classes_of(which);
             std::size_t n = 0;
             for (const auto& x : o.outcomes) n += classes.count(x.outcome);
             return n;
           }, py::arg("outcome"), "Trials of an outcome class (or any of a list of classes).")
      .def("count_decided", [](const Outcomes& o) { return tr::count_decided(o.outcomes); },
           "Every trial but the rig's errors: the denominator of a rate.")
      .def("errors", [](const Outcomes& o) { return tr::count(o.outcomes, tr::OutcomeClass::error); })
      .def("subjects", [](const Outcomes& o) { return tr::subjects(o.outcomes); }, "Distinct persons among decided trials.")
      .def("tallies", [](const Outcomes& o, const py::object& which) {
             const auto classes = classes_of(which);
             std::map<std::string, std::pair<std::size_t, std::size_t>> by_person;
             for (const auto& x : o.outcomes) {
               if (x.outcome == tr::OutcomeClass::error) continue;
               auto& t = by_person[x.person];
               t.second++;
               t.first += classes.count(x.outcome);
             }
             nlohmann::json out = nlohmann::json::array();
             for (const auto& [person, t] : by_person) out.push_back({{"person", person}, {"events", t.first}, {"attempts", t.second}});
             return out;
           }, py::arg("outcome"), "Per-person {person, events, attempts} for the subject bootstrap.")
      .def("latencies_ms", [](const Outcomes& o, const std::string& cls) {
             auto c = tr::parse_outcome_class(cls);
             if (!c) throw std::invalid_argument("no outcome class \"" + cls + "\"");
             std::vector<double> ms;
             for (auto ns : tr::latencies_ns(o.outcomes, *c)) ms.push_back(static_cast<double>(ns) / 1e6);
             return ms;
           }, py::arg("outcome") = "true_accept", "Photon to first Wiegand edge of every trial of the class, ms.")
      .def("record_latencies_ms", [](const Outcomes& o) {
             std::vector<double> ms;
             for (const auto& x : o.outcomes)
               if (x.record_latency_ns) ms.push_back(static_cast<double>(*x.record_latency_ns) / 1e6);
             return ms;
           }, "Wiegand (or photon) to platform receipt, ms, of every trial with a record.")
      .def("to_json", [](const Outcomes& o) {
             nlohmann::json a = nlohmann::json::array();
             for (const auto& x : o.outcomes) a.push_back(x.to_json());
             return a;
           })
      .def("csv", [](const Outcomes& o) {
             std::ostringstream os;
             tr::write_trials_csv(os, o.outcomes);
             return os.str();
           }, "The rows as trials.csv has them (header first).")
      .def("rows", [](const Outcomes& o) {
             nlohmann::json a = nlohmann::json::array();
             for (const auto& x : o.outcomes) a.push_back(x.to_json());
             return a;
           }, "The outcomes as dicts (TrialOutcome JSON); write_trials_csv() turns them into trials.csv.")
      .def("summary", [](const Outcomes& o, std::uint64_t seed) {
             tr::SummaryOptions so;
             so.bootstrap_seed = seed;
             return tr::summarize(o.outcomes, so).to_json();
           }, py::arg("seed") = 1, py::call_guard<py::gil_scoped_release>())
      .def("__repr__", [](const Outcomes& o) {
        return "<Outcomes " + o.group + ": " + std::to_string(o.outcomes.size()) + " trials, " +
               std::to_string(tr::count_decided(o.outcomes)) + " decided" + (o.stopped ? ", stopped" : "") + ">";
      });

  m.def("write_trials_csv",
        [](const std::string& path, const nlohmann::json& outcomes) {
          std::vector<tr::TrialOutcome> v;
          for (const auto& j : outcomes) v.push_back(tr::TrialOutcome::from_json(j));
          tr::write_trials_csv(path, v);
        },
        py::arg("path"), py::arg("outcomes"), "trials.csv from outcome dicts (Outcomes.rows()), atomically.");

  py::class_<tr::Reconciliation>(m, "Reconciliation")
      .def_readonly("passes", &tr::Reconciliation::passes)
      .def_readonly("records", &tr::Reconciliation::records)
      .def_readonly("matched", &tr::Reconciliation::matched)
      .def_readonly("time_shifted", &tr::Reconciliation::time_shifted)
      .def_readonly("duplicated", &tr::Reconciliation::duplicated)
      .def_readonly("lost", &tr::Reconciliation::lost)
      .def_readonly("invented", &tr::Reconciliation::invented)
      .def_readonly("warnings", &tr::Reconciliation::warnings)
      .def("clean", &tr::Reconciliation::clean)
      .def("evidence", [](const tr::Reconciliation& r, const std::string& kind) {
             std::vector<std::string> out;
             for (const auto& i : r.items)
               if (kind.empty() ? i.kind != tr::ItemKind::matched : tr::to_string(i.kind) == kind) out.push_back(i.evidence);
             return out;
           }, py::arg("kind") = "", "One sentence per item of a kind (default: every item that is not matched).")
      .def("to_json", &tr::Reconciliation::to_json)
      .def("__repr__", [](const tr::Reconciliation& r) {
        return "<Reconciliation " + std::to_string(r.passes) + " passes, " + std::to_string(r.records) + " records: " +
               std::to_string(r.lost) + " lost, " + std::to_string(r.duplicated) + " duplicated, " +
               std::to_string(r.time_shifted) + " time-shifted, " + std::to_string(r.invented) + " invented>";
      });
}

}  // namespace gaterig::python
