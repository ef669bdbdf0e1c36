#pragma once
// The rig: everything a rig description wires, started in order with deadlines and stopped on
// stop() or destruction, every instrument writing onto one Timeline.
//
//   Rig rig(RigDescription::load("rigs/sim.toml"), {.work_dir = "out/run-1"});
//   rig.start();                                  // platform, bench, display, wire, terminal
//   rig.enroll(rig.enrolled_persons());           // into the rig's platform
//   rig.wait_synced(n, 30s);                      // ... until the terminal has them
//   rig.bench().set_light("strong");              // lux read back, bench.light / bench.lux events
//   rig.display().show(image, "S0001/01");        // display.shown; the terminal answers on the wire
//   rig.timeline().wait_for(seq, is_frame, 5s);   // wiegand.frame
//   rig.bench().power_cut(); rig.bench().power_on(); rig.terminal().wait_ready(60s);
//   rig.stop();
//
// Start order: platform (binds its port), bench (the simulated one binds its Modbus port; the
// lux meter must answer), display (the monitor link listens), Wiegand probe (binds the virtual
// wire / requests the GPIO lines), fixtures (a synthetic set may be made into the cache),
// terminal (devsim: spawned, ready line, camera connected). A failure stops what was started and
// throws, naming the resource. SIGINT/SIGTERM (core/stop_signal.hpp, where installed) ends the
// waits of start() and wait_synced() promptly; the caller then stops the rig.
//
// Events of the rig itself (source "rig"): rig.started {resources}, rig.stopped, rig.error {what}.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/event_log.hpp"
#include "fixtures/manifest.hpp"
#include "rigs/display/display.hpp"
#include "rigs/rig/bench.hpp"
#include "rigs/rig/enrollment.hpp"
#include "rigs/rig/fixture_source.hpp"
#include "rigs/rig/rig_description.hpp"
#include "rigs/rig/terminal.hpp"

namespace gaterig::platform {
class PlatformService;
}

namespace gaterig::rig {

class WiegandProbe;

struct RigOptions {
  std::filesystem::path work_dir;            // required: stores, sockets, logs, the devsim's data
  std::optional<std::string> profile_override;  // devsim profile(s) instead of terminal.profile
  std::uint64_t seed = 1;                    // the simulated bench's and terminal's randomness
  std::filesystem::path gaterig_exe;         // runs the devsim; empty: see gaterig_executable.hpp
  std::filesystem::path cache_dir;           // root of the fixtures cache; empty: default_cache_root()
  // Enroll the set's enrolled persons before the terminal starts, so it syncs them while it
  // starts (quick tests); otherwise the caller enrolls and measures the sync itself.
  bool enroll_before_terminal = false;
};

// The project the rig's platform serves when the description names no platform config.
struct RigProject {
  std::string code = "360100202611210001";
  std::string appid = "gaterig-rig";
  std::string appsecret = "RigSim0123456789abcdefGHIJKLMNOP";  // 32 characters: the AES-256 key
  std::string team = "1000000001";
};

class Rig {
 public:
  Rig(RigDescription description, RigOptions options);
  ~Rig();  // stop()
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  void start();
  void stop();  // idempotent; leaves no child process
  bool started() const { return started_; }

  // The rig's one timeline keeps its most recent kTimelineCapacity events in memory (readers work
  // on recent windows: a trial, a group, a clause); every event also goes to the run's event log
  // as it happens (work_dir/events.jsonl), so memory stays flat through a 100,000-record soak.
  static constexpr std::size_t kTimelineCapacity = 100'000;
  Timeline& timeline() { return timeline_; }
  // Every event since start() (the event log, flushed first) copied to `path`; returns how many.
  std::size_t write_events(const std::filesystem::path& path, bool append);
  platform::PlatformService& platform();
  display::Display& display();
  Bench& bench();                 // throws std::logic_error when the rig has no bench
  bool has_bench() const { return bench_ != nullptr; }
  Terminal& terminal();
  WiegandProbe& wiegand();
  const fixtures::FixtureSet& fixture_set() const;
  const ResolvedFixtures& fixtures() const;
  const RigDescription& description() const { return description_; }
  const RigOptions& options() const { return options_; }
  // The project, team and keys the terminal uses with the rig's platform.
  const platform::ProjectConfig& project() const;
  const std::string& team() const { return team_; }

  // The set's persons with role "enrolled".
  std::vector<fixtures::Person> enrolled_persons() const;
  EnrollmentReport enroll(const std::vector<fixtures::Person>& persons);
  // Fills the gallery beyond the set (JX-A.1's enrolled capacity): `count` further workers
  // "CAP00001"... with synthetic ID numbers (deterministic: a second call enrolls the same ones,
  // reported as already there) and the set's enrollment photos cycled; `first` skips that many
  // (enroll_capacity(1, k) enrolls worker k+1 alone). Only for scenarios run last: recognition
  // trials against a gallery of look-alikes would be meaningless.
  EnrollmentReport enroll_capacity(std::size_t count, std::size_t first = 0);
  // Until the terminal holds `count` workers (its status), or, for a terminal with no status (an
  // external one without an admin endpoint), until the platform saw it fetch the workers
  // (ProjectWorker.Query after the last enrollment, then its next query or 2 s): `enrolled` is
  // then `count` as an assumption (`observed` false, the log says so), and `seconds` runs to that
  // first fetch.
  SyncReport wait_synced(std::size_t count, std::chrono::milliseconds timeout, bool ask_terminal = false);

  // Loads a presentation's image from the set (first frame), for display().show().
  cv::Mat load_image(const fixtures::FileRef& ref) const;

  // What is wired and whether each resource answered now:
  // {"rig":{name,kind,description,sha256}, "ok":bool, "resources":[{"name","what","ok","detail"}]}.
  Json check();
  // What is wired (no probing): {"rig":{...}, "work_dir", "platform", "bench", "display", "wiegand",
  //  "terminal", "fixtures"}, each a one-line description. Also the payload of rig.started.
  Json wiring() const;

 private:
  struct Parts;
  void start_platform();
  void start_terminal();
  std::string socket_path(const std::string& configured, const char* name);
  EnrollmentReport enrolled(EnrollmentReport r);
  SyncReport wait_fetched(std::chrono::milliseconds timeout);

  RigDescription description_;
  RigOptions options_;
  Timeline timeline_{kTimelineCapacity};
  std::unique_ptr<EventLog> event_log_;  // after timeline_: stops before it goes
  std::unique_ptr<Parts> parts_;
  std::unique_ptr<Bench> bench_;
  std::unique_ptr<display::Display> display_;
  std::unique_ptr<WiegandProbe> wiegand_;
  std::unique_ptr<Terminal> terminal_;
  std::unique_ptr<Enrollment> enrollment_;
  std::string team_;
  std::uint64_t enrolled_seq_ = 0;  // the timeline's last event when the last enrollment was done
  MonoNs enrolled_at_ = 0;          // ... and when it was done
  std::filesystem::path short_socket_dir_;  // when the work dir is too deep for a Unix socket path
  bool started_ = false;
};

}  // namespace gaterig::rig
