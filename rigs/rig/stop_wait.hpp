#pragma once
// The stop request (SIGINT/SIGTERM, core/stop_signal.hpp) as the rig's waits see it. The rig also
// runs where nobody installed StopSignal (tests, the Python module): then nothing stops it but
// its own deadlines and stop().
#include <chrono>

namespace gaterig::rig {

bool stop_requested();
// Waits up to `d`; true when a stop was requested (then at once).
bool wait_for_stop(std::chrono::milliseconds d);

}  // namespace gaterig::rig
