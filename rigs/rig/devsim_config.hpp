#pragma once
// The configuration file the rig writes for its simulated terminal: the description's
// [terminal.devsim] table, with what the rig decides on top (platform address and keys, camera on
// the rig's monitor link, Wiegand on the rig's wire, cards from the fixtures set, data dir,
// profile, seed, liveness from the terminal mode, an ephemeral admin port).
#include <cstdint>
#include <filesystem>
#include <string>

namespace gaterig::rig {

struct DevsimConfigInputs {
  std::string devsim_table_toml;     // [terminal.devsim] of the description, as TOML text ("" = none)
  std::string profile = "compliant";
  std::uint64_t seed = 1;
  std::filesystem::path data_dir;
  std::string platform_host = "127.0.0.1";
  int platform_port = 0;
  std::string appid, appsecret, project_code, team;
  std::string wire_path, monitor_path;
  std::filesystem::path cards_from;  // the fixtures set (its manifest's cards)
  std::string card_format = "wg26";  // used unless [terminal.devsim.wiegand] format is given
  bool liveness = false;             // terminal mode "liveness"
};

// The whole file, "[devsim]" and its sub-tables. Throws std::runtime_error if the description's
// table is not valid TOML (it was checked when the description was loaded).
std::string devsim_config_text(const DevsimConfigInputs& in);

}  // namespace gaterig::rig
