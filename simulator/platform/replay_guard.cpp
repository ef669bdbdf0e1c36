#include "simulator/platform/replay_guard.hpp"

namespace gaterig::platform {

WallNs ReplayGuard::horizon(WallNs now) const {
  return now - 2 * std::chrono::duration_cast<std::chrono::nanoseconds>(window_).count() -
         60'000'000'000;  // a minute of slack for clock steps between runs
}

void ReplayGuard::prune(WallNs now) {
  const WallNs oldest = horizon(now);
  while (!by_time_.empty() && by_time_.front().first < oldest) {
    seen_.erase(by_time_.front().second);
    by_time_.pop_front();
  }
}

bool ReplayGuard::claim(const std::string& appid, const std::string& nonce, WallNs received) {
  std::lock_guard lock(mu_);
  prune(received);
  auto key = std::make_pair(appid, nonce);
  if (!seen_.insert(key).second) return false;
  by_time_.emplace_back(received, std::move(key));
  return true;
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace gaterig::platform
