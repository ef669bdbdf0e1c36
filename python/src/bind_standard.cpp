// rigs/standard for Python: the standard profile (Standard, Clause, MeasurementSpec), the clause
// verdicts from what scenarios recorded (evaluate), and the results document gaterig.results/1
// (ResultsDocument: read, checked, written atomically by the C++ writer, so the schema is one).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>

#include "core/config.hpp"
#include "python/src/bindings.hpp"
#include "python/src/json_caster.hpp"
#include "python/src/measurement_json.hpp"
#include "rigs/standard/clause_result.hpp"
#include "rigs/standard/results_document.hpp"
#include "rigs/standard/standard.hpp"

namespace py = pybind11;
namespace sd = gaterig::standard;

namespace gaterig::python {

void bind_standard(py::module_& m) {
  py::register_exception<sd::ResultsError>(m, "ResultsError", PyExc_ValueError);

  py::class_<sd::MeasurementSpec>(m, "MeasurementSpec")
      .def_readonly("name", &sd::MeasurementSpec::name)
      .def_readonly("title", &sd::MeasurementSpec::title)
      .def_property_readonly("kind", [](const sd::MeasurementSpec& s) { return sd::to_string(s.kind); })
      .def_readonly("unit", &sd::MeasurementSpec::unit)
      .def_readonly("condition", &sd::MeasurementSpec::condition)
      .def_readonly("baseline", &sd::MeasurementSpec::baseline)
      .def_readonly("rule", &sd::MeasurementSpec::rule)
      .def_readonly("decision_rule", &sd::MeasurementSpec::decision_rule)
      .def_readonly("required", &sd::MeasurementSpec::required)
      .def_property_readonly("threshold", [](const sd::MeasurementSpec& s) {
        return nlohmann::json{{"op", statistics::to_string(s.threshold.op)}, {"value", s.threshold.value}};
      })
      .def_property_readonly("planned", [](const sd::MeasurementSpec& s) {
        nlohmann::json j{{"full", s.planned.full}, {"quick", s.planned.quick}, {"errors", s.planned.errors}};
        j["persons"] = s.planned.persons ? nlohmann::json(*s.planned.persons) : nlohmann::json(nullptr);
        return j;
      })
      .def("planned_trials", [](const sd::MeasurementSpec& s, bool quick) { return quick ? s.planned.quick : s.planned.full; },
           py::arg("quick") = false)
      .def("__repr__", [](const sd::MeasurementSpec& s) {
        std::ostringstream os;
        os << "<MeasurementSpec " << s << ">";
        return os.str();
      });

  py::class_<sd::Clause>(m, "Clause")
      .def_readonly("id", &sd::Clause::id)
      .def_readonly("title", &sd::Clause::title)
      .def_readonly("title_zh", &sd::Clause::title_zh)
      .def_readonly("requirement", &sd::Clause::requirement)
      .def_property_readonly("status", [](const sd::Clause& c) { return sd::to_string(c.status); })
      .def_readonly("terminal_mode", &sd::Clause::terminal_mode)
      .def_readonly("conditions", &sd::Clause::conditions)
      .def_readonly("method", &sd::Clause::method)
      .def_readonly("parameters", &sd::Clause::parameters)
      .def_readonly("measurements", &sd::Clause::measurements, py::return_value_policy::reference_internal)
      .def("measurement",
           [](const sd::Clause& c, const std::string& name, const std::string& condition) {
             const auto* s = c.find(name, condition);
             if (!s) throw py::key_error(c.id + " declares no measurement " + name + (condition.empty() ? "" : " [" + condition + "]"));
             return s;
           },
           py::arg("name"), py::arg("condition") = "", py::return_value_policy::reference_internal)
      .def("__repr__", [](const sd::Clause& c) {
        std::ostringstream os;
        os << "<Clause " << c << ">";
        return os.str();
      });

  py::class_<sd::Standard>(m, "Standard")
      .def_static("load", [](const std::string& path) { return sd::Standard::load(path); }, py::arg("path"),
                  "Loads a profile (scenarios/standards/*.toml); ConfigError names file:line:key.")
      .def_static("parse", &sd::Standard::parse, py::arg("text"), py::arg("source_name") = "<string>")
      .def_readonly("id", &sd::Standard::id)
      .def_readonly("title", &sd::Standard::title)
      .def_readonly("title_zh", &sd::Standard::title_zh)
      .def_readonly("version", &sd::Standard::version)
      .def_readonly("sha256", &sd::Standard::sha256)
      .def_readonly("confidence", &sd::Standard::confidence)
      .def_property_readonly("path", [](const sd::Standard& s) { return s.path.string(); })
      .def_readonly("clauses", &sd::Standard::clauses, py::return_value_policy::reference_internal)
      .def("clause", &sd::Standard::at, py::arg("id"), py::return_value_policy::reference_internal)
      .def("__contains__", [](const sd::Standard& s, const std::string& id) { return s.find(id) != nullptr; })
      .def("to_json", [](const sd::Standard& s) { return sd::to_json(s); })
      .def("__repr__", [](const sd::Standard& s) { return "<Standard " + s.id + ": " + std::to_string(s.clauses.size()) + " clauses>"; });

  m.def("evaluate",
        [](const sd::Standard& standard, const nlohmann::json& recordings, bool quick, std::uint64_t seed) {
          sd::EvaluationOptions o;
          o.quick = quick;
          const auto results = sd::evaluate_standard(standard, recordings_from_json(recordings, seed), o);
          nlohmann::json out = nlohmann::json::array();
          for (const auto& c : results) out.push_back(nlohmann::json(sd::to_json(c)));
          return out;
        },
        py::arg("standard"), py::arg("recordings"), py::arg("quick") = false, py::arg("seed") = 1,
        "Every clause of the standard from [{clause, measurements, error}], as gaterig.results/1 clause dicts "
        "(a clause nothing was recorded for is NOT TESTED; one with an error is ERROR).");

  py::class_<sd::ResultsDocument>(m, "ResultsDocument")
      .def_static("read", [](const std::string& path) { return sd::read_results(path); }, py::arg("path"))
      .def_static("from_json", [](const nlohmann::json& j) { return sd::results_from_json(j); }, py::arg("doc"),
                  "Checks a gaterig.results/1 document (ResultsError names the JSON path).")
      .def("to_json", [](const sd::ResultsDocument& d) { return nlohmann::json(sd::to_json(d)); })
      .def("write", [](const sd::ResultsDocument& d, const std::string& path) { sd::write_results(d, path); },
           py::arg("path"), "Atomically: a reader never sees half a document.")
      .def("add_evidence",
           [](sd::ResultsDocument& d, const std::string& folder, const std::string& path, const std::string& what) {
             const auto& e = d.add_evidence(folder, path, what);
             return nlohmann::json{{"path", e.path}, {"sha256", e.sha256}, {"bytes", e.bytes}, {"what", e.what}};
           },
           py::arg("folder"), py::arg("path"), py::arg("what"))
      .def_property_readonly("verdict", [](const sd::ResultsDocument& d) { return sd::to_string(d.verdict()); });

  m.def("make_run_id", &sd::make_run_id);
}

}  // namespace gaterig::python
