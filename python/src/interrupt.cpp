#include "python/src/interrupt.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include "core/stop_signal.hpp"

namespace gaterig::python {
namespace {
std::atomic<bool> interrupt_pending{false};
}

void install_interrupt() {
  auto& stop = StopSignal::install();
  // Runs on StopSignal's own thread; PyErr_SetInterrupt needs no GIL.
  stop.on_stop([] {
    PyErr_SetInterrupt();
    interrupt_pending = true;
  });
}

bool stop_requested() { return StopSignal::instance().requested(); }

StopAware::~StopAware() {
  if (!StopSignal::instance().requested()) return;
  // request() sets the flag before it runs the callbacks: give the callback its moment.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!interrupt_pending && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace gaterig::python
