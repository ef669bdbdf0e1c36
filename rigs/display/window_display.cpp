#include "rigs/display/window_display.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <opencv2/highgui.hpp>

#include "core/log.hpp"
#include "rigs/display/display_event.hpp"
#include "rigs/display/frame_canvas.hpp"
#include "rigs/display/window_thread.hpp"

namespace gaterig::display {

// Everything the window thread touches; the caller's side only reads `on_screen` after open.
struct WindowState {
  WindowConfig config;
  std::string x_display;
  std::unique_ptr<ScreenProbe> probe;  // used on the window thread only
  cv::Size canvas;
  cv::Rect on_screen;
  bool open = false;
};

namespace {

// The marker reads as white or black when every pixel of its inner part does (the edge pixels
// may be blended by a scaling toolkit).
bool marker_reads(const cv::Mat& patch, bool white) {
  if (patch.empty()) return false;
  const int m = patch.cols >= 8 ? patch.cols / 4 : 0;
  cv::Mat inner = patch(cv::Rect(m, m, patch.cols - 2 * m, patch.rows - 2 * m));
  double lo = 0, hi = 0;
  cv::minMaxLoc(inner.reshape(1), &lo, &hi);
  return white ? lo >= 200 : hi <= 55;
}

// imshow + waitKey, then look at the framebuffer until the marker reads right (pumping the event
// loop between looks). Returns the flip time: when the new frame was seen on the screen.
MonoNs flip(WindowState& w, const cv::Mat& frame, bool marker_white, MonoNs deadline) {
  cv::imshow(w.config.title, frame);
  cv::waitKey(1);
  const cv::Rect marker = marker_rect(w.canvas, w.config.marker) + w.on_screen.tl();
  for (;;) {
    if (marker_reads(w.probe->grab(marker), marker_white)) return mono_now();
    if (mono_now() > deadline) {
      std::ostringstream os;
      os << "display window '" << w.config.title << "': the marker at " << marker << " did not turn "
         << (marker_white ? "white" : "black") << " on " << w.probe->name()
         << " (window covered, moved, or not painted?)";
      throw std::runtime_error(os.str());
    }
    cv::waitKey(1);
  }
}

}  // namespace

WindowDisplay::WindowDisplay(WindowDisplayOptions options, EventSink* sink)
    : options_(std::move(options)), sink_(sink), window_(std::make_shared<WindowState>()) {
  window_->config = options_.window;
  window_->x_display = options_.x_display;
  // Opened here, on the caller's thread: Qt aborts the process when it cannot reach the display,
  // so no highgui call is made before we know the display is there.
  window_->probe = std::make_unique<ScreenProbe>(options_.x_display);
  const auto deadline_ns = std::chrono::nanoseconds(options_.deadline).count();
  auto w = window_;
  WindowThread::instance().run<void>("opening the window", options_.deadline, [w, deadline_ns] {
    const MonoNs deadline = mono_now() + deadline_ns;
    auto& c = w->config;
    if (c.fullscreen) {
      w->canvas = w->probe->screen_size();
      cv::namedWindow(c.title, cv::WINDOW_GUI_NORMAL | cv::WINDOW_NORMAL);
      cv::moveWindow(c.title, c.x, c.y);
      cv::setWindowProperty(c.title, cv::WND_PROP_FULLSCREEN, cv::WINDOW_FULLSCREEN);
    } else {
      // Autosize: the window is exactly the canvas, so no pixel is scaled by the toolkit.
      w->canvas = cv::Size(c.width, c.height);
      cv::namedWindow(c.title, cv::WINDOW_GUI_NORMAL | cv::WINDOW_AUTOSIZE);
      cv::moveWindow(c.title, c.x, c.y);
    }
    WindowThread::instance().window_opened();
    w->open = true;
    cv::imshow(c.title, compose_frame(cv::Mat(), w->canvas, c.marker));
    cv::waitKey(1);
    // Where the toolkit put the image (no window manager: exactly x, y; with one: after its
    // decorations). Asked until it has the canvas's size, as the first paint may still be pending.
    for (;;) {
      const cv::Rect r = cv::getWindowImageRect(c.title);
      if (r.width > 0 && r.height > 0 && (c.fullscreen || r.size() == w->canvas)) {
        w->on_screen = cv::Rect(r.tl(), w->canvas);
        if (c.fullscreen && r.size() != w->canvas) {
          // The toolkit may scale; the canvas follows the window instead.
          w->canvas = r.size();
          w->on_screen = r;
        }
        break;
      }
      if (mono_now() > deadline) throw std::runtime_error("display window '" + c.title + "': no image area on screen");
      cv::waitKey(1);
    }
    flip(*w, compose_frame(cv::Mat(), w->canvas, c.marker), false, deadline);
  });
  LOG_INFO("display", describe());
}

WindowDisplay::~WindowDisplay() {
  auto w = window_;
  try {
    WindowThread::instance().run<void>("closing the window", options_.deadline, [w] {
      if (!w->open) return;
      cv::destroyWindow(w->config.title);
      cv::waitKey(1);
      w->open = false;
      WindowThread::instance().window_closed();
    });
  } catch (const std::exception& e) {
    LOG_WARN("display", e.what());
  }
}

Shown WindowDisplay::present(cv::Mat face, std::string_view kind, std::string_view label) {
  std::lock_guard lock(mu_);
  const auto deadline_ns = std::chrono::nanoseconds(options_.deadline).count();
  auto w = window_;
  const bool white = !face.empty();
  const MonoNs flipped =
      WindowThread::instance().run<MonoNs>(std::string(kind), options_.deadline, [w, face = std::move(face), white, deadline_ns] {
        const MonoNs deadline = mono_now() + deadline_ns;
        return flip(*w, compose_frame(face, w->canvas, w->config.marker), white, deadline);
      });
  Shown s;
  s.frame_seq = ++seq_;
  if (options_.photodiode) {
    s.photon = flipped;  // the rig replaces it with the photodiode's edge on the marker
    s.photon_method = std::string(kPhotonPhotodiode);
  } else {
    s.photon = flipped + static_cast<MonoNs>(std::llround(options_.panel_latency_ms * 1e6));
    s.photon_method = std::string(kPhotonFlipPanelLatency);
  }
  if (sink_ != nullptr) sink_->publish(display_event(kind, label, s));
  return s;
}

Shown WindowDisplay::show(const cv::Mat& bgr, std::string_view label) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw std::invalid_argument("display window: show('" + std::string(label) + "') expects a non-empty 8-bit BGR image");
  return present(bgr.clone(), kShownKind, label);
}

Shown WindowDisplay::neutral() { return present(cv::Mat(), kNeutralKind, ""); }

cv::Rect WindowDisplay::canvas_on_screen() const { return window_->on_screen; }

std::string WindowDisplay::describe() const {
  std::ostringstream os;
  os << "window '" << options_.window.title << "' on " << window_->probe->name() << " at " << window_->on_screen
     << (options_.window.fullscreen ? " (full screen)" : "") << ", marker " << to_string(options_.window.marker.corner)
     << " " << options_.window.marker.size_px << " px (white = face, black = neutral), photon = ";
  if (options_.photodiode)
    os << "photodiode on the marker";
  else
    os << "flip + " << options_.panel_latency_ms << " ms panel latency";
  return os.str();
}

}  // namespace gaterig::display
