#include "python/src/interrupt.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/stop_signal.hpp"

namespace gaterig::python {
namespace {

std::atomic<bool> interrupt_pending{false};
std::atomic<bool> interrupt_swallowed{false};
pthread_t main_thread{};

// A spare real-time signal, sent to the main thread only. Its handler runs ON the main thread,
// which is what makes CPython notice the interrupt at once: tripped from another thread
// (PyErr_SetInterrupt on StopSignal's thread) it would wait for the main thread's next GIL switch.
int wake_signal() { return SIGRTMIN + 5; }

void on_wake(int) { PyErr_SetInterruptEx(SIGINT); }  // async-signal-safe (CPython >= 3.10)

}  // namespace

void install_interrupt() {
  // The interpreter's main thread (the one that handles Python signals), even if this module is
  // imported elsewhere.
  main_thread = static_cast<pthread_t>(
      pybind11::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>());
  struct sigaction sa {};
  sa.sa_handler = on_wake;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // C++ running on the main thread keeps its system calls going
  sigaction(wake_signal(), &sa, nullptr);

  auto& stop = StopSignal::install();
  stop.on_stop([] {  // on StopSignal's own thread, once
    pthread_kill(main_thread, wake_signal());
    interrupt_pending = true;
  });
}

bool stop_requested() { return StopSignal::instance().requested(); }

void note_interrupt_swallowed() { interrupt_swallowed = true; }

StopAware::~StopAware() {
  if (!StopSignal::instance().requested()) return;
  // request() sets the flag before it runs the callbacks: give the callback its moment, so the
  // KeyboardInterrupt is pending when this call returns to Python.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!interrupt_pending && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // A Python callback run inside the call (progress) took the KeyboardInterrupt and could not
  // pass it through C++: raise it again now that Python is about to run.
  if (interrupt_swallowed.exchange(false)) {
    if (pthread_equal(pthread_self(), main_thread)) PyErr_SetInterruptEx(SIGINT);
    else pthread_kill(main_thread, wake_signal());
  }
}

}  // namespace gaterig::python
