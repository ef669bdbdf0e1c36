#include "core/stop_signal.hpp"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gaterig {
namespace {
struct State {
  std::mutex mu;
  std::condition_variable cv;
  bool installed = false;
  bool stopped = false;
  int signo = 0;
  std::vector<std::function<void()>> callbacks;
};
// Never destroyed: the detached signal thread may still use it while the process exits, and a
// SIGTERM then must not find a destroyed mutex.
State& state() {
  static State* s = new State;
  return *s;
}
}  // namespace

StopSignal& StopSignal::install() {
  static StopSignal instance;
  State& s = state();
  std::lock_guard lock(s.mu);
  if (!s.installed) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) == 0) StopSignal::instance().request(sig);
      }
    }).detach();
    s.installed = true;
  }
  return instance;
}

StopSignal& StopSignal::instance() {
  if (!state().installed) throw std::logic_error("StopSignal::install() was not called in main()");
  return install();
}

bool StopSignal::requested() const {
  std::lock_guard lock(state().mu);
  return state().stopped;
}

int StopSignal::signal_number() const {
  std::lock_guard lock(state().mu);
  return state().signo;
}

bool StopSignal::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state().mu);
  return state().cv.wait_for(lock, timeout, [] { return state().stopped; });
}

void StopSignal::wait() const {
  std::unique_lock lock(state().mu);
  state().cv.wait(lock, [] { return state().stopped; });
}

void StopSignal::on_stop(std::function<void()> callback) {
  std::unique_lock lock(state().mu);
  if (state().stopped) {
    lock.unlock();
    callback();
    return;
  }
  state().callbacks.push_back(std::move(callback));
}

void StopSignal::request(int signal_number) {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(state().mu);
    if (state().stopped) {
      // A second Ctrl-C means "now": the user has already waited for a clean stop.
      if (signal_number == SIGINT) std::_Exit(130);
      return;
    }
    state().stopped = true;
    state().signo = signal_number;
    callbacks.swap(state().callbacks);
  }
  state().cv.notify_all();
  for (auto& cb : callbacks) cb();
}

}  // namespace gaterig
