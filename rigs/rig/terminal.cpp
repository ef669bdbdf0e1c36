#include "rigs/rig/terminal.hpp"

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

}  // namespace gaterig::rig
