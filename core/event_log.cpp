#include "core/event_log.hpp"

#include <stdexcept>

namespace gaterig {

EventLog::EventLog(const Timeline& timeline, std::filesystem::path file, bool append, std::uint64_t after)
    : timeline_(timeline), file_(std::move(file)), cursor_(after) {
  out_.open(file_, append ? std::ios::app : std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot write the event log " + file_.string());
  flushed_seq_ = after;
  thread_ = std::thread([this] { run(); });
}

EventLog::~EventLog() { stop(); }

void EventLog::write_batch(const std::vector<Event>& batch) {
  for (const Event& e : batch) {
    if (e.seq > cursor_ + 1) {
      // The timeline dropped these before we came for them (its capacity): say so in the log.
      const std::uint64_t gap = e.seq - cursor_ - 1;
      missed_ += gap;
      out_ << Json{{"kind", "log.gap"}, {"after_seq", cursor_}, {"missed", gap}}.dump() << '\n';
    }
    out_ << e.to_json().dump() << '\n';
    cursor_ = e.seq;
    ++written_;
  }
}

void EventLog::run() {
  constexpr std::size_t kBatch = 4096;
  while (true) {
    const bool stopping = stop_.load();
    // Waits up to 100 ms for news; the batch bounds what one pass copies out of the timeline.
    const std::vector<Event> batch = timeline_.wait_since(cursor_, std::chrono::milliseconds(stopping ? 0 : 100), kBatch);
    write_batch(batch);
    if (batch.size() < kBatch) {
      out_.flush();
      {
        std::lock_guard lock(mu_);
        flushed_seq_ = cursor_;
      }
      flushed_cv_.notify_all();
      if (stopping) break;
    }
  }
}

bool EventLog::flush(std::chrono::milliseconds timeout) {
  const std::uint64_t target = timeline_.last_seq();
  std::unique_lock lock(mu_);
  return flushed_cv_.wait_for(lock, timeout, [&] { return flushed_seq_.load() >= target; });
}

void EventLog::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  out_.flush();
  out_.close();
}

}  // namespace gaterig
