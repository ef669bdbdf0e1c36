#include "rigs/standard/results_document.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/crypto.hpp"

namespace gaterig::standard {

StandardInfo StandardInfo::of(const Standard& s) { return {s.id, s.title, s.version, s.sha256}; }

namespace {

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read evidence file " + p.string());
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw std::runtime_error("cannot read evidence file " + p.string());
  return bytes;
}

[[noreturn]] void fail_errno(const std::string& step, const std::filesystem::path& p) {
  throw std::system_error(errno, std::generic_category(), step + " " + p.string());
}

// Closes the descriptor and removes the temporary file unless the rename happened.
struct TempFile {
  std::filesystem::path path;
  int fd = -1;
  bool renamed = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!renamed) ::unlink(path.c_str());
  }
};

}  // namespace

const Evidence& ResultsDocument::add_evidence(const std::filesystem::path& folder, const std::string& relative_path,
                                              std::string what) {
  const std::filesystem::path rel(relative_path);
  if (relative_path.empty() || rel.is_absolute())
    throw std::invalid_argument("evidence path '" + relative_path + "' must be relative to the results folder");
  for (const auto& part : rel)
    if (part == "..") throw std::invalid_argument("evidence path '" + relative_path + "' leaves the results folder");
  const std::string bytes = read_bytes(folder / rel);
  evidence.push_back({rel.generic_string(), crypto::sha256_hex(bytes), bytes.size(), std::move(what)});
  return evidence.back();
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  TempFile tmp;
  // Hidden and unique per writer, beside the target so the rename stays on one file system.
  std::string name = path.filename().string();
  name.insert(0, 1, '.');
  name.append(".tmp.").append(std::to_string(::getpid())).append(".").append(crypto::to_hex(crypto::random_bytes(4)));
  tmp.path = folder / name;
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (tmp.fd < 0) fail_errno("cannot create", tmp.path);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(tmp.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("cannot write", tmp.path);
    done += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the name points at it, or a crash could leave an empty file.
  if (::fsync(tmp.fd) != 0) fail_errno("cannot fsync", tmp.path);
  if (::close(tmp.fd) != 0) {
    tmp.fd = -1;
    fail_errno("cannot close", tmp.path);
  }
  tmp.fd = -1;
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail_errno("cannot rename " + tmp.path.string() + " to", path);
  tmp.renamed = true;
  // And the rename itself must survive a crash: sync the folder's entry.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail_errno("cannot open folder", folder);
  const int rc = ::fsync(dir);
  const int saved = errno;
  ::close(dir);
  if (rc != 0) {
    errno = saved;
    fail_errno("cannot fsync folder", folder);
  }
}

void write_results(const ResultsDocument& doc, const std::filesystem::path& path) {
  write_file_atomically(path, to_json(doc).dump(2) + "\n");
}

ResultsDocument read_results(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultsError(path.string(), "", "cannot open the file");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ResultsError(path.string(), "", std::string("not JSON: ") + e.what());
  }
  return results_from_json(doc, path.string());
}

std::string make_run_id() {
  std::string b = crypto::random_bytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string h = crypto::to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string format_run_time(WallNs wall, UtcOffset offset) {
  const int m = offset.minutes < 0 ? -offset.minutes : offset.minutes;
  char off[8];
  std::snprintf(off, sizeof off, "%c%02d:%02d", offset.minutes < 0 ? '-' : '+', m / 60 % 100, m % 60);
  return format_civil(wall, offset, "yyyy-MM-dd") + "T" + format_civil(wall, offset, "HH:mm:ss") + off;
}

}  // namespace gaterig::standard
