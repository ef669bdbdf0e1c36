// `gaterig devsim`: the simulated attendance terminal, a process of its own like a real one. It
// enrolls the platform's workers, watches the virtual monitor (or an X display), admits or refuses
// faces, puts cards on the Wiegand wire and uploads attendance records, through outages too.
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"
#include "simulator/device/profile.hpp"
#include "simulator/device/terminal.hpp"
#include "simulator/device/terminal_admin.hpp"
#include "simulator/platform/http_server.hpp"

namespace gaterig::cli {
namespace {

using device::Terminal;
using device::TerminalConfig;

struct DevsimArgs {
  std::string config;
  std::optional<std::string> data, profile, platform, monitor, wire, x11;
  std::optional<int> admin_port;
  bool list_profiles = false;
};

void print_line(const Json& j) { std::cout << j.dump() << std::endl; }

std::string describe_start(const Json& r) {
  std::ostringstream os;
  os << "gaterig devsim: terminal " << r["identity"]["serial"].get<std::string>() << " (" << r["identity"]["model"].get<std::string>()
     << ", firmware " << r["identity"]["firmware_version"].get<std::string>() << ") profile "
     << r["profile"].get<std::string>() << ", engine " << r["engine"].get<std::string>() << "\n"
     << "  data " << r["data_dir"].get<std::string>() << ", " << r["enrolled"] << " enrolled, "
     << r["enroll_failures"] << " enrollment failure(s), " << r["queue"]["pending"] << " record(s) pending\n"
     << "  camera: " << r["camera"].get<std::string>() << "\n"
     << "  wiegand: " << r["wiegand"]["format"].get<std::string>() << " facility " << r["wiegand"]["facility"] << " on "
     << r["wiegand"]["sink"].get<std::string>() << "\n"
     << "  admin on http://127.0.0.1:" << r["admin_port"] << " (gaterig devsim --help lists its routes)\n"
     << "  stop with Ctrl-C or SIGTERM";
  return os.str();
}

std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

// Starts again on the same data, as a terminal does when told to restart: same pid, same stdout,
// so whoever watches the ready line sees a new one.
[[noreturn]] void restart_in_place() {
  std::vector<std::string> args = own_command_line();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr << "gaterig devsim: restarting" << std::endl;
  ::execv("/proc/self/exe", argv.data());
  std::cerr << "gaterig devsim: restart failed: " << std::strerror(errno) << std::endl;
  std::_Exit(kRigError);
}

int run_devsim(const DevsimArgs& a) {
  if (a.list_profiles) {
    for (const auto& p : device::known_profiles()) std::cout << p.name << "\t" << p.lowers << "\n";
    return kOk;
  }
  const Config file = Config::load_file(a.config);
  TerminalConfig c = TerminalConfig::from(file.table("devsim"));
  if (a.data) c.data_dir = *a.data;
  if (a.profile) c.profile = *a.profile;
  if (a.monitor) c.camera.monitor = *a.monitor, c.camera.x11_display.clear();
  if (a.x11) c.camera.x11_display = *a.x11, c.camera.monitor.clear();
  if (a.wire) c.wiegand.virtual_wire = *a.wire, c.wiegand.gpio_chip.clear();
  if (a.admin_port) c.admin_port = static_cast<std::uint16_t>(*a.admin_port);
  if (a.platform) {
    const auto colon = a.platform->rfind(':');
    int port = -1;
    try {
      if (colon != std::string::npos) port = std::stoi(a.platform->substr(colon + 1));
    } catch (const std::exception&) {
    }
    if (colon == std::string::npos || port < 1 || port > 65535) {
      std::cerr << "gaterig devsim: --platform '" << *a.platform << "': expected HOST:PORT\n";
      return kUsage;
    }
    c.platform.host = a.platform->substr(0, colon);
    c.platform.port = static_cast<std::uint16_t>(port);
  }
  if (c.platform.port == 0) {
    std::cerr << "gaterig devsim: no platform port (devsim.platform.port or --platform HOST:PORT)\n";
    return kUsage;
  }
  try {
    device::apply_profiles(c);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig devsim: profile: " << e.what() << "\n";
    return kUsage;
  }

  bool restart = false;
  {
    std::unique_ptr<Terminal> terminal;
    try {
      terminal = std::make_unique<Terminal>(c);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      std::cerr << "gaterig devsim: cannot start: " << e.what() << "\n";
      return kRigError;
    }
    device::TerminalAdmin admin(*terminal);
    platform::HttpServerOptions so;
    so.name = "devsim-admin";
    so.bind_address = c.admin_bind;
    so.port = c.admin_port;
    so.handler_threads = 2;
    so.traffic_events = false;
    so.health_path = "";
    so.stop_deadline = std::chrono::milliseconds(2000);
    platform::HttpServer server(so, admin);
    try {
      server.start();
    } catch (const std::runtime_error& e) {
      std::cerr << "gaterig devsim: admin endpoint: " << e.what() << "\n";
      return kRigError;
    }
    terminal->on_restart([] { StopSignal::instance().request(0); });
    terminal->start();
    Json ready = terminal->ready();
    ready["admin_port"] = server.port();
    std::cerr << describe_start(ready) << std::endl;
    print_line(ready);

    StopSignal::instance().wait();
    terminal->stop();
    server.stop();
    restart = terminal->restart_requested();
    Json summary = terminal->summary();
    if (restart) summary["restarting"] = true;
    LOG_INFO("devsim", "stopped: " << summary["decisions"].dump() << ", queue " << summary["queue"].dump());
    print_line(summary);
  }
  if (restart) restart_in_place();
  return kOk;
}

}  // namespace

void add_devsim_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DevsimArgs>();
  CLI::App* cmd = app.add_subcommand(
      "devsim",
      "Run the simulated attendance terminal until SIGINT/SIGTERM: it enrolls the platform's workers\n"
      "(ProjectWorker.Query with headImage), watches the virtual monitor, admits or refuses faces, sends\n"
      "the card on Wiegand and a door-relay edge, and uploads attendance records (offline queue,\n"
      "backfill with original dates). Behaviour profiles lower one spec each (--list-profiles).\n"
      "stdout: {\"event\":\"ready\",\"pid\",\"data_dir\",\"profile\",\"engine\",\"enrolled\",\"admin_port\",...}\n"
      "once it runs, {\"event\":\"summary\",...} on stop; stderr: decisions (ID numbers masked).\n"
      "Exit codes: 0 stopped by signal, 2 bad configuration or flags, 3 could not start.");
  cmd->footer(std::string("Admin endpoint (JSON both ways; its port is the ready line's admin_port):\n") +
              device::admin_routes());
  cmd->add_option("--config", args->config,
                  "TOML file with a [devsim] table (see simulator/device/devsim.example.toml)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", args->data, "data directory (gallery, offline queue, parameters); overrides data_dir");
  cmd->add_option("--profile", args->profile, "behaviour profile(s), comma-separated (default: config, else compliant)");
  cmd->add_option("--platform", args->platform, "the platform's HOST:PORT (overrides devsim.platform)");
  cmd->add_option("--monitor", args->monitor, "the virtual monitor link's socket path (camera)");
  cmd->add_option("--x11", args->x11, "watch this X display instead (camera.region picks the area)");
  cmd->add_option("--wire", args->wire, "the virtual Wiegand wire's socket path");
  cmd->add_option("--admin-port", args->admin_port, "admin endpoint port; 0 = ephemeral")->check(CLI::Range(0, 65535));
  cmd->add_flag("--list-profiles", args->list_profiles, "list the behaviour profiles and exit");
  cmd->callback([args, &exit_code, cmd] {
    if (!args->list_profiles && args->config.empty()) throw CLI::RequiredError("--config");
    (void)cmd;
    exit_code = run_devsim(*args);
  });
}

}  // namespace gaterig::cli
