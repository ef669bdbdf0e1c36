#pragma once
// Over-the-air firmware of the simulated terminal (JX-A.13). The admin's POST /firmware hands over
// an image with its SHA-256 and version; the terminal hashes the image itself and refuses it when
// the hashes differ (nothing is kept, nothing changes). A verified image is staged in
// data_dir/firmware/ and installed at the next start (POST /restart, or a power cycle), when its
// bytes are checked once more: from then on the terminal reports the image's version and SHA-256
// as its firmware (ready line, /status, GET /firmware). The image is not executed: the simulated
// terminal stays the same program, while a real one would boot it.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.hpp"

namespace gaterig::device {

struct FirmwareImage {
  std::string version;
  std::string sha256;  // lowercase hex
  std::size_t bytes = 0;
  std::string received;  // ISO time it was staged
  Json to_json() const;
  static FirmwareImage from_json(const Json& j);
};

class FirmwareStore {
 public:
  explicit FirmwareStore(std::filesystem::path data_dir);

  // Verifies and stages an image. Throws std::invalid_argument naming what is wrong (empty
  // image, no version, a SHA-256 that is not 64 hex digits, or one that does not match).
  FirmwareImage stage(std::string_view image, std::string_view sha256_hex, const std::string& version);
  // At start: a staged image whose bytes still match its hash becomes the active one (returned);
  // one that no longer matches is discarded (std::runtime_error says so, the active one stays).
  std::optional<FirmwareImage> install_staged();
  std::optional<FirmwareImage> active() const;
  std::optional<FirmwareImage> staged() const;

 private:
  std::optional<FirmwareImage> read(const char* name) const;
  std::filesystem::path dir_;
};

}  // namespace gaterig::device
