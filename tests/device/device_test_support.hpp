#pragma once
// Shared set-up for the terminal-side tests: credentials, a client aimed at a fake platform,
// synthetic people, scratch directories.
#include <atomic>
#include <filesystem>
#include <string>

#include "core/resident_id.hpp"
#include "fake_platform.hpp"
#include "simulator/device/national_client.hpp"

namespace gaterig::device::testing {

inline const std::string kAppId = "GateRigApp01";
inline const std::string kSecret = "0123456789abcdefABCDEFGHIJKLMNOP";

inline NationalClientOptions client_options(std::uint16_t port) {
  NationalClientOptions o;
  o.endpoint = {"127.0.0.1", port};
  o.timeouts = {std::chrono::milliseconds(500), std::chrono::milliseconds(500), std::chrono::milliseconds(1000)};
  o.credentials = {kAppId, kSecret};
  o.project_code = "P-001";
  o.team_sys_no = "T-1";
  o.async_poll_interval = std::chrono::milliseconds(5);
  o.async_deadline = std::chrono::milliseconds(2000);
  return o;
}

inline std::string person(int i) { return synthetic_resident_id(static_cast<std::uint64_t>(1000 + i)); }

// 2024-05-01 08:00:00 +08:00, plus i seconds.
inline WallNs pass_time(int i) {
  return (1714521600LL + i) * 1'000'000'000LL;
}

// A fresh directory under the build's temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gaterig-device-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gaterig::device::testing
