#pragma once
// Replay memory: which (appid, nonce) pairs were used recently. A signed request carries its own
// timestamp, which must lie within the replay window of the platform's clock, so a nonce only
// needs remembering for twice that window after it was received; older entries are forgotten.
// The store keeps the nonces too, so the memory survives a restart (Platform reloads it).
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "core/clock.hpp"

namespace gaterig::platform {

class ReplayGuard {
 public:
  explicit ReplayGuard(std::chrono::seconds window) : window_(window) {}

  // True when the pair is new (and remembers it); false when it was seen. Thread-safe.
  bool claim(const std::string& appid, const std::string& nonce, WallNs received);
  // How far back the store's nonces must be reloaded at start.
  WallNs horizon(WallNs now) const;
  std::size_t size() const;

 private:
  void prune(WallNs now);
  std::chrono::seconds window_;
  mutable std::mutex mu_;
  std::set<std::pair<std::string, std::string>> seen_;
  std::deque<std::pair<WallNs, std::pair<std::string, std::string>>> by_time_;
};

}  // namespace gaterig::platform
