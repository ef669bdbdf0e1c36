#pragma once
// How the simulated platform misbehaves, so a terminal's offline queue and re-upload (补传) can
// be exercised: a FaultMode is a value (what kind of fault, its parameters, how often it fires);
// a FaultSwitch holds the current one, switches it at run time and decides, request by request,
// whether it fires. Both changes and firings are announced as events on the timeline.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "simulator/platform/http_message.hpp"

namespace gaterig::platform {

enum class FaultKind {
  up,         // behave normally
  refuse,     // listening socket closed: connect() gets ECONNREFUSED; open connections closed
  blackhole,  // accept and read, never answer, hold the connection
  error,      // answer code -5 (rate limited) with HTTP 500 or 503, without handling the request
  slow,       // handle the request, then hold the reply back for `delay`
  ack_lost,   // handle the request (the record IS stored), then close without replying
};

std::string_view to_string(FaultKind kind);           // "up", "refuse", ..., "ack-lost"
std::optional<FaultKind> fault_kind_from(std::string_view name);  // also accepts "ack_lost"

struct FaultMode {
  FaultKind kind = FaultKind::up;
  int http_status = 503;                 // error: 500 or 503
  std::chrono::milliseconds delay{0};    // slow
  double probability = 1.0;              // per request (refuse: always 1)
  std::uint64_t seed = 0;                // drives `probability`; 0 = pick one and report it

  static FaultMode up() { return {}; }
  static FaultMode refuse() { return {FaultKind::refuse}; }
  static FaultMode blackhole() { return {FaultKind::blackhole}; }
  static FaultMode error(int http_status = 503) { return {FaultKind::error, http_status}; }
  static FaultMode slow(std::chrono::milliseconds delay) { return {FaultKind::slow, 503, delay}; }
  static FaultMode ack_lost() { return {FaultKind::ack_lost}; }
  FaultMode with_probability(double p, std::uint64_t seed = 0) const;

  // Throws std::invalid_argument naming the field and what was expected.
  void validate() const;

  // {"mode":"slow","delay_ms":500,"probability":1.0,"seed":0} (only the fields that apply).
  Json to_json() const;
  // Accepts the same shape; unknown fields are an error naming them.
  static FaultMode from_json(const Json& j);
  // Command-line form: MODE[:ARG][,p=PROBABILITY][,seed=N], e.g. "slow:500", "error:500",
  // "ack-lost,p=0.05,seed=7". ARG is the delay in ms (slow) or the HTTP status (error).
  static FaultMode parse(std::string_view text);

  friend bool operator==(const FaultMode&, const FaultMode&) = default;
};

std::ostream& operator<<(std::ostream& os, const FaultMode& mode);  // "slow(500ms, p=0.1 seed=7)"

// The current fault, shared by the server loop (which asks it per request) and whoever switches
// it (the C++ API, the admin endpoint). Thread-safe.
class FaultSwitch {
 public:
  explicit FaultSwitch(EventSink* events = nullptr, FaultMode initial = {});

  FaultMode current() const;
  // Validates, fills in a random seed when one is needed and was not given, publishes
  // platform.fault_changed and tells the listeners. Returns the mode as applied.
  FaultMode set(FaultMode mode);
  // Called when the mode changes (on the caller's thread of set()). Keep it short.
  void on_change(std::function<void(const FaultMode&)> listener);

  // Whether the current fault fires for this request (its probability drawn from the seeded
  // generator). When it fires it publishes platform.fault_fired and counts it.
  std::optional<FaultMode> fire(const HttpRequest& request, std::uint64_t connection);
  bool active() const { return kind_.load(std::memory_order_relaxed) != FaultKind::up; }

  std::map<std::string, std::uint64_t> fired_counts() const;  // by mode name
  std::uint64_t fired_total() const;

 private:
  EventSink* events_;
  mutable std::mutex mu_;
  FaultMode mode_;
  std::atomic<FaultKind> kind_{FaultKind::up};
  std::mt19937_64 rng_;
  std::map<std::string, std::uint64_t> fired_;
  std::vector<std::function<void(const FaultMode&)>> listeners_;
};

}  // namespace gaterig::platform
