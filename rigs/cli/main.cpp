// gaterig — certifies face-recognition attendance terminals. One command, one subcommand per job.
#include <exception>
#include <iostream>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/stop_signal.hpp"
#include "rigs/cli/commands.hpp"

int main(int argc, char** argv) {
  gaterig::StopSignal::install();  // before any thread exists, so every thread inherits the mask

  CLI::App app{
      "gaterig: the rig that certifies face-recognition attendance terminals.\n"
      "Every subcommand has --help. Exit codes: 0 ok, 1 device FAIL, 2 usage/config error,\n"
      "3 rig ERROR, 130 interrupted."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gaterig 0.1.0");
  std::string level = "info";
  app.add_option("--log-level", level, "debug, info, warn, error or off (or GATERIG_LOG)")
      ->envname("GATERIG_LOG")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  app.parse_complete_callback([&] { gaterig::log::set_level(gaterig::log::parse_level(level)); });

  int exit_code = gaterig::cli::kOk;
  // Subcommands (keep sorted). Each part adds its own line when it lands.
  gaterig::cli::add_bench_command(app, exit_code);
  gaterig::cli::add_certify_command(app, exit_code);
  gaterig::cli::add_devsim_command(app, exit_code);
  gaterig::cli::add_display_command(app, exit_code);
  gaterig::cli::add_fixtures_command(app, exit_code);
  gaterig::cli::add_platform_command(app, exit_code);
  gaterig::cli::add_probe_command(app, exit_code);
  gaterig::cli::add_rig_command(app, exit_code);
  gaterig::cli::add_report_command(app, exit_code);
  gaterig::cli::add_selftest_command(app, exit_code);
  gaterig::cli::add_standard_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : gaterig::cli::kUsage;
  } catch (const gaterig::ConfigError& e) {
    std::cerr << "gaterig: configuration error: " << e.what() << "\n";
    return gaterig::cli::kUsage;
  } catch (const std::exception& e) {
    std::cerr << "gaterig: error: " << e.what() << "\n";
    return gaterig::cli::kRigError;
  }
  return exit_code;
}
