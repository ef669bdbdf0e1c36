#include "probes/modbus/power_relay.hpp"

#include <stdexcept>

#include "probes/modbus/register_map.hpp"

namespace gaterig {
namespace map = bench_map::relay;

ModbusPowerRelay::ModbusPowerRelay(std::shared_ptr<ModbusLink> link, int unit, EventSink* sink,
                                   std::string source)
    : link_(std::move(link)), unit_(unit), sink_(sink), source_(std::move(source)) {}

int ModbusPowerRelay::outlets() const { return map::kOutlets; }

void ModbusPowerRelay::check_outlet(int outlet) const {
  if (outlet < 0 || outlet >= map::kOutlets)
    throw std::out_of_range(link_->device() + ": outlet " + std::to_string(outlet) +
                            " does not exist (0.." + std::to_string(map::kOutlets - 1) + ")");
}

void ModbusPowerRelay::set(int outlet, bool on) {
  check_outlet(outlet);
  link_->write_coil(unit_, outlet, on);
  if (sink_ != nullptr)
    sink_->publish(Event{mono_now(), source_, "bench.power",
                         Json{{"unit", unit_}, {"outlet", outlet}, {"on", on}}});
}

bool ModbusPowerRelay::get(int outlet) {
  check_outlet(outlet);
  return link_->read_coils(unit_, outlet, 1).at(0);
}

void ModbusPowerRelay::pulse(int outlet, std::chrono::milliseconds off_time) {
  check_outlet(outlet);
  if (off_time.count() < 1 || off_time.count() > 65535)
    throw std::out_of_range(link_->device() + ": pulse time " + std::to_string(off_time.count()) +
                            " ms is outside 1..65535");
  link_->write_holding(unit_, map::kPulseMs, static_cast<std::uint16_t>(off_time.count()));
  link_->write_holding(unit_, map::kPulseTrigger, static_cast<std::uint16_t>(outlet + 1));
  if (sink_ != nullptr)
    sink_->publish(Event{mono_now(), source_, "bench.power",
                         Json{{"unit", unit_}, {"outlet", outlet}, {"on", false},
                              {"pulse_ms", off_time.count()}}});
}

}  // namespace gaterig
