#pragma once
// The seam between the platform and the protocols it speaks. A Dialect turns one HTTP request
// into a reply, judging every field it reads; everything it needs from the platform (config,
// store, replay memory, findings, events) comes through the Exchange of that request.
//
// Dialects in this library: NationalDialect ("national", POST /open.api) and JiangmenDialect
// ("jiangmen", POST /api/<Resource>/<Action>). To add one: implement Dialect, give it a name,
// and hand it to Platform::add_dialect (or construct it in Platform when config.dialects names it).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "simulator/platform/http_message.hpp"
#include "simulator/platform/platform_config.hpp"
#include "simulator/platform/records.hpp"
#include "simulator/platform/replay_guard.hpp"
#include "simulator/platform/store.hpp"
#include "simulator/platform/validation.hpp"

namespace gaterig::platform {

// What a dialect decided: the HTTP reply plus the protocol-level code and message it carries,
// which the platform logs and publishes.
struct DialectReply {
  HttpResponse http;
  int code = 0;
  std::string message;
};

// One request in flight. Not thread-safe: one Exchange per request, on the handling thread.
class Exchange {
 public:
  struct Outcome {
    int code = 0;
    std::string message;
  };

  Exchange(const HttpRequest& request, std::string dialect, const PlatformConfig& config,
           Store& store, ReplayGuard& replay);

  const HttpRequest& request;
  const PlatformConfig& config;
  Store& store;
  ReplayGuard& replay;
  const std::string request_id;  // 32 hex characters; also the requestSerialCode of a write
  const std::string dialect;
  std::string method;  // set by the dialect as soon as it knows it ("WorkerAttendance.Add")
  std::string appid;   // the caller's appid (national) or token (jiangmen), once known
  MonoNs received_mono;
  WallNs received_wall;  // "now" for every time judgement of this request

  // A conformance finding of this request. Stored with the request, published as
  // platform.finding once stored.
  void finding(std::string field, const Violation& v);
  const std::vector<Finding>& findings() const { return findings_; }

  // Persist this nonce with the request (the ReplayGuard already holds it in memory).
  void remember_nonce(std::string nonce, WallNs timestamp);

  // Runs `work` in the store's next group commit together with this request's log entry, its
  // findings and its nonce; `work` decides the code and message logged. Returns after the commit
  // is durable. At most once per request; throws StoreError as Store::write does.
  Outcome commit(const std::function<Outcome(WriteTxn&)>& work, int http_status = 200);
  bool committed() const { return committed_; }
  // For a request that wrote nothing and found nothing wrong (a query): its log entry and nonce
  // go into the next group commit without waiting for it (Store::write_later). The replay
  // memory already refuses the nonce; only a crash within that commit's few milliseconds can
  // forget it. Counts as this request's commit.
  void log_later(const Outcome& outcome, int http_status = 200);

  // An event to publish once this request's writes are durable (or right away if it writes
  // nothing). Source "platform".
  void publish_after_commit(std::string kind, Json payload);
  const std::vector<std::pair<std::string, Json>>& pending_events() const { return events_; }

 private:
  RequestLogEntry log_entry(const Outcome& outcome, int http_status) const;
  std::vector<Finding> findings_;
  std::vector<std::pair<std::string, Json>> events_;
  std::string nonce_;
  WallNs nonce_timestamp_ = 0;
  bool committed_ = false;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view name() const = 0;
  // True when this dialect answers requests for `path` (the target without its query string).
  virtual bool serves(std::string_view path) const = 0;
  // False when handle() will most likely not wait for a durable commit (a query): the server
  // then answers it on its I/O thread instead of handing it to the worker pool. A guess from a
  // cheap look at the request; a wrong `false` only costs one blocked I/O thread for a commit.
  virtual bool may_block(const HttpRequest&) const { return true; }
  // Never throws for anything the client sent; StoreError may pass through (the platform turns it
  // into a "try again" reply).
  virtual DialectReply handle(Exchange& exchange) = 0;
};

// Helpers every dialect uses.
HttpResponse json_response(int http_status, const Json& body);
// {"code":code,"message":message,"data":data} with HTTP 200, the reply shape both dialects share.
DialectReply reply(int code, std::string message, Json data = nullptr);
// The reply after findings were raised: -1 naming the first.
DialectReply rejected(const Exchange& ex);

}  // namespace gaterig::platform
