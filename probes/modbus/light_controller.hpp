#pragma once
// A light controller with one holding register per channel (level in per mille), over Modbus.
// Register map: probes/modbus/register_map.hpp (bench_map::light).
#include <memory>
#include <string>

#include "core/event.hpp"
#include "probes/modbus/instruments.hpp"
#include "probes/modbus/link.hpp"

namespace gaterig {

class ModbusLightController final : public LightController {
 public:
  // `sink` may be null. Every level set is an event "bench.light_set" {unit, channel, permille}.
  ModbusLightController(std::shared_ptr<ModbusLink> link, int unit, EventSink* sink = nullptr,
                        std::string source = "bench.light");

  int channels() const override;
  void set_level(int channel, int permille) override;
  int level(int channel) override;
  // The master enable register: false makes every channel dark without losing the levels.
  void set_enabled(bool on);
  bool enabled();

 private:
  void check_channel(int channel) const;

  std::shared_ptr<ModbusLink> link_;
  int unit_;
  EventSink* sink_;
  std::string source_;
};

}  // namespace gaterig
