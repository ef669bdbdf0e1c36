#include "rigs/rig/stop_wait.hpp"

#include <stdexcept>
#include <thread>

#include "core/stop_signal.hpp"

namespace gaterig::rig {

bool stop_requested() {
  try {
    return StopSignal::instance().requested();
  } catch (const std::logic_error&) {
    return false;  // not installed in this program
  }
}

bool wait_for_stop(std::chrono::milliseconds d) {
  try {
    return StopSignal::instance().wait_for(d);
  } catch (const std::logic_error&) {
    std::this_thread::sleep_for(d);  // a poll interval of the caller's bounded wait, nothing to wake it
    return false;
  }
}

}  // namespace gaterig::rig
