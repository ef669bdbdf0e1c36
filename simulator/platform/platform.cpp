#include "simulator/platform/platform.hpp"

#include "core/log.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/jiangmen_dialect.hpp"
#include "simulator/platform/national_dialect.hpp"

namespace gaterig::platform {

Platform::Platform(PlatformConfig config, EventSink& events)
    : config_(std::move(config)), events_(events), replay_(config_.replay_window) {
  config_.validate();
  store_ = std::make_unique<Store>(StoreOptions{config_.store_path, config_.durable, config_.write_timeout});
  store_->write([&](WriteTxn& txn) {
    for (const auto& p : config_.projects)
      for (const auto& t : p.teams) txn.add_team(Team{p.code, t.sys_no, t.name, "", ""});
  });
  const WallNs now = wall_now();
  std::size_t reloaded = 0;
  for (const auto& n : store_->nonces_since(replay_.horizon(now))) {
    replay_.claim(n.appid, n.nonce, now);
    ++reloaded;
  }
  if (config_.serves("national")) dialects_.push_back(std::make_unique<NationalDialect>());
  if (config_.serves("jiangmen")) dialects_.push_back(std::make_unique<JiangmenDialect>());
  LOG_INFO("platform", config_.projects.size() << " projects, dialects " << dialects_.size()
                                               << ", " << reloaded << " nonces remembered");
}

Platform::~Platform() = default;

void Platform::add_dialect(std::unique_ptr<Dialect> dialect) {
  dialects_.insert(dialects_.begin(), std::move(dialect));
}

Dialect* Platform::dialect_for(std::string_view path) const {
  for (const auto& d : dialects_)
    if (d->serves(path)) return d.get();
  return nullptr;
}

bool Platform::may_block(const HttpRequest& request) const {
  const std::string_view target(request.target);
  const Dialect* dialect = dialect_for(target.substr(0, target.find('?')));
  return dialect && dialect->may_block(request);
}

HttpResponse Platform::handle(const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  Dialect* dialect = dialect_for(path);
  Exchange ex(request, dialect ? std::string(dialect->name()) : "none", config_, *store_, replay_);
  DialectReply reply;
  if (!dialect) {
    reply.code = -1;
    reply.message = "no dialect serves " + path.substr(0, 80);
    reply.http = json_response(404, Json{{"code", -1}, {"message", reply.message}, {"data", nullptr}});
  } else {
    try {
      reply = dialect->handle(ex);
    } catch (const StoreError& e) {
      LOG_ERROR("platform", e.what());
      reply.code = -1;
      reply.message = "store unavailable, try again";
      reply.http = json_response(503, Json{{"code", -1}, {"message", reply.message}, {"data", nullptr}});
    } catch (const std::exception& e) {
      // A dialect bug, not the client's fault; keep serving.
      LOG_ERROR("platform", "dialect " << dialect->name() << ": " << mask_ids_in(e.what()));
      reply.code = -1;
      reply.message = "internal error";
      reply.http = json_response(500, Json{{"code", -1}, {"message", reply.message}, {"data", nullptr}});
    }
  }
  if (!ex.committed()) {
    try {
      if (ex.findings().empty())
        ex.log_later(Exchange::Outcome{reply.code, reply.message}, reply.http.status);
      else  // findings are conformance evidence: durable before the reply, like records
        ex.commit([&](WriteTxn&) { return Exchange::Outcome{reply.code, reply.message}; }, reply.http.status);
    } catch (const std::exception& e) {
      LOG_ERROR("platform", "request log: " << e.what());
    }
  }
  publish(ex, reply, (mono_now() - ex.received_mono) / 1000);
  return reply.http;
}

void Platform::publish(Exchange& ex, const DialectReply& reply, std::int64_t latency_us) {
  auto emit = [&](std::string kind, Json payload, MonoNs at) {
    Event e;
    e.at = at;
    e.source = "platform";
    e.kind = std::move(kind);
    e.payload = std::move(payload);
    events_.publish(std::move(e));
  };
  for (const auto& [kind, payload] : ex.pending_events()) emit(kind, payload, mono_now());
  for (const auto& f : ex.findings())
    emit("platform.finding",
         Json{{"request_id", f.request_id}, {"dialect", f.dialect}, {"method", valid_utf8(f.method.empty() ? ex.method : f.method)},
              {"field", f.field}, {"rule", f.rule}, {"message", f.message}},
         mono_now());
  emit("platform.request",
       Json{{"request_id", ex.request_id}, {"dialect", ex.dialect}, {"method", valid_utf8(ex.method)},
            {"appid", valid_utf8(ex.appid)}, {"code", reply.code}, {"message", valid_utf8(reply.message)},
            {"http_status", reply.http.status}, {"peer", valid_utf8(ex.request.peer)},
            {"body_bytes", ex.request.body.size()}, {"received_mono", ex.received_mono},
            {"received_wall", ex.received_wall}, {"latency_us", latency_us}},
       ex.received_mono);
}

}  // namespace gaterig::platform
