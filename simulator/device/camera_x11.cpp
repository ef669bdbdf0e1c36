// The X11 camera: grabs a region of an X display (XGetImage, ZPixmap) at a steady pace, so the
// simulated terminal can look at a real window, e.g. the rig's OpenCV display under Xvfb.
#include "simulator/device/camera.hpp"

#include <stdexcept>
#include <thread>

#ifdef GATERIG_HAVE_X11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <opencv2/imgproc.hpp>
#endif

namespace gaterig::device {

#ifdef GATERIG_HAVE_X11
namespace {

class X11Camera final : public Camera {
 public:
  explicit X11Camera(const CameraConfig& c) : config_(c) {
    display_ = XOpenDisplay(c.x11_display.c_str());
    if (!display_) throw std::runtime_error("camera.x11_display '" + c.x11_display + "': cannot open the X display");
    const Window root = DefaultRootWindow(display_);
    XWindowAttributes attrs{};
    XGetWindowAttributes(display_, root, &attrs);
    region_ = c.region;
    if (region_.width == 0) region_.width = attrs.width - region_.x;
    if (region_.height == 0) region_.height = attrs.height - region_.y;
    if (region_.x < 0 || region_.y < 0 || region_.width <= 0 || region_.height <= 0 ||
        region_.x + region_.width > attrs.width || region_.y + region_.height > attrs.height) {
      XCloseDisplay(display_);
      throw std::runtime_error("camera.region [" + std::to_string(c.region.x) + ", " + std::to_string(c.region.y) +
                               ", " + std::to_string(c.region.width) + ", " + std::to_string(c.region.height) +
                               "] does not fit the " + std::to_string(attrs.width) + "x" +
                               std::to_string(attrs.height) + " screen of " + c.x11_display);
    }
    next_grab_ = mono_now();
  }
  ~X11Camera() override { XCloseDisplay(display_); }

  std::optional<CameraFrame> next(std::chrono::milliseconds timeout) override {
    const MonoNs deadline = mono_now() + std::chrono::nanoseconds(timeout).count();
    if (next_grab_ > deadline) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(deadline - mono_now()));  // pacing, not synchronisation
      return std::nullopt;
    }
    if (next_grab_ > mono_now()) std::this_thread::sleep_for(std::chrono::nanoseconds(next_grab_ - mono_now()));
    next_grab_ = mono_now() + std::chrono::nanoseconds(config_.x11_interval).count();
    const MonoNs shown = mono_now();
    XImage* img = XGetImage(display_, DefaultRootWindow(display_), region_.x, region_.y,
                            static_cast<unsigned>(region_.width), static_cast<unsigned>(region_.height), AllPlanes,
                            ZPixmap);
    if (!img) {
      ++failed_;
      return std::nullopt;
    }
    CameraFrame f;
    if (img->bits_per_pixel == 32) {
      cv::Mat bgra(img->height, img->width, CV_8UC4, img->data, static_cast<std::size_t>(img->bytes_per_line));
      cv::cvtColor(bgra, f.image, cv::COLOR_BGRA2BGR);
    } else {
      f.image.create(img->height, img->width, CV_8UC3);
      for (int y = 0; y < img->height; ++y)
        for (int x = 0; x < img->width; ++x) {
          const unsigned long p = XGetPixel(img, x, y);
          f.image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(p & img->blue_mask), static_cast<uchar>((p & img->green_mask) >> 8),
                                                  static_cast<uchar>((p & img->red_mask) >> 16));
        }
    }
    XDestroyImage(img);
    f.seq = ++grabs_;
    f.shown = shown;
    f.received = mono_now();
    return f;
  }
  std::string describe() const override {
    return "X display " + config_.x11_display + " region " + std::to_string(region_.x) + "," + std::to_string(region_.y) +
           " " + std::to_string(region_.width) + "x" + std::to_string(region_.height);
  }
  Json stats() const override {
    return Json{{"kind", "x11"}, {"display", config_.x11_display}, {"grabs", grabs_}, {"failed", failed_}};
  }

 private:
  CameraConfig config_;
  ScreenRegion region_;
  Display* display_ = nullptr;
  MonoNs next_grab_ = 0;
  std::uint64_t grabs_ = 0, failed_ = 0;
};

}  // namespace

std::unique_ptr<Camera> open_x11_camera(const CameraConfig& c) { return std::make_unique<X11Camera>(c); }
#else
std::unique_ptr<Camera> open_x11_camera(const CameraConfig& c) {
  throw std::runtime_error("camera.x11_display '" + c.x11_display + "': this gaterig was built without X11 (libx11-dev)");
}
#endif

}  // namespace gaterig::device
