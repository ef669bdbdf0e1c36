#include "simulator/platform/platform_service.hpp"

#include <unistd.h>

#include "core/log.hpp"

namespace gaterig::platform {
namespace {

Timeline* pick(Timeline* given, std::unique_ptr<Timeline>& own, std::size_t capacity) {
  if (given) return given;
  own = std::make_unique<Timeline>(capacity);
  return own.get();
}

}  // namespace

void PlatformService::CountingSink::publish(Event e) {
  if (e.kind == "platform.record_accepted") {
    if (e.payload.value("table", "") == "entry_exit") ++counts_.entry_exit;
    else ++counts_.attendance;
  } else if (e.kind == "platform.duplicate") {
    ++counts_.duplicates;
  } else if (e.kind == "platform.finding") {
    ++counts_.findings;
  } else if (e.kind == "platform.replay_refused") {
    ++counts_.replays;
  } else if (e.kind == "platform.worker_enrolled") {
    ++counts_.workers;
  }
  next_.publish(std::move(e));
}

PlatformService::PlatformService(PlatformConfig platform_config, ServerConfig server_config, Timeline* timeline)
    : platform_config_(std::move(platform_config)),
      server_config_(std::move(server_config)),
      timeline_(pick(timeline, own_timeline_, server_config_.timeline_capacity)),
      counts_(std::make_shared<Counts>()),
      counting_(*timeline_, *counts_),
      faults_(timeline_, server_config_.fault) {
  platform_ = std::make_unique<Platform>(platform_config_, counting_);
  Store& store = platform_->store();
  AdminSources sources;
  sources.records = [&store](const RowQuery& q) {
    Json rows = Json::array();
    for (const auto& r : store.attendance(q.after, q.limit, false)) rows.push_back(r.to_json(q.with_id));
    return rows;
  };
  sources.findings = [&store](const RowQuery& q) {
    Json rows = Json::array();
    for (const auto& f : store.findings(q.after, q.limit)) rows.push_back(f.to_json());
    return rows;
  };
  sources.store_stats = [&store] { return store.stats(); };
  admin_ = std::make_unique<Admin>(faults_, *timeline_, traffic_, std::move(sources));
  server_ = std::make_unique<HttpServer>(server_config_.platform, *platform_, timeline_, &faults_, &traffic_);
  admin_server_ = std::make_unique<HttpServer>(server_config_.admin, *admin_, nullptr, nullptr, nullptr);
}

PlatformService::~PlatformService() { stop(); }

void PlatformService::start() {
  server_->start();
  try {
    admin_server_->start();
  } catch (...) {
    server_->stop();
    throw;
  }
  timeline_->publish(Event{mono_now(), "platform", "platform.started", ready()});
}

void PlatformService::stop() {
  if (stopped_) return;
  stopped_ = true;
  timeline_->publish(Event{mono_now(), "platform", "platform.stopping", Json::object()});
  server_->stop();
  admin_server_->stop();
}

Json PlatformService::ready() const {
  Json projects = Json::array();
  for (const auto& p : platform_config_.projects) {
    Json proj{{"code", p.code}, {"name", p.name}, {"appid", p.appid}};
    if (!p.jiangmen_token.empty()) proj["jiangmen_token"] = p.jiangmen_token;
    Json teams = Json::array();
    for (const auto& t : p.teams) teams.push_back(t.sys_no);
    proj["teams"] = teams;
    projects.push_back(proj);
  }
  return Json{{"event", "ready"},
              {"port", server_->port()},
              {"bind", server_config_.platform.bind_address},
              {"admin_port", admin_server_->port()},
              {"admin_bind", server_config_.admin.bind_address},
              {"dialects", platform_config_.dialects},
              {"projects", projects},
              {"store", platform_config_.store_path.string()},
              {"fault", faults_.current().to_json()},
              {"pid", static_cast<long>(::getpid())}};
}

Json PlatformService::summary() const {
  const Json t = traffic_.to_json();
  Json fired = Json::object();
  for (const auto& [name, n] : faults_.fired_counts()) fired[name] = n;
  Json out{{"event", "summary"},
           {"connections", t["connections"]},
           {"requests", t["requests"]},
           {"replies", t["replies"]},
           {"no_reply", t["no_reply"]},
           {"by_method", t["by_method"]},
           {"by_status", t["by_status"]},
           {"by_code", t["by_code"]},
           {"records_accepted", counts_->attendance.load()},
           {"entry_exit_accepted", counts_->entry_exit.load()},
           {"duplicates", counts_->duplicates.load()},
           {"findings", counts_->findings.load()},
           {"replays_refused", counts_->replays.load()},
           {"workers_enrolled", counts_->workers.load()},
           {"faults_fired", fired},
           {"timeline_dropped", timeline_->dropped()}};
  try {
    out["store"] = platform_->store().stats();
  } catch (const std::exception& e) {
    out["store"] = Json{{"error", e.what()}};
  }
  return out;
}

}  // namespace gaterig::platform
