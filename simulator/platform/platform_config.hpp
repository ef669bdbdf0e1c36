#pragma once
// What the simulated platform knows before the first request: the projects it serves (each with
// the keys a terminal is issued), where its store lives, which dialects it speaks and how strict
// it is about time. Read from the [platform] table of a TOML file; every key is documented in
// simulator/platform/example.toml.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"

namespace gaterig::platform {

struct TeamConfig {
  std::string sys_no;  // the platform's team number (teamSysNo)
  std::string name;
};

struct ProjectConfig {
  std::string code, name, appid, appsecret;  // appsecret: 32 characters (AES-256 key)
  std::vector<TeamConfig> teams;
  // Jiangmen dialect keys; empty = this project is not reachable through that dialect.
  std::string jiangmen_token;
  std::string jiangmen_key;  // 8 characters (DES key and IV)
};

struct PlatformConfig {
  std::vector<ProjectConfig> projects;
  std::filesystem::path store_path;                // SQLite file
  std::vector<std::string> dialects{"national"};   // which dialects are served ("national", "jiangmen")
  std::chrono::seconds replay_window{300};         // |timestamp - now| allowed
  UtcOffset utc_offset{};                          // civil time of the platform, default +08:00
  std::size_t image_limit_bytes = 50 * 1024;       // decoded image size limit
  std::chrono::milliseconds async_delay{0};        // AsyncHandleResult.Query says 0 (pending) until this has passed
  bool store_images = true;                        // keep attendance images in the store
  std::chrono::seconds date_tolerance{60};         // a record's date may be this much later than now (clock skew)
  bool durable = true;  // synchronous=FULL; false only for throw-away stores (fuzzing): fast, not crash-safe
  std::chrono::milliseconds write_timeout{10'000}; // longest a request waits for its commit

  // From the [platform] table of a TOML file. Unknown keys are errors; the sub-tables `server`,
  // `faults` and `admin` are reserved for the HTTP server (gaterig_platform) and skipped here.
  static PlatformConfig from_config(const Config& platform_table);

  // Throws std::invalid_argument naming the project and field (duplicate appid, secret not 32
  // characters, unknown dialect, ...). from_config calls it; call it when building one in code.
  void validate() const;

  const ProjectConfig* project_by_appid(std::string_view appid) const;
  const ProjectConfig* project_by_code(std::string_view code) const;
  const ProjectConfig* project_by_jiangmen_token(std::string_view token) const;
  bool serves(std::string_view dialect) const;
};

// "+08:00", "-05:30", "Z" -> minutes; throws std::invalid_argument.
UtcOffset parse_utc_offset(std::string_view text);

}  // namespace gaterig::platform
