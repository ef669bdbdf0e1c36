// The national dialect's methods. Each judges its data, raising a finding per violation; a call
// with findings is rejected as a whole (-1). Writes commit through the Exchange and reply once
// durable; referential checks (team, enrolment) run inside the commit so they see every write
// acknowledged before.
#include <set>

#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/national_call.hpp"

namespace gaterig::platform::national {
namespace {

constexpr std::size_t kMaxAttendanceBatch = 500;
constexpr std::size_t kMaxWorkerBatch = 100;
constexpr std::int64_t kMaxPageSize = 100;

std::string aes_iv(const ProjectConfig& p) { return p.appsecret.substr(0, 16); }

std::string encrypt_id(const ProjectConfig& p, const std::string& plain) {
  return crypto::base64_encode(crypto::aes256_cbc_encrypt(plain, p.appsecret, aes_iv(p)));
}

// Text field with a finding when it is wrong; nullopt then.
std::optional<std::string> text(Exchange& ex, const Json& obj, const std::string& prefix,
                                 const char* key, bool required, std::size_t max_len = 256) {
  std::string out;
  const Verdict bad = required ? check_text(obj, key, &out, max_len)
                               : check_optional_text(obj, key, &out, max_len);
  if (bad) {
    ex.finding(prefix + key, *bad);
    return std::nullopt;
  }
  return out;
}

// Decrypts an ID number field, judging it on the way.
std::optional<std::string> decrypt_id(Exchange& ex, const ProjectConfig& p, const std::string& field,
                                      const std::string& cipher, const std::string& type) {
  if (looks_like_clear_id(cipher)) {
    ex.finding(field, {"id-not-encrypted", "ID number " + mask_id(cipher) +
                                               " sent in clear; it must be AES-256-CBC encrypted"});
    return std::nullopt;
  }
  std::string plain;
  try {
    plain = crypto::aes256_cbc_decrypt(crypto::base64_decode(cipher), p.appsecret, aes_iv(p));
  } catch (const crypto::CryptoError&) {
    ex.finding(field, {"id-decrypt", "does not decrypt with the project's key (AES-256-CBC, "
                                     "IV = first 16 characters of appsecret, Base64)"});
    return std::nullopt;
  }
  if (!is_utf8(plain)) {
    ex.finding(field, {"id-decrypt", "decrypts to bytes that are not text (wrong key?)"});
    return std::nullopt;
  }
  if (auto bad = check_id_number(type, plain)) {
    ex.finding(field, *bad);
    return std::nullopt;
  }
  return plain;
}

// idCardType then idCardNumber of `obj`; nullopt (with findings) when either is wrong.
struct Person {
  std::string type, id;
};
std::optional<Person> person(Exchange& ex, const ProjectConfig& p, const Json& obj,
                             const std::string& prefix, const char* type_key = "idCardType",
                             const char* id_key = "idCardNumber") {
  auto type = text(ex, obj, prefix, type_key, true, 8);
  auto cipher = text(ex, obj, prefix, id_key, true, 512);
  if (type) {
    if (auto bad = check_id_card_type(*type)) {
      ex.finding(prefix + type_key, *bad);
      type.reset();
    }
  }
  if (!type || !cipher) return std::nullopt;
  auto id = decrypt_id(ex, p, prefix + id_key, *cipher, *type);
  if (!id) return std::nullopt;
  return Person{*type, *id};
}

// projectCode must be the caller's own. The reply when it is not.
std::optional<DialectReply> own_project(Call& c) {
  auto code = text(c.ex, c.data, "", "projectCode", true, 64);
  if (!code) return rejected(c.ex);
  if (*code == c.project.code) return std::nullopt;
  if (c.ex.config.project_by_code(*code)) {
    c.ex.finding("projectCode", {"project-not-permitted", "project " + *code + " is not this appid's"});
    auto r = reply(-3, "projectCode: project " + *code + " is not this appid's");
    return r;
  }
  c.ex.finding("projectCode", {"project-unknown", "no project " + code->substr(0, 64)});
  return rejected(c.ex);
}

std::optional<Page> paging(Call& c) {
  std::int64_t index = 0, size = 0;
  if (auto bad = check_paging(c.data, &index, &size, kMaxPageSize)) {
    c.ex.finding("pageIndex/pageSize", *bad);
    return std::nullopt;
  }
  return Page{index * size, size};
}

Json page_data(const Page& page, std::int64_t total, Json rows) {
  return Json{{"pageIndex", page.offset / page.limit}, {"pageSize", page.limit}, {"rowTotal", total},
              {"rows", std::move(rows)}};
}

const Json* list(Call& c, const char* key, std::size_t max) {
  if (!c.data.contains(key) || c.data.at(key).is_null()) {
    c.ex.finding(key, {"field-missing", std::string(key) + " is required"});
    return nullptr;
  }
  const Json& j = c.data.at(key);
  if (!j.is_array()) {
    c.ex.finding(key, {"field-type", std::string(key) + " must be an array"});
    return nullptr;
  }
  if (j.empty() || j.size() > max) {
    c.ex.finding(key, {"batch-size", std::string(key) + " must hold 1.." + std::to_string(max) +
                                         " entries, found " + std::to_string(j.size())});
    return nullptr;
  }
  return &j;
}

std::optional<bool> flag(Exchange& ex, const Json& obj, const std::string& prefix, const char* key) {
  if (!obj.contains(key) || obj.at(key).is_null()) return false;
  const Json& j = obj.at(key);
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer() && (j.get<std::int64_t>() == 0 || j.get<std::int64_t>() == 1))
    return j.get<std::int64_t>() == 1;
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "0" || s == "false") return false;
    if (s == "1" || s == "true") return true;
  }
  ex.finding(prefix + key, {"field-format", std::string(key) + " must be 0/1 or true/false"});
  return std::nullopt;
}

