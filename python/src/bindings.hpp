#pragma once
// One binder per part (python/src/bind_<part>.cpp).
#include <pybind11/pybind11.h>

namespace gaterig::python {

void bind_statistics(pybind11::module_& m);
void bind_standard(pybind11::module_& m);
void bind_rig(pybind11::module_& m);
void bind_trial(pybind11::module_& m);

}  // namespace gaterig::python
