#pragma once
// The rig's self-test: each check drives one instrument end to end on the simulated bench and
// records measurements with units and limits (OpenHTF style). A check whose measurement is out
// of its limits FAILs (the rig is not fit to certify anything); one that could not run at all is
// an ERROR. `gaterig selftest` runs them all before a lab trusts the rig with a terminal.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace gaterig::rig {

enum class Outcome { pass, fail, error };
std::string_view to_string(Outcome o);

struct Measurement {
  std::string name;
  double value = 0;
  std::string unit;
  std::optional<double> min, max;  // inclusive limits; none = recorded for information only
  bool ok() const { return (!min || value >= *min) && (!max || value <= *max); }
  Json to_json() const;
};

struct CheckResult {
  std::string name;     // "platform.reconcile"
  std::string purpose;  // one sentence: what a pass proves
  Outcome outcome = Outcome::error;
  std::vector<Measurement> measurements;
  std::string detail;   // why it failed or errored; empty on pass
  double seconds = 0;

  // Sets the outcome from the measurements (an error stays an error).
  void judge();
  Json to_json() const;
};
std::ostream& operator<<(std::ostream& os, const CheckResult& r);

struct SelftestOptions {
  std::filesystem::path work_dir;  // scratch space: stores, sockets
  int records = 200;               // attendance passes through the platform check
  int frames = 200;                // Wiegand frames and monitor frames
  std::uint64_t seed = 1;
  std::function<void(const std::string&)> progress;  // one line per step; may be empty
};

CheckResult check_platform(const SelftestOptions& o);
CheckResult check_wiegand(const SelftestOptions& o);
CheckResult check_bench(const SelftestOptions& o);
CheckResult check_monitor(const SelftestOptions& o);

// Runs `body` and fills name, purpose, seconds and the outcome; an exception becomes ERROR.
CheckResult run_check(std::string name, std::string purpose,
                      const std::function<void(CheckResult&)>& body);

}  // namespace gaterig::rig
