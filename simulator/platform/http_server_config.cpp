#include "simulator/platform/http_server_config.hpp"

#include <stdexcept>

namespace gaterig::platform {
namespace {

std::int64_t ranged(const Config& c, std::string_view key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
  const std::int64_t v = c.get_int(key, fallback);
  if (v < lo || v > hi) c.fail(key, "must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

void read_listener(const Config& c, HttpServerOptions& o) {
  o.bind_address = c.get_string("bind", o.bind_address);
  o.port = static_cast<std::uint16_t>(ranged(c, "port", o.port, 0, 65535));
}

}  // namespace

ServerConfig::ServerConfig() {
  // Queries are answered on the I/O threads (HttpServer: may_block), so they are the ones that
  // use the cores: two, like the 2-core machine this simulator targets.
  platform.io_threads = 2;
  admin.name = "platform.admin";
  admin.traffic_events = false;  // its own long polls would wake on its own traffic
  admin.handler_threads = 8;     // each /events long poll holds one
  admin.body_limit = 64 * 1024;
}

ServerConfig ServerConfig::from_config(const Config& p) {
  ServerConfig sc;
  if (auto s = p.find_table("server")) {
    s->reject_unknown({"bind", "port", "body_limit_bytes", "read_timeout_ms", "write_timeout_ms",
                       "stop_deadline_ms", "io_threads", "handler_threads", "traffic_events",
                       "timeline_capacity", "health_path"});
    auto& o = sc.platform;
    read_listener(*s, o);
    o.body_limit = static_cast<std::size_t>(ranged(*s, "body_limit_bytes", static_cast<std::int64_t>(o.body_limit), 1024, 1LL << 30));
    o.read_timeout = std::chrono::milliseconds(ranged(*s, "read_timeout_ms", o.read_timeout.count(), 1, 3'600'000));
    o.write_timeout = std::chrono::milliseconds(ranged(*s, "write_timeout_ms", o.write_timeout.count(), 1, 3'600'000));
    o.stop_deadline = std::chrono::milliseconds(ranged(*s, "stop_deadline_ms", o.stop_deadline.count(), 0, 600'000));
    o.io_threads = static_cast<unsigned>(ranged(*s, "io_threads", o.io_threads, 1, 64));
    o.handler_threads = static_cast<unsigned>(ranged(*s, "handler_threads", o.handler_threads, 1, 1024));
    o.traffic_events = s->get_bool("traffic_events", o.traffic_events);
    o.health_path = s->get_string("health_path", o.health_path);
    if (!o.health_path.empty() && o.health_path.front() != '/') s->fail("health_path", "must start with '/' (or be empty: none)");
    sc.timeline_capacity = static_cast<std::size_t>(ranged(*s, "timeline_capacity", static_cast<std::int64_t>(sc.timeline_capacity), 1000, 100'000'000));
  }
  if (auto a = p.find_table("admin")) {
    a->reject_unknown({"bind", "port"});
    read_listener(*a, sc.admin);
  }
  if (auto f = p.find_table("faults")) {
    f->reject_unknown({"mode", "delay_ms", "http_status", "probability", "seed"});
    Json j{{"mode", f->get_string("mode", "up")}};
    if (f->has("delay_ms")) j["delay_ms"] = f->get_int("delay_ms");
    if (f->has("http_status")) j["http_status"] = f->get_int("http_status");
    if (f->has("probability")) j["probability"] = f->get_double("probability");
    if (f->has("seed")) {
      const auto seed = f->get_int("seed");
      if (seed < 0) f->fail("seed", "must not be negative");
      j["seed"] = static_cast<std::uint64_t>(seed);
    }
    try {
      sc.fault = FaultMode::from_json(j);
    } catch (const std::invalid_argument& e) {
      // "fault field 'delay_ms': ..." -> point at the key in the file
      const std::string what = e.what();
      std::string key = "mode";
      for (const char* k : {"delay_ms", "http_status", "probability", "seed"})
        if (what.find(std::string("'") + k + "'") != std::string::npos) key = k;
      f->fail(key, what);
    }
  }
  return sc;
}

}  // namespace gaterig::platform
