#pragma once
// The little the Wiegand probe needs from a GPIO chip, behind interfaces so the reader and the
// output sink are tested against fakes (this project's CI kernel has no GPIO). The real
// implementations on libgpiod v1.6 are in gpiod_lines.hpp.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace gaterig::wiegand {

// libgpiod v1 (GPIO uAPI v1) keeps 16 events per requested line; a reader that lets more pile
// up loses the newest.
inline constexpr std::size_t kKernelEventsPerLine = 16;

struct LineEvent {
  bool rising = false;
  MonoNs at = 0;  // kernel timestamp, CLOCK_MONOTONIC (Linux ≥ 5.7 for uAPI v1)
};

// Lines requested for both-edge events, addressed by their index in the request.
class GpioInputLines {
 public:
  virtual ~GpioInputLines() = default;
  virtual std::size_t count() const = 0;
  // Indices of the lines with events pending, after waiting at most `timeout` (empty on timeout).
  virtual std::vector<std::size_t> wait(std::chrono::nanoseconds timeout) = 0;
  // The events pending on one line, oldest first; at most kKernelEventsPerLine per call.
  virtual std::vector<LineEvent> read_events(std::size_t index) = 0;
  virtual std::string describe() const = 0;
};

// Lines requested as outputs (initially high: Wiegand idles high), addressed by index.
class GpioOutputLines {
 public:
  virtual ~GpioOutputLines() = default;
  virtual std::size_t count() const = 0;
  virtual void set(std::size_t index, bool high) = 0;
  virtual std::string describe() const = 0;
};

}  // namespace gaterig::wiegand
