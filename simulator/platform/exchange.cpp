#include "simulator/platform/dialect.hpp"

#include "core/crypto.hpp"

namespace gaterig::platform {

Exchange::Exchange(const HttpRequest& req, std::string dialect_name, const PlatformConfig& cfg,
                   Store& st, ReplayGuard& rg)
    : request(req),
      config(cfg),
      store(st),
      replay(rg),
      request_id(crypto::to_hex(crypto::random_bytes(16))),
      dialect(std::move(dialect_name)),
      received_mono(req.received_mono ? req.received_mono : mono_now()),
      received_wall(req.received_wall ? req.received_wall : wall_now()) {}

void Exchange::finding(std::string field, const Violation& v) {
  Finding f;
  f.request_id = request_id;
  f.dialect = dialect;
  f.method = valid_utf8(method);
  f.field = valid_utf8(field);
  f.rule = v.rule;
  f.message = valid_utf8(v.message);
  f.at_wall = received_wall;
  findings_.push_back(std::move(f));
}

void Exchange::remember_nonce(std::string nonce, WallNs timestamp) {
  nonce_ = std::move(nonce);
  nonce_timestamp_ = timestamp;
}

Exchange::Outcome Exchange::commit(const std::function<Outcome(WriteTxn&)>& work, int http_status) {
  if (committed_) throw std::logic_error("Exchange::commit called twice for one request");
  committed_ = true;
  Outcome outcome;
  store.write([&](WriteTxn& txn) {
    outcome = work(txn);
    for (auto& f : findings_) {
      if (f.method.empty()) f.method = method;
      txn.add_finding(f);
    }
    if (!nonce_.empty()) txn.add_nonce(appid, nonce_, nonce_timestamp_, received_wall);
    txn.log_request(log_entry(outcome, http_status));
  });
  return outcome;
}

RequestLogEntry Exchange::log_entry(const Outcome& outcome, int http_status) const {
  RequestLogEntry e;
  e.request_id = request_id;
  e.dialect = dialect;
  e.method = valid_utf8(method);
  e.appid = valid_utf8(appid);
  e.peer = valid_utf8(request.peer);
  e.code = outcome.code;
  e.message = valid_utf8(outcome.message);
  e.http_status = http_status;
  e.body_bytes = static_cast<std::int64_t>(request.body.size());
  e.received_mono = received_mono;
  e.received_wall = received_wall;
  e.latency_us = (mono_now() - received_mono) / 1000;
  return e;
}

void Exchange::log_later(const Outcome& outcome, int http_status) {
  if (committed_) throw std::logic_error("Exchange::log_later after this request's commit");
  if (!findings_.empty()) throw std::logic_error("Exchange::log_later: findings must be stored durably (commit)");
  committed_ = true;
  store.write_later([e = log_entry(outcome, http_status), appid = appid, nonce = nonce_,
                     timestamp = nonce_timestamp_](WriteTxn& txn) {
    if (!nonce.empty()) txn.add_nonce(appid, nonce, timestamp, e.received_wall);
    txn.log_request(e);
  });
}

void Exchange::publish_after_commit(std::string kind, Json payload) {
  events_.emplace_back(std::move(kind), std::move(payload));
}

HttpResponse json_response(int http_status, const Json& body) {
  HttpResponse r;
  r.status = http_status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

DialectReply reply(int code, std::string message, Json data) {
  DialectReply r;
  r.code = code;
  r.message = message;
  r.http = json_response(200, Json{{"code", code}, {"message", std::move(message)}, {"data", std::move(data)}});
  return r;
}

DialectReply rejected(const Exchange& ex) {
  const auto& f = ex.findings();
  if (f.empty()) return reply(-1, "bad parameter");
  std::string m = f.front().field + ": " + f.front().message;
  if (f.size() > 1) m += " (and " + std::to_string(f.size() - 1) + " more findings)";
  return reply(-1, m);
}

}  // namespace gaterig::platform
