// `gaterig display`: the rig's display on the virtual monitor link, steered line by line from
// stdin, so a script can show a chosen face to a simulated terminal's camera and know when it was
// shown (the publish time is the simulated rig's photon time).
#include <iostream>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"
#include "simulator/bench/monitor_link.hpp"

namespace gaterig::cli {
namespace {

struct DisplayArgs {
  std::string monitor;
  int width = 640, height = 480;
};

void print_line(const Json& j) { std::cout << j.dump() << std::endl; }

int run_display(const DisplayArgs& a) {
  std::unique_ptr<MonitorPublisher> publisher;
  try {
    publisher = std::make_unique<MonitorPublisher>(MonitorPublisherOptions{a.monitor});
  } catch (const std::runtime_error& e) {
    std::cerr << "gaterig display: " << e.what() << "\n";
    return kRigError;
  }
  const cv::Mat blank(a.height, a.width, CV_8UC3, cv::Scalar(40, 40, 40));
  print_line(Json{{"event", "ready"}, {"monitor", a.monitor}});
  std::string line;
  // stdin closes or "quit" ends it; SIGTERM too (the read returns when the pipe closes).
  while (!StopSignal::instance().requested() && std::getline(std::cin, line)) {
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
      const std::uint64_t seq = publisher->publish(image);
      print_line(Json{{"event", "shown"}, {"seq", seq}, {"published_mono", mono_now()}, {"file", rest}});
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
      "connected), `quit`. stdout: one JSON line per command ({\"event\":\"shown\",\"seq\",\"published_mono\"}).");
  cmd->add_option("--monitor", args->monitor, "the link's Unix socket path")->required();
  cmd->add_option("--blank-size", args->width, "width of the blank frame (4:3)")->check(CLI::Range(16, 4096));
  cmd->callback([args, &exit_code] {
    args->height = args->width * 3 / 4;
    exit_code = run_display(*args);
  });
}

}  // namespace gaterig::cli
