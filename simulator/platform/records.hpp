#pragma once
// What the platform keeps: the things a terminal sends (attendance, entry/exit, workers, teams)
// and what the platform concluded about them (findings, duplicates, the request log). Plain data;
// the store reads and writes them, the rig queries them.
//
// ID numbers are kept in clear because the rig must match records to enrolled persons; every
// JSON form below carries only the masked number (mask_id) unless `with_id` is asked for.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/event.hpp"

namespace gaterig::platform {

struct AttendanceRecord {
  std::int64_t id = 0;
  std::string project_code;
  std::string team_sys_no;
  std::string id_card_type;  // "01" = resident ID card
  std::string id_number;     // decrypted
  std::string date;          // as sent: "yyyy-MM-dd HH:mm:ss" (platform civil time)
  WallNs date_wall = 0;      // the same instant, ns since the epoch
  std::string direction;     // "01" in, "02" out
  std::string channel;
  std::string attend_type;
  std::optional<double> lng, lat;
  std::string image;         // decoded bytes; empty when not sent or not stored
  std::int64_t image_bytes = 0;
  std::string dialect;       // "national", "jiangmen"
  std::string request_id;
  MonoNs received_mono = 0;  // when the request carrying it was read (CLOCK_MONOTONIC)
  WallNs received_wall = 0;

  Json to_json(bool with_id = false) const;  // without image bytes
  // The payload of its platform.record_accepted / platform.duplicate event, the same for every
  // dialect: what the rig correlates on (masked ID, date, direction, attend type, receipt time).
  Json event_payload(std::int64_t stored_id) const;
};

struct EntryExitRecord {
  std::int64_t id = 0;
  std::string project_code, team_sys_no, id_card_type, id_number;
  std::string date;  // "yyyy-MM-dd"
  std::string type;  // "1" entry, "0" exit
  std::string request_id;
  MonoNs received_mono = 0;
  WallNs received_wall = 0;
  Json to_json(bool with_id = false) const;
};

struct Worker {
  std::string project_code, team_sys_no, id_card_type, id_number;
  std::string name;
  std::string head_image;  // decoded bytes (JPEG/PNG)
  std::string work_type;
  bool team_leader = false;
  std::string extra_json = "{}";  // the remaining fields as sent (masked), for inspection
  WallNs updated_wall = 0;
  Json to_json(bool with_id = false) const;  // head image as its size only
};

struct Team {
  std::string project_code, sys_no, name, corp_code, corp_name;
  Json to_json() const;
};

// A conformance finding: one rule one request broke.
struct Finding {
  std::int64_t id = 0;
  std::string request_id;
  std::string dialect;
  std::string method;
  std::string field;    // "dataList[3].date", "sign", ...
  std::string rule;     // stable id, see validation.hpp
  std::string message;  // human readable, ID numbers masked
  WallNs at_wall = 0;
  Json to_json() const;
};

struct DuplicateRecord {
  std::int64_t id = 0;
  std::string table;  // "attendance", "entry_exit"
  std::string project_code, id_masked, date, direction, request_id;
  std::int64_t original_id = 0;  // the record it repeats
  WallNs received_wall = 0;
  Json to_json() const;
};

struct RequestLogEntry {
  std::string request_id;
  std::string dialect, method, appid, peer;
  int code = 0;
  std::string message;
  int http_status = 200;
  std::int64_t body_bytes = 0;
  MonoNs received_mono = 0;
  WallNs received_wall = 0;
  std::int64_t latency_us = 0;  // received -> reply ready (includes the durable commit)
  Json to_json() const;
};

// What AsyncHandleResult.Query reports for a write: 0 pending, 10 failed, 20 succeeded.
struct AsyncResult {
  std::string serial;
  std::string appid;
  std::string method;
  int status = 20;
  std::string result;  // a message (failed) or a JSON text (succeeded)
  WallNs created_wall = 0;
};

}  // namespace gaterig::platform
