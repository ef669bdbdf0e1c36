#include "simulator/platform/platform_config.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace gaterig::platform {

UtcOffset parse_utc_offset(std::string_view t) {
  if (t == "Z" || t == "+00:00") return {0};
  auto digit = [&](std::size_t i) {
    if (i >= t.size() || t[i] < '0' || t[i] > '9')
      throw std::invalid_argument("utc offset '" + std::string(t) + "': expected +HH:MM");
    return t[i] - '0';
  };
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':')
    throw std::invalid_argument("utc offset '" + std::string(t) + "': expected +HH:MM");
  const int h = digit(1) * 10 + digit(2), m = digit(4) * 10 + digit(5);
  if (h > 14 || m > 59) throw std::invalid_argument("utc offset '" + std::string(t) + "': out of range");
  return {(t[0] == '-' ? -1 : 1) * (h * 60 + m)};
}

PlatformConfig PlatformConfig::from_config(const Config& c) {
  c.reject_unknown({"store", "dialects", "replay_window_s", "utc_offset", "image_limit_bytes",
                    "async_delay_ms", "store_images", "date_tolerance_s", "durable",
                    "write_timeout_ms", "projects", "server", "faults", "admin"});
  PlatformConfig p;
  p.store_path = c.resolve(c.get_string("store"));
  if (c.has("dialects")) p.dialects = c.get_strings("dialects");
  auto non_negative = [&](std::string_view key, std::int64_t fallback) {
    const std::int64_t v = c.get_int(key, fallback);
    if (v < 0) c.fail(key, "must not be negative");
    return v;
  };
  p.replay_window = std::chrono::seconds(non_negative("replay_window_s", 300));
  if (c.has("utc_offset")) {
    try {
      p.utc_offset = parse_utc_offset(c.get_string("utc_offset"));
    } catch (const std::invalid_argument& e) {
      c.fail("utc_offset", e.what());
    }
  }
  p.image_limit_bytes = static_cast<std::size_t>(non_negative("image_limit_bytes", 50 * 1024));
  p.async_delay = std::chrono::milliseconds(non_negative("async_delay_ms", 0));
  p.store_images = c.get_bool("store_images", true);
  p.date_tolerance = std::chrono::seconds(non_negative("date_tolerance_s", 60));
  p.durable = c.get_bool("durable", true);
  p.write_timeout = std::chrono::milliseconds(non_negative("write_timeout_ms", 10'000));
  if (p.write_timeout.count() == 0) c.fail("write_timeout_ms", "must be positive");

  for (const Config& pc : c.tables("projects")) {
    pc.reject_unknown({"code", "name", "appid", "appsecret", "teams", "jiangmen_token", "jiangmen_key"});
    ProjectConfig proj;
    proj.code = pc.get_string("code");
    proj.name = pc.get_string("name", proj.code);
    proj.appid = pc.get_string("appid");
    proj.appsecret = pc.get_string("appsecret");
    if (proj.appsecret.size() != 32) pc.fail("appsecret", "must be 32 characters (the AES-256 key)");
    proj.jiangmen_token = pc.get_string("jiangmen_token", "");
    proj.jiangmen_key = pc.get_string("jiangmen_key", "");
    if (!proj.jiangmen_key.empty() && proj.jiangmen_key.size() != 8)
      pc.fail("jiangmen_key", "must be 8 characters (the DES key)");
    for (const Config& tc : pc.tables("teams")) {
      tc.reject_unknown({"sys_no", "name"});
      proj.teams.push_back({tc.get_string("sys_no"), tc.get_string("name")});
    }
    p.projects.push_back(std::move(proj));
  }
  try {
    p.validate();
  } catch (const std::invalid_argument& e) {
    c.fail("projects", e.what());
  }
  return p;
}

void PlatformConfig::validate() const {
  std::set<std::string> appids, codes, tokens;
  for (const auto& d : dialects)
    if (d != "national" && d != "jiangmen")
      throw std::invalid_argument("dialect '" + d + "': expected \"national\" or \"jiangmen\"");
  for (const auto& p : projects) {
    const std::string where = "project '" + p.code + "': ";
    if (p.code.empty()) throw std::invalid_argument("a project has an empty code");
    if (p.appid.empty()) throw std::invalid_argument(where + "appid is empty");
    if (p.appsecret.size() != 32) throw std::invalid_argument(where + "appsecret must be 32 characters");
    if (!codes.insert(p.code).second) throw std::invalid_argument(where + "code used twice");
    if (!appids.insert(p.appid).second) throw std::invalid_argument(where + "appid used twice");
    if (!p.jiangmen_token.empty() && !tokens.insert(p.jiangmen_token).second)
      throw std::invalid_argument(where + "jiangmen_token used twice");
    if (!p.jiangmen_token.empty() && p.jiangmen_key.size() != 8)
      throw std::invalid_argument(where + "jiangmen_key must be 8 characters when jiangmen_token is set");
    std::set<std::string> teams;
    for (const auto& t : p.teams)
      if (t.sys_no.empty() || !teams.insert(t.sys_no).second)
        throw std::invalid_argument(where + "team sys_no '" + t.sys_no + "' empty or used twice");
  }
}

const ProjectConfig* PlatformConfig::project_by_appid(std::string_view appid) const {
  for (const auto& p : projects)
    if (p.appid == appid) return &p;
  return nullptr;
}
const ProjectConfig* PlatformConfig::project_by_code(std::string_view code) const {
  for (const auto& p : projects)
    if (p.code == code) return &p;
  return nullptr;
}
const ProjectConfig* PlatformConfig::project_by_jiangmen_token(std::string_view token) const {
  if (token.empty()) return nullptr;
  for (const auto& p : projects)
    if (p.jiangmen_token == token) return &p;
  return nullptr;
}
bool PlatformConfig::serves(std::string_view dialect) const {
  return std::find(dialects.begin(), dialects.end(), dialect) != dialects.end();
}

}  // namespace gaterig::platform
