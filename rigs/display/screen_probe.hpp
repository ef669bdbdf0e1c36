#pragma once
// Reads pixels back from the X server on a connection of our own: the window display's proof that
// a frame has really reached the screen's framebuffer (the toolkit paints asynchronously, so
// "imshow + waitKey returned" alone does not mean the pixels are there). One round trip per look.
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace gaterig::display {

class ScreenProbe {
 public:
  // Opens `display_name` ("" = $DISPLAY). Throws std::runtime_error naming it when it cannot,
  // or when this gaterig was built without X11.
  explicit ScreenProbe(const std::string& display_name = "");
  ~ScreenProbe();
  ScreenProbe(const ScreenProbe&) = delete;
  ScreenProbe& operator=(const ScreenProbe&) = delete;

  static bool available();        // built with X11
  cv::Size screen_size() const;
  // The pixels of `r` (screen coordinates) as 8-bit BGR; empty when the grab fails.
  cv::Mat grab(cv::Rect r) const;
  std::string name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gaterig::display
