#pragma once
// A power relay with one coil per outlet and a timed power-cycle (pulse), over Modbus.
// Register map: probes/modbus/register_map.hpp (bench_map::relay).
#include <chrono>
#include <memory>
#include <string>

#include "core/event.hpp"
#include "probes/modbus/instruments.hpp"
#include "probes/modbus/link.hpp"

namespace gaterig {

class ModbusPowerRelay final : public PowerRelay {
 public:
  // Every switch is an event "bench.power" {unit, outlet, on} (or {..., pulse_ms} for a cycle).
  ModbusPowerRelay(std::shared_ptr<ModbusLink> link, int unit, EventSink* sink = nullptr,
                   std::string source = "bench.power");

  int outlets() const override;
  void set(int outlet, bool on) override;
  bool get(int outlet) override;
  // Off now, on again after `off_time`, timed by the relay itself (survives a rig hiccup).
  void pulse(int outlet, std::chrono::milliseconds off_time);

 private:
  void check_outlet(int outlet) const;

  std::shared_ptr<ModbusLink> link_;
  int unit_;
  EventSink* sink_;
  std::string source_;
};

}  // namespace gaterig
