#pragma once
// One pass as the terminal records it. `date` is fixed when the pass happens and never
// recomputed: a backfilled record must carry its true time (SPEC.md, Jiangxi item 6).
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.hpp"

namespace gaterig::device {

// Where the terminal takes "now" from; injectable so tests and degraded profiles can move it.
using WallClock = std::function<WallNs()>;
inline WallClock system_wall_clock() { return [] { return wall_now(); }; }

enum class Direction { in, out };
inline const char* national_code(Direction d) { return d == Direction::in ? "01" : "02"; }

struct AttendanceRecord {
  std::string id_card_number;  // plain; encrypted only on the wire
  WallNs wall = 0;             // when the pass happened
  std::string date;            // "yyyy-MM-dd HH:mm:ss" at UTC+8, from `wall`
  Direction direction = Direction::in;
  std::string image_jpeg;      // raw JPEG bytes, optional (Base64 on the wire)
  std::string channel;         // e.g. the gate's name
  std::string attend_type;     // e.g. "01" face
  std::optional<double> lng, lat;

  // A record for a pass at `wall` with date formatted for the platform (UTC+8 by default).
  static AttendanceRecord at(std::string id_card_number, WallNs wall, Direction d,
                             UtcOffset off = UtcOffset::china());
};

std::ostream& operator<<(std::ostream& os, const AttendanceRecord& r);  // masks the ID

// A record in the terminal's queue: the queue's sequence number gives the original order.
struct QueuedRecord {
  std::int64_t seq = 0;
  AttendanceRecord record;
  bool backfill = false;  // put or still pending while the terminal was offline
  int attempts = 0;
};

}  // namespace gaterig::device
