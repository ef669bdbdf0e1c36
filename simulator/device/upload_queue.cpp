#include "simulator/device/upload_queue.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/log.hpp"
#include "core/resident_id.hpp"

namespace gaterig::device {
namespace {

using SteadyClock = std::chrono::steady_clock;

Json seqs_of(const std::vector<QueuedRecord>& batch) {
  Json a = Json::array();
  for (const auto& q : batch) a.push_back(q.seq);
  return a;
}

std::vector<std::int64_t> seq_list(const std::vector<QueuedRecord>& batch) {
  std::vector<std::int64_t> v;
  for (const auto& q : batch) v.push_back(q.seq);
  return v;
}

}  // namespace

WriteOutcome NationalUplink::probe() {
  WriteOutcome o;
  o.reply = client_.query_project(0, 1);
  o.verdict = classify_reply(o.reply);
  o.reason = o.reply.describe();
  return o;
}

const char* to_string(Backdating b) {
  switch (b) {
    case Backdating::none: return "none";
    case Backdating::rewrite_to_now: return "rewrite_to_now";
    case Backdating::invent: return "invent";
  }
  return "?";
}

Backdating parse_backdating(std::string_view text) {
  if (text == "none") return Backdating::none;
  if (text == "rewrite_to_now") return Backdating::rewrite_to_now;
  if (text == "invent") return Backdating::invent;
  throw std::invalid_argument("backdating: expected none, rewrite_to_now or invent, got '" + std::string(text) + "'");
}

std::filesystem::path UploadQueue::file_in(const std::filesystem::path& data_dir) {
  return data_dir / "attendance-queue.sqlite";
}

UploadQueue::UploadQueue(UploadQueueOptions options, AttendanceUplink& uplink, EventSink& events)
    : options_(std::move(options)),
      uplink_(uplink),
      events_(events),
      store_((std::filesystem::create_directories(options_.data_dir), file_in(options_.data_dir))),
      backoff_(options_.backoff_base, options_.backoff_cap, options_.seed),
      rng_(options_.seed ^ 0x9e3779b97f4a7c15ULL) {
  if (options_.batch_size == 0) throw std::invalid_argument("upload queue: batch_size must be >= 1");
  if (options_.capacity == 0) throw std::invalid_argument("upload queue: capacity must be >= 1");
  for (double p : {options_.degraded.lossy_offline, options_.degraded.duplicate_upload})
    if (p < 0 || p > 1) throw std::invalid_argument("upload queue: degraded probabilities must be in [0, 1]");
}

UploadQueue::~UploadQueue() {
  stop(std::chrono::seconds(30));
  if (thread_.joinable()) thread_.join();
}

void UploadQueue::emit(const std::string& kind, Json payload) {
  events_.publish(Event{mono_now(), options_.source, kind, std::move(payload), 0});
}

bool UploadQueue::chance(double p) {
  if (p <= 0) return false;
  return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
}

bool UploadQueue::online() const {
  std::lock_guard lock(mu_);
  return online_;
}

PutResult UploadQueue::put(const AttendanceRecord& r) {
  bool offline, lose;
  PutResult out;
  std::optional<std::int64_t> seq;
  try {
    // Deciding "offline" and storing the record must not straddle go_offline(), or a record put
    // at that moment would be neither marked backfill by it nor stored as backfill here.
    std::lock_guard transition(transition_mu_);
    {
      std::lock_guard lock(mu_);
      offline = !online_;
      lose = offline && chance(options_.degraded.lossy_offline);
    }
    seq = store_.put(r, offline, options_.capacity);
  } catch (const QueueStoreError& e) {
    out.error = e.what();
    emit("device.queue_error", {{"id", mask_id(r.id_card_number)}, {"date", r.date}, {"error", out.error}});
    return out;
  }
  if (!seq) {
    out.error = "the offline queue is full (" + std::to_string(options_.capacity) + " records pending)";
    emit("device.queue_full", {{"id", mask_id(r.id_card_number)},
                               {"date", r.date},
                               {"direction", national_code(r.direction)},
                               {"capacity", options_.capacity}});
    LOG_WARN("device.queue", out.error << "; refused " << r);
    return out;
  }
  out.stored = true;
  out.seq = *seq;
  emit("device.queue_put", {{"seq", *seq},
                            {"id", mask_id(r.id_card_number)},
                            {"date", r.date},
                            {"direction", national_code(r.direction)},
                            {"offline", offline}});
  if (lose && !store_.mark_lost({*seq}).empty())
    emit("device.record_lost", {{"seq", *seq}, {"date", r.date}, {"why", "lossy_offline"}});
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
  return out;
}

Json PutManyResult::to_json() const {
  return Json{{"made", made},       {"stored", stored},       {"refused", refused}, {"lost", lost},
              {"offline", offline}, {"first_seq", first_seq}, {"last_seq", last_seq}};
}

PutManyResult UploadQueue::put_many(const std::vector<AttendanceRecord>& records) {
  PutManyResult out;
  out.made = records.size();
  std::vector<std::int64_t> seqs;
  {
    std::lock_guard transition(transition_mu_);  // see put()
    {
      std::lock_guard lock(mu_);
      out.offline = !online_;
    }
    seqs = store_.put_many(records, out.offline, options_.capacity);
  }
  out.stored = seqs.size();
  out.refused = out.made - out.stored;
  if (!seqs.empty()) out.first_seq = seqs.front(), out.last_seq = seqs.back();
  if (out.offline && options_.degraded.lossy_offline > 0) {
    std::vector<std::int64_t> drop;
    {
      std::lock_guard lock(mu_);
      for (auto seq : seqs)
        if (chance(options_.degraded.lossy_offline)) drop.push_back(seq);
    }
    out.lost = store_.mark_lost(drop).size();
  }
  emit("device.queue_put_many", out.to_json());
  if (out.refused > 0) {
    emit("device.queue_full", {{"refused", out.refused}, {"capacity", options_.capacity}});
    LOG_WARN("device.queue", "the offline queue is full (" << options_.capacity << " records pending): refused "
                                                           << out.refused << " of " << out.made << " passes");
  }
  if (out.lost > 0) emit("device.records_lost", {{"count", out.lost}, {"why", "lossy_offline"}});
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
  return out;
}

void UploadQueue::start() {
  std::lock_guard lock(mu_);
  if (running_) return;
  stopping_ = false;
  running_ = true;
  uplink_.reset_abort();
  thread_ = std::thread([this] { run(); });
}

bool UploadQueue::stop(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mu_);
  if (!running_) {
    lock.unlock();
    if (thread_.joinable()) thread_.join();
    return true;
  }
  stopping_ = true;
  uplink_.abort();
  cv_.notify_all();
  if (!cv_.wait_for(lock, deadline, [&] { return !running_; })) return false;
  lock.unlock();
  if (thread_.joinable()) thread_.join();
  return true;
}

