#include "simulator/platform/jiangmen_dialect.hpp"

#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/json_text.hpp"

namespace gaterig::platform {
namespace {

constexpr std::size_t kMaxBatch = 500;

DialectReply fail(Exchange& ex, int code, const std::string& field, Violation v, int http = 200) {
  ex.finding(field, v);
  auto r = reply(code, field + ": " + v.message);
  r.http.status = http;
  return r;
}

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

std::optional<std::string> decrypt_identity(Exchange& ex, const ProjectConfig& p,
                                            const std::string& field, const std::string& cipher) {
  if (looks_like_clear_id(cipher)) {
    ex.finding(field, {"id-not-encrypted", "ID number " + mask_id(cipher) + " sent in clear; it must be DES encrypted"});
    return std::nullopt;
  }
  std::string plain;
  try {
    plain = crypto::des_cbc_decrypt(crypto::base64_decode(cipher), p.jiangmen_key, p.jiangmen_key);
  } catch (const crypto::CryptoError&) {
    ex.finding(field, {"id-decrypt", "does not decrypt with the project's key (DES-CBC, IV = key, Base64)"});
    return std::nullopt;
  }
  if (auto bad = check_id_number("01", plain)) {
    ex.finding(field, *bad);
    return std::nullopt;
  }
  return plain;
}

std::string encrypt_identity(const ProjectConfig& p, const std::string& plain) {
  return crypto::base64_encode(crypto::des_cbc_encrypt(plain, p.jiangmen_key, p.jiangmen_key));
}

DialectReply attendance_add(Exchange& ex, const ProjectConfig& p, const Json& rq, WallNs request_time) {
  const Json* list = nullptr;
  Json single = Json::array();
  if (rq.is_array()) {
    list = &rq;
  } else if (rq.is_object() && rq.contains("dataList")) {
    list = &rq.at("dataList");
    if (!list->is_array()) return fail(ex, -1, "requestJson.dataList", {"field-type", "dataList must be an array"});
  } else if (rq.is_object()) {
    single.push_back(rq);
    list = &single;
  } else {
    return fail(ex, -1, "requestJson", {"json-syntax", "requestJson must hold an object or an array"});
  }
  if (list->empty() || list->size() > kMaxBatch)
    return fail(ex, -1, "requestJson.dataList",
                {"batch-size", "must hold 1.." + std::to_string(kMaxBatch) + " records, found " +
                                   std::to_string(list->size())});
  std::vector<AttendanceRecord> batch;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string prefix = "dataList[" + std::to_string(i) + "].";
    const Json& d = (*list)[i];
    if (!d.is_object()) {
      ex.finding(prefix.substr(0, prefix.size() - 1), {"field-type", "each record must be an object"});
      continue;
    }
    const std::size_t before = ex.findings().size();
    AttendanceRecord r;
    std::optional<std::string> id;
    if (auto cipher = text(ex, d, prefix, "identityCode", true, 512))
      id = decrypt_identity(ex, p, prefix + "identityCode", *cipher);
    auto type = text(ex, d, prefix, "type", true, 4);
    if (type && *type != "1" && *type != "0")
      ex.finding(prefix + "type", {"direction-code", "type must be 1 (in) or 0 (out)"});
    auto date = text(ex, d, prefix, "checkDate", true, 32);
    if (date) {
      if (auto bad = check_datetime(*date, "yyyy-MM-dd HH:mm:ss", request_time, std::chrono::seconds(0),
                                    ex.config.utc_offset, &r.date_wall)) {
        if (bad->rule == "date-in-future") bad->message += " (the request's date)";
        ex.finding(prefix + "checkDate", *bad);
      }
    }
    auto attend_type = text(ex, d, prefix, "attendType", false, 16);
    auto channel = text(ex, d, prefix, "channel", false, 64);
    if (d.contains("image") && !d.at("image").is_null()) {
      if (!d.at("image").is_string()) ex.finding(prefix + "image", {"field-type", "image must be Base64 text"});
      else if (auto bad = check_image(d.at("image").get_ref<const std::string&>(), ex.config.image_limit_bytes, &r.image))
        ex.finding(prefix + "image", *bad);
    }
    for (const char* key : {"lng", "lat"}) {
      if (!d.contains(key) || d.at(key).is_null() ||
          (d.at(key).is_string() && d.at(key).get_ref<const std::string&>().empty()))
        continue;
      double v = 0;
      auto bad = key[1] == 'n' ? check_longitude(d.at(key), &v) : check_latitude(d.at(key), &v);
      if (bad) ex.finding(prefix + key, *bad);
      else (key[1] == 'n' ? r.lng : r.lat) = v;
    }
    if (ex.findings().size() != before || !id) continue;
    r.project_code = p.code;
    r.id_card_type = "01";
    r.id_number = *id;
    r.date = *date;
    r.direction = *type == "1" ? "01" : "02";
    r.channel = *channel;
    r.attend_type = attend_type->empty() ? "011" : *attend_type;
    r.image_bytes = static_cast<std::int64_t>(r.image.size());
    if (!ex.config.store_images) r.image.clear();
    r.dialect = ex.dialect;
    r.request_id = ex.request_id;
    r.received_mono = ex.received_mono;
    r.received_wall = ex.received_wall;
    batch.push_back(std::move(r));
  }
  if (!ex.findings().empty()) return rejected(ex);
  std::vector<WriteTxn::Inserted> results;
  std::int64_t dups = 0;
  const auto outcome = ex.commit([&](WriteTxn& txn) {
    results.clear();
    dups = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto w = txn.worker(p.code, batch[i].id_number);
      if (!w)
        ex.finding("dataList[" + std::to_string(i) + "].identityCode",
                   {"worker-not-enrolled", mask_id(batch[i].id_number) + " is not enrolled in project " + p.code});
      else
        batch[i].team_sys_no = w->team_sys_no;
    }
    if (!ex.findings().empty())
      return Exchange::Outcome{-1, ex.findings().front().field + ": " + ex.findings().front().message};
    for (const auto& r : batch) {
      results.push_back(txn.add_attendance(r));
      dups += results.back().duplicate;
    }
    return Exchange::Outcome{0, "success"};
  });
  if (outcome.code != 0) return reply(outcome.code, outcome.message);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& r = batch[i];
    Json pl = r.event_payload(results[i].id);
    if (results[i].duplicate) pl["original_id"] = results[i].id;
    ex.publish_after_commit(results[i].duplicate ? "platform.duplicate" : "platform.record_accepted", std::move(pl));
  }
  return reply(0, "success",
               Json{{"successCount", static_cast<std::int64_t>(batch.size()) - dups}, {"duplicateCount", dups}});
}

