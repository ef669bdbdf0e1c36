// gaterig selftest — proves the rig before it judges a terminal.
#include <fstream>
#include <iostream>

#include "core/log.hpp"
#include "rigs/cli/commands.hpp"
#include "rigs/selftest/selftest.hpp"

namespace gaterig::cli {

void add_selftest_command(CLI::App& app, int& exit_code) {
  struct Args {
    std::string out = "out/selftest";
    int records = 200;
    int frames = 200;
    std::uint64_t seed = 1;
    std::vector<std::string> only;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "selftest",
      "Run the rig's self-test on the simulated bench: the platform endpoint and a terminal's upload\n"
      "path reconciled through an outage and lost acknowledgements, the Wiegand probe against a\n"
      "known transmitter, the Modbus bench instruments, and the virtual monitor. Writes\n"
      "OUT/selftest.json (schema gaterig.selftest/1). Exit 0 when every check passes, 3 otherwise.");
  cmd->add_option("--out", args->out, "folder for selftest.json and the scratch stores")->capture_default_str();
  cmd->add_option("--records", args->records, "passes through the platform check")->check(CLI::Range(3, 100000))->capture_default_str();
  cmd->add_option("--frames", args->frames, "frames through the Wiegand and monitor checks")->check(CLI::Range(2, 100000))->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed for identities, cards and injected faults")->capture_default_str();
  cmd->add_option("--only", args->only, "run only these checks: platform, wiegand, bench, monitor")
      ->delimiter(',')
      ->check(CLI::IsMember(rig::selftest_check_names()));
  cmd->add_flag("--json", args->json, "print the JSON document on stdout instead of the table");
  cmd->callback([args, &exit_code] {
    rig::SelftestOptions o;
    const std::filesystem::path out(args->out);
    std::filesystem::create_directories(out);
    o.work_dir = out / "work";
    o.records = args->records;
    o.frames = args->frames;
    o.seed = args->seed;
    o.progress = [](const std::string& line) { LOG_INFO("selftest", line); };
    const auto report = rig::run_selftest(o, args->only);
    const Json doc = report.to_json(o);
    {
      std::ofstream f(out / "selftest.json.tmp");
      f << doc.dump(2) << "\n";
      if (!f) throw std::runtime_error("cannot write " + (out / "selftest.json.tmp").string());
    }
    std::filesystem::rename(out / "selftest.json.tmp", out / "selftest.json");
    if (args->json) {
      std::cout << doc.dump() << "\n";
    } else {
      std::cout << "gaterig self-test (seed " << o.seed << ")\n\n";
      for (const auto& c : report.checks) std::cout << c << "\n";
      std::cout << "self-test " << rig::to_string(report.outcome()) << " in " << report.seconds
                << " s; results in " << (out / "selftest.json").string() << "\n";
    }
    exit_code = report.outcome() == rig::Outcome::pass ? kOk : kRigError;
  });
}

}  // namespace gaterig::cli
