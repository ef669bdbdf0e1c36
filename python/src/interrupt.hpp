#pragma once
// SIGINT/SIGTERM while C++ runs without the GIL. The module installs gaterig's StopSignal at
// import (signals go to its sigwait thread, which every long C++ call already watches) and turns
// the stop request into Python's own interrupt (a wake signal to the main thread, whose handler
// calls PyErr_SetInterruptEx), so the interpreter raises KeyboardInterrupt as soon as the long
// call has returned, or at once in pure Python code. One stop per process: StopSignal does
// not re-arm, and a second Ctrl-C exits at once with 130.
#include <pybind11/pybind11.h>

namespace gaterig::python {

void install_interrupt();  // at module import, on the importing (main) thread

// First guard of every long call: py::call_guard<StopAware, py::gil_scoped_release>. Its
// destructor runs with the GIL held again and, when a stop was requested, waits (bounded) until
// the interrupt is pending in Python, so the KeyboardInterrupt comes right after this call.
struct StopAware {
  StopAware() = default;
  ~StopAware();
  StopAware(const StopAware&) = delete;
  StopAware& operator=(const StopAware&) = delete;
};

using long_call = pybind11::call_guard<StopAware, pybind11::gil_scoped_release>;

bool stop_requested();
// A Python callback called from C++ (without a way to raise through it) caught KeyboardInterrupt:
// the enclosing long call's StopAware raises it again when the call returns.
void note_interrupt_swallowed();

}  // namespace gaterig::python
