#pragma once
// The terminal's offline queue and its uploader thread.
//
// Rules (what a conforming terminal does; tests in tests/device/upload_queue_test.cpp):
//  * put() stores the record durably before it returns, before the terminal does anything
//    else with the pass. When `capacity` records are pending, put() refuses the new record
//    (PutResult::stored == false, event "device.queue_full"); nothing already queued is ever
//    dropped to make room.
//  * The uploader sends pending records oldest first, at most `batch_size` per request, with
//    their original dates. A backfill (补传: the oldest pending record was stored while offline)
//    goes in batches of up to `backfill_batch_size` (capped by the uplink's dialect maximum,
//    national: 500) and `batch_image_bytes` of photos, at least `batch_size`: 100,000 records
//    queued offline are 200 requests instead of 10,000, so they are back within a minute. A batch is retried as the same records (same person, date,
//    direction) until it is settled; the platform de-duplicates a retry whose first
//    acknowledgement was lost.
//  * Settled: accepted (code 0 and async status 20, duplicates included) -> uploaded.
//    Rejected (code -1, or async status 10) -> the platform refuses the content, and batches
//    are all-or-nothing, so the records of that batch are re-sent one per request; a single
//    record rejected that way is marked `rejected` with the platform's message and never
//    retried. (A terminal-wide misconfiguration, e.g. a wrong teamSysNo, therefore rejects
//    every record — visibly, one event per record.)
//  * Everything else is retriable and puts the terminal "offline" (event "device.offline"
//    with the reason): no reply (connect refused / timed out / closed / read timeout), HTTP
//    5xx, code -5 (throttled), -2/-3/-4 (the terminal is refused, not the record), an
//    unconfirmed async result, a malformed reply. Retries follow Backoff (base, cap, seeded
//    jitter); the next accepted batch puts it "online" again (event "device.online") and the
//    back-log is sent (补传) in order.
//  * Offline with nothing left to send (every pending record settled or dropped), the uploader
//    asks the platform whether it is back (AttendanceUplink::probe, on the same back-off; event
//    "device.probe_failed" while it is not): an answer puts the terminal online, so the next
//    pass is uploaded live instead of being queued as backfill for ever.
//
// Degraded knobs (non-conforming behaviour profiles; all off by default, all seeded):
//  * lossy_offline p  — on going offline, each pending record is dropped with probability p,
//                       and so is each record put while offline (state `lost`, event
//                       "device.record_lost").
//  * backdating       — rewrite_to_now: a backfilled record (put or pending while offline) is
//                       sent with date = now (event "device.record_backdated");
//                       invent: every backfill batch carries one fabricated record, the first
//                       record's person with the opposite direction at now
//                       (event "device.record_invented").
//  * duplicate_upload p — after an accepted batch, with probability p the same batch is sent
//                       again as a new request (new nonce) (event "device.upload_duplicated").
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "core/event.hpp"
#include "simulator/device/backoff.hpp"
#include "simulator/device/national_client.hpp"
#include "simulator/device/queue_store.hpp"

namespace gaterig::device {

// Where batches go; the national client is one, other dialects will be others.
class AttendanceUplink {
 public:
  virtual ~AttendanceUplink() = default;
  virtual WriteOutcome send(const std::vector<AttendanceRecord>& batch) = 0;
  // A cheap request that says whether the platform answers at all (accepted or rejected: it
  // answered; anything retriable: it did not).
  virtual WriteOutcome probe() = 0;
  // The most records the dialect takes in one request.
  virtual std::size_t max_batch() const { return SIZE_MAX; }
  virtual void abort() {}
  virtual void reset_abort() {}
};

class NationalUplink final : public AttendanceUplink {
 public:
  explicit NationalUplink(NationalClient& client) : client_(client) {}
  WriteOutcome send(const std::vector<AttendanceRecord>& batch) override { return client_.add_attendance(batch); }
  WriteOutcome probe() override;  // Project.Query, one row
  std::size_t max_batch() const override { return NationalClient::kMaxAttendanceBatch; }
  void abort() override { client_.abort(); }
  void reset_abort() override { client_.reset_abort(); }

