#pragma once
// What the terminal does with one analysed frame: admit the person, or refuse and say why. Pure
// logic over the engine's FrameAnalysis (which decides nothing about access), so every rule is
// tested without a camera:
//   no face / refused by the engine (exposure, masked with mask_policy deny) -> deny
//   a spoof (liveness checked and not live)                                 -> deny spoof
//   no gallery match above the threshold                                    -> deny unknown
//   matched, helmet checked and absent, helmet required                     -> deny no-helmet (flagged record)
//   matched, outside the person's (or group's) access window                -> deny outside-window
//   matched, accepted within the repeat window                              -> deny repeat
//   otherwise                                                               -> accept
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "simulator/device/terminal_config.hpp"

namespace gaterig::device {

enum class DenyReason { none, no_face, not_acquired, spoof, unknown, no_helmet, outside_window, repeat, store_full };
const char* to_string(DenyReason r);

struct Decision {
  bool accept = false;
  DenyReason reason = DenyReason::none;
  std::string person;      // the matched person (ID number); empty when none
  float similarity = 0;
  bool flagged_record = false;  // upload a record although the person is refused (no helmet)
  std::string detail;      // e.g. the engine's refusal
};
std::ostream& operator<<(std::ostream& os, const Decision& d);  // masks the ID

struct PolicyRules {
  std::chrono::milliseconds repeat_window{5000};
  bool helmet_required = true;
  bool deny_masked = false;
  bool enforce_windows = true;
  std::vector<AccessWindow> windows;
  UtcOffset offset = UtcOffset::china();
  static PolicyRules from(const PolicyConfig& p, bool ignore_windows);
};

class AccessPolicy {
 public:
  explicit AccessPolicy(PolicyRules rules) : rules_(std::move(rules)) {}

  // `wall` decides the access window (civil time of day), `mono` the repeat window. An accept
  // is remembered for the repeat window.
  Decision decide(const FrameAnalysis& a, WallNs wall, MonoNs mono);
  // Takes an accept back (the record could not be stored, so nobody passed).
  void forget_accept(const std::string& person);

  // The group (team) of each enrolled person, for group windows. Thread-safe.
  void set_group(const std::string& person, const std::string& group);
  bool inside_window(const std::string& person, WallNs wall) const;
  // The workers the platform listed (whatever became of their photos), sorted; and one of them.
  std::vector<std::string> workers() const;
  bool knows(const std::string& person) const;

  PolicyRules rules() const;
  void set_rules(PolicyRules rules);

 private:
  bool inside_window_locked(const std::string& person, WallNs wall) const;

  mutable std::mutex mu_;
  PolicyRules rules_;
  std::unordered_map<std::string, std::string> groups_;
  std::unordered_map<std::string, MonoNs> last_accept_;
  std::unordered_map<std::string, MonoNs> last_flagged_;
};

}  // namespace gaterig::device
