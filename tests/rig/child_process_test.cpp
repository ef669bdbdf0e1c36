// The rig's child processes: lines out, exit reported, killed on request and on destruction.
#include <gtest/gtest.h>

#include <signal.h>

#include <mutex>
#include <vector>

#include "rigs/rig/child_process.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;

std::filesystem::path scratch(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("rig-child-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d / name;
}

TEST(ChildProcess, ReadsStdoutLinesAndReportsTheExitCode) {
  std::mutex mu;
  std::vector<std::string> lines;
  std::optional<ChildExit> reported;
  const auto log = scratch("sh.log");
  std::filesystem::remove(log);
  ChildOptions o;
  o.executable = "/bin/sh";
  o.args = {"-c", "echo one; echo two; echo oops >&2; printf three; exit 3"};
  o.stderr_log = log;
  o.on_line = [&](const std::string& l) { std::lock_guard lock(mu); lines.push_back(l); };
  o.on_exit = [&](const ChildExit& e) { std::lock_guard lock(mu); reported = e; };
  ChildProcess child(o);
  ASSERT_TRUE(child.wait_exit(10s));
  ASSERT_TRUE(child.exit_status());
  EXPECT_EQ(child.exit_status()->code, 3);
  EXPECT_EQ(child.exit_status()->describe(), "exit code 3");
  std::lock_guard lock(mu);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  ASSERT_TRUE(reported);
  EXPECT_EQ(reported->code, 3);
  EXPECT_EQ(log_tail(log), "oops");
}

TEST(ChildProcess, KillNowEndsItWithSignal9) {
  ChildOptions o;
  o.executable = "/bin/sleep";
  o.args = {"60"};
  ChildProcess child(o);
  EXPECT_TRUE(child.running());
  ASSERT_TRUE(child.kill_now(5s));
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.exit_status()->signal, SIGKILL);
  EXPECT_NE(child.exit_status()->describe().find("signal 9"), std::string::npos);
}

TEST(ChildProcess, TerminateAsksFirst) {
  ChildOptions o;
  o.executable = "/bin/sleep";
  o.args = {"60"};
  ChildProcess child(o);
  ASSERT_TRUE(child.terminate(5s));
  EXPECT_EQ(child.exit_status()->signal, SIGTERM);  // the rig's blocked signals are not inherited
}

TEST(ChildProcess, DestructorLeavesNoProcess) {
  int pid;
  {
    ChildOptions o;
    o.executable = "/bin/sleep";
    o.args = {"60"};
    ChildProcess child(o);
    pid = child.pid();
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid is gone
}

TEST(ChildProcess, AMissingExecutableExitsWith127) {
  const auto log = scratch("missing.log");
  std::filesystem::remove(log);
  ChildOptions o;
  o.executable = "/nonexistent/gaterig";
  o.stderr_log = log;
  ChildProcess child(o);
  ASSERT_TRUE(child.wait_exit(10s));
  EXPECT_EQ(child.exit_status()->code, 127);
  EXPECT_NE(log_tail(log).find("exec failed"), std::string::npos);
}

}  // namespace
}  // namespace gaterig::rig
