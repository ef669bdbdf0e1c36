// gaterig._gaterig: the C++ rig for Python (scenarios and the pytest plugin). Each part binds
// itself in its own file; a part whose library is not built yet is left out and
// gaterig.features() says so.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/config.hpp"
#include "python/src/bindings.hpp"
#include "python/src/interrupt.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_gaterig, m) {
  m.doc() = "gaterig: the rig that certifies face-recognition attendance terminals (C++ core)";
  gaterig::python::install_interrupt();

  py::register_exception<gaterig::ConfigError>(m, "ConfigError", PyExc_ValueError);
  m.attr("VERSION") = "0.1.0";

  py::list features;
  gaterig::python::bind_statistics(m);
  features.append("statistics");
#ifdef GATERIG_PY_STANDARD
  gaterig::python::bind_standard(m);
  features.append("standard");
#endif
#ifdef GATERIG_PY_RIG
  gaterig::python::bind_trial(m);
  gaterig::python::bind_rig(m);
  features.append("rig");
  features.append("trial");
#endif
  m.attr("FEATURES") = py::tuple(features);
  m.def("stop_requested", &gaterig::python::stop_requested,
        "True once SIGINT/SIGTERM (or a stop) was requested in this process.");
}
