#include "rigs/selftest/selftest.hpp"

#include <algorithm>
#include <stdexcept>

namespace gaterig::rig {

const std::vector<std::string>& selftest_check_names() {
  static const std::vector<std::string> names{"platform", "wiegand", "bench", "monitor"};
  return names;
}

Outcome SelftestReport::outcome() const {
  Outcome worst = Outcome::pass;
  for (const auto& c : checks) {
    if (c.outcome == Outcome::error) return Outcome::error;
    if (c.outcome == Outcome::fail) worst = Outcome::fail;
  }
  return checks.empty() ? Outcome::error : worst;
}

Json SelftestReport::to_json(const SelftestOptions& o) const {
  Json cs = Json::array();
  for (const auto& c : checks) cs.push_back(c.to_json());
  return Json{{"schema", "gaterig.selftest/1"},
              {"started", format_iso_utc(started)},
              {"seconds", seconds},
              {"seed", o.seed},
              {"records", o.records},
              {"frames", o.frames},
              {"outcome", std::string(to_string(outcome()))},
              {"checks", cs}};
}

SelftestReport run_selftest(const SelftestOptions& o, const std::vector<std::string>& only) {
  for (const auto& name : only)
    if (std::find(selftest_check_names().begin(), selftest_check_names().end(), name) ==
        selftest_check_names().end())
      throw std::invalid_argument("selftest: unknown check '" + name +
                                  "' (known: platform, wiegand, bench, monitor)");
  auto wanted = [&](const std::string& n) {
    return only.empty() || std::find(only.begin(), only.end(), n) != only.end();
  };
  SelftestReport report;
  report.started = wall_now();
  const MonoNs t0 = mono_now();
  if (wanted("platform")) report.checks.push_back(check_platform(o));
  if (wanted("wiegand")) report.checks.push_back(check_wiegand(o));
  if (wanted("bench")) report.checks.push_back(check_bench(o));
  if (wanted("monitor")) report.checks.push_back(check_monitor(o));
  report.seconds = static_cast<double>(mono_now() - t0) / 1e9;
  return report;
}

}  // namespace gaterig::rig
