#pragma once
// Each subcommand of `gaterig` adds itself to the application here. A subcommand's callback
// sets `exit_code` (see ExitCode) instead of calling exit(), so main() can clean up.
#include <CLI/CLI.hpp>

namespace gaterig::cli {

// Exit codes every subcommand uses, so scripts can tell a failing device from a broken rig.
enum ExitCode : int {
  kOk = 0,
  kFail = 1,         // the device under test failed (or a compared report got worse)
  kUsage = 2,        // bad command line, configuration or input file
  kRigError = 3,     // the rig itself could not do its job (ERROR, not FAIL)
  kInterrupted = 130 // stopped by SIGINT/SIGTERM before it finished
};

void add_bench_command(CLI::App& app, int& exit_code);
void add_certify_command(CLI::App& app, int& exit_code);
void add_devsim_command(CLI::App& app, int& exit_code);
void add_display_command(CLI::App& app, int& exit_code);
void add_platform_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_rig_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_fixtures_command(CLI::App& app, int& exit_code);
void add_selftest_command(CLI::App& app, int& exit_code);
void add_standard_command(CLI::App& app, int& exit_code);

}  // namespace gaterig::cli
