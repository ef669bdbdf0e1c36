#include "simulator/device/camera.hpp"

#include <cstdlib>
#include <stdexcept>

#include <unistd.h>

#include "simulator/bench/monitor_link.hpp"

namespace gaterig::device {
namespace {

// Where the rig's display publishes when nobody says otherwise: beside the default virtual wire.
std::string default_monitor_path() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime && *runtime) return std::string(runtime) + "/gaterig/monitor.sock";
  return "/tmp/gaterig-" + std::to_string(::getuid()) + "/monitor.sock";
}

class MonitorCamera final : public Camera {
 public:
  explicit MonitorCamera(std::string path) : path_(std::move(path)), subscriber_(MonitorSubscriberOptions{path_}) {}

  std::optional<CameraFrame> next(std::chrono::milliseconds timeout) override {
    auto f = subscriber_.next(timeout);
    if (!f) return std::nullopt;
    return CameraFrame{std::move(f->image), f->seq, f->published, f->received};
  }
  std::string describe() const override { return "virtual monitor " + path_; }
  Json stats() const override {
    const auto s = subscriber_.stats();
    return Json{{"kind", "monitor"}, {"path", path_}, {"received", s.received}, {"dropped", s.dropped},
                {"connections", s.connections}, {"connected", s.connected}};
  }

 private:
  std::string path_;
  MonitorSubscriber subscriber_;
};

}  // namespace

std::unique_ptr<Camera> open_camera(const CameraConfig& c) {
  if (!c.x11_display.empty()) return open_x11_camera(c);
  return std::make_unique<MonitorCamera>(c.monitor.empty() ? default_monitor_path() : c.monitor);
}

}  // namespace gaterig::device
