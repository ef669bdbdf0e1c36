#include "simulator/device/firmware_store.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"

namespace gaterig::device {
namespace {

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error(tmp + ": cannot write");
  }
  std::filesystem::rename(tmp, path);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

}  // namespace

Json FirmwareImage::to_json() const {
  return Json{{"version", version}, {"sha256", sha256}, {"bytes", bytes}, {"received", received}};
}

FirmwareImage FirmwareImage::from_json(const Json& j) {
  return FirmwareImage{j.at("version").get<std::string>(), j.at("sha256").get<std::string>(),
                       j.at("bytes").get<std::size_t>(), j.value("received", "")};
}

FirmwareStore::FirmwareStore(std::filesystem::path data_dir) : dir_(std::move(data_dir) / "firmware") {}

FirmwareImage FirmwareStore::stage(std::string_view image, std::string_view sha256_hex, const std::string& version) {
  if (image.empty()) throw std::invalid_argument("firmware: the image is empty");
  if (version.empty() || version.size() > 64) throw std::invalid_argument("firmware.version: expected 1..64 characters");
  std::string given(sha256_hex);
  std::transform(given.begin(), given.end(), given.begin(), [](unsigned char c) { return std::tolower(c); });
  if (given.size() != 64 || given.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::invalid_argument("firmware.sha256: expected 64 hex digits");
  const std::string computed = crypto::sha256_hex(image);
  if (computed != given)
    throw std::invalid_argument("firmware.sha256: the image's SHA-256 is " + computed + ", not " + given +
                                " (refused; the terminal keeps its firmware)");
  std::filesystem::create_directories(dir_);
  FirmwareImage f{version, computed, image.size(), format_iso_utc(wall_now())};
  write_file(dir_ / "staged.bin", image);
  write_file(dir_ / "staged.json", f.to_json().dump());
  return f;
}

std::optional<FirmwareImage> FirmwareStore::read(const char* name) const {
  std::ifstream in(dir_ / name);
  if (!in) return std::nullopt;
  try {
    return FirmwareImage::from_json(Json::parse(in));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<FirmwareImage> FirmwareStore::active() const { return read("active.json"); }
std::optional<FirmwareImage> FirmwareStore::staged() const { return read("staged.json"); }

std::optional<FirmwareImage> FirmwareStore::install_staged() {
  const auto f = staged();
  if (!f) return std::nullopt;
  const std::string image = read_file(dir_ / "staged.bin");
  if (crypto::sha256_hex(image) != f->sha256) {
    std::filesystem::remove(dir_ / "staged.json");
    std::filesystem::remove(dir_ / "staged.bin");
    throw std::runtime_error((dir_ / "staged.bin").string() + ": no longer matches its SHA-256 " + f->sha256 +
                             "; discarded, the active firmware stays");
  }
  std::filesystem::rename(dir_ / "staged.bin", dir_ / "active.bin");
  std::filesystem::rename(dir_ / "staged.json", dir_ / "active.json");  // last: names the installed image
  return f;
}

}  // namespace gaterig::device