// The write reply: the serial code, once durable.
DialectReply accepted(Exchange& ex, Json extra = Json::object()) {
  Json data{{"requestSerialCode", ex.request_id}};
  for (auto& [k, v] : extra.items()) data[k] = v;
  return reply(0, "success", std::move(data));
}

AsyncResult async_ok(Exchange& ex, const Json& result) {
  return AsyncResult{ex.request_id, ex.appid, ex.method, 20, result.dump(), ex.received_wall};
}
AsyncResult async_failed(Exchange& ex, std::string message) {
  return AsyncResult{ex.request_id, ex.appid, ex.method, 10, std::move(message), ex.received_wall};
}

// Worker fields beyond the ones the platform interprets, kept for inspection; sensitive
// values (numbers, images) left out.
std::string extra_fields(const Json& w) {
  Json extra = Json::object();
  for (auto& [k, v] : w.items()) {
    if (k == "idCardNumber" || k == "headImage" || k == "workerName" || k == "idCardType" ||
        k == "workType" || k == "isTeamLeader" || k.find("Number") != std::string::npos ||
        k.find("Image") != std::string::npos || k.find("image") != std::string::npos)
      continue;
    if (v.is_primitive()) extra[k] = v;
  }
  return extra.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace


// ---- Project ----------------------------------------------------------------------------------

DialectReply project_query(Call& c) {
  auto page = paging(c);
  if (!page) return rejected(c.ex);
  Json rows = Json::array();
  if (page->offset == 0)
    rows.push_back(Json{{"projectCode", c.project.code}, {"name", c.project.name}});
  return reply(0, "success", page_data(*page, 1, rows));
}

// ---- Team -------------------------------------------------------------------------------------

DialectReply team_add(Call& c) {
  if (auto r = own_project(c)) return *r;
  Team t;
  t.project_code = c.project.code;
  auto name = text(c.ex, c.data, "", "teamName", true, 128);
  auto corp_code = text(c.ex, c.data, "", "corpCode", false, 64);
  auto corp_name = text(c.ex, c.data, "", "corpName", false, 128);
  text(c.ex, c.data, "", "responsiblePersonName", false, 64);
  if (c.data.contains("responsiblePersonIdNumber") && !c.data.at("responsiblePersonIdNumber").is_null()) {
    auto type = text(c.ex, c.data, "", "responsiblePersonIdcardType", false, 8);
    auto cipher = text(c.ex, c.data, "", "responsiblePersonIdNumber", true, 512);
    if (type && type->empty()) *type = "01";
    if (type && check_id_card_type(*type)) c.ex.finding("responsiblePersonIdcardType", *check_id_card_type(*type));
    else if (type && cipher) decrypt_id(c.ex, c.project, "responsiblePersonIdNumber", *cipher, *type);
  }
  if (!c.ex.findings().empty()) return rejected(c.ex);
  t.name = *name;
  t.corp_code = *corp_code;
  t.corp_name = *corp_name;
  std::string sys_no;
  c.ex.commit([&](WriteTxn& txn) {
    if (auto existing = txn.team_by_name(t.project_code, t.name)) {
      txn.put_async_result(async_failed(c.ex, "team '" + t.name + "' already exists in project " +
                                                  t.project_code + " (teamSysNo " + existing->sys_no + ")"));
    } else {
      sys_no = txn.add_team(t);
      txn.put_async_result(async_ok(c.ex, Json{{"teamSysNo", sys_no}}));
    }
    return Exchange::Outcome{0, "success"};
  });
  return accepted(c.ex);
}

DialectReply team_query(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto page = paging(c);
  if (!page) return rejected(c.ex);
  auto teams = c.ex.store.teams(c.project.code, *page);
  Json rows = Json::array();
  for (const auto& t : teams.rows)
    rows.push_back(Json{{"teamSysNo", t.sys_no}, {"teamName", t.name}, {"projectCode", t.project_code},
                        {"corpCode", t.corp_code}, {"corpName", t.corp_name}});
  return reply(0, "success", page_data(*page, teams.total, rows));
}

// ---- ProjectWorker ----------------------------------------------------------------------------

namespace {
// The fields of one worker entry; `require_name` for Add.
std::optional<Worker> read_worker(Call& c, const Json& w, const std::string& prefix, bool require_name) {
  const std::size_t before = c.ex.findings().size();
  Worker out;
  out.project_code = c.project.code;
  auto who = person(c.ex, c.project, w, prefix);
  auto name = text(c.ex, w, prefix, "workerName", require_name, 64);
  auto work_type = text(c.ex, w, prefix, "workType", false, 32);
  auto leader = flag(c.ex, w, prefix, "isTeamLeader");
  std::string image;
  if (w.is_object() && w.contains("headImage") && !w.at("headImage").is_null()) {
    if (!w.at("headImage").is_string()) {
      c.ex.finding(prefix + "headImage", {"field-type", "headImage must be Base64 text"});
    } else if (auto bad = check_image(w.at("headImage").get_ref<const std::string&>(),
                                      c.ex.config.image_limit_bytes, &image)) {
      c.ex.finding(prefix + "headImage", *bad);
    }
  }
  if (c.ex.findings().size() != before || !who) return std::nullopt;
  out.id_card_type = who->type;
  out.id_number = who->id;
  out.name = name ? *name : "";
  out.work_type = work_type ? *work_type : "";
  out.team_leader = leader.value_or(false);
  out.head_image = std::move(image);
  out.extra_json = extra_fields(w);
  out.updated_wall = c.ex.received_wall;
  return out;
}

Json worker_event(const Exchange& ex, const Worker& w) {
  return Json{{"request_id", ex.request_id}, {"dialect", ex.dialect}, {"project", w.project_code},
              {"team", w.team_sys_no}, {"id_masked", mask_id(w.id_number)}, {"name", w.name},
              {"head_image_bytes", w.head_image.size()}};
}
}  // namespace

DialectReply worker_add(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", true, 64);
  text(c.ex, c.data, "", "corpCode", false, 64);
  text(c.ex, c.data, "", "corpName", false, 128);
  const Json* workers = list(c, "workerList", kMaxWorkerBatch);
  std::vector<Worker> batch;
  std::set<std::string> ids;
  if (workers) {
    for (std::size_t i = 0; i < workers->size(); ++i) {
      const std::string prefix = "workerList[" + std::to_string(i) + "].";
      auto w = read_worker(c, (*workers)[i], prefix, true);
      if (!w) continue;
      if (!ids.insert(w->id_number).second) {
        c.ex.finding(prefix + "idCardNumber", {"field-duplicated", "the same person twice in workerList"});
        continue;
      }
      w->team_sys_no = team.value_or("");
      batch.push_back(std::move(*w));
    }
  }
  if (!c.ex.findings().empty()) return rejected(c.ex);
  std::vector<std::string> already;
  std::vector<const Worker*> added;
  const auto outcome = c.ex.commit([&](WriteTxn& txn) {
    if (!txn.team_exists(c.project.code, *team)) {
      c.ex.finding("teamSysNo", {"team-unknown", "no team " + *team + " in project " + c.project.code});
      return Exchange::Outcome{-1, "teamSysNo: no team " + *team + " in project " + c.project.code};
    }
    for (const auto& w : batch) {
      if (txn.add_worker(w)) added.push_back(&w);
      else already.push_back(mask_id(w.id_number));
    }
    if (already.empty()) {
      txn.put_async_result(async_ok(c.ex, Json{{"successCount", added.size()}}));
    } else {
      std::string m = "already enrolled in project " + c.project.code + " (use ProjectWorker.Update):";
      for (const auto& a : already) m += " " + a;
      txn.put_async_result(async_failed(c.ex, m));
    }
    return Exchange::Outcome{0, "success"};
  });
  if (outcome.code != 0) return reply(outcome.code, outcome.message);
  for (const Worker* w : added) c.ex.publish_after_commit("platform.worker_enrolled", worker_event(c.ex, *w));
  return accepted(c.ex);
}

DialectReply worker_update(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", false, 64);
  auto w = read_worker(c, c.data, "", false);
  if (!c.ex.findings().empty() || !w) return rejected(c.ex);
  Worker merged;
  const auto outcome = c.ex.commit([&](WriteTxn& txn) {
    auto existing = txn.worker(c.project.code, w->id_number);
    if (!existing) {
      c.ex.finding("idCardNumber", {"worker-not-enrolled", mask_id(w->id_number) + " is not enrolled in project " +
                                                               c.project.code});
      return Exchange::Outcome{-1, "idCardNumber: " + mask_id(w->id_number) + " is not enrolled in project " +
                                       c.project.code};
    }
    if (!team->empty() && !txn.team_exists(c.project.code, *team)) {
      c.ex.finding("teamSysNo", {"team-unknown", "no team " + *team + " in project " + c.project.code});
      return Exchange::Outcome{-1, "teamSysNo: no team " + *team + " in project " + c.project.code};
    }
    merged = *existing;
    if (!team->empty()) merged.team_sys_no = *team;
    if (!w->name.empty()) merged.name = w->name;
    if (!w->work_type.empty()) merged.work_type = w->work_type;
    if (!w->head_image.empty()) merged.head_image = w->head_image;
    if (c.data.contains("isTeamLeader")) merged.team_leader = w->team_leader;
    merged.id_card_type = w->id_card_type;
    merged.updated_wall = c.ex.received_wall;
    txn.replace_worker(merged);
    txn.put_async_result(async_ok(c.ex, Json{{"successCount", 1}}));
    return Exchange::Outcome{0, "success"};
  });
  if (outcome.code != 0) return reply(outcome.code, outcome.message);
  c.ex.publish_after_commit("platform.worker_updated", worker_event(c.ex, merged));
  return accepted(c.ex);
}

DialectReply worker_query(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", false, 64);
  std::string id;
  if (c.data.contains("idCardNumber") && !c.data.at("idCardNumber").is_null()) {
    auto type = text(c.ex, c.data, "", "idCardType", false, 8);
    auto cipher = text(c.ex, c.data, "", "idCardNumber", true, 512);
    if (type && type->empty()) *type = "01";
    if (type && check_id_card_type(*type)) {
      c.ex.finding("idCardType", *check_id_card_type(*type));
    } else if (type && cipher) {
      if (auto plain = decrypt_id(c.ex, c.project, "idCardNumber", *cipher, *type)) id = *plain;
    }
  }
  auto page = paging(c);
  if (!page || !c.ex.findings().empty()) return rejected(c.ex);
  auto found = c.ex.store.workers(c.project.code, *team, id, *page);
  Json rows = Json::array();
  for (const auto& w : found.rows) {
    Json row{{"workerName", w.name},
             {"idCardType", w.id_card_type},
             {"idCardNumber", encrypt_id(c.project, w.id_number)},
             {"teamSysNo", w.team_sys_no},
             {"projectCode", w.project_code},
             {"headImage", crypto::base64_encode(w.head_image)},
             {"workType", w.work_type},
             {"isTeamLeader", w.team_leader ? 1 : 0}};
    rows.push_back(std::move(row));
  }
  return reply(0, "success", page_data(*page, found.total, rows));
}

// One transaction for a validated batch of passes (attendance or entry/exit): the team and every
// worker must exist in the project, else nothing is stored. A record the store already holds is
// counted and published as platform.duplicate, never stored twice.
template <class Record, class Add, class Payload>
DialectReply store_batch(Call& c, const std::string& team, const std::vector<Record>& batch, const char* list_key,
                         Add add, Payload payload) {
  std::vector<WriteTxn::Inserted> results;
  const auto outcome = c.ex.commit([&](WriteTxn& txn) {
    results.clear();
    if (!txn.team_exists(c.project.code, team)) {
      c.ex.finding("teamSysNo", {"team-unknown", "no team " + team + " in project " + c.project.code});
      return Exchange::Outcome{-1, "teamSysNo: no team " + team + " in project " + c.project.code};
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (!txn.worker(c.project.code, batch[i].id_number))
        c.ex.finding(std::string(list_key) + "[" + std::to_string(i) + "].idCardNumber",
                     {"worker-not-enrolled", mask_id(batch[i].id_number) + " is not enrolled in project " +
                                                 c.project.code});
    if (!c.ex.findings().empty()) {
      const auto& f = c.ex.findings().front();
      return Exchange::Outcome{-1, f.field + ": " + f.message};
    }
    std::int64_t dups = 0;
    for (const auto& r : batch) {
      results.push_back(add(txn, r));
      dups += results.back().duplicate;
    }
    txn.put_async_result(async_ok(c.ex, Json{{"successCount", static_cast<std::int64_t>(batch.size()) - dups},
                                             {"duplicateCount", dups}}));
    return Exchange::Outcome{0, "success"};
  });
  if (outcome.code != 0) return reply(outcome.code, outcome.message);
  std::int64_t dups = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Json p = payload(batch[i], results[i].id);
    if (results[i].duplicate) {
      ++dups;
      p["original_id"] = results[i].id;
      c.ex.publish_after_commit("platform.duplicate", std::move(p));
    } else {
      c.ex.publish_after_commit("platform.record_accepted", std::move(p));
    }
  }
  return accepted(c.ex, Json{{"duplicateCount", dups}});
}

// ---- WorkerAttendance ---------------------------------------------------------------------------

DialectReply attendance_add(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", true, 64);
  const Json* records = list(c, "dataList", kMaxAttendanceBatch);
  std::vector<AttendanceRecord> batch;
  if (records) {
    batch.reserve(records->size());
    for (std::size_t i = 0; i < records->size(); ++i) {
      const std::string prefix = "dataList[" + std::to_string(i) + "].";
      const Json& d = (*records)[i];
      const std::size_t before = c.ex.findings().size();
      if (!d.is_object()) {
        c.ex.finding(prefix.substr(0, prefix.size() - 1), {"field-type", "each entry must be an object"});
        continue;
      }
      AttendanceRecord r;
      auto who = person(c.ex, c.project, d, prefix);
      auto date = text(c.ex, d, prefix, "date", true, 32);
      if (date) {
        if (auto bad = check_datetime(*date, "yyyy-MM-dd HH:mm:ss", c.ex.received_wall,
                                      c.ex.config.date_tolerance, c.ex.config.utc_offset, &r.date_wall))
          c.ex.finding(prefix + "date", *bad);
      }
      auto direction = text(c.ex, d, prefix, "direction", true, 8);
      if (direction) {
        if (auto bad = check_direction(*direction)) c.ex.finding(prefix + "direction", *bad);
      }
      auto channel = text(c.ex, d, prefix, "channel", false, 64);
      auto attend_type = text(c.ex, d, prefix, "attendType", false, 64);
      if (d.contains("image") && !d.at("image").is_null()) {
        if (!d.at("image").is_string()) {
          c.ex.finding(prefix + "image", {"field-type", "image must be Base64 text"});
        } else if (auto bad = check_image(d.at("image").get_ref<const std::string&>(),
                                          c.ex.config.image_limit_bytes, &r.image)) {
          c.ex.finding(prefix + "image", *bad);
        }
      }
      for (const char* key : {"lng", "lat"}) {
        if (!d.contains(key) || d.at(key).is_null() ||
            (d.at(key).is_string() && d.at(key).get_ref<const std::string&>().empty()))
          continue;
        double v = 0;
        auto bad = key[1] == 'n' ? check_longitude(d.at(key), &v) : check_latitude(d.at(key), &v);
        if (bad) c.ex.finding(prefix + key, *bad);
        else (key[1] == 'n' ? r.lng : r.lat) = v;
      }
      if (c.ex.findings().size() != before || !who) continue;
      r.project_code = c.project.code;
      r.team_sys_no = team.value_or("");  // a missing team is a finding already
      r.id_card_type = who->type;
      r.id_number = who->id;
      r.date = *date;
      r.direction = *direction;
      r.channel = *channel;
      r.attend_type = *attend_type;
      r.image_bytes = static_cast<std::int64_t>(r.image.size());
      if (!c.ex.config.store_images) r.image.clear();
      r.dialect = c.ex.dialect;
      r.request_id = c.ex.request_id;
      r.received_mono = c.ex.received_mono;
      r.received_wall = c.ex.received_wall;
      batch.push_back(std::move(r));
    }
  }
  if (!c.ex.findings().empty()) return rejected(c.ex);

  return store_batch(c, *team, batch, "dataList",
                     [](WriteTxn& txn, const AttendanceRecord& r) { return txn.add_attendance(r); },
                     [](const AttendanceRecord& r, std::int64_t id) { return r.event_payload(id); });
}

DialectReply attendance_query(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", false, 64);
  auto day = text(c.ex, c.data, "", "date", false, 10);
  if (day && !day->empty() && !parse_civil(*day, c.ex.config.utc_offset, "yyyy-MM-dd"))
    c.ex.finding("date", {"date-format", "'" + *day + "' is not a date in the pattern yyyy-MM-dd"});
  auto page = paging(c);
  if (!page || !c.ex.findings().empty()) return rejected(c.ex);
  auto found = c.ex.store.attendance_page(c.project.code, *team, *day, *page);
  Json rows = Json::array();
  for (const auto& r : found.rows) {
    Json row{{"idCardType", r.id_card_type}, {"idCardNumber", encrypt_id(c.project, r.id_number)},
             {"date", r.date},               {"direction", r.direction},
             {"teamSysNo", r.team_sys_no},   {"channel", r.channel},
             {"attendType", r.attend_type},  {"lng", r.lng ? Json(*r.lng) : Json(nullptr)},
             {"lat", r.lat ? Json(*r.lat) : Json(nullptr)}};
    rows.push_back(std::move(row));
  }
  return reply(0, "success", page_data(*page, found.total, rows));
}

// ---- WorkerEntryExit ----------------------------------------------------------------------------

DialectReply entry_exit_add(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", true, 64);
  text(c.ex, c.data, "", "corpCode", false, 64);
  text(c.ex, c.data, "", "corpName", false, 128);
  const Json* workers = list(c, "workerList", kMaxAttendanceBatch);
  std::vector<EntryExitRecord> batch;
  if (workers) {
    for (std::size_t i = 0; i < workers->size(); ++i) {
      const std::string prefix = "workerList[" + std::to_string(i) + "].";
      const Json& w = (*workers)[i];
      const std::size_t before = c.ex.findings().size();
      auto who = person(c.ex, c.project, w, prefix);
      auto date = text(c.ex, w, prefix, "date", true, 16);
      if (date) {
        if (auto bad = check_day(*date, c.ex.received_wall, c.ex.config.utc_offset))
          c.ex.finding(prefix + "date", *bad);
      }
      auto type = text(c.ex, w, prefix, "type", true, 4);
      if (type && *type != "1" && *type != "0")
        c.ex.finding(prefix + "type", {"direction-code", "type must be 1 (entry) or 0 (exit)"});
      if (c.ex.findings().size() != before || !who) continue;
      EntryExitRecord r;
      r.project_code = c.project.code;
      r.team_sys_no = team.value_or("");
      r.id_card_type = who->type;
      r.id_number = who->id;
      r.date = *date;
      r.type = *type;
      r.request_id = c.ex.request_id;
      r.received_mono = c.ex.received_mono;
      r.received_wall = c.ex.received_wall;
      batch.push_back(std::move(r));
    }
  }
  if (!c.ex.findings().empty()) return rejected(c.ex);
  return store_batch(c, *team, batch, "workerList",
                     [](WriteTxn& txn, const EntryExitRecord& r) { return txn.add_entry_exit(r); },
                     [&c](const EntryExitRecord& r, std::int64_t id) {
                       return Json{{"table", "entry_exit"}, {"record_id", id}, {"project", r.project_code},
                                   {"team", r.team_sys_no}, {"id_masked", mask_id(r.id_number)}, {"date", r.date},
                                   {"direction", r.type},   {"request_id", r.request_id}, {"dialect", c.ex.dialect},
                                   {"received_mono", r.received_mono}, {"received_wall", r.received_wall}};
                     });
}

DialectReply entry_exit_query(Call& c) {
  if (auto r = own_project(c)) return *r;
  auto team = text(c.ex, c.data, "", "teamSysNo", false, 64);
  auto page = paging(c);
  if (!page || !c.ex.findings().empty()) return rejected(c.ex);
  auto found = c.ex.store.entry_exit_page(c.project.code, *team, *page);
  Json rows = Json::array();
  for (const auto& r : found.rows)
    rows.push_back(Json{{"idCardType", r.id_card_type}, {"idCardNumber", encrypt_id(c.project, r.id_number)},
                        {"date", r.date}, {"type", r.type}, {"teamSysNo", r.team_sys_no}});
  return reply(0, "success", page_data(*page, found.total, rows));
}

// ---- AsyncHandleResult ------------------------------------------------------------------------

DialectReply async_result_query(Call& c) {
  auto serial = text(c.ex, c.data, "", "requestSerialCode", true, 64);
  if (!serial) return rejected(c.ex);
  auto a = c.ex.store.async_result(*serial);
  if (!a || a->appid != c.ex.appid) {
    c.ex.finding("requestSerialCode", {"serial-unknown", "no request " + *serial + " from this appid"});
    return rejected(c.ex);
  }
  const std::int64_t delay = std::chrono::duration_cast<std::chrono::nanoseconds>(c.ex.config.async_delay).count();
  if (c.ex.received_wall - a->created_wall < delay)
    return reply(0, "success", Json{{"status", 0}, {"result", ""}});
  return reply(0, "success", Json{{"status", a->status}, {"result", a->result}});
}

}  // namespace gaterig::platform::national
