#include "simulator/platform/records.hpp"

#include "core/resident_id.hpp"

namespace gaterig::platform {
namespace {
Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
}  // namespace

Json AttendanceRecord::to_json(bool with_id) const {
  Json j{{"id", id},
         {"project_code", project_code},
         {"team_sys_no", team_sys_no},
         {"id_card_type", id_card_type},
         {"id_masked", mask_id(id_number)},
         {"date", date},
         {"date_wall_ns", date_wall},
         {"direction", direction},
         {"channel", channel},
         {"attend_type", attend_type},
         {"lng", opt(lng)},
         {"lat", opt(lat)},
         {"image_bytes", image_bytes},
         {"dialect", dialect},
         {"request_id", request_id},
         {"received_mono_ns", received_mono},
         {"received_wall_ns", received_wall}};
  if (with_id) j["id_number"] = id_number;
  return j;
}

Json AttendanceRecord::event_payload(std::int64_t stored_id) const {
  return Json{{"table", "attendance"},         {"record_id", stored_id},  {"project", project_code},
              {"team", team_sys_no},           {"id_masked", mask_id(id_number)}, {"date", date},
              {"direction", direction},        {"attend_type", attend_type}, {"channel", channel},
              {"request_id", request_id},      {"dialect", dialect},      {"received_mono", received_mono},
              {"received_wall", received_wall}};
}

Json EntryExitRecord::to_json(bool with_id) const {
  Json j{{"id", id},         {"project_code", project_code}, {"team_sys_no", team_sys_no},
         {"id_card_type", id_card_type}, {"id_masked", mask_id(id_number)}, {"date", date},
         {"type", type},     {"request_id", request_id},     {"received_mono_ns", received_mono},
         {"received_wall_ns", received_wall}};
  if (with_id) j["id_number"] = id_number;
  return j;
}

Json Worker::to_json(bool with_id) const {
  Json j{{"project_code", project_code},
         {"team_sys_no", team_sys_no},
         {"id_card_type", id_card_type},
         {"id_masked", mask_id(id_number)},
         {"name", name},
         {"head_image_bytes", head_image.size()},
         {"work_type", work_type},
         {"team_leader", team_leader},
         {"updated_wall_ns", updated_wall}};
  if (with_id) j["id_number"] = id_number;
  return j;
}

Json Team::to_json() const {
  return Json{{"project_code", project_code}, {"sys_no", sys_no}, {"name", name},
              {"corp_code", corp_code},       {"corp_name", corp_name}};
}

Json Finding::to_json() const {
  return Json{{"id", id},         {"request_id", request_id}, {"dialect", dialect},
              {"method", method}, {"field", field},           {"rule", rule},
              {"message", message}, {"at_wall_ns", at_wall}};
}

Json DuplicateRecord::to_json() const {
  return Json{{"id", id},        {"table", table},         {"project_code", project_code},
              {"id_masked", id_masked}, {"date", date},    {"direction", direction},
              {"request_id", request_id}, {"original_id", original_id},
              {"received_wall_ns", received_wall}};
}

Json RequestLogEntry::to_json() const {
  return Json{{"request_id", request_id}, {"dialect", dialect},     {"method", method},
              {"appid", appid},           {"peer", peer},           {"code", code},
              {"message", message},       {"http_status", http_status}, {"body_bytes", body_bytes},
              {"received_mono_ns", received_mono}, {"received_wall_ns", received_wall},
              {"latency_us", latency_us}};
}

}  // namespace gaterig::platform
