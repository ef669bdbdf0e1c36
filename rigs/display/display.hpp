#pragma once
// The rig's display: what shows a presentation to the terminal's camera and says when its
// photons left the screen. Two backends behind one interface:
//   monitor  the virtual monitor link to a simulated terminal (photon = frame publish time);
//   window   an OpenCV window on an X display, with a marker patch in a corner that flips in the
//            same frame as the face (photon = flip + calibrated panel latency, or a photodiode's
//            edge on the marker, which the rig takes from gpio.edge).
// Every show()/neutral() also goes onto the rig's timeline as `display.shown` / `display.neutral`
// (source "display") {presentation, frame_seq, photon}, `at` = the photon time.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/event.hpp"
#include "simulator/bench/scene.hpp"

namespace gaterig::display {

// Photon methods, as they appear in events and in the results' calibration.
inline constexpr std::string_view kPhotonFramePublish = "frame-publish";
inline constexpr std::string_view kPhotonFlipPanelLatency = "flip+panel-latency";
inline constexpr std::string_view kPhotonPhotodiode = "photodiode";

struct Shown {
  MonoNs photon = 0;            // CLOCK_MONOTONIC ns the frame is taken to be on screen
  std::uint64_t frame_seq = 0;  // the backend's frame number, from 1
  std::string photon_method;    // one of the kPhoton* above
};

class Display {
 public:
  virtual ~Display();
  // Shows an 8-bit BGR image (a presentation); returns after the flip. Throws std::runtime_error
  // when the display fails or does not flip within its deadline (a rig fault, never a verdict).
  virtual Shown show(const cv::Mat& bgr, std::string_view label) = 0;
  // The grey frame between trials.
  virtual Shown neutral() = 0;
  virtual std::string describe() const = 0;
};

enum class MarkerCorner { top_left, top_right, bottom_left, bottom_right };

struct MarkerConfig {
  MarkerCorner corner = MarkerCorner::bottom_right;
  int size_px = 48;  // the patch is size_px x size_px, flush with the corner
};

struct WindowConfig {
  std::string title = "gaterig";
  int x = 0, y = 0;               // top left corner on the screen
  int width = 640, height = 480;  // the canvas (ignored in full screen: the screen's size)
  bool fullscreen = false;
  MarkerConfig marker;
};

struct DisplayConfig {
  std::string backend = "monitor";  // "monitor" | "window"
  std::string monitor_path;         // the link's Unix socket; empty: the rig chooses one
  WindowConfig window;
  double panel_latency_ms = 0.0;    // calibrated flip-to-light delay of the panel (window backend)
  // Set by the rig from [calibration] photodiode: the photon time is the photodiode's edge on
  // the marker (gpio.edge); the display then reports the flip time with method "photodiode".
  bool photodiode = false;

  // The [display] table of a rig description:
  //   backend = "monitor" | "window"; monitor_path = "..."; panel_latency_ms = 12.5
  //   [display.window] title, x, y, width, height, fullscreen
  //   [display.window.marker] corner = "top-left"|"top-right"|"bottom-left"|"bottom-right", size_px
  // Unknown keys and bad values throw ConfigError naming file:line:key.
  static DisplayConfig from_config(const Config& table);
};

std::string_view to_string(MarkerCorner c);

// The backend the config names. `sink` (may be null) gets display.* events; `light` is the
// bench's current light, applied to monitor frames through the simulated Scene (empty: none).
std::unique_ptr<Display> make_display(const DisplayConfig& config, EventSink* sink,
                                      std::function<BenchLight()> light = {});

}  // namespace gaterig::display