bool UploadQueue::wait_until(SteadyClock::time_point t) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, t, [&] { return stopping_; });
  return !stopping_;
}

bool UploadQueue::probe_link() {
  const auto delay = backoff_.next();
  {
    std::unique_lock lock(mu_);
    const bool woken = cv_.wait_for(lock, delay, [&] { return stopping_ || kicked_; });
    if (stopping_) return false;
    if (woken) {
      kicked_ = false;
      return true;  // a pass came in: sending it is the better probe
    }
  }
  const WriteOutcome o = uplink_.probe();
  if (o.verdict == WriteVerdict::aborted) return false;
  if (!retriable(o.verdict)) {
    backoff_.reset();
    go_online();
    return true;
  }
  emit("device.probe_failed", {{"verdict", to_string(o.verdict)}, {"reason", o.reason}, {"attempt", backoff_.attempt()}});
  return true;
}

void UploadQueue::go_offline(const WriteOutcome& o) {
  bool was_online;
  {
    std::lock_guard transition(transition_mu_);  // see put()
    {
      std::lock_guard lock(mu_);
      was_online = online_;
      online_ = false;
      if (was_online) offline_since_ = SteadyClock::now();
    }
    if (!was_online) return;
    store_.mark_all_pending_backfill();
  }
  std::vector<std::int64_t> lost;
  if (options_.degraded.lossy_offline > 0) {
    std::vector<std::int64_t> drop;
    for (const auto& q : store_.pending(SIZE_MAX)) {
      std::lock_guard lock(mu_);
      if (chance(options_.degraded.lossy_offline)) drop.push_back(q.seq);
    }
    lost = store_.mark_lost(drop);
  }
  emit("device.offline", {{"verdict", to_string(o.verdict)}, {"reason", o.reason}, {"pending", counts().pending}});
  for (auto seq : lost) emit("device.record_lost", {{"seq", seq}, {"why", "lossy_offline"}});
  LOG_INFO("device.queue", "offline: " << o.reason);
}

void UploadQueue::go_online() {
  SteadyClock::duration offline_for{};
  {
    std::lock_guard lock(mu_);
    if (online_) return;
    online_ = true;
    offline_for = SteadyClock::now() - offline_since_;
  }
  emit("device.online",
       {{"offline_ms", std::chrono::duration_cast<std::chrono::milliseconds>(offline_for).count()},
        {"pending", counts().pending}});
  LOG_INFO("device.queue", "online again; " << counts().pending << " records to backfill");
}

