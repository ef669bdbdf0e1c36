#include "core/event.hpp"

#include <stdexcept>

namespace gaterig {

Json Event::to_json() const {
  return Json{{"seq", seq}, {"at_ns", at}, {"source", source}, {"kind", kind}, {"payload", payload}};
}

Event Event::from_json(const Json& j) {
  auto need = [&](const char* key) -> const Json& {
    if (!j.is_object() || !j.contains(key))
      throw std::invalid_argument(std::string("event: missing field '") + key + "'");
    return j.at(key);
  };
  Event e;
  try {
    e.at = need("at_ns").get<MonoNs>();
    e.source = need("source").get<std::string>();
    e.kind = need("kind").get<std::string>();
    if (j.contains("payload")) e.payload = j.at("payload");
    if (j.contains("seq")) e.seq = j.at("seq").get<std::uint64_t>();
  } catch (const Json::type_error& err) {
    throw std::invalid_argument(std::string("event: wrong type: ") + err.what());
  }
  return e;
}

std::ostream& operator<<(std::ostream& os, const Event& e) {
  return os << "Event(#" << e.seq << " " << e.at << "ns " << e.source << " " << e.kind << " "
            << e.payload.dump() << ")";
}

void Timeline::publish(Event e) {
  std::shared_ptr<const std::vector<std::function<void(const Event&)>>> listeners;
  std::optional<Event> stored;  // a copy only when someone listens: publishing is a hot path
  {
    std::lock_guard lock(mu_);
    e.seq = next_seq_++;
    if (events_.size() >= capacity_) {
      events_.pop_front();
      ++dropped_;
    }
    events_.push_back(std::move(e));
    if (listeners_ && !listeners_->empty()) {
      listeners = listeners_;
      stored = events_.back();
    }
  }
  cv_.notify_all();
  if (listeners)
    for (auto& l : *listeners) l(*stored);
}

std::vector<Event> Timeline::since(std::uint64_t after, std::size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<Event> out;
  if (events_.empty()) return out;
  // seqs are contiguous in the deque, so index arithmetic finds the start.
  const std::uint64_t first = events_.front().seq;
  std::size_t i = after < first ? 0 : static_cast<std::size_t>(after - first + 1);
  for (; i < events_.size() && out.size() < max; ++i) out.push_back(events_[i]);
  return out;
}

std::optional<Event> Timeline::wait_for(std::uint64_t after,
                                        const std::function<bool(const Event&)>& match,
                                        std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint64_t cursor = after;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!events_.empty()) {
      const std::uint64_t first = events_.front().seq;
      std::size_t i = cursor < first ? 0 : static_cast<std::size_t>(cursor - first + 1);
      for (; i < events_.size(); ++i) {
        if (match(events_[i])) return events_[i];
        cursor = events_[i].seq;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= deadline) {
      // One last look: an event may have arrived together with the timeout.
      if (!events_.empty() && events_.back().seq > cursor) continue;
      return std::nullopt;
    }
  }
}

std::vector<Event> Timeline::wait_since(std::uint64_t after, std::chrono::milliseconds timeout,
                                        std::size_t max) const {
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout,
                 [&] { return !events_.empty() && events_.back().seq > after; });
  }
  return since(after, max);
}

std::uint64_t Timeline::last_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

std::uint64_t Timeline::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::size_t Timeline::size() const {
  std::lock_guard lock(mu_);
  return events_.size();
}

void Timeline::add_listener(std::function<void(const Event&)> listener) {
  std::lock_guard lock(mu_);
  // Copy-on-write: publishers take the current list without copying it.
  auto next = listeners_ ? std::make_shared<std::vector<std::function<void(const Event&)>>>(*listeners_)
                         : std::make_shared<std::vector<std::function<void(const Event&)>>>();
  next->push_back(std::move(listener));
  listeners_ = std::move(next);
}

}  // namespace gaterig
