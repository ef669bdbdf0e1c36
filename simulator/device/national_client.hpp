#pragma once
// The terminal's side of the national open.api dialect: signed form requests, encrypted ID
// numbers, {code,message,data} replies, and the asynchronous-write protocol (a write returns a
// requestSerialCode; AsyncHandleResult.Query tells 0 pending / 10 failed / 20 succeeded).
//
// Degraded knobs (behaviour profiles of a non-conforming terminal, off by default):
//   plain_id  — send ID numbers unencrypted
//   bad_sign  — corrupt the signature (last hex digit changed)
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "simulator/device/attendance_record.hpp"
#include "simulator/device/http_client.hpp"
#include "simulator/device/national_signer.hpp"

namespace gaterig::device {

struct NationalClientOptions {
  HttpEndpoint endpoint;
  HttpTimeouts timeouts;
  std::string path = "/open.api";
  NationalCredentials credentials;
  std::string project_code;
  std::string team_sys_no;
  WallClock clock = system_wall_clock();  // for the request timestamp
  UtcOffset offset = UtcOffset::china();
  std::chrono::milliseconds async_poll_interval{50};
  std::chrono::milliseconds async_deadline{5000};
  bool plain_id = false;
  bool bad_sign = false;
};

// One request and what came back. `code` is meaningful only when `parsed`.
struct NationalReply {
  std::string method;
  std::string nonce;
  HttpFailure transport = HttpFailure::none;
  std::string transport_detail;
  int http_status = 0;
  bool parsed = false;
  int code = 0;
  std::string message;
  Json data;

  bool ok() const { return transport == HttpFailure::none && http_status == 200 && parsed && code == 0; }
  std::string describe() const;  // one line for logs and events
};

std::ostream& operator<<(std::ostream& os, const NationalReply& r);

// How a write ended, as the offline logic needs it.
enum class WriteVerdict {
  accepted,      // code 0 and async status 20 (duplicates included: the platform has them)
  rejected,      // code -1 or async status 10: this content will never be accepted
  offline,       // the request did not get a reply (connect, timeout, closed): retry
  throttled,     // code -5: retry later
  server_error,  // HTTP 5xx: retry later
  refused,       // code -2/-3/-4 or another code: the terminal is refused, not the record; retry
  unconfirmed,   // code 0 but no final async status before the deadline: retry (de-duplicated)
  bad_reply,     // not a {code,...} JSON reply: retry
  aborted,       // the client was stopped
};
const char* to_string(WriteVerdict v);
std::ostream& operator<<(std::ostream& os, WriteVerdict v);
inline bool retriable(WriteVerdict v) {
  return v != WriteVerdict::accepted && v != WriteVerdict::rejected && v != WriteVerdict::aborted;
}

struct WriteOutcome {
  WriteVerdict verdict = WriteVerdict::offline;
  NationalReply reply;          // the write request's reply
  std::string serial;           // requestSerialCode
  int async_status = -1;        // last AsyncHandleResult status, -1 when never polled
  std::string async_result;     // data.result of the last poll
  int duplicate_count = 0;      // as the platform reported it, when it did
  std::string reason;           // why, for events
};

// Classifies the synchronous reply of a write (before any async polling).
WriteVerdict classify_reply(const NationalReply& r);

struct WorkerRow {
  std::string worker_name;
  std::string id_card_number;  // decrypted
  std::string team_sys_no;
  std::string head_image;      // decoded bytes (JPEG/PNG), empty when absent
  Json raw;                    // the row as received (idCardNumber still encrypted)
};

struct WorkerPage {
  NationalReply reply;
  std::vector<WorkerRow> rows;
  std::int64_t row_total = 0;
};

class NationalClient {
 public:
  // WorkerAttendance.Add's most records per dataList (the simulated platform's
  // kMaxAttendanceBatch; a larger list is refused as a bad parameter).
  static constexpr std::size_t kMaxAttendanceBatch = 500;

  explicit NationalClient(NationalClientOptions options);

  // One signed request; the data object is serialised compactly.
  NationalReply call(const std::string& method, const Json& data);

  // Polls AsyncHandleResult.Query until status 10/20 or the async deadline.
  WriteOutcome await_async(WriteOutcome pending);

  // WorkerAttendance.Add for a batch (original dates), then waits for the async result.
  WriteOutcome add_attendance(const std::vector<AttendanceRecord>& batch);
  // WorkerEntryExit.Add: date "yyyy-MM-dd", type 1 entry / 0 exit.
  struct EntryExit {
    std::string id_card_number;
    std::string date;
    bool entry = true;
  };
  WriteOutcome add_entry_exit(const std::vector<EntryExit>& workers);

  NationalReply query_project(int page_index = 0, int page_size = 10);
  WorkerPage query_workers(int page_index, int page_size = 100);
  // Every worker of the project, page after page; throws std::runtime_error naming the page
  // and the reply when a page fails.
  std::vector<WorkerRow> query_all_workers(int page_size = 100);

  // The attendance data object exactly as add_attendance would send it (for tests/logs).
  Json attendance_data(const std::vector<AttendanceRecord>& batch) const;
  std::string encrypt_id(const std::string& id) const;

  // From another thread: the current and later calls return promptly (verdict aborted).
  void abort() {
    aborted_ = true;
    http_.abort();
  }
  void reset_abort() {
    aborted_ = false;
    http_.reset_abort();
  }
  NationalClientOptions& options() { return options_; }
  HttpClient& http() { return http_; }

 private:
  WriteOutcome write(const std::string& method, const Json& data);

  NationalClientOptions options_;
  HttpClient http_;
  std::atomic<bool> aborted_{false};
};

}  // namespace gaterig::device
