#include "simulator/platform/fault_mode.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "simulator/platform/http_server_stats.hpp"

namespace gaterig::platform {
namespace {

constexpr std::pair<FaultKind, std::string_view> kNames[] = {
    {FaultKind::up, "up"},         {FaultKind::refuse, "refuse"},
    {FaultKind::blackhole, "blackhole"}, {FaultKind::error, "error"},
    {FaultKind::slow, "slow"},     {FaultKind::ack_lost, "ack-lost"},
};

const char* kModeList = "up, refuse, blackhole, error, slow or ack-lost";

std::uint64_t random_seed() {
  std::uint64_t seed = 0;
  const std::string bytes = crypto::random_bytes(sizeof seed);
  for (unsigned char c : bytes) seed = (seed << 8) | c;
  return seed == 0 ? 1 : seed;
}

template <typename T>
T parse_number(std::string_view text, std::string_view what) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("fault '" + std::string(what) + "': expected a number, found '" +
                                std::string(text) + "'");
  return value;
}

}  // namespace

std::string_view to_string(FaultKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "?";
}

std::optional<FaultKind> fault_kind_from(std::string_view name) {
  if (name == "ack_lost") return FaultKind::ack_lost;
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

FaultMode FaultMode::with_probability(double p, std::uint64_t s) const {
  FaultMode m = *this;
  m.probability = p;
  m.seed = s;
  return m;
}

void FaultMode::validate() const {
  if (!(probability > 0.0 && probability <= 1.0))
    throw std::invalid_argument("fault field 'probability': expected a number in (0, 1], found " +
                                std::to_string(probability));
  if (kind == FaultKind::refuse && probability != 1.0)
    throw std::invalid_argument(
        "fault field 'probability': 'refuse' closes the listening socket, it cannot fire per "
        "request; use probability 1");
  if (kind == FaultKind::error && http_status != 500 && http_status != 503)
    throw std::invalid_argument("fault field 'http_status': expected 500 or 503, found " +
                                std::to_string(http_status));
  if (kind == FaultKind::slow && (delay.count() <= 0 || delay > std::chrono::minutes(10)))
    throw std::invalid_argument("fault field 'delay_ms': expected 1..600000 ms for 'slow', found " +
                                std::to_string(delay.count()));
}

Json FaultMode::to_json() const {
  Json j{{"mode", std::string(to_string(kind))}};
  if (kind == FaultKind::error) j["http_status"] = http_status;
  if (kind == FaultKind::slow) j["delay_ms"] = delay.count();
  if (kind != FaultKind::up) {
    j["probability"] = probability;
    if (probability < 1.0) j["seed"] = seed;
  }
  return j;
}

FaultMode FaultMode::from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("fault: expected a JSON object like {\"mode\":\"slow\",\"delay_ms\":500}");
  FaultMode m;
  if (!j.contains("mode")) throw std::invalid_argument("fault field 'mode': missing; expected one of " + std::string(kModeList));
  if (!j["mode"].is_string()) throw std::invalid_argument("fault field 'mode': expected a string");
  const auto kind = fault_kind_from(j["mode"].get<std::string>());
  if (!kind)
    throw std::invalid_argument("fault field 'mode': '" + j["mode"].get<std::string>() +
                                "' is not one of " + kModeList);
  m.kind = *kind;
  for (const auto& [key, value] : j.items()) {
    if (key == "mode") continue;
    if (key == "delay_ms") {
      if (!value.is_number_integer()) throw std::invalid_argument("fault field 'delay_ms': expected an integer");
      m.delay = std::chrono::milliseconds(value.get<std::int64_t>());
    } else if (key == "http_status") {
      if (!value.is_number_integer()) throw std::invalid_argument("fault field 'http_status': expected an integer");
      m.http_status = value.get<int>();
    } else if (key == "probability") {
      if (!value.is_number()) throw std::invalid_argument("fault field 'probability': expected a number");
      m.probability = value.get<double>();
    } else if (key == "seed") {
      if (!value.is_number_unsigned()) throw std::invalid_argument("fault field 'seed': expected a non-negative integer");
      m.seed = value.get<std::uint64_t>();
    } else {
      throw std::invalid_argument("fault field '" + key +
                                  "': unknown; expected mode, delay_ms, http_status, probability or seed");
    }
  }
  if (m.kind != FaultKind::slow && j.contains("delay_ms"))
    throw std::invalid_argument("fault field 'delay_ms': only applies to mode 'slow'");
  if (m.kind != FaultKind::error && j.contains("http_status"))
    throw std::invalid_argument("fault field 'http_status': only applies to mode 'error'");
  m.validate();
  return m;
}

