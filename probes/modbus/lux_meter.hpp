#pragma once
// A lux meter reporting illuminance x10 as a 32-bit input-register pair plus a status word,
// over Modbus. Register map: probes/modbus/register_map.hpp (bench_map::lux).
#include <memory>
#include <string>

#include "core/event.hpp"
#include "probes/modbus/instruments.hpp"
#include "probes/modbus/link.hpp"

namespace gaterig {

class ModbusLuxMeter final : public LuxMeter {
 public:
  // Every reading is an event "bench.lux" {unit, lux, valid, over_range, sample}.
  ModbusLuxMeter(std::shared_ptr<ModbusLink> link, int unit, EventSink* sink = nullptr,
                 std::string source = "bench.lux");
  LuxReading read() override;

 private:
  std::shared_ptr<ModbusLink> link_;
  int unit_;
  EventSink* sink_;
  std::string source_;
};

}  // namespace gaterig
