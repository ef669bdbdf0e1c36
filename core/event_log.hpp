#pragma once
// Every event of a Timeline, appended to a JSONL file as it happens, by one writer thread. The
// timeline itself keeps only its recent events (its capacity): a 100,000-record offline soak would
// otherwise hold every record's event in memory for the whole session (tests/bench/certify:
// 70 -> 375 MiB, 632 MiB while the log was copied out at the end). The file keeps them all, in
// seq order, one Event::to_json() per line.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/event.hpp"

namespace gaterig {

class EventLog {
 public:
  // Starts writing every event with seq > `after` to `file` (truncated, or appended to). Throws
  // std::runtime_error naming the file when it cannot be opened.
  EventLog(const Timeline& timeline, std::filesystem::path file, bool append = false, std::uint64_t after = 0);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Waits until every event published before the call is written and flushed to the file; false
  // at the deadline.
  bool flush(std::chrono::milliseconds timeout);
  // Writes what is there and stops the thread (idempotent).
  void stop();

  const std::filesystem::path& file() const { return file_; }
  std::uint64_t written() const { return written_.load(); }
  // Events the timeline had already dropped when the writer came for them (each gap is also
  // written to the file as one "log.gap" line, so a reader sees it).
  std::uint64_t missed() const { return missed_.load(); }

 private:
  void run();
  void write_batch(const std::vector<Event>& batch);

  const Timeline& timeline_;
  std::filesystem::path file_;
  std::ofstream out_;
  std::uint64_t cursor_;
  std::atomic<std::uint64_t> written_{0}, missed_{0};
  std::atomic<std::uint64_t> flushed_seq_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable flushed_cv_;
  std::thread thread_;
};

}  // namespace gaterig
