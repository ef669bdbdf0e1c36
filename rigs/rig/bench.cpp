#include "rigs/rig/bench.hpp"

#include <stdexcept>

#include "probes/modbus/light_controller.hpp"
#include "probes/modbus/link.hpp"
#include "probes/modbus/lux_meter.hpp"
#include "probes/modbus/power_relay.hpp"
#include "simulator/bench/modbus_bench.hpp"

namespace gaterig::rig {
namespace {

ModbusEndpoint endpoint_of(const ModbusWiring& m) {
  if (m.transport == "tcp") return TcpEndpoint{m.host, m.port};
  return RtuEndpoint{m.device, m.baud, m.parity, m.data_bits, m.stop_bits};
}

}  // namespace

Bench::Bench(const BenchWiring& wiring, int terminal_outlet, EventSink& events, std::uint64_t seed)
    : wiring_(wiring), outlet_(terminal_outlet), events_(events) {
  if (wiring_.simulated) {
    ModbusBenchOptions o;
    o.seed = seed;
    o.light_unit = wiring_.light.unit;
    o.lux_unit = wiring_.lux.unit;
    o.relay_unit = wiring_.relay.unit;
    o.sink = &events_;
    sim_ = std::make_unique<ModbusBench>(o);
    wiring_.modbus = ModbusWiring{};
    wiring_.modbus.host = "127.0.0.1";
    wiring_.modbus.port = sim_->port();
    // The relay as the bench saw it switch is what powers the simulated terminal.
    sim_->on_outlet_change([this](int outlet, bool on) {
      if (outlet != outlet_) return;
      std::function<void(bool)> listener;
      {
        std::lock_guard lock(mu_);
        listener = power_listener_;
      }
      if (listener) listener(on);
      {
        std::lock_guard lock(mu_);
        applied_on_ = on;
      }
      applied_cv_.notify_all();
    });
  }
  light_ = std::make_unique<ModbusLightController>(link_for(wiring_.light, "light controller"), wiring_.light.unit,
                                                   &events_, "bench");
  lux_ = std::make_unique<ModbusLuxMeter>(link_for(wiring_.lux, "lux meter"), wiring_.lux.unit, nullptr, "bench");
  relay_ = std::make_unique<ModbusPowerRelay>(link_for(wiring_.relay, "power relay"), wiring_.relay.unit, &events_,
                                              "bench");
}

Bench::~Bench() { stop(); }

void Bench::stop() {
  if (sim_) sim_->stop();
}

std::shared_ptr<ModbusLink> Bench::link_for(const InstrumentWiring& w, const std::string& what) {
  const ModbusWiring& bus = w.modbus ? *w.modbus : wiring_.modbus;
  const std::string key = bus.describe();
  auto& link = links_[key];
  if (!link) {
    link = std::make_shared<ModbusLink>("bench " + what, endpoint_of(bus),
                                        LinkOptions{std::chrono::milliseconds(bus.response_timeout_ms), bus.retries});
  }
  return link;
}

double Bench::set_light(std::string_view name) {
  const LightCondition* c = wiring_.condition(name);
  if (c == nullptr) {
    std::string known;
    for (const auto& k : wiring_.conditions) known += (known.empty() ? "" : ", ") + k.name;
    throw std::invalid_argument("bench: no light condition \"" + std::string(name) + "\" (known: " + known + ")");
  }
  light_->set_level(wiring_.front_channel, c->front);
  light_->set_level(wiring_.back_channel, c->back);
  light_->set_level(wiring_.ambient_channel, c->ambient);
  {
    std::lock_guard lock(mu_);
    condition_ = c->name;
  }
  events_.publish(Event{mono_now(), "bench", "bench.light",
                        Json{{"condition", c->name},
                             {"level_percent", Json{{"front", c->front / 10.0}, {"back", c->back / 10.0},
                                                    {"ambient", c->ambient / 10.0}}}}});
  return read_lux().lux;
}

LuxReading Bench::read_lux() {
  const LuxReading r = lux_->read();
  events_.publish(Event{mono_now(), "bench", "bench.lux",
                        Json{{"lux", r.lux}, {"valid", r.valid}, {"over_range", r.over_range}, {"sample", r.sample},
                             {"condition", condition()}}});
  return r;
}

std::string Bench::condition() const {
  std::lock_guard lock(mu_);
  return condition_;
}

void Bench::switch_terminal(bool on) {
  relay_->set(outlet_, on);
  if (sim_) {
    std::unique_lock lock(mu_);
    if (!applied_cv_.wait_for(lock, std::chrono::seconds(30), [&] { return applied_on_ == on; }))
      throw std::runtime_error(std::string("simulated bench: the terminal's outlet did not switch ") + (on ? "on" : "off") +
                               " within 30 s");
    return;
  }
  std::function<void(bool)> listener;
  {
    std::lock_guard lock(mu_);
    listener = power_listener_;
  }
  if (listener) listener(on);
}

void Bench::power_cut() { switch_terminal(false); }
void Bench::power_on() { switch_terminal(true); }

bool Bench::power() { return relay_->get(outlet_); }

void Bench::on_terminal_power(std::function<void(bool on)> listener) {
  std::lock_guard lock(mu_);
  power_listener_ = std::move(listener);
}

std::function<BenchLight()> Bench::light_function() const {
  if (!sim_) return {};
  ModbusBench* sim = sim_.get();
  return [sim] { return BenchLight::from(sim->light()); };
}

Json Bench::check() {
  Json j = Json::object();
  auto attempt = [&](const char* name, const std::function<Json()>& body) {
    try {
      Json r = body();
      r["ok"] = true;
      j[name] = r;
    } catch (const std::exception& e) {
      j[name] = Json{{"ok", false}, {"error", e.what()}};
    }
  };
  attempt("light", [&] {
    return Json{{"front_permille", light_->level(wiring_.front_channel)},
                {"back_permille", light_->level(wiring_.back_channel)},
                {"ambient_permille", light_->level(wiring_.ambient_channel)}};
  });
  attempt("lux", [&] {
    const LuxReading r = lux_->read();
    return Json{{"lux", r.lux}, {"valid", r.valid}};
  });
  attempt("relay", [&] { return Json{{"outlet", outlet_}, {"on", relay_->get(outlet_)}}; });
  return j;
}

std::string Bench::describe() const {
  std::string s = sim_ ? "simulated bench on tcp 127.0.0.1:" + std::to_string(sim_->port()) : "bench on";
  if (!sim_)
    for (const auto& [bus, link] : links_) s += (s.back() == 'n' ? " " : "; ") + bus;
  return s + " (light unit " + std::to_string(wiring_.light.unit) + ", lux unit " + std::to_string(wiring_.lux.unit) +
         ", relay unit " + std::to_string(wiring_.relay.unit) + " outlet " + std::to_string(outlet_) + ")";
}

}  // namespace gaterig::rig
