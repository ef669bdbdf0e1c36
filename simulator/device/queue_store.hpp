#pragma once
// The terminal's offline storage: one SQLite file (WAL, synchronous=FULL) holding every
// attendance record the terminal decided, in order, with its state. A record is on disk before
// put() returns, so neither a crash nor a power cut loses a pass the terminal reported.
//
// States: pending (not yet confirmed by the platform), uploaded (async status 20), rejected
// (the platform said it will never take it; with the reason), lost (dropped by the degraded
// `lossy_offline` profile — a conforming terminal never produces it).
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "simulator/device/attendance_record.hpp"

struct sqlite3;

namespace gaterig::device {

enum class RecordState { pending, uploaded, rejected, lost };
const char* to_string(RecordState s);

struct QueueCounts {
  std::size_t pending = 0, uploaded = 0, rejected = 0, lost = 0;
};
std::ostream& operator<<(std::ostream& os, const QueueCounts& c);

class QueueStoreError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class QueueStore {
 public:
  // Opens or creates the file; throws QueueStoreError naming the file and the SQLite message.
  explicit QueueStore(const std::filesystem::path& file);
  ~QueueStore();
  QueueStore(const QueueStore&) = delete;
  QueueStore& operator=(const QueueStore&) = delete;

  // Durably appends a pending record; nullopt (nothing stored) when `capacity` records are
  // already pending.
  std::optional<std::int64_t> put(const AttendanceRecord& r, bool backfill, std::size_t capacity);
  // Appends records in order in one transaction while fewer than `capacity` are pending; returns
  // the sequence numbers of those stored (a prefix of `records`).
  std::vector<std::int64_t> put_many(const std::vector<AttendanceRecord>& records, bool backfill,
                                     std::size_t capacity);

  // The oldest pending records, in order.
  std::vector<QueuedRecord> pending(std::size_t limit) const;
  std::vector<QueuedRecord> in_state(RecordState s, std::size_t limit = SIZE_MAX) const;
  std::optional<std::string> reason(std::int64_t seq) const;

  void mark_uploaded(const std::vector<std::int64_t>& seqs, WallNs at);
  void mark_rejected(std::int64_t seq, const std::string& reason);
  // Returns the records that were pending and are now lost.
  std::vector<std::int64_t> mark_lost(const std::vector<std::int64_t>& seqs);
  void mark_all_pending_backfill();
  void count_attempt(const std::vector<std::int64_t>& seqs);
  // Forgets uploaded records beyond the newest `keep` (the queue is not an archive).
  void prune_uploaded(std::size_t keep);

  QueueCounts counts() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  void exec(const char* sql) const;
  std::vector<std::int64_t> set_state(const std::vector<std::int64_t>& seqs, RecordState s);
  std::vector<QueuedRecord> select(const std::string& where, std::size_t limit) const;
  void refresh_counts();  // on open only; later changes go through move_from_pending
  void move_from_pending(std::size_t n, RecordState to);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  QueueCounts counts_;
};

}  // namespace gaterig::device
