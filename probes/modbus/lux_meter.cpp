#include "probes/modbus/lux_meter.hpp"

#include <iomanip>

#include "probes/modbus/register_map.hpp"

namespace gaterig {
namespace map = bench_map::lux;

std::ostream& operator<<(std::ostream& os, const LuxReading& r) {
  os << "LuxReading(" << std::fixed << std::setprecision(1) << r.lux << " lx";
  os.unsetf(std::ios::floatfield);
  if (!r.valid) os << " invalid";
  if (r.over_range) os << " over-range";
  return os << " #" << r.sample << ")";
}

ModbusLuxMeter::ModbusLuxMeter(std::shared_ptr<ModbusLink> link, int unit, EventSink* sink,
                               std::string source)
    : link_(std::move(link)), unit_(unit), sink_(sink), source_(std::move(source)) {}

LuxReading ModbusLuxMeter::read() {
  // One transaction for value, status and counter, so they belong to the same sample.
  auto regs = link_->read_input(unit_, map::kValueHigh, map::kInputCount);
  const std::uint32_t tenths = (std::uint32_t{regs[map::kValueHigh]} << 16) | regs[map::kValueLow];
  LuxReading r;
  r.lux = tenths / 10.0;
  r.valid = (regs[map::kStatus] & map::kStatusValid) != 0;
  r.over_range = (regs[map::kStatus] & map::kStatusOverRange) != 0;
  r.sample = regs[map::kSampleCounter];
  if (sink_ != nullptr)
    sink_->publish(Event{mono_now(), source_, "bench.lux",
                         Json{{"unit", unit_}, {"lux", r.lux}, {"valid", r.valid},
                              {"over_range", r.over_range}, {"sample", r.sample}}});
  return r;
}

}  // namespace gaterig
