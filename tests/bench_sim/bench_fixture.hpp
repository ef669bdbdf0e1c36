#pragma once
// A simulated bench on a loopback port chosen by the kernel, with the three Modbus drivers
// pointed at it and every event recorded on a Timeline.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "core/event.hpp"
#include "probes/modbus/light_controller.hpp"
#include "probes/modbus/lux_meter.hpp"
#include "probes/modbus/power_relay.hpp"
#include "probes/modbus/register_map.hpp"
#include "simulator/bench/modbus_bench.hpp"

namespace gaterig::test {

inline std::shared_ptr<ModbusLink> link_to(const ModbusBench& bench, LinkOptions o = {}) {
  return std::make_shared<ModbusLink>("simulated bench", TcpEndpoint{"127.0.0.1", bench.port()}, o);
}

// Counts the events of one kind on the timeline.
inline std::size_t count_kind(const Timeline& t, const std::string& kind) {
  std::size_t n = 0;
  for (const auto& e : t.since(0))
    if (e.kind == kind) ++n;
  return n;
}

class BenchTest : public ::testing::Test {
 protected:
  ModbusBenchOptions options() {
    ModbusBenchOptions o;
    o.sink = &timeline;
    o.seed = 1234;
    return o;
  }
  void SetUp() override {
    bench = std::make_unique<ModbusBench>(options());
    link = link_to(*bench, LinkOptions{std::chrono::milliseconds(300), 1});
    light = std::make_unique<ModbusLightController>(link, bench_map::kLightUnit, &timeline);
    lux = std::make_unique<ModbusLuxMeter>(link, bench_map::kLuxUnit, &timeline);
    relay = std::make_unique<ModbusPowerRelay>(link, bench_map::kRelayUnit, &timeline);
  }

  Timeline timeline;
  std::unique_ptr<ModbusBench> bench;
  std::shared_ptr<ModbusLink> link;
  std::unique_ptr<ModbusLightController> light;
  std::unique_ptr<ModbusLuxMeter> lux;
  std::unique_ptr<ModbusPowerRelay> relay;
};

}  // namespace gaterig::test