DialectReply worker_query(Exchange& ex, const ProjectConfig& p, const Json& rq) {
  if (!rq.is_object()) return fail(ex, -1, "requestJson", {"json-syntax", "requestJson must hold an object"});
  auto team = text(ex, rq, "", "teamSysNo", false, 64);
  std::int64_t index = 0, size = 0;
  if (auto bad = check_paging(rq, &index, &size, 100)) ex.finding("pageIndex/pageSize", *bad);
  if (!ex.findings().empty()) return rejected(ex);
  const Page page{index * size, size};
  auto found = ex.store.workers(p.code, *team, "", page);
  Json rows = Json::array();
  for (const auto& w : found.rows)
    rows.push_back(Json{{"name", w.name}, {"identityCode", encrypt_identity(p, w.id_number)},
                        {"teamSysNo", w.team_sys_no}, {"headImage", crypto::base64_encode(w.head_image)},
                        {"workType", w.work_type}});
  return reply(0, "success", Json{{"pageIndex", index}, {"pageSize", size}, {"rowTotal", found.total},
                                  {"rows", std::move(rows)}});
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

std::string JiangmenDialect::sign(std::string_view token, std::string_view key, std::string_view date) {
  std::string s;
  s.append(token).append(key).append(date);
  return crypto::md5_hex(s);
}

DialectReply JiangmenDialect::handle(Exchange& ex) {
  const HttpRequest& req = ex.request;
  std::string path = req.target.substr(0, req.target.find('?'));
  // "/api/WorkerAttendance/Add" -> "WorkerAttendance.Add"
  std::string method = path.size() > 5 ? path.substr(5, 64) : "";
  for (char& c : method)
    if (c == '/') c = '.';
  ex.method = method;
  if (req.method != "POST")
    return fail(ex, -1, "http", {"http-method", "the Jiangmen API takes POST, not " + req.method.substr(0, 16)}, 405);
  if (method != "WorkerAttendance.Add" && method != "ProjectWorker.Query")
    return fail(ex, -1, "path", {"method-unknown", "no API at " + path.substr(0, 80)}, 404);
  auto ct = req.headers.find("content-type");
  if (ct == req.headers.end() || lower_ascii(ct->second).find("application/json") == std::string::npos)
    return fail(ex, -1, "content-type", {"content-type", "expected application/json"});

  const Json body = parse_json_text(req.body).value_or(Json());
  if (!body.is_object())
    return fail(ex, -1, "body", {"json-syntax", "the body must be a JSON object"});
  auto token = text(ex, body, "", "token", true, 128);
  auto date = text(ex, body, "", "date", true, 32);
  auto sign_given = text(ex, body, "", "sign", true, 64);
  text(ex, body, "", "serverType", true, 64);
  if (!body.contains("requestJson") || body.at("requestJson").is_null())
    ex.finding("requestJson", {"field-missing", "requestJson is required"});
  if (!ex.findings().empty()) return rejected(ex);
  ex.appid = token->substr(0, 64);

  const ProjectConfig* p = ex.config.project_by_jiangmen_token(*token);
  if (!p) return fail(ex, -3, "token", {"appid-unknown", "no project has this token"});
  if (!crypto::equal_ct(sign(*token, p->jiangmen_key, *date), *sign_given))
    return fail(ex, -2, "sign", {"sign-mismatch", "sign does not match md5(token + key + date)"});
  if (auto bad = check_request_time(*date, "yyyy-MM-dd HH:mm:ss", ex.received_wall,
                                    ex.config.replay_window, ex.config.utc_offset)) {
    const bool window = bad->rule == "timestamp-window";
    if (window)
      ex.publish_after_commit("platform.replay_refused",
                              Json{{"request_id", ex.request_id}, {"dialect", "jiangmen"},
                                   {"appid", ex.appid}, {"reason", "timestamp-window"}, {"timestamp", *date}});
    return fail(ex, window ? -2 : -1, "date", *bad);
  }
  const std::string body_digest = "body-sha256:" + crypto::sha256_hex(req.body);
  if (!ex.replay.claim(ex.appid, body_digest, ex.received_wall)) {
    ex.publish_after_commit("platform.replay_refused",
                            Json{{"request_id", ex.request_id}, {"dialect", "jiangmen"},
                                 {"appid", ex.appid}, {"reason", "nonce-reused"}});
    return fail(ex, -2, "body", {"nonce-reused", "the same request body was already received"});
  }
  const WallNs request_time = *parse_civil(*date, ex.config.utc_offset, "yyyy-MM-dd HH:mm:ss");
  ex.remember_nonce(body_digest, request_time);

  Json rq;
  const Json& raw = body.at("requestJson");
  if (raw.is_string()) {
    auto parsed = parse_json_text(raw.get_ref<const std::string&>());
    if (!parsed) return fail(ex, -1, "requestJson", {"json-syntax", "requestJson is not valid JSON"});
    rq = std::move(*parsed);
  } else {
    rq = raw;
  }
  if (method == "WorkerAttendance.Add") return attendance_add(ex, *p, rq, request_time);
  return worker_query(ex, *p, rq);
}

}  // namespace gaterig::platform
