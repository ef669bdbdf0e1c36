// rigs/rig for Python: the rig description, the Rig (a context manager: started on enter, always
// stopped on exit), its timeline as dicts, the platform's faults, the bench, the terminal, the
// fixture set, enrollment, and trials run on it. Every call that waits releases the GIL and
// stops on SIGINT/SIGTERM (then KeyboardInterrupt). Rig faults raise gaterig.RigError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/resident_id.hpp"
#include "core/stop_signal.hpp"
#include "fixtures/manifest.hpp"
#include "python/src/bindings.hpp"
#include "python/src/interrupt.hpp"
#include "python/src/json_caster.hpp"
#include "python/src/rig_trials.hpp"
#include "rigs/rig/rig.hpp"
#include "rigs/rig/terminal.hpp"
#include "rigs/trial/journal.hpp"
#include "rigs/trial/reconciliation.hpp"
#include "simulator/platform/fault_mode.hpp"
#include "simulator/platform/platform_service.hpp"

namespace py = pybind11;
namespace rg = gaterig::rig;
namespace tr = gaterig::trial;
namespace pf = gaterig::platform;

namespace gaterig::python {
namespace {

std::chrono::milliseconds ms_of_s(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0)); }

Json person_json(const fixtures::Person& p) {
  // Never the full ID number: masked, as everywhere outside the set itself.
  return Json{{"id", p.id},
              {"name", p.name},
              {"role", std::string(fixtures::to_string(p.role))},
              {"masked_id", p.id_number.empty() ? std::string() : mask_id(p.id_number)},
              {"card", p.card.code()},
              {"enrollment", p.enrollment ? Json(p.enrollment->path) : Json(nullptr)}};
}

Json identity_json(const rg::TerminalIdentity& id) { return id.to_json(); }

// What the results document says of the rig's resources once it ran.
Json rig_info(rg::Rig& rig) {
  Json j;
  const auto& d = rig.description();
  j["lab"] = {{"name", d.lab.name}, {"address", d.lab.address}, {"accreditation", d.lab.accreditation}};
  j["rig"] = d.to_json();
  Json terminal = Json::object();
  try {
    terminal = identity_json(rig.terminal().identity());
  } catch (const std::exception& e) {
    terminal["error"] = e.what();
  }
  if (d.terminal.kind == "devsim")
    terminal["profile"] = rig.options().profile_override ? *rig.options().profile_override : d.terminal.profile;
  j["terminal"] = terminal;
  const auto& fx = rig.fixtures();
  std::uint64_t enrolled = 0, impostors = 0;
  for (const auto& p : fx.set.persons) (p.role == fixtures::Role::enrolled ? enrolled : impostors)++;
  j["fixture_set"] = {{"name", fx.set.info.name},
                      {"source", fx.set.info.source.empty() ? fx.origin : fx.set.info.source},
                      {"persons", enrolled},
                      {"impostors", impostors},
                      {"presentations", fx.set.presentations.size()},
                      {"manifest_sha256", fx.manifest_sha256}};
  return j;
}

void translate(std::exception_ptr p, PyObject* rig_error, PyObject* config_error) {
  try {
    std::rethrow_exception(p);
  } catch (const ConfigError& e) {
    PyErr_SetString(config_error, e.what());
  } catch (const std::invalid_argument&) {
    throw;  // misuse: ValueError
  } catch (const std::logic_error&) {
    throw;
  } catch (const std::runtime_error& e) {
    // The rig could not do its job (a resource did not answer, a child died, a journal could not
    // be written): ERROR, never the device's FAIL.
    PyErr_SetString(rig_error, e.what());
  }
}

}  // namespace

