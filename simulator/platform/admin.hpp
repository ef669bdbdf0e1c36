#pragma once
// The admin endpoint: how a rig, a test or a person steers and watches the simulated platform
// over HTTP/JSON on a port of its own (never the terminal's port, so a fault on one cannot
// silence the other).
//
//   GET  /fault                         current fault mode and how often each fault fired
//   PUT  /fault  {"mode":"slow","delay_ms":500}   switch (POST too); 400 names the bad field
//   GET  /events?after=SEQ&wait_ms=N&limit=N&kind=PREFIX   events after SEQ, long-polling up to
//                                       wait_ms (≤ 30000) until one exists
//   GET  /stats                         traffic, faults, store counts, timeline
//   GET  /records?after=ID&limit=N&with_id=1   attendance records stored (ID numbers masked
//                                       unless with_id=1: the rig matches them to enrolled persons)
//   GET  /findings?after=ID&limit=N     protocol findings (bad sign, future date, ...)
//
// A pure request -> reply function over its sources: tested without sockets.
#include <functional>

#include "core/event.hpp"
#include "simulator/platform/fault_mode.hpp"
#include "simulator/platform/http_message.hpp"
#include "simulator/platform/http_server_stats.hpp"

namespace gaterig::platform {

// What the admin endpoint reads besides the timeline; each may be empty (the route then answers
// 404 saying what is not available).
struct RowQuery {
  std::int64_t after = 0;  // rows with a larger id
  std::size_t limit = 1000;
  bool with_id = false;    // ID numbers in clear
};
struct AdminSources {
  std::function<Json(const RowQuery&)> records;   // a JSON array
  std::function<Json(const RowQuery&)> findings;  // a JSON array
  std::function<Json()> store_stats;              // a JSON object
};

class Admin final : public RequestHandler {
 public:
  static constexpr std::chrono::milliseconds kMaxWait{30'000};
  static constexpr std::size_t kDefaultLimit = 1000;

  Admin(FaultSwitch& faults, const Timeline& timeline, const TrafficStats& traffic,
        AdminSources sources = {});

  HttpResponse handle(const HttpRequest& request) override;

 private:
  HttpResponse get_fault() const;
  HttpResponse put_fault(const HttpRequest& request);
  HttpResponse get_events(const std::map<std::string, std::string>& query) const;
  HttpResponse get_stats() const;
  HttpResponse get_rows(const std::function<Json(const RowQuery&)>& source, const char* name,
                        const std::map<std::string, std::string>& query) const;

  FaultSwitch& faults_;
  const Timeline& timeline_;
  const TrafficStats& traffic_;
  AdminSources sources_;
};

}  // namespace gaterig::platform
