#pragma once
// `gaterig selftest`: every check, in order, with one JSON document for programs
// (schema "gaterig.selftest/1") and a table for people.
#include <string>
#include <vector>

#include "rigs/selftest/check.hpp"

namespace gaterig::rig {

// "platform", "wiegand", "bench", "monitor"
const std::vector<std::string>& selftest_check_names();

struct SelftestReport {
  std::vector<CheckResult> checks;
  WallNs started = 0;
  double seconds = 0;
  Outcome outcome() const;  // the worst of the checks: ERROR > FAIL > PASS
  Json to_json(const SelftestOptions& o) const;
};

// Runs the named checks (all when `only` is empty); throws std::invalid_argument naming an
// unknown check.
SelftestReport run_selftest(const SelftestOptions& o, const std::vector<std::string>& only = {});

}  // namespace gaterig::rig
