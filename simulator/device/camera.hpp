#pragma once
// What the simulated terminal sees. Two cameras behind one interface:
//   monitor  the virtual monitor link (simulator/bench/monitor_link.hpp): the frames the rig's
//            display publishes, with their publish time (the simulated rig's photon time);
//   x11      a region of an X display grabbed every `interval` (a real window under Xvfb); the
//            grab time stands in for the photon time. Only when built with X11 (GATERIG_HAVE_X11).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "core/clock.hpp"
#include "simulator/device/terminal_config.hpp"

namespace gaterig::device {

struct CameraFrame {
  cv::Mat image;        // 8-bit BGR
  std::uint64_t seq = 0;
  MonoNs shown = 0;     // when the display showed it (publish time), or when it was grabbed
  MonoNs received = 0;  // when the terminal had all of it
};

class Camera {
 public:
  virtual ~Camera() = default;
  // The newest frame not handed out yet, waiting at most `timeout`; nullopt when none came.
  virtual std::optional<CameraFrame> next(std::chrono::milliseconds timeout) = 0;
  virtual std::string describe() const = 0;
  virtual Json stats() const = 0;
};

// The camera the config names (monitor link by default). Throws std::runtime_error naming the
// display when an X display cannot be opened.
std::unique_ptr<Camera> open_camera(const CameraConfig& config);

// The X11 screen grabber (camera_x11.cpp); nullptr-free: throws when X11 is not built in.
std::unique_ptr<Camera> open_x11_camera(const CameraConfig& config);

}  // namespace gaterig::device
