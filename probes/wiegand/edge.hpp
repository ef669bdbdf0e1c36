#pragma once
// An edge on one of the wires the Wiegand probe watches, and the two directions edges travel:
// sources (GPIO, the virtual wire, a recorded trace) yield them, sinks (the simulated terminal's
// transmitter, a rig self-test) drive them.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace gaterig::wiegand {

// What a wire is for. D0/D1 carry the Wiegand bits; the photodiode and the turnstile relay share
// the same gpiochip so their edges are on the same kernel clock as the bits.
enum class Line : std::uint8_t { d0 = 0, d1 = 1, photodiode = 2, relay = 3 };

std::string_view to_string(Line line);
// "d0", "d1", "photodiode", "relay"; nullopt for anything else.
std::optional<Line> parse_line(std::string_view text);
std::ostream& operator<<(std::ostream& os, Line line);
inline bool is_data_line(Line line) { return line == Line::d0 || line == Line::d1; }

struct Edge {
  Line line = Line::d0;
  bool rising = false;  // Wiegand lines idle high: a pulse is a falling edge then a rising one
  MonoNs at = 0;        // CLOCK_MONOTONIC ns (kernel timestamp, or the sender's clock)
  // The source knows edges may be missing just before this one (kernel buffer overflow, a gap
  // in the virtual wire's sequence numbers). The decoder turns it into a `lost-edges` finding.
  bool after_loss = false;

  friend bool operator==(const Edge&, const Edge&) = default;
};

// "d1 falling at 12.000050000 s" (+ " after loss").
std::ostream& operator<<(std::ostream& os, const Edge& e);

// Where captured edges come from. One consumer thread calls next(); stop() may come from any
// thread.
class EdgeSource {
 public:
  virtual ~EdgeSource() = default;
  // The next edge, or nullopt when none arrived before `deadline` (CLOCK_MONOTONIC) or the source
  // has ended. Sources that replay recorded time (traces) never wait, so ignore the deadline.
  virtual std::optional<Edge> next(MonoNs deadline) = 0;
  // True once no edge will ever come again (trace exhausted, stopped, reader failed).
  virtual bool ended() const = 0;
  // Makes a blocked next() return promptly; ended() is true afterwards. Thread-safe.
  virtual void stop() = 0;
  // Whether edge times are on this machine's clock now (live capture), so the silence that ends a
  // frame can be judged against mono_now(). Replayed traces are not.
  virtual bool live() const = 0;
  virtual std::string describe() const = 0;
};

std::ostream& operator<<(std::ostream& os, const EdgeSource& source);

// Where transmitted edges go. write() drives `e.line` to the edge's level at once; `e.at` is the
// time the caller did so (mono_now() just before the call), which the virtual wire carries along.
class EdgeSink {
 public:
  virtual ~EdgeSink() = default;
  virtual void write(const Edge& e) = 0;
  virtual std::string describe() const = 0;
  // True when write() only reports an edge that happened at `e.at` (the virtual wire carries the
  // time along): a transmitter may then stamp both edges of a pulse and report them after it, so
  // no system call, lock or receiver wake-up lands inside the pulse. False when write() itself
  // moves a line (GPIO): the edge happens at the call.
  virtual bool carries_time() const { return false; }
};

std::ostream& operator<<(std::ostream& os, const EdgeSink& sink);

// "12.000050000 s": monotonic ns as seconds with all nine decimals.
std::string format_mono(MonoNs at);

}  // namespace gaterig::wiegand
