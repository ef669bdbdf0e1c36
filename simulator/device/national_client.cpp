#include "simulator/device/national_client.hpp"

#include <stdexcept>
#include <thread>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/resident_id.hpp"

namespace gaterig::device {
namespace {

constexpr const char* kFormType = "application/x-www-form-urlencoded; charset=UTF-8";

std::string new_nonce() { return crypto::to_hex(crypto::random_bytes(16)); }

// Replies may carry data.requestSerialCode as a string or a number.
std::string text_of(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return {};
  return j.dump();
}

}  // namespace

std::string NationalReply::describe() const {
  std::string s = method + ": ";
  if (transport != HttpFailure::none) return s + to_string(transport) + " (" + transport_detail + ")";
  s += "HTTP " + std::to_string(http_status);
  if (parsed) s += ", code " + std::to_string(code) + " '" + mask_ids_in(message) + "'";
  else s += ", no {code,...} reply";
  return s;
}

std::ostream& operator<<(std::ostream& os, const NationalReply& r) {
  return os << "NationalReply(" << r.describe() << ")";
}

const char* to_string(WriteVerdict v) {
  switch (v) {
    case WriteVerdict::accepted: return "accepted";
    case WriteVerdict::rejected: return "rejected";
    case WriteVerdict::offline: return "offline";
    case WriteVerdict::throttled: return "throttled";
    case WriteVerdict::server_error: return "server_error";
    case WriteVerdict::refused: return "refused";
    case WriteVerdict::unconfirmed: return "unconfirmed";
    case WriteVerdict::bad_reply: return "bad_reply";
    case WriteVerdict::aborted: return "aborted";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, WriteVerdict v) { return os << to_string(v); }

WriteVerdict classify_reply(const NationalReply& r) {
  if (r.transport == HttpFailure::aborted) return WriteVerdict::aborted;
  if (r.transport != HttpFailure::none) return WriteVerdict::offline;
  if (r.http_status >= 500) return WriteVerdict::server_error;
  if (!r.parsed) return WriteVerdict::bad_reply;
  switch (r.code) {
    case 0: return r.http_status == 200 ? WriteVerdict::accepted : WriteVerdict::bad_reply;
    case -1: return WriteVerdict::rejected;
    case -5: return WriteVerdict::throttled;
    default: return WriteVerdict::refused;
  }
}

NationalClient::NationalClient(NationalClientOptions options)
    : options_(std::move(options)), http_(options_.endpoint, options_.timeouts) {
  if (options_.credentials.appsecret.size() != 32)
    throw std::invalid_argument("national client: appsecret must be 32 characters, got " +
                                std::to_string(options_.credentials.appsecret.size()));
  if (options_.credentials.appid.empty()) throw std::invalid_argument("national client: appid is empty");
}

std::string NationalClient::encrypt_id(const std::string& id) const {
  if (options_.plain_id) return id;
  return national_encrypt(id, options_.credentials.appsecret);
}

NationalReply NationalClient::call(const std::string& method, const Json& data) {
  NationalRequest req;
  req.appid = options_.credentials.appid;
  req.data = data.dump();
  req.method = method;
  req.nonce = new_nonce();
  req.timestamp = format_civil(options_.clock(), options_.offset, "yyyyMMddHHmmss");
  std::string sign = national_sign(req, options_.credentials.appsecret);
  if (options_.bad_sign) sign.back() = sign.back() == '0' ? '1' : '0';

  NationalReply out;
  out.method = method;
  out.nonce = req.nonce;
  const HttpReply http = http_.post(options_.path, kFormType, national_form_body(req, sign));
  out.transport = http.failure;
  out.transport_detail = http.detail;
  out.http_status = http.status;
  if (!http.ok()) {
    LOG_DEBUG("device.client", out.describe());
    return out;
  }
  try {
    const Json j = Json::parse(http.body);
    if (j.is_object() && j.contains("code") && j.at("code").is_number_integer()) {
      out.parsed = true;
      out.code = j.at("code").get<int>();
      if (j.contains("message") && j.at("message").is_string()) out.message = j.at("message").get<std::string>();
      if (j.contains("data")) out.data = j.at("data");
    }
  } catch (const Json::exception&) {
    // out.parsed stays false: classify_reply calls it a bad reply
  }
  if (!out.parsed) out.message = http.body.substr(0, 200);
  LOG_DEBUG("device.client", out.describe());
  return out;
}

WriteOutcome NationalClient::write(const std::string& method, const Json& data) {
  WriteOutcome o;
  o.reply = call(method, data);
  o.verdict = classify_reply(o.reply);
  o.reason = o.reply.describe();
  if (o.verdict != WriteVerdict::accepted) return o;
  const Json& d = o.reply.data;
  if (d.is_object() && d.contains("duplicateCount") && d.at("duplicateCount").is_number_integer())
    o.duplicate_count = d.at("duplicateCount").get<int>();
  if (!d.is_object() || !d.contains("requestSerialCode")) {
    // No serial: nothing to poll. The platform said 0; take it at its word.
    return o;
  }
  o.serial = text_of(d.at("requestSerialCode"));
  return await_async(std::move(o));
}

WriteOutcome NationalClient::await_async(WriteOutcome o) {
  const auto deadline = std::chrono::steady_clock::now() + options_.async_deadline;
  for (;;) {
    if (aborted_) {
      o.verdict = WriteVerdict::aborted;
      o.reason = "stopped while waiting for the async result of " + o.serial;
      return o;
    }
    const NationalReply r = call("AsyncHandleResult.Query", Json{{"requestSerialCode", o.serial}});
    if (r.ok() && r.data.is_object() && r.data.contains("status")) {
      const Json& st = r.data.at("status");
      o.async_status = st.is_number_integer() ? st.get<int>() : std::atoi(text_of(st).c_str());
      o.async_result = r.data.contains("result") ? text_of(r.data.at("result")) : "";
      if (o.async_status == 20) {
        o.verdict = WriteVerdict::accepted;
        o.reason = "async status 20";
        // The platform's async result may count duplicates too.
        try {
          const Json res = Json::parse(o.async_result);
          if (res.is_object() && res.contains("duplicateCount") && res.at("duplicateCount").is_number_integer())
            o.duplicate_count = res.at("duplicateCount").get<int>();
        } catch (const Json::exception&) {
        }
        return o;
      }
      if (o.async_status == 10) {
        o.verdict = WriteVerdict::rejected;
        o.reason = "async status 10: " + mask_ids_in(o.async_result.substr(0, 300));
        return o;
      }
    } else if (r.transport == HttpFailure::aborted) {
      continue;  // reported at the top of the loop
    }
    if (std::chrono::steady_clock::now() + options_.async_poll_interval >= deadline) {
      o.verdict = WriteVerdict::unconfirmed;
      o.reason = "no final async status for " + o.serial + " within " +
                 std::to_string(options_.async_deadline.count()) + " ms (last: " + r.describe() + ")";
      return o;
    }
    // A protocol poll interval, not synchronisation: sliced so abort() is prompt.
    const auto wake = std::chrono::steady_clock::now() + options_.async_poll_interval;
    while (!aborted_ && std::chrono::steady_clock::now() < wake)
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(10), wake - std::chrono::steady_clock::now()));
  }
}

