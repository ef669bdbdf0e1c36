#include "probes/modbus/light_controller.hpp"

#include <stdexcept>

#include "probes/modbus/register_map.hpp"

namespace gaterig {
namespace map = bench_map::light;

ModbusLightController::ModbusLightController(std::shared_ptr<ModbusLink> link, int unit,
                                             EventSink* sink, std::string source)
    : link_(std::move(link)), unit_(unit), sink_(sink), source_(std::move(source)) {}

int ModbusLightController::channels() const { return map::kChannels; }

void ModbusLightController::check_channel(int channel) const {
  if (channel < 0 || channel >= map::kChannels)
    throw std::out_of_range(link_->device() + ": light channel " + std::to_string(channel) +
                            " does not exist (0.." + std::to_string(map::kChannels - 1) + ")");
}

void ModbusLightController::set_level(int channel, int permille) {
  check_channel(channel);
  if (permille < 0 || permille > map::kMaxPermille)
    throw std::out_of_range(link_->device() + ": light level " + std::to_string(permille) +
                            " per mille is outside 0..1000");
  link_->write_holding(unit_, map::kLevelBase + channel, static_cast<std::uint16_t>(permille));
  if (sink_ != nullptr)
    sink_->publish(Event{mono_now(), source_, "bench.light_set",
                         Json{{"unit", unit_}, {"channel", channel}, {"permille", permille}}});
}

int ModbusLightController::level(int channel) {
  check_channel(channel);
  return link_->read_holding(unit_, map::kLevelBase + channel, 1).at(0);
}

void ModbusLightController::set_enabled(bool on) {
  link_->write_holding(unit_, map::kMasterEnable, on ? 1 : 0);
  if (sink_ != nullptr)
    sink_->publish(Event{mono_now(), source_, "bench.light_set",
                         Json{{"unit", unit_}, {"enabled", on}}});
}

bool ModbusLightController::enabled() {
  return link_->read_holding(unit_, map::kMasterEnable, 1).at(0) != 0;
}

}  // namespace gaterig
