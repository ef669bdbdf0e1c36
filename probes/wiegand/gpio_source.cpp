#include "probes/wiegand/gpio_source.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/log.hpp"

namespace gaterig::wiegand {

namespace {
// How long the reader blocks before looking at its stop flag again.
constexpr std::chrono::milliseconds kReaderPoll{20};

std::chrono::steady_clock::time_point steady_at(MonoNs at) {
  // steady_clock is CLOCK_MONOTONIC on Linux, the clock MonoNs counts.
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at));
}
}  // namespace

GpioEdgeSource::GpioEdgeSource(std::unique_ptr<GpioInputLines> lines, std::vector<Line> roles)
    : lines_(std::move(lines)), roles_(std::move(roles)) {
  if (!lines_ || lines_->count() != roles_.size())
    throw std::invalid_argument("GpioEdgeSource: one role per requested line is needed");
  reader_ = std::thread([this] { read_loop(); });
}

GpioEdgeSource::~GpioEdgeSource() {
  stop();
  reader_.join();
}

void GpioEdgeSource::read_loop() {
  std::vector<bool> overflowed(roles_.size(), false);
  try {
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (stopped_) break;
      }
      auto ready = lines_->wait(kReaderPoll);
      std::vector<Edge> batch;
      // Drain: keep reading ready lines until none has anything left, so no line's buffer
      // fills while another is being read.
      while (!ready.empty()) {
        for (std::size_t i : ready) {
          const auto events = lines_->read_events(i);
          std::lock_guard lock(mu_);
          ++stats_.reads;
          stats_.events += events.size();
          for (const auto& ev : events) {
            batch.push_back({roles_[i], ev.rising, ev.at, static_cast<bool>(overflowed[i])});
            overflowed[i] = false;
          }
          if (events.size() >= kKernelEventsPerLine) {
            ++stats_.full_reads;
            overflowed[i] = true;
          }
        }
        ready = lines_->wait(std::chrono::nanoseconds(0));
      }
      if (batch.empty()) continue;
      // Lines are read one after another: merge them by kernel timestamp.
      std::stable_sort(batch.begin(), batch.end(), [](const Edge& a, const Edge& b) { return a.at < b.at; });
      {
        std::lock_guard lock(mu_);
        queue_.insert(queue_.end(), batch.begin(), batch.end());
      }
      cv_.notify_all();
    }
  } catch (const std::exception& e) {
    LOG_ERROR("wiegand", "GPIO reader stopped: " << e.what());
    std::lock_guard lock(mu_);
    error_ = e.what();
  }
  {
    std::lock_guard lock(mu_);
    reader_done_ = true;
  }
  cv_.notify_all();
}

std::optional<Edge> GpioEdgeSource::next(MonoNs deadline) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, steady_at(deadline), [&] { return !queue_.empty() || stopped_ || reader_done_; });
  if (stopped_ || queue_.empty()) return std::nullopt;
  Edge e = queue_.front();
  queue_.pop_front();
  return e;
}

bool GpioEdgeSource::ended() const {
  std::lock_guard lock(mu_);
  return stopped_ || (reader_done_ && queue_.empty());
}

void GpioEdgeSource::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

std::string GpioEdgeSource::describe() const {
  const auto s = stats();
  std::string roles;
  for (std::size_t i = 0; i < roles_.size(); ++i) {
    if (i) roles += ',';
    roles += to_string(roles_[i]);
  }
  return "GPIO " + lines_->describe() + " as " + roles + " (" + std::to_string(s.events) + " events, " +
         std::to_string(s.full_reads) + " full buffers)";
}

GpioReaderStats GpioEdgeSource::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string GpioEdgeSource::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

GpioEdgeSink::GpioEdgeSink(std::unique_ptr<GpioOutputLines> lines, std::vector<Line> roles)
    : lines_(std::move(lines)), roles_(std::move(roles)) {
  if (!lines_ || lines_->count() != roles_.size())
    throw std::invalid_argument("GpioEdgeSink: one role per requested line is needed");
}

void GpioEdgeSink::write(const Edge& e) {
  for (std::size_t i = 0; i < roles_.size(); ++i)
    if (roles_[i] == e.line) return lines_->set(i, e.rising);
  throw std::invalid_argument("GpioEdgeSink: no output line drives " + std::string(to_string(e.line)));
}

std::string GpioEdgeSink::describe() const { return "GPIO output " + lines_->describe(); }

}  // namespace gaterig::wiegand