FaultMode FaultMode::parse(std::string_view text) {
  FaultMode m;
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::string_view head = parts.front(), arg;
  if (const auto colon = head.find(':'); colon != std::string_view::npos) {
    arg = head.substr(colon + 1);
    head = head.substr(0, colon);
  }
  const auto kind = fault_kind_from(head);
  if (!kind)
    throw std::invalid_argument("fault '" + std::string(text) + "': mode '" + std::string(head) +
                                "' is not one of " + kModeList);
  m.kind = *kind;
  if (m.kind == FaultKind::slow) {
    if (arg.empty()) throw std::invalid_argument("fault 'slow' needs a delay in ms: slow:500");
    m.delay = std::chrono::milliseconds(parse_number<std::int64_t>(arg, "slow delay_ms"));
  } else if (m.kind == FaultKind::error) {
    if (!arg.empty()) m.http_status = parse_number<int>(arg, "error http_status");
  } else if (!arg.empty()) {
    throw std::invalid_argument("fault '" + std::string(head) + "' takes no ':" + std::string(arg) + "'");
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto p = parts[i];
    if (p.starts_with("p=")) {
      m.probability = parse_number<double>(p.substr(2), "probability");
    } else if (p.starts_with("seed=")) {
      m.seed = parse_number<std::uint64_t>(p.substr(5), "seed");
    } else {
      throw std::invalid_argument("fault '" + std::string(text) + "': unknown option '" +
                                  std::string(p) + "'; expected p=PROBABILITY or seed=N");
    }
  }
  m.validate();
  return m;
}

std::ostream& operator<<(std::ostream& os, const FaultMode& m) {
  os << to_string(m.kind);
  std::vector<std::string> args;
  if (m.kind == FaultKind::slow) args.push_back(std::to_string(m.delay.count()) + "ms");
  if (m.kind == FaultKind::error) args.push_back("HTTP " + std::to_string(m.http_status));
  if (m.kind != FaultKind::up && m.probability < 1.0) {
    std::ostringstream p;
    p << "p=" << m.probability << " seed=" << m.seed;
    args.push_back(p.str());
  }
  if (!args.empty()) {
    os << "(";
    for (std::size_t i = 0; i < args.size(); ++i) os << (i ? ", " : "") << args[i];
    os << ")";
  }
  return os;
}

FaultSwitch::FaultSwitch(EventSink* events, FaultMode initial) : events_(events) {
  if (initial.kind != FaultKind::up) set(initial);  // starting faulty is announced like a change
}

FaultMode FaultSwitch::current() const {
  std::lock_guard lock(mu_);
  return mode_;
}

FaultMode FaultSwitch::set(FaultMode mode) {
  mode.validate();
  if (mode.kind != FaultKind::up && mode.probability < 1.0 && mode.seed == 0) mode.seed = random_seed();
  FaultMode previous;
  std::vector<std::function<void(const FaultMode&)>> listeners;
  {
    std::lock_guard lock(mu_);
    previous = mode_;
    mode_ = mode;
    rng_.seed(mode.seed);
    kind_.store(mode.kind, std::memory_order_relaxed);
    listeners = listeners_;
  }
  LOG_INFO("platform", "fault mode " << previous << " -> " << mode);
  if (events_)
    events_->publish(Event{mono_now(), "platform", "platform.fault_changed",
                           Json{{"fault", mode.to_json()}, {"previous", previous.to_json()}}});
  for (auto& l : listeners) l(mode);
  return mode;
}

void FaultSwitch::on_change(std::function<void(const FaultMode&)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

std::optional<FaultMode> FaultSwitch::fire(const HttpRequest& request, std::uint64_t connection) {
  if (!active()) return std::nullopt;
  FaultMode mode;
  {
    std::lock_guard lock(mu_);
    mode = mode_;
    if (mode.kind == FaultKind::up) return std::nullopt;
    if (mode.probability < 1.0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= mode.probability)
      return std::nullopt;
    ++fired_[std::string(to_string(mode.kind))];
  }
  LOG_DEBUG("platform", "fault " << mode << " fired on " << request.method << " " << request.target
                                 << " from " << request.peer);
  if (events_)
    events_->publish(Event{mono_now(), "platform", "platform.fault_fired",
                           Json{{"fault", mode.to_json()},
                                {"connection", connection},
                                {"peer", request.peer},
                                {"target", request.target},
                                {"api_method", api_method_of(request)}}});
  return mode;
}

std::map<std::string, std::uint64_t> FaultSwitch::fired_counts() const {
  std::lock_guard lock(mu_);
  return fired_;
}

std::uint64_t FaultSwitch::fired_total() const {
  std::lock_guard lock(mu_);
  std::uint64_t total = 0;
  for (const auto& [_, n] : fired_) total += n;
  return total;
}

}  // namespace gaterig::platform
