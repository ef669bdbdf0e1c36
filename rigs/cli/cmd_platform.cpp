// `gaterig platform`: the simulated construction-worker platform, standalone. A terminal (real or
// simulated) uploads to it; a rig or a script steers it through the admin port.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::cli {
namespace {

using platform::FaultMode;
using platform::PlatformConfig;
using platform::PlatformService;
using platform::ServerConfig;

struct PlatformArgs {
  std::string config;
  std::optional<std::string> bind, admin_bind, store, fault;
  std::optional<int> port, admin_port;
  std::optional<unsigned> handler_threads;
};

void print_line(const Json& j) {
  std::cout << j.dump() << std::endl;  // one line, flushed: scripts wait for it
}

std::string describe_start(const Json& ready) {
  std::ostringstream os;
  os << "gaterig platform: listening on http://" << ready["bind"].get<std::string>() << ":" << ready["port"]
     << " (dialects:";
  for (const auto& d : ready["dialects"]) os << " " << d.get<std::string>();
  os << "), admin on http://" << ready["admin_bind"].get<std::string>() << ":" << ready["admin_port"] << "\n"
     << "  store " << ready["store"].get<std::string>() << ", fault mode "
     << FaultMode::from_json(ready["fault"]) << "\n";
  for (const auto& p : ready["projects"]) {
    os << "  project " << p["code"].get<std::string>() << " (" << p["name"].get<std::string>()
       << "): appid " << p["appid"].get<std::string>();
    if (p.contains("jiangmen_token")) os << ", jiangmen token " << p["jiangmen_token"].get<std::string>();
    if (!p["teams"].empty()) {
      os << ", teams";
      for (const auto& t : p["teams"]) os << " " << t.get<std::string>();
    }
    os << "\n";
  }
  os << "  stop with Ctrl-C or SIGTERM";
  return os.str();
}

std::string describe_summary(const Json& s, double seconds, int signo) {
  std::ostringstream os;
  os << "gaterig platform: stopped after " << std::fixed << std::setprecision(1) << seconds << " s"
     << (signo ? " (signal " + std::to_string(signo) + ")" : "") << "\n"
     << "  requests " << s["requests"] << " on " << s["connections"] << " connection(s): " << s["replies"]
     << " answered, " << s["no_reply"] << " without a reply\n";
  for (const auto& [method, m] : s["by_method"].items()) {
    os << "    " << std::left << std::setw(28) << method << std::right << std::setw(8) << m["requests"];
    if (!m["codes"].empty()) {
      os << "  codes";
      for (const auto& [code, n] : m["codes"].items()) os << " " << code << ":" << n;
    }
    if (m["no_reply"].get<std::uint64_t>() > 0) os << "  no reply:" << m["no_reply"];
    os << "\n";
  }
  if (!s["by_status"].empty()) {
    os << "  HTTP status";
    for (const auto& [status, n] : s["by_status"].items()) os << " " << status << ":" << n;
    os << "\n";
  }
  os << "  records accepted " << s["records_accepted"] << " (entry/exit " << s["entry_exit_accepted"]
     << "), duplicates " << s["duplicates"] << ", findings " << s["findings"] << ", replays refused "
     << s["replays_refused"] << ", workers enrolled " << s["workers_enrolled"] << "\n";
  os << "  faults fired";
  if (s["faults_fired"].empty()) os << " none";
  for (const auto& [mode, n] : s["faults_fired"].items()) os << " " << mode << ":" << n;
  return os.str();
}

int run_platform(const PlatformArgs& a) {
  const Config file = Config::load_file(a.config);
  const Config table = file.table("platform");
  PlatformConfig pc = PlatformConfig::from_config(table);
  ServerConfig sc = ServerConfig::from_config(table);
  if (a.bind) sc.platform.bind_address = *a.bind;
  if (a.port) sc.platform.port = static_cast<std::uint16_t>(*a.port);
  if (a.admin_bind) sc.admin.bind_address = *a.admin_bind;
  if (a.admin_port) sc.admin.port = static_cast<std::uint16_t>(*a.admin_port);
  if (a.handler_threads) sc.platform.handler_threads = *a.handler_threads;
  if (a.store) pc.store_path = *a.store;
  if (a.fault) {
    try {
      sc.fault = FaultMode::parse(*a.fault);
    } catch (const std::invalid_argument& e) {
      std::cerr << "gaterig platform: --fault: " << e.what() << "\n";
      return kUsage;
    }
  }

  const MonoNs started = mono_now();
  PlatformService service(std::move(pc), std::move(sc));
  try {
    service.start();
  } catch (const std::runtime_error& e) {
    std::cerr << "gaterig platform: " << e.what() << "\n";
    return kRigError;
  }
  const Json ready = service.ready();
  std::cerr << describe_start(ready) << std::endl;
  print_line(ready);

  StopSignal::instance().wait();
  service.stop();
  const Json summary = service.summary();
  std::cerr << describe_summary(summary, static_cast<double>(mono_now() - started) / 1e9,
                                StopSignal::instance().signal_number())
            << std::endl;
  print_line(summary);
  return kOk;
}

}  // namespace

void add_platform_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PlatformArgs>();
  CLI::App* cmd = app.add_subcommand(
      "platform",
      "Run the simulated construction-worker platform (national open.api and Jiangmen dialects,\n"
      "durable SQLite store, fault modes) until SIGINT/SIGTERM.\n"
      "stdout: one JSON line {\"event\":\"ready\",\"port\":..,\"admin_port\":..,...} once both ports\n"
      "listen, and {\"event\":\"summary\",...} on stop; stderr: human-readable start-up and summary.\n"
      "Admin port (JSON): GET /fault, PUT /fault {\"mode\":\"slow\",\"delay_ms\":500},\n"
      "GET /events?after=SEQ&wait_ms=N&kind=PREFIX, GET /stats, GET /records?after=ID, GET /findings?after=ID.\n"
      "Exit codes: 0 stopped by signal, 2 bad configuration or flags, 3 could not listen.");
  cmd->add_option("--config", args->config,
                  "TOML file with a [platform] table: projects and keys, store, dialects, and the\n"
                  "optional [platform.server], [platform.admin], [platform.faults] tables\n"
                  "(see simulator/platform/example.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--bind", args->bind, "address the terminal's port listens on (default: config, else 127.0.0.1)");
  cmd->add_option("--port", args->port, "the terminal's port; 0 = ephemeral, read it from the ready line")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--admin-bind", args->admin_bind, "address of the admin port (default: config, else 127.0.0.1)");
  cmd->add_option("--admin-port", args->admin_port, "the admin port; 0 = ephemeral")->check(CLI::Range(0, 65535));
  cmd->add_option("--store", args->store, "SQLite store file (overrides platform.store); created when missing");
  cmd->add_option("--fault", args->fault,
                  "fault mode at start: up, refuse, blackhole, error[:500|503], slow:MS, ack-lost,\n"
                  "each optionally followed by ,p=PROBABILITY[,seed=N] (e.g. ack-lost,p=0.05,seed=7)");
  cmd->add_option("--handler-threads", args->handler_threads,
                  "requests handled at once (each may wait for its durable commit)")
      ->check(CLI::Range(1, 1024));
  cmd->callback([args, &exit_code] { exit_code = run_platform(*args); });
}

}  // namespace gaterig::cli
