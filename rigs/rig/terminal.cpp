#include "rigs/rig/terminal.hpp"

#include "core/resident_id.hpp"

namespace gaterig::rig {

Json TerminalIdentity::to_json() const {
  return Json{{"vendor", vendor}, {"model", model}, {"firmware_version", firmware_version},
              {"firmware_hash", firmware_hash}, {"serial", serial}};
}

TerminalIdentity TerminalIdentity::from_json(const Json& j) {
  auto text = [&](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return {text("vendor"), text("model"), text("firmware_version"), text("firmware_hash"), text("serial")};
}

std::ostream& operator<<(std::ostream& os, const TerminalIdentity& id) {
  return os << (id.vendor.empty() ? "?" : id.vendor) << " " << (id.model.empty() ? "?" : id.model) << " fw "
            << (id.firmware_version.empty() ? "?" : id.firmware_version) << " s/n "
            << (id.serial.empty() ? "?" : id.serial);
}

namespace {
bool is_time_of_day(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') return false;
  return std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3, 2)) < 60;
}
}  // namespace

std::vector<AccessWindowRule> AccessWindowRule::from_json(const Json& windows) {
  if (!windows.is_array()) throw std::invalid_argument("access windows: expected a list of {person, from, to}");
  std::vector<AccessWindowRule> out;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const Json& w = windows[i];
    const std::string at = "access windows[" + std::to_string(i) + "]";
    if (!w.is_object()) throw std::invalid_argument(at + ": expected {person, from, to}");
    for (const auto& [key, value] : w.items()) {
      if (key != "person" && key != "from" && key != "to")
        throw std::invalid_argument(at + "." + key + ": unknown (expected person, from, to)");
      if (!value.is_string()) throw std::invalid_argument(at + "." + key + ": expected text");
    }
    AccessWindowRule r{w.value("person", ""), w.value("from", ""), w.value("to", "")};
    if (r.person.empty()) throw std::invalid_argument(at + ".person: expected a fixture person id");
    if (!is_time_of_day(r.from)) throw std::invalid_argument(at + ".from: expected HH:MM, found \"" + r.from + "\"");
    if (!is_time_of_day(r.to)) throw std::invalid_argument(at + ".to: expected HH:MM, found \"" + r.to + "\"");
    out.push_back(std::move(r));
  }
  return out;
}

std::string Terminal::id_number_of(const std::string& person) const {
  if (person_lookup_) {
    std::string id = person_lookup_(person);
    if (!id.empty()) return id;
  }
  if (is_valid_resident_id(person)) return person;
  throw std::invalid_argument("terminal: \"" + person + "\" is neither a person of the fixture set nor an ID number");
}

Json Terminal::set_access_windows(const std::vector<AccessWindowRule>& windows) {
  Json list = Json::array();
  for (const auto& w : windows) list.push_back(Json{{"person", id_number_of(w.person)}, {"from", w.from}, {"to", w.to}});
  return set_params(Json{{"windows", std::move(list)}});
}

}  // namespace gaterig::rig
