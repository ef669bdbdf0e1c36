#pragma once
// The bench (a labgrid-style driver over the [bench] resources): the light controller, the lux
// meter and the terminal's power relay, over Modbus RTU or TCP through the drivers of
// probes/modbus. On a sim rig the simulated bench (simulator/bench ModbusBench) serves the same
// registers in-process on a loopback port, and the drivers talk real Modbus TCP to it; its light
// levels are what the simulated camera sees (light_function() for the display's Scene) and its
// relay outlet is the simulated terminal's power.
//
// Events (source "bench"): bench.light {condition, level_percent: {front, back, ambient}},
// bench.lux {lux, valid, over_range, sample, condition}, and the drivers' bench.light_set /
// bench.power per register written.
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/event.hpp"
#include "probes/modbus/instruments.hpp"
#include "rigs/rig/rig_description.hpp"
#include "simulator/bench/scene.hpp"

namespace gaterig {
class ModbusBench;
class ModbusLink;
class ModbusLightController;
class ModbusLuxMeter;
class ModbusPowerRelay;
}  // namespace gaterig

namespace gaterig::rig {

class Bench {
 public:
  // Sim: starts the simulated bench (binds a loopback port) before it returns. Opens no
  // connection yet: the first call to an instrument does (ModbusError names it when it fails).
  Bench(const BenchWiring& wiring, int terminal_outlet, EventSink& events, std::uint64_t seed);
  ~Bench();
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  // Sets the light levels of a condition (normal | strong | back | low, or the description's own)
  // and returns the lux meter's reading after it. std::invalid_argument for an unknown condition.
  double set_light(std::string_view condition);
  LuxReading read_lux();
  std::string condition() const;  // the last one set ("" before)

  // The terminal's outlet on the relay. On the sim rig the simulated bench reports the change
  // and the rig kills / restarts the simulated terminal on it.
  void power_cut();
  void power_on();
  bool power();  // reads the relay's outlet
  // Told when the terminal's outlet changed: sim from the simulated relay (as the bench saw it),
  // real after the relay write succeeded. Runs on the bench's thread; set before using power.
  void on_terminal_power(std::function<void(bool on)> listener);

  // Sim: the simulated bench's current light, for the display's Scene; real: empty.
  std::function<BenchLight()> light_function() const;
  bool simulated() const { return sim_ != nullptr; }
  ModbusBench* simulation() { return sim_.get(); }  // fault injection on a sim rig
  // {"light": {"ok", "levels"|"error"}, "lux": {...}, "relay": {...}}: each instrument spoken to.
  Json check();
  std::string describe() const;
  void stop();  // stops the simulated bench (drivers fail afterwards)

 private:
  std::shared_ptr<ModbusLink> link_for(const InstrumentWiring& w, const std::string& what);
  void switch_terminal(bool on);

  BenchWiring wiring_;
  int outlet_;
  EventSink& events_;
  std::unique_ptr<ModbusBench> sim_;
  std::map<std::string, std::shared_ptr<ModbusLink>> links_;  // by bus description
  std::unique_ptr<ModbusLightController> light_;
  std::unique_ptr<ModbusLuxMeter> lux_;
  std::unique_ptr<ModbusPowerRelay> relay_;
  mutable std::mutex mu_;
  std::string condition_;
  std::function<void(bool)> power_listener_;
  // Sim: the outlet state whose consequences (the listener) have run; the simulated bench calls
  // the listener after it answered the write, so power_cut()/power_on() wait for it.
  bool applied_on_ = true;
  std::condition_variable applied_cv_;
};

}  // namespace gaterig::rig
