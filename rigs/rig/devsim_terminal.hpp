#pragma once
// The simulated terminal as a child process, like a real terminal on the bench: `gaterig devsim`
// with a config the rig writes into its work dir. Powered on = the process runs; its ready line
// (JSON on stdout) says it is up and where its admin endpoint is (GET /status, /firmware,
// PUT /params, POST /sync, POST /restart, POST /soak, POST /firmware; simulator/device/terminal_admin.hpp). A power cut is
// kill -9; power on starts it again on the same data dir. A child that dies on its own is a rig
// event (terminal.power {on:false, how:"died"}), never a crash of the rig.
//
// Processes are started and killed on one thread of this object (the "power supply"), because
// the kernel's parent-death signal follows the thread that forked.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "rigs/rig/child_process.hpp"
#include "rigs/rig/gaterig_executable.hpp"
#include "rigs/rig/terminal.hpp"

namespace gaterig::rig {

struct DevsimSettings {
  GaterigExecutable exe;
  std::filesystem::path work_dir;   // devsim.toml and devsim.log go here
  std::string config_text;          // devsim_config_text(...)
  std::chrono::milliseconds ready_timeout{120'000};
  std::string mode = "test";
};

class DevsimTerminal final : public Terminal {
 public:
  DevsimTerminal(DevsimSettings settings, EventSink& events, PowerSwitch relay = {});
  ~DevsimTerminal() override;

  void start() override;
  void stop() override;
  void power_cut() override;
  void power_on() override;
  void supply_changed(bool on) override;
  bool wait_ready(std::chrono::milliseconds timeout) override;
  Json status() override;
  Json firmware() override;
  Json set_params(const Json& params) override;
  void restart(std::chrono::milliseconds timeout) override;
  void set_mode(std::string_view mode) override;
  std::string mode() const override;
  TerminalIdentity identity() override;
  bool request_sync() override;
  std::string describe() const override;
  Json soak(std::size_t passes, const std::optional<std::string>& person, std::chrono::milliseconds timeout) override;
  Json update_firmware(const std::filesystem::path& image, const std::string& version) override;

  int pid() const;                 // -1 when not running
  Json ready_line() const;         // the last ready line (empty object before one)
  std::filesystem::path log_path() const { return settings_.work_dir / "devsim.log"; }
  std::filesystem::path config_path() const { return settings_.work_dir / "devsim.toml"; }

 private:
  enum class State { off, starting, ready, dead };
  void on_power_thread(std::function<void()> job, bool wait);
  void power_loop();
  void spawn();                           // power thread
  void kill_child(const char* how);       // power thread
  void on_line(const std::string& line, std::uint64_t generation);
  void on_exit(const ChildExit& e, std::uint64_t generation);
  Json admin(const std::string& method, const std::string& path, const Json* body,
             std::chrono::milliseconds read_timeout);
  void publish(const std::string& kind, Json payload);

  DevsimSettings settings_;
  EventSink& events_;
  PowerSwitch relay_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::off;
  std::uint64_t generation_ = 0;        // one per process started
  std::uint64_t expected_exit_ = 0;     // the generation the rig itself ended
  std::uint64_t exited_ = 0;            // the last generation whose process was seen to end
  std::uint64_t ready_count_ = 0;       // ready lines seen (a restart in place prints another)
  Json ready_ = Json::object();
  int admin_port_ = 0;
  std::string mode_;
  std::unique_ptr<ChildProcess> child_;  // replaced on the power thread only

  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread::id power_thread_id_;
  std::thread power_thread_;
};

}  // namespace gaterig::rig
