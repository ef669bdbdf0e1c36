#include "simulator/platform/store.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "core/log.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/sqlite_db.hpp"

namespace gaterig::platform {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS teams(
  project_code TEXT NOT NULL, sys_no TEXT NOT NULL, name TEXT NOT NULL,
  corp_code TEXT NOT NULL DEFAULT '', corp_name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(project_code, sys_no));
CREATE TABLE IF NOT EXISTS workers(
  project_code TEXT NOT NULL, id_number TEXT NOT NULL, team_sys_no TEXT NOT NULL,
  id_card_type TEXT NOT NULL, name TEXT NOT NULL, head_image BLOB, work_type TEXT NOT NULL,
  team_leader INTEGER NOT NULL, extra_json TEXT NOT NULL, updated_wall INTEGER NOT NULL,
  PRIMARY KEY(project_code, id_number));
CREATE INDEX IF NOT EXISTS workers_in_project ON workers(project_code);
CREATE INDEX IF NOT EXISTS workers_in_team ON workers(project_code, team_sys_no);
CREATE TABLE IF NOT EXISTS attendance(
  id INTEGER PRIMARY KEY, project_code TEXT NOT NULL, team_sys_no TEXT NOT NULL,
  id_card_type TEXT NOT NULL, id_number TEXT NOT NULL, date TEXT NOT NULL,
  date_wall INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL,
  attend_type TEXT NOT NULL, lng REAL, lat REAL, image BLOB, image_bytes INTEGER NOT NULL,
  dialect TEXT NOT NULL, request_id TEXT NOT NULL, received_mono INTEGER NOT NULL,
  received_wall INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS attendance_once
  ON attendance(project_code, id_number, date_wall, direction);
CREATE INDEX IF NOT EXISTS attendance_by_date ON attendance(project_code, date);
CREATE TABLE IF NOT EXISTS entry_exit(
  id INTEGER PRIMARY KEY, project_code TEXT NOT NULL, team_sys_no TEXT NOT NULL,
  id_card_type TEXT NOT NULL, id_number TEXT NOT NULL, date TEXT NOT NULL, type TEXT NOT NULL,
  request_id TEXT NOT NULL, received_mono INTEGER NOT NULL, received_wall INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS entry_exit_once
  ON entry_exit(project_code, id_number, date, type);
CREATE TABLE IF NOT EXISTS duplicates(
  id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, project_code TEXT NOT NULL, id_masked TEXT NOT NULL,
  date TEXT NOT NULL, direction TEXT NOT NULL, request_id TEXT NOT NULL,
  original_id INTEGER NOT NULL, received_wall INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS findings(
  id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, dialect TEXT NOT NULL, method TEXT NOT NULL,
  field TEXT NOT NULL, rule TEXT NOT NULL, message TEXT NOT NULL, at_wall INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS findings_by_request ON findings(request_id);
CREATE TABLE IF NOT EXISTS nonces(
  appid TEXT NOT NULL, nonce TEXT NOT NULL, timestamp_wall INTEGER NOT NULL,
  received_wall INTEGER NOT NULL, PRIMARY KEY(appid, nonce)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_by_time ON nonces(received_wall);
CREATE TABLE IF NOT EXISTS async_results(
  serial TEXT PRIMARY KEY, appid TEXT NOT NULL, method TEXT NOT NULL, status INTEGER NOT NULL,
  result TEXT NOT NULL, created_wall INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS requests(
  id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, dialect TEXT NOT NULL, method TEXT NOT NULL,
  appid TEXT NOT NULL, peer TEXT NOT NULL, code INTEGER NOT NULL, message TEXT NOT NULL,
  http_status INTEGER NOT NULL, body_bytes INTEGER NOT NULL, received_mono INTEGER NOT NULL,
  received_wall INTEGER NOT NULL, latency_us INTEGER NOT NULL);
)sql";

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Fixed column lists, so readers and writers agree on the order.
constexpr const char* kAttendanceCols =
    "id, project_code, team_sys_no, id_card_type, id_number, date, date_wall, direction, channel, "
    "attend_type, lng, lat, image_bytes, dialect, request_id, received_mono, received_wall";

AttendanceRecord read_attendance(const Statement& s, bool with_image) {
  AttendanceRecord r;
  r.id = s.int64(0);
  r.project_code = s.text(1);
  r.team_sys_no = s.text(2);
  r.id_card_type = s.text(3);
  r.id_number = s.text(4);
  r.date = s.text(5);
  r.date_wall = s.int64(6);
  r.direction = s.text(7);
  r.channel = s.text(8);
  r.attend_type = s.text(9);
  r.lng = s.opt_real(10);
  r.lat = s.opt_real(11);
  r.image_bytes = s.int64(12);
  r.dialect = s.text(13);
  r.request_id = s.text(14);
  r.received_mono = s.int64(15);
  r.received_wall = s.int64(16);
  if (with_image) r.image = s.text(17);
  return r;
}

constexpr const char* kEntryExitCols =
    "id, project_code, team_sys_no, id_card_type, id_number, date, type, request_id, "
    "received_mono, received_wall";

EntryExitRecord read_entry_exit(const Statement& s) {
  EntryExitRecord r;
  r.id = s.int64(0);
  r.project_code = s.text(1);
  r.team_sys_no = s.text(2);
  r.id_card_type = s.text(3);
  r.id_number = s.text(4);
  r.date = s.text(5);
  r.type = s.text(6);
  r.request_id = s.text(7);
  r.received_mono = s.int64(8);
  r.received_wall = s.int64(9);
  return r;
}

constexpr const char* kWorkerCols =
    "project_code, id_number, team_sys_no, id_card_type, name, head_image, work_type, team_leader, "
    "extra_json, updated_wall";

Worker read_worker(const Statement& s) {
  Worker w;
  w.project_code = s.text(0);
  w.id_number = s.text(1);
  w.team_sys_no = s.text(2);
  w.id_card_type = s.text(3);
  w.name = s.text(4);
  w.head_image = s.text(5);
  w.work_type = s.text(6);
  w.team_leader = s.int64(7) != 0;
  w.extra_json = s.text(8);
  w.updated_wall = s.int64(9);
  return w;
}

Finding read_finding(const Statement& s) {
  Finding f;
  f.id = s.int64(0);
  f.request_id = s.text(1);
  f.dialect = s.text(2);
  f.method = s.text(3);
  f.field = s.text(4);
  f.rule = s.text(5);
  f.message = s.text(6);
  f.at_wall = s.int64(7);
  return f;
}

std::int64_t clamp_limit(std::size_t limit) {
  return limit > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(limit);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// WriteTxn

struct WriteTxn::Statements {
  explicit Statements(Db& db)
      : add_attendance(db.prepare(
            "INSERT OR IGNORE INTO attendance(project_code, team_sys_no, id_card_type, id_number, "
            "date, date_wall, direction, channel, attend_type, lng, lat, image, image_bytes, "
            "dialect, request_id, received_mono, received_wall) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)")),
        find_attendance(db.prepare(
            "SELECT id FROM attendance WHERE project_code=?1 AND id_number=?2 AND date_wall=?3 "
            "AND direction=?4")),
        add_entry_exit(db.prepare(
            "INSERT OR IGNORE INTO entry_exit(project_code, team_sys_no, id_card_type, id_number, "
            "date, type, request_id, received_mono, received_wall) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)")),
        find_entry_exit(db.prepare(
            "SELECT id FROM entry_exit WHERE project_code=?1 AND id_number=?2 AND date=?3 AND type=?4")),
        add_duplicate(db.prepare(
            "INSERT INTO duplicates(tbl, project_code, id_masked, date, direction, request_id, "
            "original_id, received_wall) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)")),
        team_exists(db.prepare("SELECT 1 FROM teams WHERE project_code=?1 AND sys_no=?2")),
        team_by_name(db.prepare(
            "SELECT sys_no, name, corp_code, corp_name FROM teams WHERE project_code=?1 AND name=?2")),
        next_team(db.prepare(
            "SELECT COALESCE(MAX(CAST(sys_no AS INTEGER)), 0) FROM teams")),
        add_team(db.prepare(
            "INSERT OR IGNORE INTO teams(project_code, sys_no, name, corp_code, corp_name) VALUES(?1,?2,?3,?4,?5)")),
        worker(db.prepare(std::string("SELECT ") + kWorkerCols +
                          " FROM workers WHERE project_code=?1 AND id_number=?2")),
        add_worker(db.prepare(std::string("INSERT OR IGNORE INTO workers(") + kWorkerCols +
                              ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")),
        replace_worker(db.prepare(std::string("INSERT OR REPLACE INTO workers(") + kWorkerCols +
                                  ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")),
        add_finding(db.prepare(
            "INSERT INTO findings(request_id, dialect, method, field, rule, message, at_wall) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7)")),
        add_nonce(db.prepare(
            "INSERT OR IGNORE INTO nonces(appid, nonce, timestamp_wall, received_wall) VALUES(?1,?2,?3,?4)")),
        put_async(db.prepare(
            "INSERT OR REPLACE INTO async_results(serial, appid, method, status, result, created_wall) "
            "VALUES(?1,?2,?3,?4,?5,?6)")),
        log_request(db.prepare(
            "INSERT INTO requests(request_id, dialect, method, appid, peer, code, message, "
            "http_status, body_bytes, received_mono, received_wall, latency_us) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")) {}
  Statement add_attendance, find_attendance, add_entry_exit, find_entry_exit, add_duplicate,
      team_exists, team_by_name, next_team, add_team, worker, add_worker, replace_worker,
      add_finding, add_nonce, put_async, log_request;
};

WriteTxn::WriteTxn(Db& db) : db_(db), st_(std::make_unique<Statements>(db)) {}
WriteTxn::~WriteTxn() = default;

WriteTxn::Inserted WriteTxn::add_attendance(const AttendanceRecord& r) {
  auto& s = st_->add_attendance;
  s.reset();
  s.bind(1, r.project_code).bind(2, r.team_sys_no).bind(3, r.id_card_type).bind(4, r.id_number)
      .bind(5, r.date).bind(6, r.date_wall).bind(7, r.direction).bind(8, r.channel)
      .bind(9, r.attend_type).bind(10, r.lng).bind(11, r.lat);
  if (r.image.empty()) s.bind_null(12); else s.bind_blob(12, r.image);
  s.bind(13, r.image_bytes).bind(14, r.dialect).bind(15, r.request_id).bind(16, r.received_mono)
      .bind(17, r.received_wall);
  s.run();
  if (db_.changes() == 1) return {db_.last_insert_id(), false};
  auto& f = st_->find_attendance;
  f.reset();
  f.bind(1, r.project_code).bind(2, r.id_number).bind(3, r.date_wall).bind(4, r.direction);
  const std::int64_t original = f.step() ? f.int64(0) : 0;
  f.reset();
  auto& d = st_->add_duplicate;
  d.reset();
  d.bind(1, "attendance").bind(2, r.project_code).bind(3, mask_id(r.id_number)).bind(4, r.date)
      .bind(5, r.direction).bind(6, r.request_id).bind(7, original).bind(8, r.received_wall);
  d.run();
  return {original, true};
}

WriteTxn::Inserted WriteTxn::add_entry_exit(const EntryExitRecord& r) {
  auto& s = st_->add_entry_exit;
  s.reset();
  s.bind(1, r.project_code).bind(2, r.team_sys_no).bind(3, r.id_card_type).bind(4, r.id_number)
      .bind(5, r.date).bind(6, r.type).bind(7, r.request_id).bind(8, r.received_mono)
      .bind(9, r.received_wall);
  s.run();
  if (db_.changes() == 1) return {db_.last_insert_id(), false};
  auto& f = st_->find_entry_exit;
  f.reset();
  f.bind(1, r.project_code).bind(2, r.id_number).bind(3, r.date).bind(4, r.type);
  const std::int64_t original = f.step() ? f.int64(0) : 0;
  f.reset();
  auto& d = st_->add_duplicate;
  d.reset();
  d.bind(1, "entry_exit").bind(2, r.project_code).bind(3, mask_id(r.id_number)).bind(4, r.date)
      .bind(5, r.type).bind(6, r.request_id).bind(7, original).bind(8, r.received_wall);
  d.run();
  return {original, true};
}

bool WriteTxn::team_exists(const std::string& project, const std::string& sys_no) {
  auto& s = st_->team_exists;
  s.reset();
  s.bind(1, project).bind(2, sys_no);
  const bool found = s.step();
  s.reset();
  return found;
}

std::optional<Team> WriteTxn::team_by_name(const std::string& project, const std::string& name) {
  auto& s = st_->team_by_name;
  s.reset();
  s.bind(1, project).bind(2, name);
  std::optional<Team> t;
  if (s.step()) t = Team{project, s.text(0), s.text(1), s.text(2), s.text(3)};
  s.reset();
  return t;
}

std::string WriteTxn::add_team(Team t) {
  if (t.sys_no.empty()) {
    auto& n = st_->next_team;
    n.reset();
    std::int64_t next = n.step() ? n.int64(0) + 1 : 1;
    n.reset();
    if (next < 1'000'000'000) next = 1'000'000'000 + next;  // 10-digit numbers, as the platform gives
    t.sys_no = std::to_string(next);
  }
  auto& s = st_->add_team;
  s.reset();
  s.bind(1, t.project_code).bind(2, t.sys_no).bind(3, t.name).bind(4, t.corp_code).bind(5, t.corp_name);
  s.run();
  return t.sys_no;
}

std::optional<Worker> WriteTxn::worker(const std::string& project, const std::string& id_number) {
  auto& s = st_->worker;
  s.reset();
  s.bind(1, project).bind(2, id_number);
  std::optional<Worker> w;
  if (s.step()) w = read_worker(s);
  s.reset();
  return w;
}

namespace {
void bind_worker(Statement& s, const Worker& w) {
  s.reset();
  s.bind(1, w.project_code).bind(2, w.id_number).bind(3, w.team_sys_no).bind(4, w.id_card_type)
      .bind(5, w.name);
  if (w.head_image.empty()) s.bind_null(6); else s.bind_blob(6, w.head_image);
  s.bind(7, w.work_type).bind(8, w.team_leader ? 1 : 0).bind(9, w.extra_json).bind(10, w.updated_wall);
}
}  // namespace

bool WriteTxn::add_worker(const Worker& w) {
  bind_worker(st_->add_worker, w);
  st_->add_worker.run();
  return db_.changes() == 1;
}

void WriteTxn::replace_worker(const Worker& w) {
  bind_worker(st_->replace_worker, w);
  st_->replace_worker.run();
}

void WriteTxn::add_finding(const Finding& f) {
  auto& s = st_->add_finding;
  s.reset();
  s.bind(1, f.request_id).bind(2, f.dialect).bind(3, f.method).bind(4, f.field).bind(5, f.rule)
      .bind(6, f.message).bind(7, f.at_wall);
  s.run();
}

void WriteTxn::add_nonce(const std::string& appid, const std::string& nonce, WallNs timestamp,
                         WallNs received) {
  auto& s = st_->add_nonce;
  s.reset();
  s.bind(1, appid).bind(2, nonce).bind(3, timestamp).bind(4, received);
  s.run();
}

void WriteTxn::put_async_result(const AsyncResult& a) {
  auto& s = st_->put_async;
  s.reset();
  s.bind(1, a.serial).bind(2, a.appid).bind(3, a.method).bind(4, a.status).bind(5, a.result)
      .bind(6, a.created_wall);
  s.run();
}

void WriteTxn::log_request(const RequestLogEntry& e) {
  auto& s = st_->log_request;
  s.reset();
  s.bind(1, e.request_id).bind(2, e.dialect).bind(3, e.method).bind(4, e.appid).bind(5, e.peer)
      .bind(6, e.code).bind(7, e.message).bind(8, e.http_status).bind(9, e.body_bytes)
      .bind(10, e.received_mono).bind(11, e.received_wall).bind(12, e.latency_us);
  s.run();
}

// ---------------------------------------------------------------------------------------------
// Store: opening

struct Store::Job {
  enum class State { queued, running, ran, done };
  const std::function<void(WriteTxn&)>* work = nullptr;
  std::function<void(WriteTxn&)> owned;  // write_later: nobody waits, the job owns its work
  std::uint64_t seq = 0;
  State state = State::queued;
  bool cancelled = false;
  std::exception_ptr error;
};

void Store::check_file() const {
  const auto& path = options_.path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;  // created on open
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw StoreError("store " + path.string() + ": cannot read its size: " + ec.message());
  if (size == 0) return;  // created but never written: SQLite treats it as a new database
  const std::string where = "store " + path.string() + ": ";
  if (size < 100)
    throw StoreError(where + "truncated: " + std::to_string(size) +
                     " bytes, shorter than an SQLite header (100 bytes)");
  unsigned char header[100];
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(header), sizeof header))
    throw StoreError(where + "cannot read its header");
  if (std::string_view(reinterpret_cast<const char*>(header), 16) != std::string_view("SQLite format 3\0", 16))
    throw StoreError(where + "not an SQLite database (bad header): damaged, or some other file");
  std::uint32_t page_size = (std::uint32_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0)
    throw StoreError(where + "damaged header: page size " + std::to_string(page_size));
  // With a non-empty WAL beside it the main file may legitimately lag; recovery will replay it.
  const auto wal = std::filesystem::path(path.string() + "-wal");
  const bool wal_pending = std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0;
  const std::uint32_t pages = be32(header + 28);
  const bool pages_valid = be32(header + 24) == be32(header + 92) && pages > 0;
  if (!wal_pending && (size % page_size != 0 ||
                       (pages_valid && size < std::uint64_t{pages} * page_size)))
    throw StoreError(where + "truncated: the header says " + std::to_string(pages) + " pages of " +
                     std::to_string(page_size) + " bytes, the file has " + std::to_string(size) +
                     " bytes (half-written?)");
}

Store::Store(StoreOptions options) : options_(std::move(options)) {
  check_file();
  write_db_ = std::make_unique<Db>(options_.path, true);
  Db& db = *write_db_;
  // A new store gets 16 KiB pages: a 20 KB attendance image then spans 2 pages, not 6 (each
  // a WAL frame and a checkpoint write of its own). No effect on an existing store.
  db.exec("PRAGMA page_size=16384");
  {
    auto mode = db.prepare("PRAGMA journal_mode=WAL");
    const std::string m = mode.step() ? mode.text(0) : "";
    if (m != "wal")
      throw StoreError("store " + options_.path.string() + ": cannot switch to WAL mode (got '" + m + "')");
  }
  db.exec(options_.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
  // Fewer, larger checkpoints: attendance images make the WAL grow fast.
  db.exec("PRAGMA wal_autocheckpoint=4096");
  db.exec("PRAGMA foreign_keys=OFF");
  {
    auto v = db.prepare("PRAGMA user_version");
    const std::int64_t version = v.step() ? v.int64(0) : 0;
    v.reset();
    if (version > kSchemaVersion)
      throw StoreError("store " + options_.path.string() + ": schema version " + std::to_string(version) +
                       " is newer than this gaterig understands (" + std::to_string(kSchemaVersion) + ")");
  }
  // Integrity of what is there before we add to it; skipped on very large stores, where the
  // header checks above and SQLite's own checks on every page read remain.
  std::error_code ec;
  const auto size = std::filesystem::file_size(options_.path, ec);
  if (!ec && size < (256u << 20)) {
    auto check = db.prepare("PRAGMA quick_check(1)");
    const std::string result = check.step() ? check.text(0) : "no answer";
    check.reset();
    if (result != "ok")
      throw StoreError("store " + options_.path.string() + ": damaged (integrity check: " + result + ")");
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(kSchema);
    db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    db.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  read_db_ = std::make_unique<Db>(options_.path, false);
  writer_ = std::thread([this] { writer_loop(); });
  LOG_INFO("platform.store", "opened " << options_.path.string()
                                       << (options_.durable ? " (durable)" : " (NOT durable)"));
}

Store::~Store() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::uint64_t Store::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

// ---------------------------------------------------------------------------------------------
// Store: group commit

void Store::write(const std::function<void(WriteTxn&)>& work) {
  auto job = std::make_shared<Job>();
  job->work = &work;
  const auto deadline = std::chrono::steady_clock::now() + options_.write_timeout;
  std::unique_lock lock(mu_);
  if (stopping_) throw StoreError("store " + options_.path.string() + ": closing, write refused");
  job->seq = ++queued_seq_;
  queue_.push_back(job);
  queue_cv_.notify_one();
  if (!done_cv_.wait_until(lock, deadline, [&] { return job->state == Job::State::done; })) {
    if (job->state == Job::State::queued) {
      job->cancelled = true;  // the writer will skip it: nothing of it reaches the disk
      throw StoreError("store " + options_.path.string() + ": write not started within " +
                       std::to_string(options_.write_timeout.count()) + " ms (nothing written)");
    }
    // `work` is borrowed from our caller: wait until the writer is done with it.
    done_cv_.wait(lock, [&] { return job->state != Job::State::running; });
    if (job->state != Job::State::done)
      throw StoreError("store " + options_.path.string() + ": commit not confirmed within " +
                       std::to_string(options_.write_timeout.count()) + " ms (it may still land)");
  }
  if (job->error) std::rethrow_exception(job->error);
}

void Store::write_later(std::function<void(WriteTxn&)> work) {
  auto job = std::make_shared<Job>();
  job->owned = std::move(work);
  job->work = &job->owned;
  std::lock_guard lock(mu_);
  if (stopping_) throw StoreError("store " + options_.path.string() + ": closing, write refused");
  job->seq = ++queued_seq_;
  queue_.push_back(std::move(job));
  queue_cv_.notify_one();
}

void Store::flush() const {
  std::unique_lock lock(mu_);
  const std::uint64_t target = queued_seq_;
  if (!done_cv_.wait_for(lock, options_.write_timeout, [&] { return done_seq_ >= target; }))
    throw StoreError("store " + options_.path.string() + ": queued writes not committed within " +
                     std::to_string(options_.write_timeout.count()) + " ms");
}

void Store::writer_loop() {
  Db& db = *write_db_;
  WriteTxn txn(db);
  auto savepoint = [&](const char* sql) { db.exec(sql); };
  for (;;) {
    std::vector<std::shared_ptr<Job>> batch;
    std::uint64_t batch_seq = 0;
    {
      std::unique_lock lock(mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      for (auto& j : queue_) {
        batch_seq = std::max(batch_seq, j->seq);
        if (!j->cancelled) {
          j->state = Job::State::running;
          batch.push_back(std::move(j));
        }
      }
      queue_.clear();
      if (batch.empty()) {
        done_seq_ = batch_seq;
        done_cv_.notify_all();
      }
    }
    if (batch.empty()) continue;
    std::exception_ptr commit_error;
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (...) {
      commit_error = std::current_exception();
    }
    for (auto& j : batch) {
      if (!commit_error) {
        try {
          savepoint("SAVEPOINT job");
          (*j->work)(txn);
          savepoint("RELEASE job");
        } catch (...) {
          j->error = std::current_exception();
          if (j->owned) {  // nobody waits for it: say so here
            try {
              std::rethrow_exception(j->error);
            } catch (const std::exception& e) {
              LOG_ERROR("platform.store", "queued write failed: " << e.what());
            } catch (...) {
            }
          }
          try {
            savepoint("ROLLBACK TO job");
            savepoint("RELEASE job");
          } catch (...) {
            commit_error = std::current_exception();
          }
        }
      }
      std::lock_guard lock(mu_);
      j->state = Job::State::ran;
    }
    done_cv_.notify_all();
    if (!commit_error) {
      try {
        db.exec("COMMIT");
      } catch (...) {
        commit_error = std::current_exception();
      }
    }
    if (commit_error) {
      sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      std::string what = "commit failed";
      try {
        std::rethrow_exception(commit_error);
      } catch (const std::exception& e) {
        what = e.what();
      }
      LOG_ERROR("platform.store", what);
    }
    {
      std::lock_guard lock(mu_);
      for (auto& j : batch) {
        if (commit_error) j->error = commit_error;
        j->state = Job::State::done;
      }
      done_seq_ = batch_seq;
      if (!commit_error) ++commits_;
    }
    done_cv_.notify_all();
  }
}

// ---------------------------------------------------------------------------------------------
// Store: queries

std::vector<AttendanceRecord> Store::attendance(std::int64_t after_id, std::size_t limit,
                                                bool with_images) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(std::string("SELECT ") + kAttendanceCols +
                             (with_images ? ", image" : "") +
                             " FROM attendance WHERE id > ?1 ORDER BY id LIMIT ?2");
  s.bind(1, after_id).bind(2, clamp_limit(limit));
  std::vector<AttendanceRecord> out;
  while (s.step()) out.push_back(read_attendance(s, with_images));
  return out;
}

PageOf<AttendanceRecord> Store::attendance_page(const std::string& project, const std::string& team,
                                                const std::string& day, Page page) const {
  std::lock_guard lock(read_mu_);
  const std::string where =
      " FROM attendance WHERE project_code=?1 AND (?2='' OR team_sys_no=?2) AND "
      "(?3='' OR substr(date,1,10)=?3)";
  PageOf<AttendanceRecord> out;
  auto c = read_db_->prepare("SELECT COUNT(*)" + where);
  c.bind(1, project).bind(2, team).bind(3, day);
  if (c.step()) out.total = c.int64(0);
  auto s = read_db_->prepare(std::string("SELECT ") + kAttendanceCols + where +
                             " ORDER BY id LIMIT ?4 OFFSET ?5");
  s.bind(1, project).bind(2, team).bind(3, day).bind(4, page.limit).bind(5, page.offset);
  while (s.step()) out.rows.push_back(read_attendance(s, false));
  return out;
}

std::vector<EntryExitRecord> Store::entry_exit(std::int64_t after_id, std::size_t limit) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(std::string("SELECT ") + kEntryExitCols +
                             " FROM entry_exit WHERE id > ?1 ORDER BY id LIMIT ?2");
  s.bind(1, after_id).bind(2, clamp_limit(limit));
  std::vector<EntryExitRecord> out;
  while (s.step()) out.push_back(read_entry_exit(s));
  return out;
}

PageOf<EntryExitRecord> Store::entry_exit_page(const std::string& project, const std::string& team,
                                               Page page) const {
  std::lock_guard lock(read_mu_);
  const std::string where = " FROM entry_exit WHERE project_code=?1 AND (?2='' OR team_sys_no=?2)";
  PageOf<EntryExitRecord> out;
  auto c = read_db_->prepare("SELECT COUNT(*)" + where);
  c.bind(1, project).bind(2, team);
  if (c.step()) out.total = c.int64(0);
  auto s = read_db_->prepare(std::string("SELECT ") + kEntryExitCols + where +
                             " ORDER BY id LIMIT ?3 OFFSET ?4");
  s.bind(1, project).bind(2, team).bind(3, page.limit).bind(4, page.offset);
  while (s.step()) out.rows.push_back(read_entry_exit(s));
  return out;
}

PageOf<Worker> Store::workers(const std::string& project, const std::string& team,
                              const std::string& id_number, Page page) const {
  std::lock_guard lock(read_mu_);
  // Only the filters asked for, so SQLite walks workers_in_project / workers_in_team (rowid
  // order within the project or team) instead of sorting every matching row, photos included,
  // for each page: that made a 10,000-worker listing cost seconds and grow quadratically.
  std::string where = " FROM workers WHERE project_code=?1";
  if (!team.empty()) where += " AND team_sys_no=?2";
  if (!id_number.empty()) where += " AND id_number=?3";
  const auto bind = [&](Statement& st) {
    st.bind(1, project);
    if (!team.empty()) st.bind(2, team);
    if (!id_number.empty()) st.bind(3, id_number);
  };
  PageOf<Worker> out;
  auto c = read_db_->prepare("SELECT COUNT(*)" + where);
  bind(c);
  if (c.step()) out.total = c.int64(0);
  auto s = read_db_->prepare(std::string("SELECT ") + kWorkerCols + where +
                             " ORDER BY rowid LIMIT ?4 OFFSET ?5");
  bind(s);
  s.bind(4, page.limit).bind(5, page.offset);
  while (s.step()) out.rows.push_back(read_worker(s));
  return out;
}

std::optional<Worker> Store::worker(const std::string& project, const std::string& id_number) const {
  auto page = workers(project, "", id_number, Page{0, 1});
  if (page.rows.empty()) return std::nullopt;
  return page.rows.front();
}

PageOf<Team> Store::teams(const std::string& project, Page page) const {
  std::lock_guard lock(read_mu_);
  PageOf<Team> out;
  auto c = read_db_->prepare("SELECT COUNT(*) FROM teams WHERE project_code=?1");
  c.bind(1, project);
  if (c.step()) out.total = c.int64(0);
  auto s = read_db_->prepare(
      "SELECT sys_no, name, corp_code, corp_name FROM teams WHERE project_code=?1 "
      "ORDER BY sys_no LIMIT ?2 OFFSET ?3");
  s.bind(1, project).bind(2, page.limit).bind(3, page.offset);
  while (s.step()) out.rows.push_back(Team{project, s.text(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

std::vector<Finding> Store::findings(std::int64_t after_id, std::size_t limit) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT id, request_id, dialect, method, field, rule, message, at_wall FROM findings "
      "WHERE id > ?1 ORDER BY id LIMIT ?2");
  s.bind(1, after_id).bind(2, clamp_limit(limit));
  std::vector<Finding> out;
  while (s.step()) out.push_back(read_finding(s));
  return out;
}

std::vector<Finding> Store::findings_for(const std::string& request_id) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT id, request_id, dialect, method, field, rule, message, at_wall FROM findings "
      "WHERE request_id = ?1 ORDER BY id");
  s.bind(1, request_id);
  std::vector<Finding> out;
  while (s.step()) out.push_back(read_finding(s));
  return out;
}

std::vector<DuplicateRecord> Store::duplicates(std::int64_t after_id, std::size_t limit) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT id, tbl, project_code, id_masked, date, direction, request_id, original_id, "
      "received_wall FROM duplicates WHERE id > ?1 ORDER BY id LIMIT ?2");
  s.bind(1, after_id).bind(2, clamp_limit(limit));
  std::vector<DuplicateRecord> out;
  while (s.step())
    out.push_back(DuplicateRecord{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
                                  s.text(6), s.int64(7), s.int64(8)});
  return out;
}

std::vector<RequestLogEntry> Store::requests(std::int64_t after_id, std::size_t limit) const {
  flush();  // queries log through write_later
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT request_id, dialect, method, appid, peer, code, message, http_status, body_bytes, "
      "received_mono, received_wall, latency_us FROM requests WHERE id > ?1 ORDER BY id LIMIT ?2");
  s.bind(1, after_id).bind(2, clamp_limit(limit));
  std::vector<RequestLogEntry> out;
  while (s.step()) {
    RequestLogEntry e;
    e.request_id = s.text(0);
    e.dialect = s.text(1);
    e.method = s.text(2);
    e.appid = s.text(3);
    e.peer = s.text(4);
    e.code = static_cast<int>(s.int64(5));
    e.message = s.text(6);
    e.http_status = static_cast<int>(s.int64(7));
    e.body_bytes = s.int64(8);
    e.received_mono = s.int64(9);
    e.received_wall = s.int64(10);
    e.latency_us = s.int64(11);
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<AsyncResult> Store::async_result(const std::string& serial) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT serial, appid, method, status, result, created_wall FROM async_results WHERE serial=?1");
  s.bind(1, serial);
  if (!s.step()) return std::nullopt;
  return AsyncResult{s.text(0), s.text(1), s.text(2), static_cast<int>(s.int64(3)), s.text(4), s.int64(5)};
}

std::vector<Store::NonceSeen> Store::nonces_since(WallNs since) const {
  std::lock_guard lock(read_mu_);
  auto s = read_db_->prepare(
      "SELECT appid, nonce, timestamp_wall FROM nonces WHERE received_wall >= ?1");
  s.bind(1, since);
  std::vector<NonceSeen> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.int64(2)});
  return out;
}

Json Store::stats() const {
  flush();  // the request counts include queries logged through write_later
  std::lock_guard lock(read_mu_);
  auto count = [&](const char* table) {
    auto s = read_db_->prepare(std::string("SELECT COUNT(*) FROM ") + table);
    return s.step() ? s.int64(0) : 0;
  };
  Json j{{"attendance", count("attendance")}, {"entry_exit", count("entry_exit")},
         {"workers", count("workers")},       {"teams", count("teams")},
         {"duplicates", count("duplicates")}, {"findings", count("findings")},
         {"requests", count("requests")}};
  Json by_rule = Json::object();
  auto r = read_db_->prepare("SELECT rule, COUNT(*) FROM findings GROUP BY rule ORDER BY rule");
  while (r.step()) by_rule[r.text(0)] = r.int64(1);
  j["findings_by_rule"] = by_rule;
  Json by_code = Json::object();
  auto c = read_db_->prepare("SELECT code, COUNT(*) FROM requests GROUP BY code ORDER BY code");
  while (c.step()) by_code[std::to_string(c.int64(0))] = c.int64(1);
  j["requests_by_code"] = by_code;
  return j;
}

}  // namespace gaterig::platform
