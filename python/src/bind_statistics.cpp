// reports/statistics for Python: intervals, rate verdicts, the trial planner, latency summaries.
// Rich results come back as the statistics library's own JSON (dicts), one schema everywhere.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>

#include "python/src/bindings.hpp"
#include "python/src/json_caster.hpp"
#include "reports/statistics/binomial_interval.hpp"
#include "reports/statistics/comparison.hpp"
#include "reports/statistics/latency.hpp"
#include "reports/statistics/rate_measurement.hpp"
#include "reports/statistics/statistics_json.hpp"
#include "reports/statistics/trial_planner.hpp"

namespace py = pybind11;
namespace st = gaterig::statistics;

namespace gaterig::python {
namespace {

st::RateClause rate_clause(const std::string& relation, double threshold, double confidence, const std::string& rule,
                           const std::string& name, const std::string& clause_id) {
  st::RateClause c;
  c.name = name;
  c.clause_id = clause_id;
  c.relation = st::parse_relation(relation);
  c.threshold = threshold;
  c.confidence = confidence;
  c.rule = st::parse_decision_rule(rule);
  c.validate();
  return c;
}

}  // namespace

void bind_statistics(py::module_& root) {
  auto m = root.def_submodule("statistics", "Clopper–Pearson, rate verdicts, trial planning, latency quantiles");
  py::register_exception<std::invalid_argument>(m, "StatisticsError", PyExc_ValueError);

  py::class_<st::Interval>(m, "Interval")
      .def(py::init<>())
      .def(py::init([](double lo, double hi) { return st::Interval{lo, hi}; }), py::arg("lower"), py::arg("upper"))
      .def_readwrite("lower", &st::Interval::lower)
      .def_readwrite("upper", &st::Interval::upper)
      .def("contains", &st::Interval::contains)
      .def("__iter__", [](const st::Interval& i) { return py::iter(py::make_tuple(i.lower, i.upper)); })
      .def("__eq__", [](const st::Interval& a, const st::Interval& b) { return a == b; })
      .def("__repr__", [](const st::Interval& i) {
        std::ostringstream os;
        os << "Interval" << i;
        return os.str();
      });

  m.def("clopper_pearson",
        [](std::uint64_t x, std::uint64_t n, double confidence, const std::string& sides) {
          return st::clopper_pearson(x, n, confidence, st::parse_sides(sides));
        },
        py::arg("x"), py::arg("n"), py::arg("confidence") = 0.95, py::arg("sides") = "two-sided",
        "Exact binomial interval of x events in n trials; sides: two-sided | upper | lower.");
  m.def("wilson",
        [](std::uint64_t x, std::uint64_t n, double confidence, const std::string& sides) {
          return st::wilson(x, n, confidence, st::parse_sides(sides));
        },
        py::arg("x"), py::arg("n"), py::arg("confidence") = 0.95, py::arg("sides") = "two-sided");

  m.def("measure_rate",
        [](std::uint64_t numerator, std::uint64_t denominator, const std::string& relation, double threshold,
           double confidence, const std::string& rule, const std::string& name, const std::string& clause_id) {
          return st::to_json(st::measure_rate(rate_clause(relation, threshold, confidence, rule, name, clause_id),
                                              numerator, denominator));
        },
        py::arg("numerator"), py::arg("denominator"), py::arg("relation"), py::arg("threshold"),
        py::arg("confidence") = 0.95, py::arg("rule") = "guarded", py::arg("name") = "rate",
        py::arg("clause_id") = "",
        "A rate clause decided on counts: the statistics library's rate JSON as a dict.");

  m.def("plan_trials",
        [](const std::string& relation, double threshold, double confidence, std::uint64_t allowed_errors,
           std::optional<double> assumed_rate, double assurance, std::uint64_t attempts_per_person,
           double intra_person_correlation) {
          st::TrialPlanRequest r;
          r.clause = rate_clause(relation, threshold, confidence, "guarded", "rate", "");
          r.allowed_errors = allowed_errors;
          r.assumed_rate = assumed_rate;
          r.assurance = assurance;
          r.attempts_per_person = attempts_per_person;
          r.intra_person_correlation = intra_person_correlation;
          return st::to_json(st::plan_trials(r));
        },
        py::arg("relation"), py::arg("threshold"), py::arg("confidence") = 0.95, py::arg("allowed_errors") = 0,
        py::arg("assumed_rate") = py::none(), py::arg("assurance") = 0.8, py::arg("attempts_per_person") = 1,
        py::arg("intra_person_correlation") = 0.0,
        "How many trials a rate clause needs to be able to PASS (dict: trials, max_errors, persons, ...).");
  m.def("minimum_trials",
        [](const std::string& relation, double threshold, std::uint64_t errors, double confidence) {
          return st::minimum_trials(rate_clause(relation, threshold, confidence, "guarded", "rate", ""), errors);
        },
        py::arg("relation"), py::arg("threshold"), py::arg("errors") = 0, py::arg("confidence") = 0.95);
  m.def("max_tolerated_errors",
        [](const std::string& relation, double threshold, std::uint64_t n, double confidence) {
          return st::max_tolerated_errors(rate_clause(relation, threshold, confidence, "guarded", "rate", ""), n);
        },
        py::arg("relation"), py::arg("threshold"), py::arg("n"), py::arg("confidence") = 0.95);

  m.def("summarize_latency",
        [](std::vector<std::int64_t> samples_ns, double confidence) {
          return st::to_json(st::summarize_latency(std::move(samples_ns), confidence));
        },
        py::arg("samples_ns"), py::arg("confidence") = 0.95, "Quantiles with order-statistic bounds (ns).");
  m.def("format_duration_ns", &st::format_duration_ns);
}

}  // namespace gaterig::python
