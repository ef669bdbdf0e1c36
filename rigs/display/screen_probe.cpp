#include "rigs/display/screen_probe.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef GATERIG_HAVE_X11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <opencv2/imgproc.hpp>
#endif

namespace gaterig::display {

#ifdef GATERIG_HAVE_X11
struct ScreenProbe::Impl {
  ::Display* display = nullptr;
  std::string name;
};

ScreenProbe::ScreenProbe(const std::string& display_name) : impl_(std::make_unique<Impl>()) {
  const char* env = std::getenv("DISPLAY");
  impl_->name = !display_name.empty() ? display_name : (env != nullptr ? env : "");
  if (impl_->name.empty()) throw std::runtime_error("display window: no X display (DISPLAY is not set)");
  impl_->display = XOpenDisplay(impl_->name.c_str());
  if (impl_->display == nullptr) throw std::runtime_error("display window: cannot open the X display '" + impl_->name + "'");
}

ScreenProbe::~ScreenProbe() { XCloseDisplay(impl_->display); }

bool ScreenProbe::available() { return true; }

cv::Size ScreenProbe::screen_size() const {
  const int s = DefaultScreen(impl_->display);
  return {DisplayWidth(impl_->display, s), DisplayHeight(impl_->display, s)};
}

std::string ScreenProbe::name() const { return impl_->name; }

cv::Mat ScreenProbe::grab(cv::Rect r) const {
  const cv::Rect screen(cv::Point(0, 0), screen_size());
  r &= screen;
  if (r.empty()) return {};
  XImage* img = XGetImage(impl_->display, DefaultRootWindow(impl_->display), r.x, r.y, static_cast<unsigned>(r.width),
                          static_cast<unsigned>(r.height), AllPlanes, ZPixmap);
  if (img == nullptr) return {};
  cv::Mat out;
  if (img->bits_per_pixel == 32 && img->red_mask == 0xff0000 && img->blue_mask == 0xff) {
    cv::Mat bgra(img->height, img->width, CV_8UC4, img->data, static_cast<std::size_t>(img->bytes_per_line));
    cv::cvtColor(bgra, out, cv::COLOR_BGRA2BGR);
  } else {
    // Other visuals (16-bit, odd masks): slow, per pixel, but only ever a small patch.
    auto channel = [](unsigned long p, unsigned long mask) {
      if (mask == 0) return uchar{0};
      int shift = 0;
      while (((mask >> shift) & 1UL) == 0) ++shift;
      const unsigned long max = mask >> shift;
      return static_cast<uchar>(((p & mask) >> shift) * 255 / max);
    };
    out.create(img->height, img->width, CV_8UC3);
    for (int y = 0; y < img->height; ++y)
      for (int x = 0; x < img->width; ++x) {
        const unsigned long p = XGetPixel(img, x, y);
        out.at<cv::Vec3b>(y, x) = cv::Vec3b(channel(p, img->blue_mask), channel(p, img->green_mask), channel(p, img->red_mask));
      }
  }
  XDestroyImage(img);
  return out;
}
#else
struct ScreenProbe::Impl {};
ScreenProbe::ScreenProbe(const std::string&) {
  throw std::runtime_error("display window: this gaterig was built without X11 (libx11-dev)");
}
ScreenProbe::~ScreenProbe() = default;
bool ScreenProbe::available() { return false; }
cv::Size ScreenProbe::screen_size() const { return {}; }
cv::Mat ScreenProbe::grab(cv::Rect) const { return {}; }
std::string ScreenProbe::name() const { return {}; }
#endif

}  // namespace gaterig::display
