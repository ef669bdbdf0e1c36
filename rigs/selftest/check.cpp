#include "rigs/selftest/check.hpp"

#include <iomanip>
#include <sstream>

namespace gaterig::rig {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::pass: return "PASS";
    case Outcome::fail: return "FAIL";
    case Outcome::error: return "ERROR";
  }
  return "?";
}

Json Measurement::to_json() const {
  Json j{{"name", name}, {"value", value}, {"unit", unit}, {"ok", ok()}};
  j["min"] = min ? Json(*min) : Json(nullptr);
  j["max"] = max ? Json(*max) : Json(nullptr);
  return j;
}

void CheckResult::judge() {
  if (outcome == Outcome::error && !detail.empty()) return;
  outcome = Outcome::pass;
  for (const auto& m : measurements)
    if (!m.ok()) {
      outcome = Outcome::fail;
      if (!detail.empty()) detail += "; ";
      std::ostringstream os;
      os << m.name << " = " << m.value << " " << m.unit << " outside";
      if (m.min) os << " min " << *m.min;
      if (m.max) os << " max " << *m.max;
      detail += os.str();
    }
}

Json CheckResult::to_json() const {
  Json ms = Json::array();
  for (const auto& m : measurements) ms.push_back(m.to_json());
  return Json{{"name", name},       {"purpose", purpose}, {"outcome", std::string(to_string(outcome))},
              {"measurements", ms}, {"detail", detail},   {"seconds", seconds}};
}

std::ostream& operator<<(std::ostream& os, const CheckResult& r) {
  os << std::left << std::setw(6) << to_string(r.outcome) << std::setw(20) << r.name << r.purpose
     << " (" << std::fixed << std::setprecision(1) << r.seconds << " s)\n";
  for (const auto& m : r.measurements) {
    os << "        " << (m.ok() ? "  " : "✗ ") << std::setw(34) << m.name << std::right
       << std::setw(12) << std::setprecision(m.value == static_cast<long long>(m.value) ? 0 : 3)
       << m.value << " " << std::left << std::setw(8) << m.unit;
    if (m.min || m.max) {
      os << " limits [";
      if (m.min) os << *m.min;
      os << ", ";
      if (m.max) os << *m.max;
      os << "]";
    }
    os << "\n";
  }
  if (!r.detail.empty()) os << "        " << r.detail << "\n";
  return os;
}

CheckResult run_check(std::string name, std::string purpose,
                      const std::function<void(CheckResult&)>& body) {
  CheckResult r;
  r.name = std::move(name);
  r.purpose = std::move(purpose);
  const MonoNs start = mono_now();
  try {
    body(r);
    r.judge();
  } catch (const std::exception& e) {
    r.outcome = Outcome::error;
    r.detail = e.what();
  }
  r.seconds = static_cast<double>(mono_now() - start) / 1e9;
  return r;
}

}  // namespace gaterig::rig
