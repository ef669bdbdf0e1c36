#pragma once
// The simulated construction-worker platform, without sockets: HttpRequest in, HttpResponse out.
// It owns the store, the replay memory and the dialects, and picks the dialect by path
// (/open.api -> national, /api/... -> jiangmen; only those named in config.dialects).
//
//   Timeline timeline;
//   Platform platform(PlatformConfig::from_config(cfg.table("platform")), timeline);
//   HttpResponse r = platform.handle(request);   // any thread
//   platform.store().attendance();                // what was accepted, for the rig
//
// Events published on the EventSink (source "platform"; the sink must be thread-safe, as
// Timeline is). `at` is CLOCK_MONOTONIC when published, except platform.request, whose `at` is
// when the request was received. ID numbers appear only masked.
//   platform.request          {request_id, dialect, method, appid, code, message, http_status,
//                              peer, body_bytes, received_mono, received_wall, latency_us}
//                             one per request, after its writes are durable; latency_us =
//                             received -> reply ready, including the commit. A request that
//                             writes nothing and has no findings (a query) does not wait: its
//                             log entry and nonce go into the next group commit after the reply
//                             (a crash in those few ms forgets them; a write's nonce is always
//                             committed with its records, so a replayed write is always refused)
//   platform.record_accepted  {table ("attendance"|"entry_exit"), record_id, project, team,
//                              id_masked, date, direction ("01"/"02"; entry_exit: "1"/"0"),
//                              request_id, dialect, received_mono, received_wall}
//   platform.duplicate        same fields as record_accepted, plus original_id; the record was
//                             already stored and was not stored again
//   platform.worker_enrolled  {request_id, dialect, project, team, id_masked, name, head_image_bytes}
//   platform.worker_updated   same fields
//   platform.finding          {request_id, dialect, method, field, rule, message}
//   platform.replay_refused   {request_id, dialect, appid, reason ("nonce-reused"|
//                              "timestamp-window"), timestamp | nonce}
// Events of a request are published before its platform.request event.
#include <memory>
#include <mutex>
#include <vector>

#include "core/event.hpp"
#include "simulator/platform/dialect.hpp"
#include "simulator/platform/http_message.hpp"
#include "simulator/platform/platform_config.hpp"
#include "simulator/platform/replay_guard.hpp"
#include "simulator/platform/store.hpp"

namespace gaterig::platform {

class Platform final : public RequestHandler {
 public:
  // Opens or creates the store (StoreError naming the file when it is damaged), enters the
  // configured teams, reloads the replay memory. Throws std::invalid_argument for a bad config.
  Platform(PlatformConfig config, EventSink& events);
  ~Platform() override;

  // Thread-safe; returns only after any accepted write is durable.
  HttpResponse handle(const HttpRequest& request) override;
  // Queries (and requests no dialect serves) do not wait for a commit: see Exchange::log_later.
  bool may_block(const HttpRequest& request) const override;

  const PlatformConfig& config() const { return config_; }
  Store& store() { return *store_; }

  // Adds a dialect (tried before the built-in ones). Not thread-safe: call before serving.
  void add_dialect(std::unique_ptr<Dialect> dialect);

 private:
  Dialect* dialect_for(std::string_view path) const;
  void publish(Exchange& ex, const DialectReply& reply, std::int64_t latency_us);

  PlatformConfig config_;
  EventSink& events_;
  std::unique_ptr<Store> store_;
  ReplayGuard replay_;
  std::vector<std::unique_ptr<Dialect>> dialects_;
};

}  // namespace gaterig::platform
