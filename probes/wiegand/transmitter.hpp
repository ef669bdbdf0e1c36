#pragma once
// Plays a frame onto an EdgeSink in real time, each edge at its absolute deadline on
// CLOCK_MONOTONIC. 20–100 µs pulses are shorter than the scheduler's wake-up jitter, so the
// transmitter sleeps (clock_nanosleep, TIMER_ABSTIME) until shortly before a deadline and spins
// the rest. It reports what it achieved, since the wire sees the achieved timing, not the plan.
#include <chrono>
#include <cstdint>
#include <string>
#include <ostream>
#include <string_view>
#include <vector>

#include "probes/wiegand/edge.hpp"
#include "probes/wiegand/encoder.hpp"

namespace gaterig::wiegand {

// Waits until mono_now() >= deadline: sleeps to `deadline - spin`, then spins.
void wait_until(MonoNs deadline, std::chrono::nanoseconds spin = std::chrono::microseconds(200));

// Asks for SCHED_FIFO on the calling thread so preemption stops stretching pulses; needs
// CAP_SYS_NICE. Returns an empty string on success, else why not. Opt-in: a spinning real-time
// thread takes a core away from everything else for the length of a frame.
std::string request_realtime_priority(int priority = 50);

struct TransmitReport {
  MonoNs first_edge = 0, last_edge = 0;  // achieved times of the first and last edge
  std::size_t edges = 0;
  // Achieved minus planned, over all pulses / all edges (ns).
  std::int64_t width_error_min = 0, width_error_max = 0;
  std::int64_t lateness_max = 0;  // the latest any edge went out after its planned time
  std::vector<std::int64_t> widths;  // achieved pulse widths, in bit order
};
std::ostream& operator<<(std::ostream& os, const TransmitReport& r);

// What time an edge carries on a sink that carries time (the virtual wire). `achieved`: the moment
// the sending thread drove it, as a terminal that bit-bangs its lines from software does (pulses
// stretch when the thread is preempted). `planned`: the encoder's time, as a terminal whose frame
// comes from a hardware timer or PWM does; edges are still written in real time, when due, so a
// live reader sees them arrive as on a wire. On a sink that does not carry time (GPIO) the wire's
// own timing is what the thread achieved, whatever this says.
enum class EdgeTimes { achieved, planned };

class WiegandTransmitter {
 public:
  WiegandTransmitter(EdgeSink& sink, PulseTiming timing, EdgeTimes times = EdgeTimes::achieved);

  // Sends `bits` with the first falling edge at `start` (mono_now() if 0, or if already past).
  // achieved: each edge's `at` is stamped with mono_now() just before the sink drives it, and a
  // late edge delays the rest of the frame rather than shortening a pulse or an interval.
  // planned (on a sink that carries time): each edge carries its planned time; `lateness_max` is
  // then how late the thread delivered an edge, not an error on the wire.
  TransmitReport send(std::string_view bits, MonoNs start = 0);
  const WiegandEncoder& encoder() const { return encoder_; }

 private:
  TransmitReport send_planned(const std::vector<Edge>& plan);

  EdgeSink& sink_;
  WiegandEncoder encoder_;
  EdgeTimes times_;
};

}  // namespace gaterig::wiegand
