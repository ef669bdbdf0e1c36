// `gaterig bench`: the simulated bench standalone (`bench sim`), and small Modbus client commands
// (`bench light|lux|power`) to poke a real or simulated bench by hand.
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "rigs/cli/commands.hpp"

#if GATERIG_HAVE_MODBUS
#include "core/log.hpp"
#include "core/stop_signal.hpp"
#include "probes/modbus/light_controller.hpp"
#include "probes/modbus/lux_meter.hpp"
#include "probes/modbus/power_relay.hpp"
#include "probes/modbus/register_map.hpp"
#include "rigs/cli/commands.hpp"
#include "simulator/bench/modbus_bench.hpp"
#include "simulator/bench/monitor_link.hpp"
#include "simulator/bench/test_card.hpp"

namespace gaterig::cli {
namespace {
using namespace std::chrono_literals;

void print_json(const Json& j) { std::cout << j.dump() << std::endl; }  // one flushed line

// ---- bench sim ---------------------------------------------------------------------------------

struct SimArgs {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string monitor;
  std::uint64_t seed = 1;
  std::vector<std::string> faults;
  double fps = 10.0;
  std::string size = "640x480";
  bool json = false;
  bool events = false;
};

Json light_json(const LightLevels& l) {
  return Json{{"front", l.permille[0]}, {"back", l.permille[1]}, {"ambient", l.permille[2]},
              {"spare", l.permille[3]}, {"enabled", l.enabled}};
}

int run_sim(const SimArgs& a) {
  int w = 0, h = 0;
  char x = 0;
  std::istringstream size(a.size);
  if (!(size >> w >> x >> h) || x != 'x' || w < 16 || h < 16 || w > 8192 || h > 8192) {
    std::cerr << "gaterig bench sim: --size '" << a.size << "': expected WIDTHxHEIGHT, 16..8192\n";
    return kUsage;
  }
  std::vector<Fault> faults;
  try {
    for (const auto& f : a.faults) faults.push_back(Fault::parse(f));
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig bench sim: --fault: " << e.what() << "\n";
    return kUsage;
  }
  const std::string monitor_path =
      a.monitor.empty() ? "/tmp/gaterig-monitor-" + std::to_string(getpid()) + ".sock" : a.monitor;

  Timeline timeline(100'000);
  if (a.events)
    timeline.add_listener([](const Event& e) { print_json(Json{{"event", "bench"}, {"data", e.to_json()}}); });
  ModbusBenchOptions bo;
  bo.host = a.host;
  bo.port = a.port;
  bo.seed = a.seed;
  bo.sink = &timeline;
  std::unique_ptr<ModbusBench> bench;
  std::unique_ptr<MonitorPublisher> monitor;
  try {
    bench = std::make_unique<ModbusBench>(bo);
    for (auto& f : faults) bench->inject(f);
    MonitorPublisherOptions mo;
    mo.path = monitor_path;
    mo.sink = a.events ? &timeline : nullptr;  // 10 frames/s would drown the other events otherwise
    mo.scene_seed = a.seed;
    mo.light = [b = bench.get()] { return BenchLight::from(b->light()); };
    monitor = std::make_unique<MonitorPublisher>(mo);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig bench sim: " << e.what() << "\n";
    return kUsage;
  } catch (const std::runtime_error& e) {
    std::cerr << "gaterig bench sim: " << e.what() << "\n";
    return kRigError;
  }

  Json faults_json = Json::array();
  for (const auto& f : faults) faults_json.push_back(f.describe());
  const Json ready{{"event", "ready"},
                   {"modbus", {{"host", a.host}, {"port", bench->port()},
                               {"units", {{"light", bo.light_unit}, {"lux", bo.lux_unit}, {"relay", bo.relay_unit}}}}},
                   {"monitor", {{"path", monitor_path}, {"width", w}, {"height", h}, {"fps", a.fps}}},
                   {"seed", a.seed},
                   {"faults", faults_json}};
  std::ostringstream human;
  human << "gaterig bench sim: Modbus TCP on " << a.host << ":" << bench->port() << " (light unit "
        << bo.light_unit << ", lux unit " << bo.lux_unit << ", relay unit " << bo.relay_unit << "), monitor "
        << monitor_path << " " << w << "x" << h << " at " << a.fps << " frames/s, seed " << a.seed;
  for (const auto& f : faults) human << ", fault " << f.describe();
  human << "\n  stop with Ctrl-C or SIGTERM";
  if (a.json) {
    std::cerr << human.str() << std::endl;
    print_json(ready);
  } else {
    std::cout << human.str() << std::endl;
  }

  const MonoNs started = mono_now();
  if (a.fps > 0) {
    const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(1.0 / a.fps));
    std::uint64_t n = 0;
    do monitor->publish(test_card(cv::Size(w, h), ++n));
    while (!StopSignal::instance().wait_for(std::max(period, 1ms)));
  } else {
    StopSignal::instance().wait();
  }
  monitor.reset();
  bench->stop();

  const auto s = bench->stats();
  const auto outlets = bench->outlets();
  const Json summary{{"event", "summary"},
                     {"seconds", static_cast<double>(mono_now() - started) / 1e9},
                     {"signal", StopSignal::instance().signal_number()},
                     {"modbus", {{"connections", s.connections}, {"requests", s.requests}, {"replies", s.replies},
                                 {"refused", s.refused}, {"faults_fired", s.faults_fired}}},
                     {"light", light_json(bench->light())},
                     {"outlets", Json(std::vector<bool>(outlets.begin(), outlets.end()))}};
  std::ostringstream end;
  end << "gaterig bench sim: stopped after " << std::fixed << std::setprecision(1) << summary["seconds"].get<double>()
      << " s; Modbus " << s.requests << " request(s) on " << s.connections << " connection(s), " << s.refused
      << " refused, " << s.faults_fired << " fault(s) fired";
  if (a.json) {
    std::cerr << end.str() << std::endl;
    print_json(summary);
  } else {
    std::cout << end.str() << std::endl;
  }
  return kOk;
}

// ---- client commands ---------------------------------------------------------------------------

struct ClientArgs {
  std::string tcp, rtu;
  int baud = 9600;
  std::string parity = "N";
  int unit = 0;
  int timeout_ms = 500;
  int retries = 2;
  bool json = false;
};

void add_client_options(CLI::App* cmd, ClientArgs& a, int default_unit, const char* what) {
  a.unit = default_unit;
  auto* tcp = cmd->add_option("--tcp", a.tcp, "Modbus TCP device or gateway, HOST:PORT");
  auto* rtu = cmd->add_option("--rtu", a.rtu, "Modbus RTU serial device, e.g. /dev/ttyUSB0");
  tcp->excludes(rtu);
  rtu->excludes(tcp);
  cmd->add_option("--baud", a.baud, "RTU baud rate")->check(CLI::Range(300, 921600))->capture_default_str();
  cmd->add_option("--parity", a.parity, "RTU parity N, E or O")->check(CLI::IsMember({"N", "E", "O"}))->capture_default_str();
  cmd->add_option("--unit", a.unit, std::string("unit id of the ") + what)->check(CLI::Range(0, 247))->capture_default_str();
  cmd->add_option("--timeout", a.timeout_ms, "response timeout, ms")->check(CLI::Range(1, 60000))->capture_default_str();
  cmd->add_option("--retries", a.retries, "retries after a timeout or a broken connection")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  cmd->add_flag("--json", a.json, "print one JSON object instead of text");
}

// Runs one client action, turning the ways it can fail into exit codes and messages.
int run_client(const char* name, const ClientArgs& a, const std::function<Json(std::shared_ptr<ModbusLink>)>& action,
               const std::function<std::string(const Json&)>& human) {
  std::shared_ptr<ModbusLink> link;
  try {
    if (a.tcp.empty() == a.rtu.empty()) throw std::invalid_argument("give exactly one of --tcp HOST:PORT or --rtu DEVICE");
    ModbusEndpoint ep;
    if (!a.tcp.empty())
      ep = parse_tcp_endpoint(a.tcp);
    else
      ep = RtuEndpoint{a.rtu, a.baud, a.parity.at(0), 8, 1};
    link = std::make_shared<ModbusLink>(std::string("bench ") + name, ep,
                                        LinkOptions{std::chrono::milliseconds(a.timeout_ms), a.retries});
  } catch (const std::invalid_argument& e) {
    std::cerr << "gaterig bench " << name << ": " << e.what() << "\n";
    return kUsage;
  }
  try {
    const Json out = action(link);
    if (a.json)
      print_json(out);
    else
      std::cout << human(out) << std::endl;
    return kOk;
  } catch (const std::out_of_range& e) {
    std::cerr << "gaterig bench " << name << ": " << e.what() << "\n";
    return kUsage;
  } catch (const ModbusError& e) {
    if (a.json) print_json(Json{{"error", e.what()}, {"exception_code", e.exception_code()}, {"timed_out", e.timed_out()}});
    std::cerr << "gaterig bench " << name << ": " << e.what() << "\n";
    return kRigError;
  }
}

void add_light(CLI::App* bench, int& exit_code) {
  struct Args : ClientArgs {
    std::optional<int> channel, set;
    bool enable = false, disable = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand("light", "Read the light controller's channel levels; with --channel and --set,\n"
                                             "set one first (per mille 0..1000). Channels: 0 front, 1 back, 2 ambient, 3 spare.");
  add_client_options(cmd, *a, bench_map::kLightUnit, "light controller");
  cmd->add_option("--channel", a->channel, "channel to set")->check(CLI::Range(0, bench_map::light::kChannels - 1));
  cmd->add_option("--set", a->set, "level to set, per mille")->check(CLI::Range(0, 1000))->needs("--channel");
  auto* en = cmd->add_flag("--enable", a->enable, "switch the master enable on");
  cmd->add_flag("--disable", a->disable, "switch the master enable off (all dark)")->excludes(en);
  cmd->callback([a, &exit_code] {
    exit_code = run_client(
        "light", *a,
        [&](std::shared_ptr<ModbusLink> link) {
          ModbusLightController lc(link, a->unit);
          if (a->set) lc.set_level(*a->channel, *a->set);
          if (a->enable || a->disable) lc.set_enabled(a->enable);
          Json levels = Json::array();
          for (int c = 0; c < lc.channels(); ++c) levels.push_back(lc.level(c));
          return Json{{"unit", a->unit}, {"levels", levels}, {"enabled", lc.enabled()}};
        },
        [](const Json& j) {
          std::ostringstream os;
          os << "light unit " << j["unit"] << (j["enabled"].get<bool>() ? "" : " (disabled)") << ": front "
             << j["levels"][0] << ", back " << j["levels"][1] << ", ambient " << j["levels"][2] << ", spare "
             << j["levels"][3] << " per mille";
          return os.str();
        });
  });
}

void add_lux(CLI::App* bench, int& exit_code) {
  struct Args : ClientArgs {
    int count = 1;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand("lux", "Read the lux meter (illuminance in lux, status, sample counter).");
  add_client_options(cmd, *a, bench_map::kLuxUnit, "lux meter");
  cmd->add_option("--count", a->count, "readings to take, back to back")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->callback([a, &exit_code] {
    exit_code = run_client(
        "lux", *a,
        [&](std::shared_ptr<ModbusLink> link) {
          ModbusLuxMeter meter(link, a->unit);
          Json readings = Json::array();
          for (int i = 0; i < a->count; ++i) {
            const LuxReading r = meter.read();
            readings.push_back(Json{{"lux", r.lux}, {"valid", r.valid}, {"over_range", r.over_range}, {"sample", r.sample}});
          }
          return Json{{"unit", a->unit}, {"readings", readings}};
        },
        [](const Json& j) {
          std::ostringstream os;
          os << "lux unit " << j["unit"] << ":";
          for (const auto& r : j["readings"]) {
            os << " " << std::fixed << std::setprecision(1) << r["lux"].get<double>() << " lx";
            if (!r["valid"].get<bool>()) os << " (invalid)";
            if (r["over_range"].get<bool>()) os << " (over range)";
          }
          return os.str();
        });
  });
}

void add_power(CLI::App* bench, int& exit_code) {
  struct Args : ClientArgs {
    std::optional<int> outlet, pulse_ms;
    bool on = false, off = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand("power", "Read the power relay's outlets; with --outlet, switch one --on, --off,\n"
                                             "or power-cycle it with --pulse MS (timed by the relay).");
  add_client_options(cmd, *a, bench_map::kRelayUnit, "power relay");
  cmd->add_option("--outlet", a->outlet, "outlet to switch")->check(CLI::Range(0, bench_map::relay::kOutlets - 1));
  auto* on = cmd->add_flag("--on", a->on, "switch the outlet on")->needs("--outlet");
  auto* off = cmd->add_flag("--off", a->off, "switch the outlet off")->needs("--outlet")->excludes(on);
  cmd->add_option("--pulse", a->pulse_ms, "switch off, and on again after MS")
      ->check(CLI::Range(1, 65535))
      ->needs("--outlet")
      ->excludes(on)
      ->excludes(off);
  cmd->callback([a, &exit_code] {
    exit_code = run_client(
        "power", *a,
        [&](std::shared_ptr<ModbusLink> link) {
          ModbusPowerRelay relay(link, a->unit);
          if (a->on || a->off) relay.set(*a->outlet, a->on);
          if (a->pulse_ms) relay.pulse(*a->outlet, std::chrono::milliseconds(*a->pulse_ms));
          Json outlets = Json::array();
          for (int o = 0; o < relay.outlets(); ++o) outlets.push_back(relay.get(o));
          return Json{{"unit", a->unit}, {"outlets", outlets}};
        },
        [](const Json& j) {
          std::ostringstream os;
          os << "power unit " << j["unit"] << ":";
          for (std::size_t o = 0; o < j["outlets"].size(); ++o)
            os << " outlet " << o << (j["outlets"][o].get<bool>() ? " on" : " off") << (o + 1 < j["outlets"].size() ? "," : "");
          return os.str();
        });
  });
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* bench = app.add_subcommand("bench", "The bench: run the simulated one, or poke Modbus instruments by hand.");
  bench->require_subcommand(1);

  auto sim = std::make_shared<SimArgs>();
  auto* cmd = bench->add_subcommand(
      "sim",
      "Run the simulated bench until SIGINT/SIGTERM: a Modbus TCP server (light controller unit 1,\n"
      "lux meter unit 2, power relay unit 3; register maps in simulator/bench/REGISTER_MAPS.md) and\n"
      "the virtual monitor, showing a test card through the light Scene.\n"
      "With --json, stdout has one line {\"event\":\"ready\",\"modbus\":{\"port\":..},\"monitor\":{\"path\":..}}\n"
      "and {\"event\":\"summary\",...} on stop. Exit codes: 0 stopped by signal, 2 bad flags, 3 could not listen.");
  cmd->add_option("--host", sim->host, "IPv4 address to listen on")->capture_default_str();
  cmd->add_option("--port", sim->port, "Modbus TCP port; 0 = ephemeral, read it from the ready line")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--monitor", sim->monitor, "Unix socket path of the virtual monitor (default /tmp/gaterig-monitor-PID.sock)");
  cmd->add_option("--seed", sim->seed, "seed of the lux noise, the Scene noise and probabilistic faults")->capture_default_str();
  cmd->add_option("--fault", sim->faults,
                  "fault in the Modbus server loop (repeatable): delay:MS, drop:P, exception:CODE, disconnect,\n"
                  "each optionally @UNIT and xCOUNT, e.g. --fault exception:4@2x1");
  cmd->add_option("--fps", sim->fps, "test-card frames per second on the monitor; 0 = show nothing")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_option("--size", sim->size, "monitor frame size WIDTHxHEIGHT")->capture_default_str();
  cmd->add_flag("--json", sim->json, "machine-readable ready and summary lines on stdout (text goes to stderr)");
  cmd->add_flag("--events", sim->events, "also print every bench event as a JSON line {\"event\":\"bench\",\"data\":..}");
  cmd->callback([sim, &exit_code] { exit_code = run_sim(*sim); });

  add_light(bench, exit_code);
  add_lux(bench, exit_code);
  add_power(bench, exit_code);
}

}  // namespace gaterig::cli

#else  // built without libmodbus (GATERIG_WITH_MODBUS=OFF)

namespace gaterig::cli {
void add_bench_command(CLI::App& app, int& exit_code) {
  auto* bench = app.add_subcommand("bench", "The bench (this build has no Modbus support: GATERIG_WITH_MODBUS=OFF)");
  bench->callback([&exit_code] {
    std::cerr << "gaterig bench: this build has no Modbus support (configure with -DGATERIG_WITH_MODBUS=ON)\n";
    exit_code = kUsage;
  });
}
}  // namespace gaterig::cli

#endif
