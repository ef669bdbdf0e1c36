#pragma once
// Edges in, frames out. The decoder is pure: it never reads a clock. A frame closes when an edge
// arrives at least `silence` after the previous one, when flush(now) is told that much time has
// passed, or at finish() (end of input) — so tests and trace replays are deterministic.
#include <chrono>
#include <optional>
#include <ostream>
#include <vector>

#include "probes/wiegand/edge.hpp"
#include "probes/wiegand/frame.hpp"

namespace gaterig::wiegand {

// SPEC.md "The Wiegand wire": pulse width 20–100 µs, pulse interval 200 µs–20 ms. Bounds are
// inclusive (a 20 µs pulse is legal). A pulse shorter than `glitch_below` is noise, not a bit.
struct WiegandLimits {
  std::chrono::nanoseconds width_min{std::chrono::microseconds(20)};
  std::chrono::nanoseconds width_max{std::chrono::microseconds(100)};
  std::chrono::nanoseconds interval_min{std::chrono::microseconds(200)};
  std::chrono::nanoseconds interval_max{std::chrono::milliseconds(20)};
  std::chrono::nanoseconds glitch_below{std::chrono::microseconds(10)};
};

struct DecoderConfig {
  std::chrono::nanoseconds silence{std::chrono::milliseconds(25)};  // ends a frame
  Format expect = Format::raw;  // raw: choose WG26/WG34 by bit count; else insist on that layout
  WiegandLimits limits;
};

std::ostream& operator<<(std::ostream& os, const DecoderConfig& c);

// One frame's D0/D1 edges (any order; other lines ignored) → the frame, with every finding.
// `index` is copied into the frame.
WiegandFrame decode_frame(std::vector<Edge> edges, const DecoderConfig& cfg, std::uint64_t index = 0);

class WiegandDecoder {
 public:
  explicit WiegandDecoder(DecoderConfig cfg = {});

  // Takes one edge; returns the frame the silence before it closed, if any. Edges on the
  // photodiode or relay lines are ignored. Edges slightly out of order (a merge of per-line
  // kernel buffers) are fine within a frame: the frame is sorted when it closes.
  std::optional<WiegandFrame> feed(const Edge& e);
  // Closes the open frame when `now` is at least `silence` after its last edge.
  std::optional<WiegandFrame> flush(MonoNs now);
  // Closes the open frame whatever the time (end of input, or stopping).
  std::optional<WiegandFrame> finish();
  // When flush() will close the open frame; nullopt when no frame is open.
  std::optional<MonoNs> silence_deadline() const;

  const DecoderConfig& config() const { return cfg_; }
  std::uint64_t frames() const { return frames_; }
  std::size_t open_edges() const { return open_.size(); }

 private:
  WiegandFrame close();

  DecoderConfig cfg_;
  std::vector<Edge> open_;
  MonoNs last_at_ = 0;
  std::uint64_t frames_ = 0;
};

std::ostream& operator<<(std::ostream& os, const WiegandDecoder& d);

}  // namespace gaterig::wiegand
