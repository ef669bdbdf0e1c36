#pragma once
// Enrollment as an enrollment station does it (SPEC section 二): workers with their enrollment
// photo as headImage go into the rig's own platform (ProjectWorker.Add through the platform's
// national request path, signed and encrypted like any client's, in-process: no socket), and the
// terminal syncs them (ProjectWorker.Query with headImage). wait_synced() measures how long the
// enrollment takes to reach the terminal and collects the terminal's enrollment failures (FTE,
// JX-A.3).
//
// Events (source "rig"): rig.enrollment {requested, accepted, already, refused, problems},
// rig.enrollment_synced {synced, enrolled, failures, seconds}.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "fixtures/manifest.hpp"
#include "simulator/platform/platform_config.hpp"

namespace gaterig::platform {
class Platform;
}

namespace gaterig::rig {

class Terminal;

struct EnrollmentReport {
  std::size_t requested = 0;
  std::size_t accepted = 0;  // new workers in the platform
  std::size_t already = 0;   // were enrolled before (not changed)
  std::size_t refused = 0;   // the platform refused (photo too big, bad field): see problems
  std::vector<std::string> problems;  // platform findings / messages, ID numbers masked
  MonoNs done = 0;           // when the platform had them (the sync clock starts here)
  Json to_json() const;
};

struct SyncReport {
  bool synced = false;        // enrolled + failures reached the count before the deadline
  std::size_t enrolled = 0;   // the terminal's gallery
  Json failures = Json::array();  // the terminal's enrollment failures [{id (masked), status, reason}]
  double seconds = 0;         // enrollment done -> the terminal reported them (poll: 100 ms)
  std::string error;          // why not synced (deadline, stop, terminal not answering)
  // False when the terminal has no status (Rig::wait_synced): `enrolled` is then the count asked
  // for, assumed, and `failures` unknown; a figure built on them (capacity, FTE) is not measured.
  bool observed = true;
  Json to_json() const;
};

class Enrollment {
 public:
  Enrollment(platform::Platform& platform, platform::ProjectConfig project, std::string team, EventSink& events);

  // Persons are enrolled persons of the set (their enrollment photo is required; persons without
  // one are refused and listed in problems). Batches of 50 (the platform takes up to 100).
  EnrollmentReport enroll(const std::vector<fixtures::Person>& persons, const std::filesystem::path& set_dir);

  // Polls the terminal's status until `count` persons are enrolled or failed there, or the
  // timeout. `ask_terminal`: ask it to sync now first (where it can be asked), instead of
  // measuring its own schedule.
  SyncReport wait_synced(Terminal& terminal, std::size_t count, std::chrono::milliseconds timeout,
                         bool ask_terminal = false);

 private:
  Json call(const std::string& method, const Json& data);

  platform::Platform& platform_;
  platform::ProjectConfig project_;
  std::string team_;
  EventSink& events_;
  std::uint64_t nonce_ = 0;
  MonoNs last_done_ = 0;
};

}  // namespace gaterig::rig
