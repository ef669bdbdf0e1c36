#pragma once
// The bench's protocols: what the rig asks of a light controller, a lux meter and a power relay,
// whatever drives them (Modbus RTU/TCP here; a fake is just another implementation).
// Misuse (a channel or outlet that does not exist) is std::out_of_range; a device that does not
// answer or refuses is ModbusError (probes/modbus/link.hpp).
#include <cstdint>
#include <ostream>

namespace gaterig {

class LightController {
 public:
  virtual ~LightController() = default;
  virtual int channels() const = 0;
  virtual void set_level(int channel, int permille) = 0;  // 0..1000
  virtual int level(int channel) = 0;
};

struct LuxReading {
  double lux = 0;           // illuminance, lux (0.1 lux resolution)
  bool valid = false;       // the meter says the sample is good
  bool over_range = false;  // clamped at the meter's range
  std::uint16_t sample = 0; // the meter's sample counter
};
std::ostream& operator<<(std::ostream& os, const LuxReading& r);

class LuxMeter {
 public:
  virtual ~LuxMeter() = default;
  virtual LuxReading read() = 0;
};

class PowerRelay {
 public:
  virtual ~PowerRelay() = default;
  virtual int outlets() const = 0;
  virtual void set(int outlet, bool on) = 0;
  virtual bool get(int outlet) = 0;
};

}  // namespace gaterig
