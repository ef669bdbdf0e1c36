#pragma once
// One decoded Wiegand frame: the bits, what they mean, how they were timed on the wire, and what
// was wrong with them (findings with stable rule ids, see README.md). Frames travel as Events of
// kind "wiegand.frame" on the timeline; the payload is to_json().
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "probes/wiegand/edge.hpp"

namespace gaterig::wiegand {

enum class Format { raw, wg26, wg34 };  // raw: a bit count with no known layout
std::string_view to_string(Format f);
std::optional<Format> parse_format(std::string_view text);  // "raw", "wg26", "wg34"
std::ostream& operator<<(std::ostream& os, Format f);

// Stable rule ids; README.md says what each one means.
namespace rule {
inline constexpr std::string_view pulse_too_short = "pulse-too-short";
inline constexpr std::string_view pulse_too_long = "pulse-too-long";
inline constexpr std::string_view interval_too_short = "interval-too-short";
inline constexpr std::string_view interval_too_long = "interval-too-long";
inline constexpr std::string_view both_lines_low = "both-lines-low";
inline constexpr std::string_view glitch = "glitch";
inline constexpr std::string_view parity_even_bad = "parity-even-bad";
inline constexpr std::string_view parity_odd_bad = "parity-odd-bad";
inline constexpr std::string_view unknown_length = "unknown-length";
inline constexpr std::string_view unpaired_edge = "unpaired-edge";
inline constexpr std::string_view lost_edges = "lost-edges";
}  // namespace rule

struct Finding {
  std::string rule;     // one of rule::*
  std::string message;  // what was seen, with the numbers
  friend bool operator==(const Finding&, const Finding&) = default;
};
std::ostream& operator<<(std::ostream& os, const Finding& f);

struct WiegandFrame {
  std::uint64_t index = 0;  // 1-based, in the order the decoder closed frames
  std::string bits;         // '0'/'1' in wire order (bit 1 first)
  Format format = Format::raw;
  // Fields, present when the layout is known (even when parity failed: see the findings).
  // WG26: facility 8 bits, card 16 bits, data = both (24 bits). WG34: data = the 32 data bits,
  // facility = its upper 16, card = its lower 16.
  std::optional<std::uint32_t> facility, card, data;
  std::optional<bool> parity_even_ok, parity_odd_ok;  // nullopt for raw frames
  MonoNs first_edge = 0, last_edge = 0;
  std::size_t edge_count = 0;  // D0/D1 edges that made up the frame
  // Timing of the bit pulses (glitches excluded). Widths: falling to rising on one line.
  // Intervals: falling to falling of consecutive bits (the bit period).
  std::optional<std::int64_t> width_min_ns, width_max_ns, interval_min_ns, interval_max_ns;
  std::vector<Finding> findings;

  std::size_t bit_count() const { return bits.size(); }
  bool ok() const { return findings.empty(); }
  bool has(std::string_view rule_id) const;

  // Stable schema, see README.md.
  Json to_json() const;
  static WiegandFrame from_json(const Json& j);  // throws std::invalid_argument naming the field
  // Event{at = first edge, source "wiegand", kind "wiegand.frame", payload = to_json()}.
  Event to_event() const;
  static WiegandFrame from_event(const Event& e);  // throws std::invalid_argument on another kind

  friend bool operator==(const WiegandFrame&, const WiegandFrame&) = default;
};

inline constexpr std::string_view kFrameEventKind = "wiegand.frame";
// A live capture's early word of a frame at its first edge (CaptureOptions::announce_frame_start):
// same `at` as the frame event that follows once the frame is complete. Not "wiegand.frame…":
// event queries match kinds by prefix, and a query for frames must not return these.
inline constexpr std::string_view kFrameStartEventKind = "wiegand.first_edge";
inline constexpr std::string_view kEventSource = "wiegand";

// One line: "#3 WG26 facility 12 card 34567 (26 bits, first edge 1.000000000 s) OK" or with
// "; findings: parity-odd-bad, ...".
std::ostream& operator<<(std::ostream& os, const WiegandFrame& f);
// The frame and, indented below it, the bits, timing and each finding's message.
std::string describe_long(const WiegandFrame& f);

}  // namespace gaterig::wiegand
