#include "simulator/device/door.hpp"

namespace gaterig::device {

Door::Door(wiegand::EdgeSink& sink, std::chrono::milliseconds hold) : sink_(sink), hold_(hold) {
  thread_ = std::thread([this] { run(); });
}

Door::~Door() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Door::open() {
  std::lock_guard lock(mu_);
  close_at_ = mono_now() + std::chrono::nanoseconds(hold_).count();
  if (!open_) {
    sink_.write(wiegand::Edge{wiegand::Line::relay, false, mono_now(), false});
    open_ = true;
    ++openings_;
  }
  cv_.notify_all();
}

bool Door::is_open() const {
  std::lock_guard lock(mu_);
  return open_;
}

std::uint64_t Door::openings() const {
  std::lock_guard lock(mu_);
  return openings_;
}

void Door::run() {
  std::unique_lock lock(mu_);
  while (true) {
    if (open_) {
      const MonoNs now = mono_now();
      if (now >= close_at_ || stopping_) {
        sink_.write(wiegand::Edge{wiegand::Line::relay, true, mono_now(), false});
        open_ = false;
        continue;
      }
      cv_.wait_for(lock, std::chrono::nanoseconds(close_at_ - now));
    } else {
      if (stopping_) return;
      cv_.wait(lock, [&] { return open_ || stopping_; });
    }
  }
}

}  // namespace gaterig::device