void UploadQueue::settle(const std::vector<QueuedRecord>& batch, const std::vector<AttendanceRecord>& sent,
                         const WriteOutcome& o) {
  if (o.verdict == WriteVerdict::accepted) {
    store_.mark_uploaded(seq_list(batch), options_.clock());
    backoff_.reset();
    go_online();
    Json dates = Json::array();
    std::size_t backfilled = 0;
    for (const auto& q : batch) {
      dates.push_back(q.record.date);
      backfilled += q.backfill ? 1 : 0;
    }
    emit("device.upload_ok", {{"seqs", seqs_of(batch)},
                              {"count", batch.size()},
                              {"dates", dates},
                              {"backfill", backfilled},
                              {"nonce", o.reply.nonce},
                              {"serial", o.serial},
                              {"duplicate_count", o.duplicate_count}});
    bool again;
    {
      std::lock_guard lock(mu_);
      again = chance(options_.degraded.duplicate_upload);
    }
    if (again) {
      const WriteOutcome dup = uplink_.send(sent);
      emit("device.upload_duplicated", {{"seqs", seqs_of(batch)},
                                        {"first_nonce", o.reply.nonce},
                                        {"nonce", dup.reply.nonce},
                                        {"verdict", to_string(dup.verdict)}});
    }
    if (counts().uploaded > options_.keep_uploaded + 1000) store_.prune_uploaded(options_.keep_uploaded);
    return;
  }
  if (o.verdict == WriteVerdict::rejected) {
    // The platform answered, so the link is fine.
    go_online();
    backoff_.reset();
    if (batch.size() > 1) {
      isolate_through_ = batch.back().seq;
      emit("device.upload_failed", {{"seqs", seqs_of(batch)},
                                    {"verdict", "rejected"},
                                    {"reason", o.reason},
                                    {"next", "one record per request"}});
      return;
    }
    store_.mark_rejected(batch.front().seq, o.reason);
    emit("device.upload_rejected",
         {{"seq", batch.front().seq}, {"date", batch.front().record.date}, {"reason", o.reason}});
    LOG_WARN("device.queue", "rejected " << batch.front().record << ": " << o.reason);
    return;
  }
}

void UploadQueue::run() {
  LOG_DEBUG("device.queue", "uploader started, " << counts().pending << " pending");
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) break;
    }
    std::size_t limit = options_.batch_size;
    auto head = store_.pending(1);
    if (head.empty() && !online()) {
      if (!probe_link()) break;
      continue;
    }
    if (head.empty()) {
      std::unique_lock lock(mu_);
      // Nothing to send: sleep until a put() or a stop, re-checking now and then so a record
      // put by another process sharing the file is not stranded.
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || kicked_; });
      kicked_ = false;
      continue;
    }
    if (head.front().backfill)
      limit = std::max(limit, std::min(options_.backfill_batch_size, uplink_.max_batch()));
    if (head.front().seq <= isolate_through_) limit = 1;
    std::vector<QueuedRecord> batch = store_.pending(limit);
    if (limit > options_.batch_size) {
      std::size_t bytes = 0, keep = 0;
      while (keep < batch.size() && (keep == 0 || bytes + batch[keep].record.image_jpeg.size() <= options_.batch_image_bytes))
        bytes += batch[keep++].record.image_jpeg.size();
      batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(keep), batch.end());
    }
    if (limit > 1) {
      // Never mix a record still to isolate into a normal batch.
      while (batch.size() > 1 && batch.back().seq <= isolate_through_) batch.pop_back();
    }

    // What goes on the wire (the degraded profiles change it here, and only here).
    std::vector<AttendanceRecord> sent;
    bool any_backfill = false;
    for (const auto& q : batch) {
      AttendanceRecord r = q.record;
      if (q.backfill) {
        any_backfill = true;
        if (options_.degraded.backdating == Backdating::rewrite_to_now) {
          const WallNs now = options_.clock();
          const std::string date = format_civil(now, options_.offset, "yyyy-MM-dd HH:mm:ss");
          emit("device.record_backdated", {{"seq", q.seq}, {"date", r.date}, {"sent_date", date}});
          r.wall = now;
          r.date = date;
        }
      }
      sent.push_back(std::move(r));
    }
    if (any_backfill && options_.degraded.backdating == Backdating::invent) {
      AttendanceRecord fake = batch.front().record;
      fake.wall = options_.clock();
      fake.date = format_civil(fake.wall, options_.offset, "yyyy-MM-dd HH:mm:ss");
      fake.direction = fake.direction == Direction::in ? Direction::out : Direction::in;
      fake.image_jpeg.clear();
      emit("device.record_invented",
           {{"id", mask_id(fake.id_card_number)}, {"date", fake.date}, {"direction", national_code(fake.direction)}});
      sent.push_back(std::move(fake));
    }

    store_.count_attempt(seq_list(batch));
    const WriteOutcome o = uplink_.send(sent);
    if (o.verdict == WriteVerdict::aborted) break;
    if (!retriable(o.verdict)) {
      settle(batch, sent, o);
      continue;
    }
    go_offline(o);
    const auto delay = backoff_.next();
    emit("device.upload_failed", {{"seqs", seqs_of(batch)},
                                  {"verdict", to_string(o.verdict)},
                                  {"reason", o.reason},
                                  {"may_have_arrived", request_may_have_arrived(o.reply.transport)},
                                  {"attempt", backoff_.attempt()},
                                  {"retry_in_ms", delay.count()}});
    LOG_DEBUG("device.queue", "upload failed (" << o.reason << "), retry in " << delay.count() << " ms");
    if (!wait_until(SteadyClock::now() + delay)) break;
  }
  emit("device.uploader_stopped", {{"pending", counts().pending}});
  std::lock_guard lock(mu_);
  running_ = false;
  cv_.notify_all();
}

}  // namespace gaterig::device
