#include "private_xvfb.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>

namespace gaterig::test {
namespace {

std::optional<std::string> find_in_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    const auto p = std::filesystem::path(d) / exe;
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  return std::nullopt;
}

std::optional<std::string> start(std::string& why) {
  const auto xvfb = find_in_path("Xvfb");
  if (!xvfb) {
    why = "Xvfb is not installed (apt-get install xvfb): the window display tests need a virtual X display";
    return std::nullopt;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    why = "pipe2 failed";
    return std::nullopt;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent is already gone
    const int w = dup(fds[1]);            // without O_CLOEXEC: Xvfb writes its number here
    const std::string wfd = std::to_string(w);
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(xvfb->c_str(), "Xvfb", "-displayfd", wfd.c_str(), "-screen", "0", "800x600x24", "-nolisten", "tcp",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    why = "fork failed";
    return std::nullopt;
  }
  std::string number;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (number.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      why = "Xvfb announced no display number within 20 s";
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      close(fds[0]);
      return std::nullopt;
    }
    char buf[16];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) {
      int status = 0;
      waitpid(pid, &status, 0);
      why = "Xvfb exited before announcing a display (status " + std::to_string(status) + ")";
      close(fds[0]);
      return std::nullopt;
    }
    number.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  std::string name(1, ':');  // built by append: GCC 12 warns falsely on ":" + std::string (-Wrestrict)
  name.append(number, 0, number.find('\n'));
  setenv("DISPLAY", name.c_str(), 1);
  return name;
}

}  // namespace

std::optional<std::string> private_xvfb(std::string& why) {
  static std::mutex mu;
  static std::optional<std::string> display;
  static std::string failure;
  static bool tried = false;
  std::lock_guard lock(mu);
  if (!tried) {
    tried = true;
    display = start(failure);
  }
  why = failure;
  return display;
}

}  // namespace gaterig::test
