#pragma once
// What the platform's request handling sees of HTTP, independent of the socket layer, so the
// protocol logic (dialects, store) is tested and fuzzed without a server.
#include <map>
#include <string>

#include "core/clock.hpp"

namespace gaterig::platform {

struct HttpRequest {
  std::string method;                         // "POST"
  std::string target;                         // "/open.api", "/api/WorkerAttendance/Add?x=1"
  std::map<std::string, std::string> headers; // names lower-case
  std::string body;
  std::string peer;                           // "127.0.0.1:53122"
  MonoNs received_mono = 0;                   // when the last byte of the request was read
  WallNs received_wall = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json;charset=UTF-8";
  std::string body;
};

// The one thing the HTTP server calls. Thread-safe; may block until a write is durable (the
// server runs it off its I/O threads).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  // False when handle() will most likely return without waiting (no durable commit, no long
  // poll): the server then calls it on its I/O thread rather than handing it to the worker pool
  // (two thread hand-offs less). Called on the I/O thread; must be cheap and must not block.
  virtual bool may_block(const HttpRequest&) const { return true; }
};

}  // namespace gaterig::platform
