#pragma once
// The platform's durable memory (SQLite, WAL, synchronous=FULL).
//
// Writes go through group commit: every caller hands its work to one writer thread, which runs
// all work that queued up meanwhile in a single transaction (each piece inside its own
// SAVEPOINT, so one failing request does not undo another) and commits once. write() returns only
// after that COMMIT is on disk, so a reply sent after write() never acknowledges a record a
// kill -9 could lose. Queries run on a separate read connection and never wait for the writer.
//
// A record repeating (project, ID number, date, direction) is not stored again: the unique index
// refuses it, and a row in `duplicates` counts it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "simulator/platform/records.hpp"
#include "simulator/platform/store_error.hpp"

namespace gaterig::platform {

class Db;

struct StoreOptions {
  std::filesystem::path path;
  bool durable = true;  // synchronous=FULL; false = synchronous=OFF (fuzzing, throw-away stores)
  std::chrono::milliseconds write_timeout{10'000};
};

// A page of a paged query (the dialects' pageIndex/pageSize).
struct Page {
  std::int64_t offset = 0;
  std::int64_t limit = 50;
};

template <typename T>
struct PageOf {
  std::vector<T> rows;
  std::int64_t total = 0;  // rows matching, over all pages
};

// The operations a request may perform inside a group-commit transaction. Only valid inside the
// callback given to Store::write, on the writer thread; keep the callback short (no crypto, no
// decoding: do that before calling write).
class WriteTxn {
 public:
  struct Inserted {
    std::int64_t id = 0;     // the new row, or the row it duplicates
    bool duplicate = false;  // not stored: the same record is already there
  };
  Inserted add_attendance(const AttendanceRecord& r);
  Inserted add_entry_exit(const EntryExitRecord& r);

  bool team_exists(const std::string& project, const std::string& sys_no);
  std::optional<Team> team_by_name(const std::string& project, const std::string& name);
  // Stores the team, giving it the next free sys_no when it has none; returns the sys_no.
  std::string add_team(Team t);

  std::optional<Worker> worker(const std::string& project, const std::string& id_number);
  bool add_worker(const Worker& w);  // false (nothing stored) when already in the project
  void replace_worker(const Worker& w);

  void add_finding(const Finding& f);
  void add_nonce(const std::string& appid, const std::string& nonce, WallNs timestamp, WallNs received);
  void put_async_result(const AsyncResult& a);
  void log_request(const RequestLogEntry& e);

 private:
  friend class Store;
  struct Statements;
  explicit WriteTxn(Db& db);
  ~WriteTxn();
  Db& db_;
  std::unique_ptr<Statements> st_;
};

class Store {
 public:
  // Opens or creates the store. A file that is not an SQLite database, is truncated or fails the
  // integrity check gives a StoreError naming the file and what is wrong with it.
  explicit Store(StoreOptions options);
  ~Store();  // finishes queued writes, then stops the writer thread
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs `work` in the next group commit and returns once it is durable. If `work` throws, its
  // changes are rolled back and the exception comes out here. StoreError when the commit fails or
  // is not confirmed within write_timeout (the work may then still be committed later).
  void write(const std::function<void(WriteTxn&)>& work);
  // Runs `work` in the next group commit WITHOUT waiting for it: for what a reply does not
  // acknowledge (the log entry and nonce of a query). A kill -9 within a few milliseconds of the
  // call may lose it; a clean shutdown (the destructor) commits it. Failures are logged.
  void write_later(std::function<void(WriteTxn&)> work);
  // Waits until every write queued before this call has committed (or failed), at most
  // write_timeout. The queries of what write_later stores (requests()) call it, so a reader sees
  // every request answered before it asked.
  void flush() const;

  // ---- queries (any thread) ----
  std::vector<AttendanceRecord> attendance(std::int64_t after_id = 0, std::size_t limit = SIZE_MAX,
                                           bool with_images = false) const;
  PageOf<AttendanceRecord> attendance_page(const std::string& project, const std::string& team,
                                           const std::string& day /* "yyyy-MM-dd" or "" */,
                                           Page page) const;
  std::vector<EntryExitRecord> entry_exit(std::int64_t after_id = 0, std::size_t limit = SIZE_MAX) const;
  PageOf<EntryExitRecord> entry_exit_page(const std::string& project, const std::string& team,
                                          Page page) const;
  PageOf<Worker> workers(const std::string& project, const std::string& team,
                         const std::string& id_number, Page page) const;
  std::optional<Worker> worker(const std::string& project, const std::string& id_number) const;
  PageOf<Team> teams(const std::string& project, Page page) const;
  std::vector<Finding> findings(std::int64_t after_id = 0, std::size_t limit = SIZE_MAX) const;
  std::vector<Finding> findings_for(const std::string& request_id) const;
  std::vector<DuplicateRecord> duplicates(std::int64_t after_id = 0, std::size_t limit = SIZE_MAX) const;
  std::vector<RequestLogEntry> requests(std::int64_t after_id = 0, std::size_t limit = SIZE_MAX) const;
  std::optional<AsyncResult> async_result(const std::string& serial) const;
  // (appid, nonce, timestamp) of nonces received at or after `since`, to rebuild replay memory.
  struct NonceSeen {
    std::string appid, nonce;
    WallNs timestamp = 0;
  };
  std::vector<NonceSeen> nonces_since(WallNs since) const;
  // Counts for the rig and the admin endpoint:
  // {"attendance":n,"entry_exit":n,"workers":n,"teams":n,"duplicates":n,"findings":n,
  //  "requests":n,"findings_by_rule":{"rule":n},"requests_by_code":{"0":n,"-1":n}}
  Json stats() const;

  const std::filesystem::path& path() const { return options_.path; }
  std::uint64_t commits() const;  // group commits so far (each covers one or more writes)

 private:
  struct Job;
  void writer_loop();
  void check_file() const;

  StoreOptions options_;
  std::unique_ptr<Db> write_db_;
  mutable std::mutex read_mu_;
  std::unique_ptr<Db> read_db_;

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;
  mutable std::condition_variable done_cv_;  // mutable: flush() waits on it
  std::deque<std::shared_ptr<Job>> queue_;
  std::uint64_t queued_seq_ = 0;  // jobs queued so far; batches finish in queue order
  std::uint64_t done_seq_ = 0;    // every job up to this one is done
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::thread writer_;
};

}  // namespace gaterig::platform