void bind_rig(py::module_& m) {
  static PyObject* rig_error = PyErr_NewException("gaterig._gaterig.RigError", PyExc_RuntimeError, nullptr);
  m.attr("RigError") = py::handle(rig_error);
  static PyObject* config_error = m.attr("ConfigError").ptr();
  py::register_exception_translator([](std::exception_ptr p) {
    if (p) translate(p, rig_error, config_error);
  });

  py::class_<rg::RigDescription>(m, "RigDescription")
      .def_static("load", [](const std::string& path) { return rg::RigDescription::load(path); }, py::arg("path"))
      .def_static("parse", [](const std::string& text, const std::string& as_file) { return rg::RigDescription::parse(text, as_file); },
                  py::arg("text"), py::arg("as_file") = "<string>")
      .def_readonly("name", &rg::RigDescription::name)
      .def_readonly("kind", &rg::RigDescription::kind)
      .def_readonly("sha256", &rg::RigDescription::sha256)
      .def_property_readonly("file", [](const rg::RigDescription& d) { return d.file.string(); })
      .def_property_readonly("trials", [](const rg::RigDescription& d) { return d.trials.to_json(); },
                             "The bench's trial pacing ([trials]: gap_ms, settle_ms, accept_window_ms, refusal_floor_ms).")
      .def_property_readonly("lab", [](const rg::RigDescription& d) {
        return Json{{"name", d.lab.name}, {"address", d.lab.address}, {"accreditation", d.lab.accreditation}};
      })
      .def_property_readonly("terminal_kind", [](const rg::RigDescription& d) { return d.terminal.kind; })
      .def_property_readonly("terminal_profile", [](const rg::RigDescription& d) { return d.terminal.profile; })
      .def("to_json", &rg::RigDescription::to_json)
      .def("__str__", [](const rg::RigDescription& d) {
        std::ostringstream os;
        os << d;
        return os.str();
      });

  py::class_<pf::PlatformService>(m, "Platform", "The rig's platform endpoint (the terminal's server).")
      .def_property_readonly("port", &pf::PlatformService::port)
      .def_property_readonly("admin_port", &pf::PlatformService::admin_port)
      .def("set_fault",
           [](pf::PlatformService& s, const py::object& mode) {
             const pf::FaultMode f = py::isinstance<py::str>(mode) ? pf::FaultMode::parse(mode.cast<std::string>())
                                                                  : pf::FaultMode::from_json(from_python(mode));
             return s.set_fault(f).to_json();
           },
           py::arg("mode"), "\"up\", \"refuse\", \"blackhole\", \"error:503\", \"slow:500\", \"ack-lost,p=0.05,seed=7\" or a dict.")
      .def("up", [](pf::PlatformService& s) { return s.set_fault(pf::FaultMode::up()).to_json(); })
      .def("fault", [](pf::PlatformService& s) { return s.faults().current().to_json(); })
      .def("summary", &pf::PlatformService::summary)
      .def("ready", &pf::PlatformService::ready);

  py::class_<rg::Bench>(m, "Bench", "Lights, lux meter and the terminal's power relay (Modbus).")
      .def("set_light", &rg::Bench::set_light, py::arg("condition"), long_call(),
           "normal | strong | back | low: sets the levels and returns the lux read back.")
      .def("read_lux", [](rg::Bench& b) {
             LuxReading r;
             {
               py::gil_scoped_release release;
               r = b.read_lux();
             }
             return Json{{"lux", r.lux}, {"valid", r.valid}, {"over_range", r.over_range}, {"sample", r.sample}};
           })
      .def_property_readonly("condition", &rg::Bench::condition)
      .def("power_cut", &rg::Bench::power_cut, long_call())
      .def("power_on", &rg::Bench::power_on, long_call())
      .def("power", &rg::Bench::power, long_call())
      .def_property_readonly("simulated", &rg::Bench::simulated)
      .def("check", &rg::Bench::check, long_call())
      .def("__str__", &rg::Bench::describe);

  py::class_<rg::Terminal>(m, "Terminal", "The device under test.")
      .def("status", &rg::Terminal::status, long_call())
      .def("firmware", &rg::Terminal::firmware, long_call())
      .def("set_params", &rg::Terminal::set_params, py::arg("params"), long_call())
      .def("restart", [](rg::Terminal& t, double timeout_s) { t.restart(ms_of_s(timeout_s)); }, py::arg("timeout_s") = 120.0,
           long_call())
      .def("set_mode", [](rg::Terminal& t, const std::string& mode) { t.set_mode(mode); }, py::arg("mode"), long_call(),
           "\"test\" (liveness off) or \"liveness\".")
      .def_property_readonly("mode", &rg::Terminal::mode)
      .def("identity", [](rg::Terminal& t) { return t.identity().to_json(); }, long_call())
      .def("power_cut", &rg::Terminal::power_cut, long_call())
      .def("power_on", &rg::Terminal::power_on, long_call())
      .def("wait_ready", [](rg::Terminal& t, double timeout_s) { return t.wait_ready(ms_of_s(timeout_s)); },
           py::arg("timeout_s") = 120.0, long_call())
      .def("request_sync", &rg::Terminal::request_sync, long_call())
      .def("soak",
           [](rg::Terminal& t, std::size_t passes, std::optional<std::string> person, double timeout_s) {
             return t.soak(passes, person, ms_of_s(timeout_s));
           },
           py::arg("passes"), py::arg("person") = py::none(), py::arg("timeout_s") = 600.0, long_call(),
           "The terminal makes `passes` passes itself (not through the camera), of `person` (a fixture person id; "
           "None: it picks enrolled workers); returns its account {stored, refused, lost, ...}.")
      .def("update_firmware",
           [](rg::Terminal& t, const std::string& image_path, const std::string& version) {
             return t.update_firmware(image_path, version);
           },
           py::arg("image_path"), py::arg("version"), long_call(),
           "Sends a firmware image (with its SHA-256), installed at the next start: restart() to install it.")
      .def("set_access_windows",
           [](rg::Terminal& t, const py::object& windows) {
             const auto rules = rg::AccessWindowRule::from_json(from_python(windows));
             py::gil_scoped_release release;
             return t.set_access_windows(rules);
           },
           py::arg("windows"),
           "Replaces the pass-time windows: [{\"person\": fixture person id, \"from\": \"HH:MM\", \"to\": \"HH:MM\"}] "
           "(UTC+8 civil time; to < from wraps past midnight); [] lets everyone pass at any time.")
      .def("__str__", &rg::Terminal::describe);

  py::class_<rg::ResolvedFixtures>(m, "FixtureSet", "The rig's image set.")
      .def_property_readonly("name", [](const rg::ResolvedFixtures& f) { return f.set.info.name; })
      .def_property_readonly("source", [](const rg::ResolvedFixtures& f) { return f.set.info.source; })
      .def_property_readonly("dir", [](const rg::ResolvedFixtures& f) { return f.dir.string(); })
      .def_readonly("origin", &rg::ResolvedFixtures::origin)
      .def_readonly("manifest_sha256", &rg::ResolvedFixtures::manifest_sha256)
      .def("persons",
           [](const rg::ResolvedFixtures& f, const std::optional<std::string>& role) {
             Json out = Json::array();
             for (const auto& p : f.set.persons)
               if (!role || *role == fixtures::to_string(p.role)) out.push_back(person_json(p));
             return out;
           },
           py::arg("role") = py::none(), "Persons as dicts (ID numbers masked).")
      .def("presentations",
           [](const rg::ResolvedFixtures& f, std::optional<std::string> role, std::optional<std::string> light,
              std::optional<bool> mask, std::optional<bool> helmet, std::optional<std::string> attack,
              std::optional<double> distance, std::optional<bool> qr, std::optional<std::string> person,
              std::optional<std::string> condition, std::optional<std::string> expected) {
             return presentations_of(f.set, {role, light, mask, helmet, attack, distance, qr, person, condition, expected});
           },
           py::arg("role") = py::none(), py::arg("light") = py::none(), py::arg("mask") = py::none(),
           py::arg("helmet") = py::none(), py::arg("attack") = py::none(), py::arg("distance") = py::none(),
           py::arg("qr") = py::none(), py::arg("person") = py::none(), py::arg("condition") = py::none(),
           py::arg("expected") = py::none(),
           "Trial presentations of the set, filtered (None: any). role: enrolled | impostor | attack. "
           "condition labels the trials (default: the light); expected overrides accept/refuse.")
      .def("__len__", [](const rg::ResolvedFixtures& f) { return f.set.presentations.size(); });

  py::class_<rg::Rig>(m, "Rig", "A rig from its description; use `with gaterig.Rig(...) as rig:`.")
      .def(py::init([](const py::object& description, const std::string& work_dir, std::optional<std::string> profile,
                       std::uint64_t seed, bool enroll_before_terminal, const std::string& gaterig_exe) {
             rg::RigDescription d = py::isinstance<py::str>(description)
                                        ? rg::RigDescription::load(description.cast<std::string>())
                                        : description.cast<rg::RigDescription>();
             rg::RigOptions o;
             o.work_dir = work_dir;
             if (profile && !profile->empty()) o.profile_override = *profile;
             o.seed = seed;
             o.enroll_before_terminal = enroll_before_terminal;
             o.gaterig_exe = gaterig_exe;
             return std::make_unique<rg::Rig>(std::move(d), std::move(o));
           }),
           py::arg("description"), py::arg("work_dir"), py::arg("profile") = py::none(), py::arg("seed") = 1,
           py::arg("enroll_before_terminal") = false, py::arg("gaterig_exe") = "")
      .def("start", &rg::Rig::start, long_call())
      .def("stop", &rg::Rig::stop, long_call())
      .def_property_readonly("started", &rg::Rig::started)
      .def("__enter__", [](rg::Rig& r) -> rg::Rig& {
             {
               StopAware aware;
               py::gil_scoped_release release;
               r.start();
             }
             return r;
           }, py::return_value_policy::reference)
      .def("__exit__", [](rg::Rig& r, const py::object&, const py::object&, const py::object&) {
             py::gil_scoped_release release;
             r.stop();
             return false;
           })
      .def_property_readonly("description", &rg::Rig::description, py::return_value_policy::reference_internal)
      .def("platform", &rg::Rig::platform, py::return_value_policy::reference_internal)
      .def("bench", &rg::Rig::bench, py::return_value_policy::reference_internal)
      .def_property_readonly("has_bench", &rg::Rig::has_bench)
      .def("terminal", &rg::Rig::terminal, py::return_value_policy::reference_internal)
      .def("fixture_set", &rg::Rig::fixtures, py::return_value_policy::reference_internal)
      .def("check", &rg::Rig::check, long_call())
      .def("wiring", &rg::Rig::wiring)
      .def("info", &rig_info, long_call(), "lab, rig, terminal, fixture_set as the results document wants them.")
      // the timeline
      .def("last_seq", [](rg::Rig& r) { return r.timeline().last_seq(); })
      .def("events",
           [](rg::Rig& r, std::uint64_t after, const std::string& kind, std::size_t max) {
             std::vector<Event> ev;
             {
               py::gil_scoped_release release;
               ev = r.timeline().since(after, kind.empty() ? max : SIZE_MAX);
             }
             py::list out;
             for (const auto& e : ev) {
               if (!kind.empty() && e.kind.rfind(kind, 0) != 0) continue;
               out.append(to_python(e.to_json()));
               if (out.size() >= max) break;
             }
             return out;
           },
           py::arg("after") = 0, py::arg("kind") = "", py::arg("max") = SIZE_MAX,
           "Timeline events with seq > after as dicts {at_ns, source, kind, payload, seq}; kind: a prefix.")
      .def("wait_event",
           [](rg::Rig& r, const std::string& kind, std::uint64_t after, double timeout_s) -> std::optional<Json> {
             // In slices, so SIGINT/SIGTERM ends the wait (the timeline knows nothing of stops).
             const auto deadline = std::chrono::steady_clock::now() + ms_of_s(timeout_s);
             while (!StopSignal::instance().requested()) {
               const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
               if (left.count() <= 0) break;
               auto e = r.timeline().wait_for(after, [&](const Event& ev) { return ev.kind.rfind(kind, 0) == 0; },
                                              std::min(left, std::chrono::milliseconds(200)));
               if (e) return e->to_json();
             }
             return std::nullopt;
           },
           py::arg("kind"), py::arg("after") = 0, py::arg("timeout_s") = 5.0, long_call(),
           "The first event whose kind starts with `kind` after seq `after`, or None at the deadline.")
      .def("write_events", [](rg::Rig& r, const std::string& path, bool append) { return r.write_events(path, append); },
           py::arg("path"), py::arg("append") = false, long_call(),
           "Every event since start (the rig's event log) to events.jsonl; returns the count.")
      // enrollment
      .def("enrolled_persons", [](rg::Rig& r) {
        Json out = Json::array();
        for (const auto& p : r.enrolled_persons()) out.push_back(person_json(p));
        return out;
      })
      .def("enroll",
           [](rg::Rig& r, const std::optional<std::vector<std::string>>& ids) {
             std::vector<fixtures::Person> persons;
             if (!ids) persons = r.enrolled_persons();
             else
               for (const auto& id : *ids) {
                 const auto* p = r.fixture_set().find_person(id);
                 if (!p) throw std::invalid_argument("enroll: no person \"" + id + "\" in the fixture set");
                 persons.push_back(*p);
               }
             return r.enroll(persons).to_json();
           },
           py::arg("persons") = py::none(), long_call(), "Into the rig's platform (default: every enrolled person).")
      .def("enroll_capacity",
           [](rg::Rig& r, std::size_t count, std::size_t first) { return r.enroll_capacity(count, first).to_json(); },
           py::arg("count"), py::arg("first") = 0, long_call(),
           "`count` further workers (synthetic ID numbers, the set's photos cycled; `first` skips that many: "
           "enroll_capacity(1, k) enrolls worker k+1 alone) into the rig's platform, for JX-A.1's enrolled capacity "
           "and JX-B.5's extra sync samples; returns the enrollment report. Run it last: the gallery then holds "
           "look-alikes.")
      .def("wait_synced",
           [](rg::Rig& r, std::size_t count, double timeout_s, bool ask_terminal) {
             return r.wait_synced(count, ms_of_s(timeout_s), ask_terminal).to_json();
           },
           py::arg("count"), py::arg("timeout_s") = 60.0, py::arg("ask_terminal") = false, long_call())
      // trials
      .def("plan",
           [](rg::Rig&, std::vector<tr::Presentation> presentations, std::uint32_t repetitions, std::uint64_t seed,
              std::optional<int> gap_ms, std::optional<int> window_ms, std::optional<int> refusal_window_ms,
              std::optional<int> repeat_window_ms, std::size_t person_spacing, std::optional<int> settle_ms) {
             return plan_of(std::move(presentations), repetitions, seed, gap_ms, window_ms, refusal_window_ms,
                            repeat_window_ms, person_spacing, settle_ms);
           },
           py::arg("presentations"), py::arg("repetitions") = 1, py::arg("seed") = 1, py::arg("gap_ms") = py::none(),
           py::arg("window_ms") = py::none(), py::arg("refusal_window_ms") = py::none(),
           py::arg("repeat_window_ms") = py::none(), py::arg("person_spacing") = 0,
           py::arg("settle_ms") = py::none())
      .def("run_trials",
           [](rg::Rig& r, const tr::TrialPlan& plan, const std::string& group, const std::string& mode,
              const std::string& clause, const std::string& journal, const py::object& progress, double record_wait_s) {
             RunTrialsArgs a{group, mode, clause, journal, &progress, record_wait_s};
             return run_trials(r, plan, a);
           },
           py::arg("plan"), py::arg("group"), py::arg("mode") = "test", py::arg("clause") = "", py::arg("journal") = "",
           py::arg("progress") = py::none(), py::arg("record_wait_s") = 5.0, long_call(),
           "Shows every trial of the plan and correlates the terminal's answers. journal: a JSONL file; trials it "
           "already has are not run again. progress(dict) is called after each trial.")
      .def("reconcile",
           [](rg::Rig& r, const Outcomes& outcomes, double tolerance_ms, std::uint64_t after) {
             tr::ReconciliationOptions o;
             o.tolerance = std::chrono::milliseconds(static_cast<std::int64_t>(tolerance_ms));
             const auto passes = tr::passes_from_outcomes(outcomes.outcomes, card_book_of(r.fixture_set()));
             const auto records = tr::records_from_events(r.timeline().since(after));
             return tr::reconcile(passes, records, o);
           },
           py::arg("outcomes"), py::arg("tolerance_ms") = 2000.0, py::arg("after") = 0, long_call(),
           "Every pass of the outcomes against the platform records on the timeline after seq `after`.");
}

}  // namespace gaterig::python
