#pragma once
// How the platform endpoint is served: the [platform.server], [platform.admin] and
// [platform.faults] tables of a TOML file (the rest of [platform] is PlatformConfig's).
//
//   [platform.server]
//   bind = "127.0.0.1"          # address the terminal connects to
//   port = 0                    # 0 = ephemeral (the ready line says which)
//   body_limit_bytes = 8388608  # larger requests get 413
//   read_timeout_ms = 30000     # idle keep-alive and reading one request
//   write_timeout_ms = 30000
//   stop_deadline_ms = 5000     # in-flight requests get this long on stop
//   io_threads = 1
//   handler_threads = 16        # concurrent requests waiting for their durable commit
//   traffic_events = true       # platform.request_received / platform.reply_sent per request
//   timeline_capacity = 200000  # events kept for /events (oldest dropped, and counted)
//   health_path = "/health"     # answered by the server itself ({"code":0,...}); "" = none
//
//   [platform.admin]
//   bind = "127.0.0.1"
//   port = 0
//
//   [platform.faults]           # the fault mode at start (switch it later over /fault)
//   mode = "up"                 # up, refuse, blackhole, error, slow, ack-lost
//   delay_ms = 500              # slow
//   http_status = 503           # error: 500 or 503
//   probability = 1.0           # per request
//   seed = 0                    # 0 = pick one and print it
#include <cstddef>

#include "core/config.hpp"
#include "simulator/platform/fault_mode.hpp"
#include "simulator/platform/http_server.hpp"

namespace gaterig::platform {

struct ServerConfig {
  HttpServerOptions platform;  // name "platform"
  HttpServerOptions admin;     // name "platform.admin", no traffic events, its own threads
  FaultMode fault;
  std::size_t timeline_capacity = 200'000;

  ServerConfig();
  // From the [platform] table (its server/admin/faults sub-tables, all optional). Unknown keys
  // and bad values are ConfigErrors naming file, line and key.
  static ServerConfig from_config(const Config& platform_table);
};

}  // namespace gaterig::platform
