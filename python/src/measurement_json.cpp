#include "python/src/measurement_json.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gaterig::python {
namespace {

std::vector<std::int64_t> ns_of_ms(const nlohmann::json& j, const std::string& what) {
  std::vector<std::int64_t> out;
  if (j.is_null()) return out;
  if (!j.is_array()) throw std::invalid_argument(what + ": expected a list of milliseconds");
  out.reserve(j.size());
  for (const auto& v : j) {
    if (!v.is_number()) throw std::invalid_argument(what + ": expected numbers (ms), got " + v.dump());
    out.push_back(static_cast<std::int64_t>(std::llround(v.get<double>() * 1e6)));
  }
  return out;
}

std::uint64_t count_of(const nlohmann::json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || j[key].is_null()) return 0;
  const auto& v = j[key];
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) return v.get<std::uint64_t>();
  if (v.is_number_float() && v.get<double>() >= 0 && std::floor(v.get<double>()) == v.get<double>())
    return static_cast<std::uint64_t>(v.get<double>());
  throw std::invalid_argument(what + "." + key + ": expected a count (an integer >= 0), got " + v.dump());
}

}  // namespace

standard::Measurement measurement_from_json(const nlohmann::json& j, std::uint64_t seed) {
  standard::Measurement m;
  m.name = j.value("name", "");
  const std::string what = "measurement " + m.name;
  if (m.name.empty()) throw std::invalid_argument("a measurement without a name: " + j.dump().substr(0, 200));
  m.condition = j.contains("condition") && j["condition"].is_string() ? j["condition"].get<std::string>() : "";
  m.events = count_of(j, "events", what);
  m.trials = count_of(j, "trials", what);
  m.subjects = count_of(j, "subjects", what);
  m.rig_errors = count_of(j, "errors", what);  // the recorder's errors=: trials the rig could not run
  m.seed = seed;
  for (const auto& t : j.value("tallies", nlohmann::json::array()))
    m.persons.push_back({t.at("person").get<std::string>(), count_of(t, "events", what), count_of(t, "attempts", what)});
  if (m.subjects == 0 && !m.persons.empty()) m.subjects = m.persons.size();
  m.samples_ns = ns_of_ms(j.value("samples_ms", nlohmann::json()), what + ".samples_ms");
  m.baseline_events = count_of(j, "baseline_events", what);
  m.baseline_trials = count_of(j, "baseline_trials", what);
  m.baseline_samples_ns = ns_of_ms(j.value("baseline_samples_ms", nlohmann::json()), what + ".baseline_samples_ms");
  if (j.contains("passed") && j["passed"].is_boolean()) m.passed = j["passed"].get<bool>();
  for (const auto& n : j.value("notes", nlohmann::json::array())) m.notes.push_back(n.get<std::string>());
  return m;
}

std::vector<standard::ClauseRecordings> recordings_from_json(const nlohmann::json& list, std::uint64_t seed) {
  // [{"clause": "JX-A.2", "measurements": [...], "error": null | "..."}]; several per clause allowed
  std::vector<standard::ClauseRecordings> out;
  for (const auto& r : list) {
    const std::string id = r.at("clause").get<std::string>();
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& c) { return c.clause_id == id; });
    if (it == out.end()) {
      out.push_back({id, {}, std::nullopt});
      it = std::prev(out.end());
    }
    for (const auto& m : r.value("measurements", nlohmann::json::array()))
      it->measurements.push_back(measurement_from_json(m, seed));
    if (r.contains("error") && r["error"].is_string()) {
      const std::string e = r["error"].get<std::string>();
      it->error = it->error ? *it->error + "; " + e : e;
    }
  }
  return out;
}

}  // namespace gaterig::python
