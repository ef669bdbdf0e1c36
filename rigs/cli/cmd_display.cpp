// `gaterig display`: the rig's display on the virtual monitor link, steered line by line from
// stdin, so a script can show a chosen face to a simulated terminal's camera and know when it was
// shown (the publish time is the simulated rig's photon time). With --window the images go to an
// OpenCV window instead (or as well), for a terminal that looks at a real X display (devsim --x11
// under Xvfb).
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include <opencv2/highgui.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"
#include "simulator/bench/monitor_link.hpp"

namespace gaterig::cli {
namespace {

struct DisplayArgs {
  std::string monitor;
  std::string window;  // OpenCV window title; empty: no window
  int window_x = 0, window_y = 0;
  int width = 640, height = 480;
};

void print_line(const Json& j) { std::cout << j.dump() << std::endl; }

// The window's event loop must run on this thread, so stdin is polled between cv::waitKey pumps
// instead of blocking in getline. Returns the next line, or nullopt at end of input or on a stop.
class LineSource {
 public:
  explicit LineSource(bool pump_window) : pump_(pump_window) {}

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
      if (pump_) cv::waitKey(10);
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (::poll(&p, 1, pump_ ? 0 : 200) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) eof_ = true;
      else pending_.append(buf, static_cast<std::size_t>(n));
    }
    return std::nullopt;
  }

 private:
  bool pump_;
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
  if (!a.window.empty()) {
    try {
      // No toolbar or status bar: the window shows the image and nothing else a camera could see.
      cv::namedWindow(a.window, cv::WINDOW_GUI_NORMAL | cv::WINDOW_AUTOSIZE);
      cv::moveWindow(a.window, a.window_x, a.window_y);
      cv::imshow(a.window, blank);
      cv::waitKey(50);
    } catch (const cv::Exception& e) {
      std::cerr << "gaterig display: --window: cannot open an OpenCV window (is DISPLAY set?): " << e.what() << "\n";
      return kRigError;
    }
  }
  Json ready{{"event", "ready"}, {"monitor", a.monitor}};
  if (!a.window.empty()) ready["window"] = a.window;
  print_line(ready);
  LineSource lines(!a.window.empty());
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
      if (!a.window.empty()) {
        cv::imshow(a.window, image);
        cv::waitKey(50);  // lets the toolkit paint it before "shown" is reported
      }
      if (publisher) seq = publisher->publish(image);
      print_line(Json{{"event", "shown"}, {"seq", seq}, {"published_mono", mono_now()}, {"file", rest}});
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
  if (!a.window.empty()) cv::destroyAllWindows();
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
      "--window shows them in an OpenCV window on $DISPLAY instead or as well (a camera on an X display).");
  cmd->add_option("--monitor", args->monitor, "the link's Unix socket path");
  cmd->add_option("--window", args->window,
                                 "show the images in an OpenCV window of this title on $DISPLAY (e.g. under Xvfb, "
                                 "for devsim --x11); `wait` needs --monitor");
  cmd->add_option("--window-x", args->window_x, "the window's left edge on the screen")->capture_default_str();
  cmd->add_option("--window-y", args->window_y, "the window's top edge on the screen")->capture_default_str();
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
