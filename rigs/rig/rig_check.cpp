// What the rig has wired, and whether each resource answers (gaterig rig check).
#include "rigs/rig/devsim_terminal.hpp"
#include "rigs/rig/rig.hpp"
#include "rigs/rig/rig_parts.hpp"
#include "rigs/rig/wiegand_probe.hpp"
#include "rigs/display/monitor_display.hpp"
#include "simulator/device/http_client.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::rig {
using namespace std::chrono_literals;

Json Rig::wiring() const {
  Json j;
  j["rig"] = description_.to_json();
  j["work_dir"] = options_.work_dir.string();
  if (parts_->platform)
    j["platform"] = description_.platform.bind + ":" + std::to_string(parts_->platform->port()) + " (admin 127.0.0.1:" +
                    std::to_string(parts_->platform->admin_port()) + "), project " + project().code + " team " + team_;
  if (bench_) j["bench"] = bench_->describe();
  if (display_) j["display"] = display_->describe();
  if (wiegand_) j["wiegand"] = wiegand_->describe();
  if (terminal_) j["terminal"] = terminal_->describe();
  if (parts_->fixtures) {
    const auto& f = *parts_->fixtures;
    std::size_t enrolled = 0;
    for (const auto& p : f.set.persons) enrolled += p.role == fixtures::Role::enrolled;
    j["fixtures"] = f.dir.string() + " (" + f.origin + "): " + std::to_string(enrolled) + " enrolled, " +
                    std::to_string(f.set.persons.size() - enrolled) + " impostors, " +
                    std::to_string(f.set.presentations.size()) + " presentations";
  }
  return j;
}

Json Rig::check() {
  Json resources = Json::array();
  bool all = true;
  auto add = [&](const std::string& name, const std::string& what, bool ok, Json detail) {
    all = all && ok;
    resources.push_back(Json{{"name", name}, {"what", what}, {"ok", ok}, {"detail", std::move(detail)}});
  };
  const Json w = wiring();
  auto what = [&](const char* k) { return w.contains(k) ? w[k].get<std::string>() : std::string("not started"); };

  if (parts_->platform) {
    device::HttpClient http({"127.0.0.1", parts_->platform->port()}, {1000ms, 2000ms, 3000ms});
    const auto r = http.request("GET", "/health", "", "");
    add("platform", what("platform"), r.ok() && r.status == 200,
        r.ok() ? Json::parse(r.body, nullptr, false) : Json(std::string("GET /health: ") + to_string(r.failure)));
  } else {
    add("platform", what("platform"), false, "not started");
  }

  if (bench_) {
    const Json b = bench_->check();
    bool ok = true;
    for (const auto& [k, v] : b.items()) ok = ok && v.value("ok", false);
    add("bench", what("bench"), ok, b);
  } else if (description_.bench.present) {
    add("bench", what("bench"), false, "not started");
  }

  if (auto* monitor = dynamic_cast<display::MonitorDisplay*>(display_.get())) {
    const auto st = monitor->publisher().stats();
    const bool want_camera = description_.terminal.kind == "devsim";
    add("display", what("display"), !want_camera || st.subscribers > 0,
        Json{{"subscribers", st.subscribers}, {"published", st.published}});
  } else {
    add("display", what("display"), display_ != nullptr, display_ ? "window" : "not started");
  }

  add("wiegand", what("wiegand"), wiegand_ && wiegand_->running(),
      Json{{"frames", wiegand_ ? wiegand_->frames() : 0}});

  if (terminal_ && !terminal_->has_status()) {
    // Nothing to ask (an external terminal without an admin endpoint): not a fault of the rig.
    add("terminal", what("terminal"), true, "no admin endpoint: not asked");
  } else if (terminal_) {
    try {
      const Json s = terminal_->status();
      add("terminal", what("terminal"), true,
          Json{{"identity", TerminalIdentity::from_json(s.value("identity", Json::object())).to_json()},
               {"enrolled", s.value("enrolled", 0)}, {"online", s.value("online", false)},
               {"mode", terminal_->mode()}});
    } catch (const std::exception& e) {
      add("terminal", what("terminal"), false, e.what());
    }
  } else {
    add("terminal", what("terminal"), false, "not started");
  }
  add("fixtures", what("fixtures"), parts_->fixtures.has_value(), Json::object());
  return Json{{"rig", description_.to_json()}, {"ok", all}, {"resources", resources}};
}

}  // namespace gaterig::rig
