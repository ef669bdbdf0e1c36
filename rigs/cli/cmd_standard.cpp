// gaterig standard show — the clauses of a standard profile with their thresholds, decision rules
// and planned trials, as a lab reviews them before a run (or as JSON, gaterig.standard/1).
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "rigs/cli/commands.hpp"
#include "rigs/standard/standard.hpp"

namespace gaterig::cli {

namespace {

// The shipped profile from the working directory, else from the source tree this was built from.
std::filesystem::path default_standard() {
  const std::filesystem::path here = standard::kDefaultStandardPath;
  if (std::filesystem::exists(here)) return here;
#ifdef GATERIG_SOURCE_DIR
  const auto source = std::filesystem::path(GATERIG_SOURCE_DIR) / standard::kDefaultStandardPath;
  if (std::filesystem::exists(source)) return source;
#endif
  return here;
}

// setw counts bytes; "≤" is three bytes in one column: pad by code points.
std::string padded(const std::string& text, std::size_t width) {
  std::size_t columns = 0;
  for (unsigned char ch : text) columns += (ch & 0xC0) != 0x80;
  return text + std::string(columns < width ? width - columns : 1, ' ');
}

std::string planned(std::uint64_t n) {
  std::ostringstream os;
  os << n;
  return os.str();
}

void print_table(const standard::Standard& s, std::ostream& out) {
  out << s.title << " (" << s.id << ", version " << s.version << ")\n"
      << s.title_zh << "\n"
      << "source: " << s.source << "\n"
      << "profile: " << s.path.string() << "  sha256 " << s.sha256 << "\n"
      << "decision rule: " << s.decision_rule << " at " << s.confidence * 100 << " % confidence; quick runs: "
      << s.quick_rule << "\n\n";
  out << std::left << std::setw(8) << "clause" << std::setw(28) << "measurement" << std::setw(10) << "condition"
      << std::setw(14) << "threshold" << std::setw(16) << "rule" << std::right << std::setw(7) << "full"
      << std::setw(7) << "quick" << "\n";
  for (const auto& c : s.clauses) {
    out << "\n" << c.id << "  " << c.title << " / " << c.title_zh << "  [" << standard::to_string(c.status)
        << ", terminal mode " << c.terminal_mode << "]\n";
    if (c.measurements.empty() || c.status != standard::ClauseStatus::automatable)
      out << "        NOT TESTED by the rig: " << c.not_tested_reason << "\n";
    for (const auto& m : c.measurements) {
      out << "        " << std::left << std::setw(28) << m.name << std::setw(10)
          << (m.condition.empty() ? "-" : m.condition);
      out << padded(standard::describe(m.threshold, m.unit), 14);
      out << std::setw(16) << m.rule << std::right << std::setw(7) << planned(m.planned.full) << std::setw(7)
          << planned(m.planned.quick);
      if (!m.required) out << "  (optional)";
      out << "\n";
    }
  }
  out << "\nfull/quick: planned trials (samples, items) per measurement. A full run decides by the stated\n"
         "rule; a quick run by simple acceptance on the quick plan, each such verdict marked as a deviation.\n";
}

}  // namespace

void add_standard_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("standard", "The standard profile: clauses, thresholds, decision rules, planned trials.");
  cmd->require_subcommand(1);
  struct Args {
    std::string path;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* show = cmd->add_subcommand(
      "show",
      "Print every clause of a standard profile with its measurements, thresholds, decision rules and the\n"
      "trials a full and a quick run plan. Exit 2 when the profile does not load (file:line:key).");
  show->add_option("--standard", args->path, "the profile (default: scenarios/standards/jiangxi-2022.toml)");
  show->add_flag("--json", args->json, "print the profile as JSON (schema gaterig.standard/1)");
  show->callback([args, &exit_code] {
    const std::filesystem::path path = args->path.empty() ? default_standard() : std::filesystem::path(args->path);
    const auto s = standard::Standard::load(path);  // ConfigError -> exit 2 in main()
    if (args->json)
      std::cout << standard::to_json(s).dump(2) << "\n";
    else
      print_table(s, std::cout);
    exit_code = kOk;
  });
}

}  // namespace gaterig::cli
