#include "rigs/rig/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace gaterig::rig {

std::string ChildExit::describe() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(code);
}

ChildProcess::ChildProcess(ChildOptions options) : options_(std::move(options)) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> argv_text;
  argv_text.push_back(options_.executable.string());
  argv_text.insert(argv_text.end(), options_.args.begin(), options_.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string exe = options_.executable.string();

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error("starting " + exe + ": pipe: " + std::strerror(errno));
  const std::string log = options_.stderr_log.empty() ? std::string("/dev/null") : options_.stderr_log.string();
  const int err_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err_fd < 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error("starting " + exe + ": cannot open its log " + log + ": " + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(out[0]);
    ::close(out[1]);
    ::close(err_fd);
    throw std::runtime_error("starting " + exe + ": fork: " + std::strerror(e));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the rig blocks SIGINT/SIGTERM in its threads
    ::signal(SIGPIPE, SIG_DFL);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(err_fd, 2);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);  // no rig socket leaks into the terminal
    ::execv(argv[0], argv.data());
    const char msg[] = "gaterig rig: exec failed\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  pid_ = pid;
  ::close(out[1]);
  ::close(err_fd);
  reader_ = std::thread([this, fd = out[0]] { read_loop(fd); });
}

ChildProcess::~ChildProcess() {
  if (running()) kill_now(std::chrono::milliseconds(5000));
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_loop(int fd) {
  std::string pending;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child (and anything that inherited the pipe) is gone
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
      if (options_.on_line) options_.on_line(pending.substr(start, nl - start));
    pending.erase(0, start);
  }
  ::close(fd);
  if (!pending.empty() && options_.on_line) options_.on_line(pending);
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  ChildExit e;
  if (r == pid_ && WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  else if (r == pid_ && WIFEXITED(status)) e.code = WEXITSTATUS(status);
  // The callback first: whoever waits for the exit then also sees what the callback did.
  if (options_.on_exit) options_.on_exit(e);
  {
    std::lock_guard lock(mu_);
    exit_ = e;
  }
  cv_.notify_all();
}

bool ChildProcess::running() const {
  std::lock_guard lock(mu_);
  return !exit_.has_value();
}

std::optional<ChildExit> ChildProcess::exit_status() const {
  std::lock_guard lock(mu_);
  return exit_;
}

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return exit_.has_value(); });
}

bool ChildProcess::kill_now(std::chrono::milliseconds timeout) {
  if (!running()) return true;
  ::kill(pid_, SIGKILL);  // not yet reaped, so the pid is still ours
  return wait_exit(timeout);
}

bool ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (!running()) return true;
  ::kill(pid_, SIGTERM);
  if (wait_exit(grace)) return true;
  return kill_now();
}

std::string log_tail(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::size_t>(in.tellg());
  const std::size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string s(size - from, '\0');
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace gaterig::rig
