#pragma once
// A child process the rig owns (the simulated terminal): started with its stdout on a pipe read
// line by line on a thread of its own, stderr appended to a log file, in a process group of its
// own (a Ctrl-C at the terminal reaches the rig, which stops the child in order) and killed by
// the kernel if the thread that started it dies (PR_SET_PDEATHSIG), so a crashed rig leaves no
// terminal running. The reader thread reaps the child and reports how it ended.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gaterig::rig {

struct ChildExit {
  int code = -1;    // exit code, -1 when killed by a signal
  int signal = 0;   // the signal that killed it, 0 when it exited
  std::string describe() const;  // "exit code 2", "killed by signal 9 (Killed)"
};

struct ChildOptions {
  std::filesystem::path executable;
  std::vector<std::string> args;          // argv[1..]
  std::filesystem::path stderr_log;       // appended to; empty: /dev/null
  std::function<void(const std::string& line)> on_line;  // stdout, on the reader thread
  std::function<void(const ChildExit&)> on_exit;         // reaped; runs before wait_exit() returns
};

class ChildProcess {
 public:
  // Starts it. Throws std::runtime_error naming the executable when fork/pipe fail (a missing
  // executable shows as an exit with code 127 and a line in the log).
  explicit ChildProcess(ChildOptions options);
  ~ChildProcess();  // kill -9 and reap, if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  bool running() const;
  std::optional<ChildExit> exit_status() const;

  // Sends SIGKILL and waits until it is reaped (true) or the timeout ran out.
  bool kill_now(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // SIGTERM, up to `grace` for it to end, then SIGKILL. True once reaped.
  bool terminate(std::chrono::milliseconds grace);
  bool wait_exit(std::chrono::milliseconds timeout) const;

 private:
  void read_loop(int fd);

  ChildOptions options_;
  int pid_ = -1;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::optional<ChildExit> exit_;
  std::thread reader_;
};

// The last `max_bytes` of a log file, for error messages ("" when unreadable).
std::string log_tail(const std::filesystem::path& file, std::size_t max_bytes = 800);

}  // namespace gaterig::rig