 private:
  NationalClient& client_;
};

enum class Backdating { none, rewrite_to_now, invent };
const char* to_string(Backdating b);
Backdating parse_backdating(std::string_view text);  // throws std::invalid_argument naming it

struct DegradedUpload {
  double lossy_offline = 0.0;
  Backdating backdating = Backdating::none;
  double duplicate_upload = 0.0;
};

struct UploadQueueOptions {
  std::filesystem::path data_dir;  // the queue lives in data_dir/attendance-queue.sqlite
  std::size_t capacity = 100'000;
  std::size_t batch_size = 10;
  std::size_t backfill_batch_size = 500;  // see the header comment; min(this, uplink max_batch())
  // Photos per backfill batch, so a batch of records with images stays well inside a platform's
  // body limit (8 MiB by default; Base64 and form encoding make ~1.4x of this). At least one
  // record per batch whatever its size.
  std::size_t batch_image_bytes = 2 * 1024 * 1024;
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{60'000};
  std::uint64_t seed = 1;
  WallClock clock = system_wall_clock();  // "now" for the backdating profile
  UtcOffset offset = UtcOffset::china();
  std::size_t keep_uploaded = 100'000;
  DegradedUpload degraded;
  std::string source = "device";  // Event::source
};

struct PutResult {
  bool stored = false;
  std::int64_t seq = 0;
  std::string error;  // why not stored
};

// What put_many() did with a run of passes.
struct PutManyResult {
  std::size_t made = 0, stored = 0, refused = 0, lost = 0;  // refused: the queue was full
  bool offline = false;
  std::int64_t first_seq = 0, last_seq = 0;  // of those stored
  Json to_json() const;
};

class UploadQueue {
 public:
  // Opens (or creates) the queue; records left pending by an earlier run are sent first.
  UploadQueue(UploadQueueOptions options, AttendanceUplink& uplink, EventSink& events);
  ~UploadQueue();  // stops the uploader (waits for it)
  UploadQueue(const UploadQueue&) = delete;
  UploadQueue& operator=(const UploadQueue&) = delete;

  PutResult put(const AttendanceRecord& r);
  // Many passes through the same rules as put() (capacity, offline backfill, the degraded
  // lossy_offline) in one transaction, oldest first; one event ("device.queue_put_many") instead
  // of one per record. For soaks that fill the offline store (JX-A.1's 100,000 records).
  PutManyResult put_many(const std::vector<AttendanceRecord>& records);

  void start();
  // Asks the uploader to stop and waits up to `deadline`; true when it has stopped.
  bool stop(std::chrono::milliseconds deadline);

  bool online() const;
  QueueCounts counts() const { return store_.counts(); }
  QueueStore& store() { return store_; }
  static std::filesystem::path file_in(const std::filesystem::path& data_dir);

 private:
  void run();
  void emit(const std::string& kind, Json payload);
  void go_offline(const WriteOutcome& o);
  void go_online();
  bool wait_until(std::chrono::steady_clock::time_point t);  // false when stopping
  // Offline and nothing pending: waits a back-off step (a put() cuts it short), then probes.
  // False when stopping.
  bool probe_link();
  void settle(const std::vector<QueuedRecord>& batch, const std::vector<AttendanceRecord>& sent,
              const WriteOutcome& o);
  bool chance(double p);

  UploadQueueOptions options_;
  AttendanceUplink& uplink_;
  EventSink& events_;
  QueueStore store_;
  Backoff backoff_;
  std::mt19937_64 rng_;  // degraded knobs only; uploader thread except put() under mu_

  std::mutex transition_mu_;  // put() against go_offline(): taken before mu_, never inside it
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool running_ = false;
  bool online_ = true;
  bool kicked_ = false;
  std::chrono::steady_clock::time_point offline_since_{};
  std::int64_t isolate_through_ = 0;  // re-send one per request up to this seq
  std::thread thread_;
};

}  // namespace gaterig::device
