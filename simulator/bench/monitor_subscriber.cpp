// The camera side of the virtual monitor link: one reader thread that keeps (re)connecting and
// always holds the newest frame.
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.hpp"
#include "simulator/bench/monitor_link.hpp"
#include "simulator/bench/monitor_wire.hpp"

namespace gaterig {

MonitorSubscriber::MonitorSubscriber(MonitorSubscriberOptions options) : options_(std::move(options)) {
  monitor_wire::unix_address(options_.path);  // reject a bad path here, not in the thread
  thread_ = std::thread([this] { read_loop(); });
}

MonitorSubscriber::~MonitorSubscriber() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);  // unblocks recv()
  }
  cv_.notify_all();
  thread_.join();
}

std::optional<MonitorFrame> MonitorSubscriber::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return !taken_ || stopping_; }) || taken_) return std::nullopt;
  taken_ = true;
  return latest_;
}

std::optional<MonitorFrame> MonitorSubscriber::latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

std::optional<MonitorFrame> MonitorSubscriber::wait_latest(std::uint64_t min_seq,
                                                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return latest_ && latest_->seq >= min_seq; })) return std::nullopt;
  return latest_;
}

bool MonitorSubscriber::wait_connected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return stats_.connected; });
}

MonitorSubscriberStats MonitorSubscriber::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void MonitorSubscriber::read_loop() {
  const auto addr = monitor_wire::unix_address(options_.path);
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, reinterpret_cast<const sockaddr*>(addr.storage), addr.length) != 0) {
      close(fd);
      fd = -1;
    }
    {
      std::unique_lock lock(mu_);
      if (fd < 0) {
        // The publisher is not there (yet, or any more): try again shortly.
        if (cv_.wait_for(lock, options_.retry_interval, [&] { return stopping_; })) return;
        continue;
      }
      if (stopping_) {
        close(fd);
        return;
      }
      fd_ = fd;
      stats_.connected = true;
      ++stats_.connections;
      // A new publisher numbers its frames from 1 again; frames of the old one are history.
      last_seq_ = 0;
      if (!taken_) ++stats_.dropped;
      latest_.reset();
      taken_ = true;
    }
    cv_.notify_all();

    for (;;) {
      monitor_wire::Header h;
      if (!monitor_wire::recv_all(fd, &h, sizeof h)) break;
      if (auto why = monitor_wire::check(h); !why.empty()) {
        LOG_WARN("monitor", options_.path << ": " << why << "; reconnecting");
        break;
      }
      MonitorFrame f;
      f.image.create(static_cast<int>(h.rows), static_cast<int>(h.cols), CV_8UC3);
      if (!monitor_wire::recv_all(fd, f.image.data, monitor_wire::payload_bytes(h))) break;
      f.received = mono_now();
      f.seq = h.seq;
      f.published = h.publish_mono;
      {
        std::lock_guard lock(mu_);
        ++stats_.received;
        if (!taken_) ++stats_.dropped;  // the consumer never took the previous one
        if (last_seq_ != 0 && f.seq > last_seq_ + 1) stats_.dropped += f.seq - last_seq_ - 1;
        last_seq_ = f.seq;
        latest_ = std::move(f);
        taken_ = false;
      }
      cv_.notify_all();
    }

    std::lock_guard lock(mu_);
    fd_ = -1;
    close(fd);
    stats_.connected = false;
    if (stopping_) return;
  }
}

}  // namespace gaterig
