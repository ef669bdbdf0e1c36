#pragma once
// What the platform's request handling sees of HTTP, independent of the socket layer, so the
// protocol logic (dialects, store) is tested and fuzzed without a server.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace gaterig::platform {

// Header fields by lower-case name, one value a name (a repeated field keeps its last value).
// A request carries a handful, so a flat vector searched in order costs one allocation where a
// std::map cost one per field, on every request. Looks like the map it replaced (find, end,
// operator[], at, iteration).
class HttpHeaders {
 public:
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  iterator find(std::string_view name) {
    auto it = fields_.begin();
    while (it != fields_.end() && it->first != name) ++it;
    return it;
  }
  const_iterator find(std::string_view name) const {
    auto it = fields_.begin();
    while (it != fields_.end() && it->first != name) ++it;
    return it;
  }
  bool contains(std::string_view name) const { return find(name) != end(); }
  // The value, inserted empty when the name is absent (as std::map::operator[]).
  std::string& operator[](std::string_view name) {
    if (auto it = find(name); it != end()) return it->second;
    return fields_.emplace_back(std::string(name), std::string()).second;
  }
  const std::string& at(std::string_view name) const {
    if (auto it = find(name); it != end()) return it->second;
    throw std::out_of_range("no header '" + std::string(name) + "'");
  }
  void set(std::string name, std::string value) {
    if (auto it = find(name); it != end()) it->second = std::move(value);
    else fields_.emplace_back(std::move(name), std::move(value));
  }
  void reserve(std::size_t n) { fields_.reserve(n); }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  iterator begin() { return fields_.begin(); }
  iterator end() { return fields_.end(); }
  const_iterator begin() const { return fields_.begin(); }
  const_iterator end() const { return fields_.end(); }

 private:
  std::vector<value_type> fields_;
};

struct HttpRequest {
  std::string method;                         // "POST"
  std::string target;                         // "/open.api", "/api/WorkerAttendance/Add?x=1"
  HttpHeaders headers;                        // names lower-case
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
