#pragma once
// The platform endpoint's HTTP/1.1 server (Boost.Beast, kept out of this header): keep-alive,
// a body size limit, read and write timeouts, one session per connection. The RequestHandler
// runs on a worker pool, off the I/O threads, because it blocks until a write is durable; a
// request the handler says will not block (RequestHandler::may_block: a query) is answered on
// its I/O thread, saving two thread hand-offs. Fault
// injection (FaultSwitch) is part of the server loop. Used twice: for the platform's port and,
// with no faults and no traffic events, for the admin port.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/event.hpp"
#include "simulator/platform/fault_mode.hpp"
#include "simulator/platform/http_message.hpp"
#include "simulator/platform/http_server_stats.hpp"

namespace gaterig::platform {

struct HttpServerOptions {
  std::string name = "platform";         // event source and log tag
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;                // 0 = an ephemeral port, read it back with port()
  std::size_t body_limit = 8 * 1024 * 1024;  // larger bodies get 413 and the connection closes
  std::chrono::milliseconds read_timeout{30'000};   // waiting for, then reading, one request
  std::chrono::milliseconds write_timeout{30'000};  // writing one reply
  std::chrono::milliseconds stop_deadline{5'000};   // in-flight requests get this long on stop()
  unsigned io_threads = 1;
  unsigned handler_threads = 16;         // concurrent handle() calls (each may wait for a commit)
  bool traffic_events = true;            // platform.request_received / platform.reply_sent
  // Answered by the server itself, on the I/O thread, without the handler (but after the fault
  // switch, so a rig's liveness check sees the fault too): {"code":0,"message":"up",...}.
  // Empty = no such path.
  std::string health_path = "/health";
};

class HttpServer {
 public:
  // handler, events, faults and stats must outlive the server; events, faults, stats may be null.
  HttpServer(HttpServerOptions options, RequestHandler& handler, EventSink* events = nullptr,
             FaultSwitch* faults = nullptr, TrafficStats* stats = nullptr);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Throws std::runtime_error naming the address.
  void start();
  // Graceful: stops accepting, lets requests already read finish (until options.stop_deadline),
  // closes every connection, joins every thread. Idempotent.
  void stop();

  std::uint16_t port() const;                // the real port once started
  const std::string& bind_address() const;
  bool listening() const;                    // false while the fault mode is `refuse`
  std::size_t open_connections() const;
  const HttpServerOptions& options() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gaterig::platform
