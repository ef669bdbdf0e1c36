#include "simulator/device/queue_store.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace gaterig::device {
namespace {

// One prepared statement, finalized on every path.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::filesystem::path& file) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
      throw QueueStoreError(file.string() + ": preparing '" + sql.substr(0, 60) + "': " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(st_, i, v)); }
  Statement& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Statement& bind_blob(int i, const std::string& v) {
    return check(sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Statement& bind(int i, std::optional<double> v) {
    return check(v ? sqlite3_bind_double(st_, i, *v) : sqlite3_bind_null(st_, i));
  }
  // true while there is a row
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw QueueStoreError(file_.string() + ": " + sqlite3_errmsg(db_));
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::int64_t int64(int c) const { return sqlite3_column_int64(st_, c); }
  std::string text(int c) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, c))) : std::string();
  }
  std::optional<double> real(int c) const {
    if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(st_, c);
  }

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) throw QueueStoreError(file_.string() + ": bind: " + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  const std::filesystem::path& file_;
};

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id_card_number TEXT NOT NULL,
  wall_ns INTEGER NOT NULL,
  date TEXT NOT NULL,
  direction TEXT NOT NULL,
  image BLOB,
  channel TEXT NOT NULL DEFAULT '',
  attend_type TEXT NOT NULL DEFAULT '',
  lng REAL,
  lat REAL,
  state TEXT NOT NULL DEFAULT 'pending',
  backfill INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  uploaded_wall_ns INTEGER
);
CREATE INDEX IF NOT EXISTS records_state ON records(state, seq);
)sql";

}  // namespace

const char* to_string(RecordState s) {
  switch (s) {
    case RecordState::pending: return "pending";
    case RecordState::uploaded: return "uploaded";
    case RecordState::rejected: return "rejected";
    case RecordState::lost: return "lost";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, const QueueCounts& c) {
  return os << "QueueCounts(pending " << c.pending << ", uploaded " << c.uploaded << ", rejected "
            << c.rejected << ", lost " << c.lost << ")";
}

QueueStore::QueueStore(const std::filesystem::path& file) : file_(file) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw QueueStoreError(file.string() + ": cannot open the queue: " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(kSchema);
    refresh_counts();
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

QueueStore::~QueueStore() { sqlite3_close(db_); }

void QueueStore::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw QueueStoreError(file_.string() + ": " + msg);
  }
}

void QueueStore::refresh_counts() {
  counts_ = {};
  Statement s(db_, "SELECT state, COUNT(*) FROM records GROUP BY state", file_);
  while (s.step()) {
    const std::string st = s.text(0);
    const auto n = static_cast<std::size_t>(s.int64(1));
    if (st == "pending") counts_.pending = n;
    else if (st == "uploaded") counts_.uploaded = n;
    else if (st == "rejected") counts_.rejected = n;
    else if (st == "lost") counts_.lost = n;
  }
}

namespace {

const char* kInsert =
    "INSERT INTO records(id_card_number, wall_ns, date, direction, image, channel, attend_type, "
    "lng, lat, backfill) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";

void bind_record(Statement& s, const AttendanceRecord& r, bool backfill) {
  s.bind(1, r.id_card_number).bind(2, static_cast<std::int64_t>(r.wall)).bind(3, r.date);
  s.bind(4, std::string(national_code(r.direction)));
  if (!r.image_jpeg.empty()) s.bind_blob(5, r.image_jpeg);
  s.bind(6, r.channel).bind(7, r.attend_type).bind(8, r.lng).bind(9, r.lat);
  s.bind(10, static_cast<std::int64_t>(backfill ? 1 : 0));
}

}  // namespace

std::optional<std::int64_t> QueueStore::put(const AttendanceRecord& r, bool backfill, std::size_t capacity) {
  std::lock_guard lock(mu_);
  if (counts_.pending >= capacity) return std::nullopt;
  Statement s(db_, kInsert, file_);
  bind_record(s, r, backfill);
  s.step();  // autocommit: on disk (WAL, synchronous=FULL) when this returns
  ++counts_.pending;
  return sqlite3_last_insert_rowid(db_);
}

std::vector<std::int64_t> QueueStore::put_many(const std::vector<AttendanceRecord>& records, bool backfill,
                                               std::size_t capacity) {
  std::lock_guard lock(mu_);
  std::vector<std::int64_t> seqs;
  const std::size_t room = counts_.pending >= capacity ? 0 : capacity - counts_.pending;
  const std::size_t n = std::min(room, records.size());
  if (n == 0) return seqs;
  seqs.reserve(n);
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, kInsert, file_);
    for (std::size_t i = 0; i < n; ++i) {
      bind_record(s, records[i], backfill);
      s.step();
      seqs.push_back(sqlite3_last_insert_rowid(db_));
      s.reset();
    }
    exec("COMMIT");  // one fsync for the lot
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  counts_.pending += n;
  return seqs;
}

