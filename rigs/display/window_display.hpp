#pragma once
// The real rig's display: an OpenCV window (no toolbar, no status bar) on an X display, at a
// given place and size or full screen, showing the face letterboxed on neutral grey with the
// photon marker patch in one corner (frame_canvas.hpp: white = face, black = neutral).
//
// show()/neutral() return after the flip: the frame was handed to the toolkit (imshow + waitKey)
// AND the marker patch's new colour has been read back from the X server's framebuffer
// (screen_probe.hpp), which the toolkit paints face and marker into in one request. The photon
// time reported is that flip plus the configured panel latency, method "flip+panel-latency". On a
// real rig a photodiode on the marker replaces this estimate: with `photodiode` configured the
// method is "photodiode" and the rig takes the photon time from the photodiode's gpio.edge; the
// display still reports the flip time, as the edge's lower bound.
//
// The window lives on the process's one window thread (window_thread.hpp); every command waits for
// it with a deadline and throws std::runtime_error when the window does not flip in time.
#include <chrono>
#include <memory>
#include <mutex>

#include "rigs/display/display.hpp"
#include "rigs/display/screen_probe.hpp"

namespace gaterig::display {

struct WindowState;  // what the window thread owns of one window (window_display.cpp)

struct WindowDisplayOptions {
  WindowConfig window;
  double panel_latency_ms = 0.0;
  bool photodiode = false;
  std::string x_display;                               // "" = $DISPLAY
  std::chrono::milliseconds deadline{5000};            // per command (open, show, neutral, close)
};

class WindowDisplay final : public Display {
 public:
  // Opens the window and shows the neutral frame. Throws std::runtime_error when there is no X
  // display or the window does not come up within the deadline.
  WindowDisplay(WindowDisplayOptions options, EventSink* sink);
  ~WindowDisplay() override;  // closes the window (bounded by the deadline)

  Shown show(const cv::Mat& bgr, std::string_view label) override;
  Shown neutral() override;
  std::string describe() const override;

  // Where the canvas is on the screen (screen coordinates), once open.
  cv::Rect canvas_on_screen() const;

 private:
  Shown present(cv::Mat face, std::string_view kind, std::string_view label);

  WindowDisplayOptions options_;
  EventSink* sink_;
  std::shared_ptr<WindowState> window_;  // shared with jobs still queued on the window thread
  std::mutex mu_;                   // one command at a time
  std::uint64_t seq_ = 0;
};

}  // namespace gaterig::display
