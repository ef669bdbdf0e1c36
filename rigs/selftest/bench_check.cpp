// The bench instruments over real Modbus TCP against the simulated bench: the light controller
// takes levels, the lux meter follows them, the power relay switches and the bench sees it, and a
// dropped reply is survived by the driver's retry. A rig whose lux readings do not follow its
// lights cannot back a light clause (JX-A.6).
#include <atomic>

#include "probes/modbus/light_controller.hpp"
#include "probes/modbus/lux_meter.hpp"
#include "probes/modbus/power_relay.hpp"
#include "probes/modbus/register_map.hpp"
#include "rigs/selftest/check.hpp"
#include "simulator/bench/modbus_bench.hpp"

namespace gaterig::rig {

CheckResult check_bench(const SelftestOptions& o) {
  return run_check("bench.modbus", "lights set, lux follows, relay switches, a lost reply is retried",
                   [&](CheckResult& r) {
    using namespace std::chrono_literals;
    ModbusBenchOptions bo;
    bo.seed = o.seed;
    ModbusBench bench(bo);
    std::atomic<int> outlet_changes{0};
    bench.on_outlet_change([&](int, bool) { ++outlet_changes; });

    auto link = std::make_shared<ModbusLink>("selftest bench", TcpEndpoint{"127.0.0.1", bench.port()},
                                             LinkOptions{300ms, 2});
    ModbusLightController light(link, bench_map::kLightUnit);
    ModbusLuxMeter lux(link, bench_map::kLuxUnit);
    ModbusPowerRelay relay(link, bench_map::kRelayUnit);

    // Front light from dark to full: the lux reading must rise at every step.
    int monotone_steps = 0, steps = 0;
    double previous = -1, dark = 0, full = 0;
    for (int level : {0, 250, 500, 750, 1000}) {
      light.set_level(0, level);
      const int back = light.level(0);
      if (back != level) throw std::runtime_error("light channel 0 reads back " + std::to_string(back) +
                                                  " after setting " + std::to_string(level));
      const double v = lux.read().lux;
      if (previous >= 0) {
        ++steps;
        monotone_steps += v > previous;
      }
      if (level == 0) dark = v;
      if (level == 1000) full = v;
      previous = v;
    }
    if (o.progress) o.progress("bench: lux " + std::to_string(dark) + " dark → " + std::to_string(full) + " full");

    relay.set(0, false);
    const bool off_seen = !bench.outlets()[0];
    relay.set(0, true);
    const bool on_seen = bench.outlets()[0];

    // One dropped reply: the driver must retry and still get an answer.
    bench.inject(Fault::drop(1.0).times(1));
    const MonoNs t0 = mono_now();
    lux.read();
    const double retry_ms = static_cast<double>(mono_now() - t0) / 1e6;
    bench.stop();

    auto& m = r.measurements;
    m.push_back({"lux rises with the light", static_cast<double>(monotone_steps), "steps", static_cast<double>(steps), {}});
    m.push_back({"lux, light dark", dark, "lx", {}, {}});
    m.push_back({"lux, light full", full, "lx", dark + 100, {}});
    m.push_back({"relay off then on seen by the bench", (off_seen && on_seen) ? 1.0 : 0.0, "bool", 1, 1});
    m.push_back({"outlet changes announced", static_cast<double>(outlet_changes.load()), "changes", 1, {}});
    m.push_back({"read through one lost reply", retry_ms, "ms", {}, 2000});
  });
}

}  // namespace gaterig::rig
