#pragma once
// The simulated bench: one libmodbus TCP server (a gateway, as many real benches have) answering
// for three unit ids with the register maps of probes/modbus/register_map.hpp:
//   unit 1 light controller, unit 2 lux meter (reading follows the lights: lux_model.hpp),
//   unit 3 power relay (outlet changes are reported through a callback and an event).
// Faults (fault.hpp) are part of the request loop. One server thread; every wait in it is
// bounded, and stop() (or the destructor) ends it promptly, even in the middle of a delay.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "simulator/bench/fault.hpp"
#include "simulator/bench/lux_model.hpp"

typedef struct _modbus modbus_t;
typedef struct _modbus_mapping_t modbus_mapping_t;

namespace gaterig {

struct ModbusBenchOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks one; read it back with port()
  int light_unit = bench_map::kLightUnit;
  int lux_unit = bench_map::kLuxUnit;
  int relay_unit = bench_map::kRelayUnit;
  std::uint64_t seed = 1;  // lux noise and probabilistic faults
  LuxModel lux_model;
  // Power-up state: "normal light" is the ambient channel at full, the others dark.
  std::array<int, bench_map::light::kChannels> initial_levels{0, 0, 1000, 0};
  std::array<bool, bench_map::relay::kOutlets> initial_outlets{true, true, true, true};
  EventSink* sink = nullptr;  // "bench.fault", "bench.outlet_changed"; may be null
  std::string source = "bench.sim";
};

struct ModbusBenchStats {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t refused = 0;  // answered with an exception by the instrument itself
  std::uint64_t faults_fired = 0;
};

class ModbusBench {
 public:
  using OutletListener = std::function<void(int outlet, bool on)>;

  // Binds and starts serving before it returns. Throws std::runtime_error naming host:port.
  explicit ModbusBench(ModbusBenchOptions options = {});
  ~ModbusBench();
  ModbusBench(const ModbusBench&) = delete;
  ModbusBench& operator=(const ModbusBench&) = delete;

  int port() const { return port_; }
  const ModbusBenchOptions& options() const { return options_; }
  void stop();

  void inject(Fault fault);  // logs the fault with the seed its randomness comes from
  void clear_faults();
  std::vector<Fault> faults() const;

  LightLevels light() const;
  std::array<bool, bench_map::relay::kOutlets> outlets() const;
  // Called on the server thread after an outlet changed (by a coil write or a pulse). Keep short.
  void on_outlet_change(OutletListener listener);
  ModbusBenchStats stats() const;

 private:
  struct Pulse {
    int outlet;
    std::chrono::steady_clock::time_point ends;
  };
  void run();
  bool serve_one(int fd);                  // false: close the connection
  bool apply_faults(const std::uint8_t* req, bool& answered);  // false: close
  bool wait_or_stop(std::chrono::milliseconds d);  // false when stop was requested
  int refusal(int unit, const std::uint8_t* req, int len) const;  // exception code or 0
  void refresh_lux_locked();
  void after_write_locked(int unit, std::vector<std::pair<int, bool>>& changed);
  void end_pulses(std::vector<std::pair<int, bool>>& changed);
  void announce(const std::vector<std::pair<int, bool>>& changed, const char* cause);
  void publish(const char* kind, Json payload);
  modbus_mapping_t* mapping_for(int unit) const;

  ModbusBenchOptions options_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  modbus_t* ctx_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  mutable std::mutex mu_;  // mappings, faults, stats, listeners
  modbus_mapping_t* light_map_ = nullptr;
  modbus_mapping_t* lux_map_ = nullptr;
  modbus_mapping_t* relay_map_ = nullptr;
  std::array<bool, bench_map::relay::kOutlets> last_outlets_{};
  std::vector<Pulse> pulses_;
  std::vector<Fault> faults_;
  std::vector<OutletListener> listeners_;
  std::mt19937_64 lux_rng_;
  std::mt19937_64 fault_rng_;
  std::uint16_t lux_samples_ = 0;
  ModbusBenchStats stats_;
};

}  // namespace gaterig
