// `gaterig rig check`: starts the rig a description wires, says what is wired and whether each
// resource answered, and stops it again. Exit 0 when every resource answered, 3 when one did not
// (or the rig could not start), 2 for a bad description.
#include <stdlib.h>

#include <iostream>

#include "core/config.hpp"
#include "rigs/cli/commands.hpp"
#include "rigs/rig/rig.hpp"
#include "rigs/rig/stop_wait.hpp"

namespace gaterig::cli {
namespace {

struct RigCheckArgs {
  std::string rig;
  std::string work_dir;
  std::string profile;
  std::uint64_t seed = 1;
  bool json = false;
  bool keep = false;
};

void print_human(const Json& r) {
  std::cout << "rig " << r["rig"]["name"].get<std::string>() << " (" << r["rig"]["kind"].get<std::string>() << ") from "
            << r["rig"]["description"].get<std::string>() << "\n";
  for (const auto& res : r["resources"]) {
    std::cout << "  " << (res["ok"].get<bool>() ? "ok    " : "FAILED") << " " << res["name"].get<std::string>();
    std::cout << std::string(10 - std::min<std::size_t>(9, res["name"].get<std::string>().size()), ' ')
              << res["what"].get<std::string>() << "\n";
    if (!res["ok"].get<bool>()) std::cout << "         " << res["detail"].dump() << "\n";
  }
  std::cout << (r["ok"].get<bool>() ? "every resource answered" : "some resources did not answer") << "\n";
}

int run_rig_check(const RigCheckArgs& a) {
  rig::RigDescription d = rig::RigDescription::load(a.rig);  // ConfigError -> exit 2 in main()
  rig::RigOptions o;
  o.seed = a.seed;
  if (!a.profile.empty()) o.profile_override = a.profile;
  std::filesystem::path scratch;
  if (!a.work_dir.empty()) {
    o.work_dir = a.work_dir;
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gaterig-rig-check-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot make a work dir in /tmp");
    scratch = o.work_dir = tmpl;
  }
  Json report;
  int code = kOk;
  {
    rig::Rig r(std::move(d), o);
    try {
      r.start();
      report = r.check();
      code = report["ok"].get<bool>() ? kOk : kRigError;
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      // start() stopped what it had started: the error names the resource that failed.
      report = Json{{"rig", r.description().to_json()}, {"ok", false}, {"resources", Json::array()}, {"error", e.what()}};
      code = rig::stop_requested() ? kInterrupted : kRigError;
    }
    report["work_dir"] = o.work_dir.string();
    r.stop();
  }
  if (!scratch.empty() && !a.keep) {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    report["work_dir"] = nullptr;
  }
  if (a.json) {
    std::cout << report.dump(2) << std::endl;
  } else {
    print_human(report);
    if (report.contains("error")) std::cout << "rig error: " << report["error"].get<std::string>() << "\n";
  }
  return code;
}

}  // namespace

void add_rig_command(CLI::App& app, int& exit_code) {
  auto* rig = app.add_subcommand("rig", "The rig a description wires (rigs/*.toml, see rigs/README.md)");
  rig->require_subcommand(1);
  auto args = std::make_shared<RigCheckArgs>();
  auto* check = rig->add_subcommand(
      "check",
      "Start the rig, say what is wired and whether each resource answered (platform, bench, display,\n"
      "Wiegand probe, terminal, fixtures), then stop it. Exit 0 all answered, 3 not, 2 bad description.\n"
      "--json: {\"rig\":{name,kind,description,sha256,calibration},\"ok\",\"resources\":[{name,what,ok,detail}],\n"
      "\"work_dir\",\"error\"?}");
  check->add_option("--rig", args->rig, "the rig description (TOML)")->required()->check(CLI::ExistingFile);
  check->add_option("--work-dir", args->work_dir, "where the run keeps stores, sockets and logs (default: a temporary folder)");
  check->add_option("--profile", args->profile, "simulated terminal profile(s) instead of the description's");
  check->add_option("--seed", args->seed, "seed of the simulated bench and terminal");
  check->add_flag("--json", args->json, "one JSON document on stdout");
  check->add_flag("--keep", args->keep, "keep the temporary work dir (its path is printed)");
  check->callback([args, &exit_code] { exit_code = run_rig_check(*args); });
}

}  // namespace gaterig::cli
