#include "python/src/json_caster.hpp"

#include <cmath>
#include <string>

namespace py = pybind11;

namespace gaterig::python {

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::binary:
      return py::bytes(reinterpret_cast<const char*>(j.get_binary().data()), j.get_binary().size());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : j) out.append(to_python(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[py::str(it.key())] = to_python(it.value());
      return out;
    }
  }
  return py::none();
}

nlohmann::json from_python(py::handle obj, const std::string& path) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) {
    // Negative values fit int64; large positive ones may need uint64.
    try {
      return obj.cast<std::int64_t>();
    } catch (const py::cast_error&) {
      return obj.cast<std::uint64_t>();
    }
  }
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto [key, value] : obj.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key))
        throw py::type_error(path + ": JSON object keys must be str, got " + std::string(py::str(key.get_type())));
      auto k = key.cast<std::string>();
      out[k] = from_python(value, path + "." + k);
    }
    return out;
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    nlohmann::json out = nlohmann::json::array();
    std::size_t i = 0;
    for (auto item : obj) out.push_back(from_python(item, path + "[" + std::to_string(i++) + "]"));
    return out;
  }
  // numpy scalars and anything else number-like
  if (py::hasattr(obj, "__index__")) return obj.attr("__index__")().cast<std::int64_t>();
  if (py::hasattr(obj, "__float__")) return obj.attr("__float__")().cast<double>();
  if (py::isinstance<py::bytes>(obj)) return obj.cast<std::string>();
  throw py::type_error(path + ": cannot be JSON: " + std::string(py::str(obj.get_type())));
}

}  // namespace gaterig::python