Json NationalClient::attendance_data(const std::vector<AttendanceRecord>& batch) const {
  Json list = Json::array();
  for (const auto& r : batch) {
    Json item{{"idCardType", "01"},
              {"idCardNumber", encrypt_id(r.id_card_number)},
              {"date", r.date},
              {"direction", national_code(r.direction)}};
    if (!r.image_jpeg.empty()) item["image"] = crypto::base64_encode(r.image_jpeg);
    if (!r.channel.empty()) item["channel"] = r.channel;
    if (!r.attend_type.empty()) item["attendType"] = r.attend_type;
    if (r.lng) item["lng"] = *r.lng;
    if (r.lat) item["lat"] = *r.lat;
    list.push_back(std::move(item));
  }
  return Json{{"projectCode", options_.project_code}, {"teamSysNo", options_.team_sys_no}, {"dataList", list}};
}

WriteOutcome NationalClient::add_attendance(const std::vector<AttendanceRecord>& batch) {
  return write("WorkerAttendance.Add", attendance_data(batch));
}

WriteOutcome NationalClient::add_entry_exit(const std::vector<EntryExit>& workers) {
  Json list = Json::array();
  for (const auto& w : workers)
    list.push_back(Json{{"idCardType", "01"},
                        {"idCardNumber", encrypt_id(w.id_card_number)},
                        {"date", w.date},
                        {"type", w.entry ? 1 : 0}});
  return write("WorkerEntryExit.Add", Json{{"projectCode", options_.project_code},
                                           {"teamSysNo", options_.team_sys_no},
                                           {"workerList", list}});
}

NationalReply NationalClient::query_project(int page_index, int page_size) {
  return call("Project.Query", Json{{"pageIndex", page_index}, {"pageSize", page_size}});
}

WorkerPage NationalClient::query_workers(int page_index, int page_size) {
  WorkerPage page;
  page.reply = call("ProjectWorker.Query", Json{{"projectCode", options_.project_code},
                                                {"pageIndex", page_index},
                                                {"pageSize", page_size}});
  if (!page.reply.ok() || !page.reply.data.is_object()) return page;
  const Json& d = page.reply.data;
  if (d.contains("rowTotal") && d.at("rowTotal").is_number_integer()) page.row_total = d.at("rowTotal").get<std::int64_t>();
  if (!d.contains("rows") || !d.at("rows").is_array()) return page;
  for (const Json& row : d.at("rows")) {
    WorkerRow w;
    w.raw = row;
    if (row.contains("workerName")) w.worker_name = text_of(row.at("workerName"));
    if (row.contains("teamSysNo")) w.team_sys_no = text_of(row.at("teamSysNo"));
    if (row.contains("idCardNumber")) {
      const std::string enc = text_of(row.at("idCardNumber"));
      try {
        w.id_card_number = national_decrypt(enc, options_.credentials.appsecret);
      } catch (const std::exception&) {
        w.id_card_number = enc;  // a platform that sends it plain; the terminal still admits the person
      }
    }
    if (row.contains("headImage") && row.at("headImage").is_string()) {
      try {
        w.head_image = crypto::base64_decode(row.at("headImage").get<std::string>());
      } catch (const std::exception& e) {
        LOG_WARN("device.client", "worker " << mask_id(w.id_card_number) << ": headImage is not Base64: " << e.what());
      }
    }
    page.rows.push_back(std::move(w));
  }
  return page;
}

std::vector<WorkerRow> NationalClient::query_all_workers(int page_size) {
  std::vector<WorkerRow> all;
  for (int page = 0;; ++page) {
    WorkerPage p = query_workers(page, page_size);
    if (!p.reply.ok())
      throw std::runtime_error("ProjectWorker.Query page " + std::to_string(page) + ": " + p.reply.describe());
    const std::size_t got = p.rows.size();
    for (auto& r : p.rows) all.push_back(std::move(r));
    if (got == 0 || static_cast<std::int64_t>(all.size()) >= p.row_total) break;
    if (page > 100000) throw std::runtime_error("ProjectWorker.Query: more than 100000 pages, giving up");
  }
  return all;
}

}  // namespace gaterig::device
