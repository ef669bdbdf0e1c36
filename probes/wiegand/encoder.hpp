#pragma once
// Bits → the edges a Wiegand transmitter puts on the wire, on an ideal schedule. The paced
// transmitter (transmitter.hpp) plays such a schedule in real time; tests and traces use it as is.
#include <chrono>
#include <ostream>
#include <string_view>
#include <vector>

#include "probes/wiegand/edge.hpp"

namespace gaterig::wiegand {

struct PulseTiming {
  std::chrono::nanoseconds width{std::chrono::microseconds(50)};      // falling → rising
  std::chrono::nanoseconds interval{std::chrono::microseconds(2000)};  // falling → next falling
};
std::ostream& operator<<(std::ostream& os, const PulseTiming& t);

class WiegandEncoder {
 public:
  // Throws std::invalid_argument when width is not positive or not shorter than interval.
  explicit WiegandEncoder(PulseTiming timing = {});

  // Two edges per bit ('0' → D0, '1' → D1; any other character throws), the first falling at
  // `start`. Sorted by time.
  std::vector<Edge> edges(std::string_view bits, MonoNs start) const;
  // Time from the first falling edge to the last rising edge of an n-bit frame.
  std::chrono::nanoseconds duration(std::size_t bits) const;
  const PulseTiming& timing() const { return timing_; }

 private:
  PulseTiming timing_;
};

std::ostream& operator<<(std::ostream& os, const WiegandEncoder& e);

}  // namespace gaterig::wiegand
