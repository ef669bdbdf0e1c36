#include "rigs/rig/devsim_config.hpp"

#include <sstream>
#include <stdexcept>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

namespace gaterig::rig {
namespace {

toml::table& sub(toml::table& t, const char* key) {
  if (auto* existing = t.get_as<toml::table>(key)) return *existing;
  t.insert_or_assign(key, toml::table{});
  return *t.get_as<toml::table>(key);
}

}  // namespace

std::string devsim_config_text(const DevsimConfigInputs& in) {
  toml::table devsim;
  if (!in.devsim_table_toml.empty()) {
    try {
      devsim = toml::parse(in.devsim_table_toml, std::string_view("[terminal.devsim]"));
    } catch (const toml::parse_error& e) {
      throw std::runtime_error(std::string("[terminal.devsim]: ") + std::string(e.description()));
    }
  }
  devsim.insert_or_assign("profile", in.profile);
  devsim.insert_or_assign("seed", static_cast<std::int64_t>(in.seed & 0x7FFFFFFFFFFFFFFFull));
  devsim.insert_or_assign("data_dir", in.data_dir.string());

  toml::table& platform = sub(devsim, "platform");
  platform.insert_or_assign("host", in.platform_host);
  platform.insert_or_assign("port", static_cast<std::int64_t>(in.platform_port));
  platform.insert_or_assign("appid", in.appid);
  platform.insert_or_assign("appsecret", in.appsecret);
  platform.insert_or_assign("project_code", in.project_code);
  platform.insert_or_assign("team", in.team);

  toml::table& wiegand = sub(devsim, "wiegand");
  wiegand.insert_or_assign("virtual_wire", in.wire_path);
  if (!in.cards_from.empty()) wiegand.insert_or_assign("cards_from", in.cards_from.string());
  if (!wiegand.contains("format")) wiegand.insert_or_assign("format", in.card_format);

  sub(devsim, "camera").insert_or_assign("monitor", in.monitor_path);
  sub(devsim, "face").insert_or_assign("check_liveness", in.liveness);
  toml::table& admin = sub(devsim, "admin");
  admin.insert_or_assign("bind", "127.0.0.1");
  admin.insert_or_assign("port", 0);

  toml::table root;
  root.insert_or_assign("devsim", std::move(devsim));
  std::ostringstream os;
  os << "# Written by the rig for its simulated terminal (rigs/rig/devsim_config.hpp); rewritten every start.\n"
     << root << "\n";
  return os.str();
}

}  // namespace gaterig::rig
