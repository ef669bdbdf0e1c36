#pragma once
// Everything the rig observes is an Event on one monotonic timeline: which resource saw it,
// what kind of thing it was, and a payload that serialises as it is to the run's event log.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"

namespace gaterig {

using Json = nlohmann::json;

struct Event {
  MonoNs at = 0;          // CLOCK_MONOTONIC ns when the resource saw it
  std::string source;     // the resource: "platform", "wiegand", "bench.light", ...
  std::string kind;       // dotted: "platform.record_accepted", "wiegand.frame", ...
  Json payload = Json::object();
  std::uint64_t seq = 0;  // assigned by the Timeline, strictly increasing

  Json to_json() const;
  static Event from_json(const Json& j);  // throws std::invalid_argument naming the field
};

std::ostream& operator<<(std::ostream& os, const Event& e);

// Something that takes events. Producers depend on this, never on a concrete Timeline.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(Event e) = 0;
};

// A thread-safe, append-only sequence of events with blocking, deadline-bounded waits.
// Readers keep a cursor (the seq of the last event they saw); the timeline keeps at most
// `capacity` events and counts what it had to drop, so a slow reader can tell it missed some.
class Timeline final : public EventSink {
 public:
  explicit Timeline(std::size_t capacity = 1'000'000) : capacity_(capacity) {}

  void publish(Event e) override;

  // Events with seq > after, at most `max`.
  std::vector<Event> since(std::uint64_t after, std::size_t max = SIZE_MAX) const;
  // Blocks until an event with seq > after matches, or the deadline passes.
  std::optional<Event> wait_for(std::uint64_t after, const std::function<bool(const Event&)>& match,
                                std::chrono::milliseconds timeout) const;
  // Blocks until any event with seq > after exists or the deadline passes; returns them.
  std::vector<Event> wait_since(std::uint64_t after, std::chrono::milliseconds timeout,
                                std::size_t max = SIZE_MAX) const;

  std::uint64_t last_seq() const;
  std::uint64_t dropped() const;
  std::size_t size() const;

  // Called for every event after it is stored, on the publisher's thread. Keep it short.
  void add_listener(std::function<void(const Event&)> listener);

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<Event> events_;
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::shared_ptr<const std::vector<std::function<void(const Event&)>>> listeners_;
};

}  // namespace gaterig
