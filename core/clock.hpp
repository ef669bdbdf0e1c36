#pragma once
// One clock for every instrument: CLOCK_MONOTONIC in nanoseconds. Wall time is only ever
// derived through a WallClockMapping, so a step of the system clock during a run cannot
// reorder events or shorten a measured latency.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gaterig {

using MonoNs = std::int64_t;  // CLOCK_MONOTONIC, ns
using WallNs = std::int64_t;  // CLOCK_REALTIME, ns since the Unix epoch (UTC)

MonoNs mono_now();
WallNs wall_now();

// A pair (monotonic, wall) taken as close together as the kernel allows; converts between the
// two clocks for the life of a run.
class WallClockMapping {
 public:
  static WallClockMapping capture();
  WallClockMapping(MonoNs mono, WallNs wall) : mono_(mono), wall_(wall) {}
  WallNs to_wall(MonoNs m) const { return wall_ + (m - mono_); }
  MonoNs to_mono(WallNs w) const { return mono_ + (w - wall_); }
  MonoNs mono_origin() const { return mono_; }
  WallNs wall_origin() const { return wall_; }

 private:
  MonoNs mono_;
  WallNs wall_;
};

// Civil time at a fixed UTC offset. The platforms speak China Standard Time (+08:00, no DST);
// the offset is configurable so a rig abroad still writes what the platform expects.
struct UtcOffset {
  int minutes = 8 * 60;
  static UtcOffset china() { return {8 * 60}; }
};

// Formats with the patterns the platforms use: "yyyy-MM-dd HH:mm:ss", "yyyyMMddHHmmss",
// "yyyyMMddHH", "yyyy-MM-dd". Other letters are copied as they are.
std::string format_civil(WallNs wall, UtcOffset off, std::string_view pattern);
// Parses exactly the given pattern; nullopt when the text does not match it or names an
// impossible date (2023-02-30).
std::optional<WallNs> parse_civil(std::string_view text, UtcOffset off, std::string_view pattern);
// ISO 8601 UTC with milliseconds, for logs and JSON outputs.
std::string format_iso_utc(WallNs wall);

}  // namespace gaterig
