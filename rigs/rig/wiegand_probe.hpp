#pragma once
// The rig's Wiegand probe (a driver over [wiegand]): the edge source the description wires
// (the virtual wire's socket, or D0/D1 and the photodiode/relay lines of a gpiochip through
// libgpiod) captured on a thread of its own onto the rig's timeline: wiegand.frame per frame
// (at = first edge), gpio.edge per photodiode/relay edge (probes/wiegand/capture.hpp).
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "core/event.hpp"
#include "rigs/rig/rig_description.hpp"

namespace gaterig::wiegand {
class EdgeSource;
class WiegandCapture;
}  // namespace gaterig::wiegand

namespace gaterig::rig {

class WiegandProbe {
 public:
  // Opens the source (binds the virtual wire's socket at `virtual_path`; requests the GPIO lines)
  // and starts capturing. Throws std::runtime_error naming the socket or chip and line.
  WiegandProbe(const WiegandWiring& wiring, const std::string& virtual_path, EventSink& events);
  ~WiegandProbe();  // stop()
  WiegandProbe(const WiegandProbe&) = delete;
  WiegandProbe& operator=(const WiegandProbe&) = delete;

  void stop();
  bool running() const { return running_.load(); }
  std::string describe() const;
  std::uint64_t frames() const { return frames_.load(); }

 private:
  EventSink& events_;
  std::unique_ptr<wiegand::EdgeSource> source_;
  std::unique_ptr<wiegand::WiegandCapture> capture_;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> frames_{0};
  std::string description_;
  std::thread thread_;
};

}  // namespace gaterig::rig
