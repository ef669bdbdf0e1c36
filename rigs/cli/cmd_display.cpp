// `gaterig display`: the rig's display on the virtual monitor link, steered line by line from
// stdin, so a script can show a chosen face to a simulated terminal's camera and know when it was
// shown (the publish time is the simulated rig's photon time). With --window the images go to the
// rig's window display instead (or as well): an OpenCV window with the photon marker patch
// (rigs/display/window_display.hpp), for a terminal that looks at a real X display (devsim --x11
// under Xvfb) or at a real monitor.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include <opencv2/imgcodecs.hpp>

#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"
#include "rigs/display/screen_probe.hpp"
#include "rigs/display/window_display.hpp"
#include "simulator/bench/monitor_link.hpp"

namespace gaterig::cli {
namespace {

struct DisplayArgs {
  std::string monitor;
  std::string window;  // OpenCV window title; empty: no window
  int window_x = 0, window_y = 0;
  int width = 640, height = 480;
  int window_width = 0, window_height = 0;  // the window's canvas; 0: the first image's size
  bool fullscreen = false;
  std::string marker_corner = "bottom-right";
  int marker_size = 48;
  double panel_latency_ms = 0.0;
};

void print_line(const Json& j) { std::cout << j.dump() << std::endl; }

// stdin, polled with a short timeout so a stop request is noticed. Returns the next line, or
// nullopt at end of input or on a stop. (The window pumps its own events on its own thread.)
class LineSource {
 public:

  std::optional<std::string> next() {
    while (!StopSignal::instance().requested()) {
      const auto nl = pending_.find('\n');
      if (nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      if (eof_) {
        if (pending_.empty()) return std::nullopt;
        return std::exchange(pending_, std::string());
      }
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) eof_ = true;
      else pending_.append(buf, static_cast<std::size_t>(n));
    }
    return std::nullopt;
  }

