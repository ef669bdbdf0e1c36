// The gallery on disk, in the terminal's data directory, so a restarted terminal keeps its
// enrollments. Little-endian (the only byte order the simulated terminal runs on):
//   8 bytes  magic "GRFACEG\0"
//   u32      format version (1)
//   u32      dim
//   u64      count
//   count ×  (u16 id length, id bytes)
//   count × dim float32   the normalised rows
//   32 bytes SHA-256 of everything before it
// Written to "<file>.tmp", fsynced, renamed over the file, directory fsynced: a power cut leaves
// either the old gallery or the new one, never a mixture.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/crypto.hpp"
#include "simulator/device/face/gallery.hpp"
#include "simulator/device/face/gallery_file.hpp"

namespace gaterig::device {
namespace {

constexpr char kMagic[8] = {'G', 'R', 'F', 'A', 'C', 'E', 'G', '\0'};
constexpr std::uint32_t kVersion = 1;

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

class Reader {
 public:
  Reader(const std::string& data, const std::filesystem::path& file) : d_(data), file_(file) {}
  template <typename T>
  T get(const char* what) {
    T v;
    need(sizeof v, what);
    std::memcpy(&v, d_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string bytes(std::size_t n, const char* what) {
    need(n, what);
    std::string s = d_.substr(at_, n);
    at_ += n;
    return s;
  }
  std::size_t at() const { return at_; }

 private:
  void need(std::size_t n, const char* what) {
    if (at_ + n > d_.size())
      throw GalleryFileError(file_, std::string("truncated: ") + what + " at byte " + std::to_string(at_));
  }
  const std::string& d_;
  const std::filesystem::path& file_;
  std::size_t at_ = 0;
};

void write_all(int fd, const std::string& data, const std::filesystem::path& file) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw GalleryFileError(file, std::string("cannot write: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

GalleryFileError::GalleryFileError(const std::filesystem::path& file, const std::string& what)
    : std::runtime_error("face gallery " + file.string() + ": " + what), file_(file) {}

void write_gallery_file(const std::filesystem::path& file, int dim, const std::vector<std::string>& ids,
                        std::span<const float> rows) {
  std::string out;
  out.reserve(32 + ids.size() * 24 + rows.size() * sizeof(float));
  out.append(kMagic, sizeof kMagic);
  put(out, kVersion);
  put(out, static_cast<std::uint32_t>(dim));
  put(out, static_cast<std::uint64_t>(ids.size()));
  for (const auto& id : ids) {
    if (id.size() > 0xFFFF) throw GalleryFileError(file, "person id longer than 65535 bytes");
    put(out, static_cast<std::uint16_t>(id.size()));
    out += id;
  }
  out.append(reinterpret_cast<const char*>(rows.data()), rows.size() * sizeof(float));
  out += crypto::sha256(out);

  const std::filesystem::path tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw GalleryFileError(tmp, std::string("cannot create: ") + std::strerror(errno));
  try {
    write_all(fd, out, tmp);
    if (::fsync(fd) != 0) throw GalleryFileError(tmp, std::string("cannot fsync: ") + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    throw GalleryFileError(file, std::string("cannot rename ") + tmp.string() + " over it: " + std::strerror(errno));
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

GalleryFileContents read_gallery_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw GalleryFileError(file, "cannot open");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < sizeof kMagic + 16 + 32) throw GalleryFileError(file, "too short (" + std::to_string(data.size()) + " bytes) to be a gallery");
  if (std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) throw GalleryFileError(file, "not a gaterig face gallery (bad magic)");
  const std::string body = data.substr(0, data.size() - 32);
  if (crypto::sha256(body) != data.substr(data.size() - 32))
    throw GalleryFileError(file, "checksum mismatch: the file is corrupt (delete it and re-enroll, or restore a copy)");
  Reader r(body, file);
  r.bytes(sizeof kMagic, "magic");
  const auto version = r.get<std::uint32_t>("version");
  if (version != kVersion)
    throw GalleryFileError(file, "format version " + std::to_string(version) + ", this build reads " + std::to_string(kVersion));
  GalleryFileContents c;
  c.dim = static_cast<int>(r.get<std::uint32_t>("dim"));
  const auto count = r.get<std::uint64_t>("count");
  if (c.dim <= 0 || count > body.size()) throw GalleryFileError(file, "implausible header (dim " + std::to_string(c.dim) + ", count " + std::to_string(count) + ")");
  c.ids.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto len = r.get<std::uint16_t>("id length");
    c.ids.push_back(r.bytes(len, "id"));
  }
  const std::size_t floats = static_cast<std::size_t>(count) * static_cast<std::size_t>(c.dim);
  const std::string raw = r.bytes(floats * sizeof(float), "embedding rows");
  if (r.at() != body.size()) throw GalleryFileError(file, std::to_string(body.size() - r.at()) + " unexpected bytes after the rows");
  c.rows.resize(floats);
  std::memcpy(c.rows.data(), raw.data(), raw.size());
  return c;
}

void Gallery::save(const std::filesystem::path& file) const { write_gallery_file(file, dim_, persons_, rows_); }

Gallery Gallery::load(const std::filesystem::path& file, std::size_t capacity) {
  GalleryFileContents c = read_gallery_file(file);
  Gallery g(c.dim, std::max(capacity, c.ids.size()));
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    try {
      g.add(c.ids[i], std::span<const float>(c.rows.data() + i * static_cast<std::size_t>(c.dim), static_cast<std::size_t>(c.dim)));
    } catch (const std::invalid_argument& e) {
      throw GalleryFileError(file, "row " + std::to_string(i) + ": " + e.what());
    }
  }
  g.set_capacity(capacity);
  return g;
}

}  // namespace gaterig::device
