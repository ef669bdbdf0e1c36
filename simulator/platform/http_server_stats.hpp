#pragma once
// What the platform endpoint saw on the wire, counted as it happens: requests by API method,
// replies by HTTP status and by platform code, requests that got no reply, connections. The
// summary on stop and the admin endpoint's /stats read it.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "simulator/platform/http_message.hpp"

namespace gaterig::platform {

// The API method a request asks for: the `method` form field of an open.api request
// ("WorkerAttendance.Add"), otherwise the path without its query ("/api/WorkerAttendance/Add").
std::string api_method_of(const HttpRequest& request);
// The platform's `code` in a JSON reply body ({"code":-2,...}), when it has one near the start.
std::optional<long> reply_code_of(std::string_view body);

class TrafficStats {
 public:
  void connection_opened();
  void request(const std::string& api_method, std::size_t body_bytes);
  void reply(const std::string& api_method, int http_status, std::optional<long> code);
  void no_reply(const std::string& api_method);  // blackhole, ack-lost, refuse, closed in flight

  std::uint64_t requests() const;
  std::uint64_t replies() const;
  // {"connections":N,"requests":N,"replies":N,"no_reply":N,"bytes_in":N,
  //  "by_method":{"WorkerAttendance.Add":{"requests":N,"codes":{"0":N,"-2":N},"no_reply":N}},
  //  "by_status":{"200":N},"by_code":{"0":N}}
  Json to_json() const;

 private:
  struct PerMethod {
    std::uint64_t requests = 0, no_reply = 0;
    std::map<long, std::uint64_t> codes;
  };
  mutable std::mutex mu_;
  std::uint64_t connections_ = 0, requests_ = 0, replies_ = 0, no_reply_ = 0, bytes_in_ = 0;
  std::map<std::string, PerMethod> by_method_;
  std::map<int, std::uint64_t> by_status_;
  std::map<long, std::uint64_t> by_code_;
};

}  // namespace gaterig::platform