 private:
  bool eof_ = false;
  std::string pending_;
};

int run_display(const DisplayArgs& a) {
  std::unique_ptr<MonitorPublisher> publisher;
  if (!a.monitor.empty()) {
    try {
      publisher = std::make_unique<MonitorPublisher>(MonitorPublisherOptions{a.monitor});
    } catch (const std::runtime_error& e) {
      std::cerr << "gaterig display: " << e.what() << "\n";
      return kRigError;
    }
  }
  const cv::Mat blank(a.height, a.width, CV_8UC3, cv::Scalar(40, 40, 40));
  // The window opens with the canvas size given, or else at the first image's size (so that image
  // lands pixel for pixel at --window-x/--window-y, where a camera region can frame it).
  std::unique_ptr<display::WindowDisplay> window;
  auto open_window = [&](cv::Size canvas) {
    display::WindowDisplayOptions o;
    o.window.title = a.window;
    o.window.x = a.window_x;
    o.window.y = a.window_y;
    o.window.width = canvas.width;
    o.window.height = canvas.height;
    o.window.fullscreen = a.fullscreen;
    for (auto c : {display::MarkerCorner::top_left, display::MarkerCorner::top_right, display::MarkerCorner::bottom_left,
                   display::MarkerCorner::bottom_right})
      if (display::to_string(c) == a.marker_corner) o.window.marker.corner = c;
    o.window.marker.size_px = std::max(4, std::min(a.marker_size, std::min(canvas.width, canvas.height) / 4));
    o.panel_latency_ms = a.panel_latency_ms;
    window = std::make_unique<display::WindowDisplay>(std::move(o), nullptr);
  };
  if (!a.window.empty()) {
    try {
      display::ScreenProbe probe;  // fails cleanly without an X display, before any toolkit call
      if (a.fullscreen || a.window_width > 0 || a.window_height > 0) open_window(cv::Size(a.window_width > 0 ? a.window_width : a.width,
                                                                   a.window_height > 0 ? a.window_height : a.height));
    } catch (const std::runtime_error& e) {
      std::cerr << "gaterig display: --window: " << e.what() << "\n";
      return kRigError;
    }
  }
  Json ready{{"event", "ready"}, {"monitor", a.monitor}};
  if (!a.window.empty()) ready["window"] = a.window;
  print_line(ready);
  LineSource lines;
  // stdin closes or "quit" ends it; SIGTERM too.
  while (auto next = lines.next()) {
    const std::string line = *next;
    const auto space = line.find(' ');
    const std::string verb = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (verb.empty()) continue;
    if (verb == "quit") break;
    if (verb == "show" || verb == "blank") {
      cv::Mat image = blank;
      if (verb == "show") {
        image = cv::imread(rest, cv::IMREAD_COLOR);
        if (image.empty()) {
          print_line(Json{{"event", "error"}, {"error", "cannot read an image from '" + rest + "'"}});
          continue;
        }
      }
      std::uint64_t seq = 0;
      std::optional<display::Shown> flipped;
      if (!a.window.empty()) {
        try {
          if (!window) open_window(verb == "show" ? image.size() : blank.size());
          // Returns once the frame (and its marker) is on the X server's screen.
          flipped = verb == "show" ? window->show(image, rest) : window->neutral();
        } catch (const std::exception& e) {
          print_line(Json{{"event", "error"}, {"error", std::string("window: ") + e.what()}});
          continue;
        }
      }
      if (publisher) seq = publisher->publish(image);
      Json shown{{"event", "shown"}, {"seq", seq}, {"published_mono", mono_now()}, {"file", rest}};
      if (flipped) {
        shown["window"] = Json{{"frame_seq", flipped->frame_seq}, {"photon_mono", flipped->photon},
                               {"photon", flipped->photon_method}};
        if (!publisher) shown["seq"] = flipped->frame_seq;
      }
      print_line(shown);
    } else if (verb == "wait" && !publisher) {
      print_line(Json{{"event", "error"}, {"error", "wait: no monitor link (--window only)"}});
    } else if (verb == "wait") {  // wait N [timeout_ms]: until N subscribers are connected
      std::size_t n = 1;
      long timeout_ms = 10000;
      try {
        const auto sp = rest.find(' ');
        if (!rest.empty()) n = std::stoul(rest.substr(0, sp));
        if (sp != std::string::npos) timeout_ms = std::stol(rest.substr(sp + 1));
      } catch (const std::exception&) {
        print_line(Json{{"event", "error"}, {"error", "wait N [TIMEOUT_MS]: '" + rest + "'"}});
        continue;
      }
      const bool ok = publisher->wait_for_subscribers(n, std::chrono::milliseconds(timeout_ms));
      print_line(Json{{"event", "subscribers"}, {"ok", ok}, {"count", publisher->stats().subscribers}});
    } else {
      print_line(Json{{"event", "error"}, {"error", "unknown command '" + verb + "' (show FILE, blank, wait N, quit)"}});
    }
  }
  window.reset();
  if (!publisher) {
    print_line(Json{{"event", "summary"}});
    return kOk;
  }
  const auto s = publisher->stats();
  print_line(Json{{"event", "summary"}, {"published", s.published}, {"sent", s.sent}, {"skipped", s.skipped}});
  return kOk;
}

}  // namespace

void add_display_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DisplayArgs>();
  CLI::App* cmd = app.add_subcommand(
      "display",
      "Show images on the virtual monitor link (the simulated terminal's camera), one command per stdin\n"
      "line: `show FILE` (any image OpenCV reads), `blank`, `wait N [TIMEOUT_MS]` (until N cameras are\n"
      "connected), `quit`. stdout: one JSON line per command ({\"event\":\"shown\",\"seq\",\"published_mono\"}).\n"
      "--window shows them in the rig's window display on $DISPLAY instead or as well (a camera on an X\n"
      "display): letterboxed on grey, with a photon marker patch in a corner (white = face, black = blank);\n"
      "\"shown\" then also carries {\"window\": {frame_seq, photon_mono, photon}}.");
  cmd->add_option("--monitor", args->monitor, "the link's Unix socket path");
  cmd->add_option("--window", args->window,
                                 "show the images in an OpenCV window of this title on $DISPLAY (e.g. under Xvfb, "
                                 "for devsim --x11); `wait` needs --monitor");
  cmd->add_option("--window-x", args->window_x, "the window's left edge on the screen")->capture_default_str();
  cmd->add_option("--window-y", args->window_y, "the window's top edge on the screen")->capture_default_str();
  cmd->add_option("--window-width", args->window_width,
                  "the window's canvas width (default: the first image's size; images are letterboxed on grey)")
      ->check(CLI::Range(16, 16384));
  cmd->add_option("--window-height", args->window_height, "the window's canvas height")->check(CLI::Range(16, 16384));
  cmd->add_flag("--fullscreen", args->fullscreen, "the window covers the screen");
  cmd->add_option("--marker-corner", args->marker_corner,
                  "the photon marker patch's corner (white = face shown, black = neutral)")
      ->check(CLI::IsMember({"top-left", "top-right", "bottom-left", "bottom-right"}))
      ->capture_default_str();
  cmd->add_option("--marker-size", args->marker_size, "the marker patch's side in pixels (at most a quarter of the canvas)")
      ->check(CLI::Range(4, 1024))
      ->capture_default_str();
  cmd->add_option("--panel-latency-ms", args->panel_latency_ms, "added to the window's flip time (photon = flip + this)")
      ->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--blank-size", args->width, "width of the blank frame (4:3)")->check(CLI::Range(16, 4096));
  cmd->callback([args, &exit_code] {
    args->height = args->width * 3 / 4;
    if (args->monitor.empty() && args->window.empty()) {
      std::cerr << "gaterig display: give --monitor PATH, --window TITLE or both\n";
      exit_code = kUsage;
      return;
    }
    exit_code = run_display(*args);
  });
}

}  // namespace gaterig::cli