std::vector<QueuedRecord> QueueStore::select(const std::string& where, std::size_t limit) const {
  Statement s(db_,
              "SELECT seq, id_card_number, wall_ns, date, direction, image, channel, attend_type, lng, lat, "
              "backfill, attempts FROM records WHERE " + where + " ORDER BY seq LIMIT ?1",
              file_);
  s.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<QueuedRecord> out;
  while (s.step()) {
    QueuedRecord q;
    q.seq = s.int64(0);
    q.record.id_card_number = s.text(1);
    q.record.wall = s.int64(2);
    q.record.date = s.text(3);
    q.record.direction = s.text(4) == "02" ? Direction::out : Direction::in;
    q.record.image_jpeg = s.text(5);
    q.record.channel = s.text(6);
    q.record.attend_type = s.text(7);
    q.record.lng = s.real(8);
    q.record.lat = s.real(9);
    q.backfill = s.int64(10) != 0;
    q.attempts = static_cast<int>(s.int64(11));
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<QueuedRecord> QueueStore::pending(std::size_t limit) const {
  std::lock_guard lock(mu_);
  return select("state = 'pending'", limit);
}

std::vector<QueuedRecord> QueueStore::in_state(RecordState st, std::size_t limit) const {
  std::lock_guard lock(mu_);
  return select(std::string("state = '") + to_string(st) + "'", limit);
}

std::optional<std::string> QueueStore::reason(std::int64_t seq) const {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT reason FROM records WHERE seq = ?1", file_);
  s.bind(1, seq);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::vector<std::int64_t> QueueStore::set_state(const std::vector<std::int64_t>& seqs, RecordState st) {
  std::vector<std::int64_t> changed;
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, "UPDATE records SET state = ?2 WHERE seq = ?1 AND state = 'pending'", file_);
    for (auto seq : seqs) {
      s.bind(1, seq).bind(2, std::string(to_string(st)));
      s.step();
      if (sqlite3_changes(db_) > 0) changed.push_back(seq);
      s.reset();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  move_from_pending(changed.size(), st);
  return changed;
}

// The counts follow every change this connection makes (one process owns the file) instead of
// being re-counted: a GROUP BY over 100,000 rows after every upload batch made a backfill
// quadratic.
void QueueStore::move_from_pending(std::size_t n, RecordState to) {
  n = std::min(n, counts_.pending);
  counts_.pending -= n;
  switch (to) {
    case RecordState::pending: counts_.pending += n; break;
    case RecordState::uploaded: counts_.uploaded += n; break;
    case RecordState::rejected: counts_.rejected += n; break;
    case RecordState::lost: counts_.lost += n; break;
  }
}

void QueueStore::mark_uploaded(const std::vector<std::int64_t>& seqs, WallNs at) {
  std::lock_guard lock(mu_);
  std::size_t changed = 0;
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_,
                "UPDATE records SET state = 'uploaded', uploaded_wall_ns = ?2 WHERE seq = ?1 AND state = 'pending'",
                file_);
    for (auto seq : seqs) {
      s.bind(1, seq).bind(2, static_cast<std::int64_t>(at));
      s.step();
      changed += static_cast<std::size_t>(sqlite3_changes(db_));
      s.reset();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  move_from_pending(changed, RecordState::uploaded);
}

void QueueStore::mark_rejected(std::int64_t seq, const std::string& reason) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE records SET state = 'rejected', reason = ?2 WHERE seq = ?1 AND state = 'pending'", file_);
  s.bind(1, seq).bind(2, reason);
  s.step();
  move_from_pending(static_cast<std::size_t>(sqlite3_changes(db_)), RecordState::rejected);
}

std::vector<std::int64_t> QueueStore::mark_lost(const std::vector<std::int64_t>& seqs) {
  std::lock_guard lock(mu_);
  return set_state(seqs, RecordState::lost);
}

void QueueStore::mark_all_pending_backfill() {
  std::lock_guard lock(mu_);
  exec("UPDATE records SET backfill = 1 WHERE state = 'pending'");
}

void QueueStore::count_attempt(const std::vector<std::int64_t>& seqs) {
  std::lock_guard lock(mu_);
  // One transaction: autocommit cost one fsync per record (500 per backfill batch).
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, "UPDATE records SET attempts = attempts + 1 WHERE seq = ?1", file_);
    for (auto seq : seqs) {
      s.bind(1, seq);
      s.step();
      s.reset();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void QueueStore::prune_uploaded(std::size_t keep) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "DELETE FROM records WHERE state = 'uploaded' AND seq < (SELECT seq FROM records WHERE state = "
              "'uploaded' ORDER BY seq DESC LIMIT 1 OFFSET ?1)",
              file_);
  s.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(keep, INT64_MAX)));
  s.step();
  const auto gone = static_cast<std::size_t>(sqlite3_changes(db_));
  counts_.uploaded -= std::min(gone, counts_.uploaded);
}

QueueCounts QueueStore::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

}  // namespace gaterig::device
