#pragma once
// nlohmann::json <-> Python objects (dict, list, str, int, float, bool, None), so every binding
// that takes or returns Json (event payloads, terminal status, results) speaks plain Python.
#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace gaterig::python {

pybind11::object to_python(const nlohmann::json& j);
// Throws pybind11::type_error naming the path of a value JSON cannot hold ("params.x: set").
nlohmann::json from_python(pybind11::handle obj, const std::string& path = "$");

}  // namespace gaterig::python

namespace pybind11::detail {

template <>
struct type_caster<nlohmann::json> {
  PYBIND11_TYPE_CASTER(nlohmann::json, const_name("object"));

  bool load(handle src, bool) {
    value = gaterig::python::from_python(src);
    return true;
  }
  static handle cast(const nlohmann::json& j, return_value_policy, handle) {
    return gaterig::python::to_python(j).release();
  }
};

}  // namespace pybind11::detail
