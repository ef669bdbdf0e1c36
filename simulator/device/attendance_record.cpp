#include "simulator/device/attendance_record.hpp"

#include "core/resident_id.hpp"

namespace gaterig::device {

AttendanceRecord AttendanceRecord::at(std::string id_card_number, WallNs wall, Direction d, UtcOffset off) {
  AttendanceRecord r;
  r.id_card_number = std::move(id_card_number);
  r.wall = wall;
  r.date = format_civil(wall, off, "yyyy-MM-dd HH:mm:ss");
  r.direction = d;
  return r;
}

std::ostream& operator<<(std::ostream& os, const AttendanceRecord& r) {
  return os << "AttendanceRecord(" << mask_id(r.id_card_number) << " " << r.date << " "
            << national_code(r.direction) << (r.image_jpeg.empty() ? "" : " +image") << ")";
}

}  // namespace gaterig::device
