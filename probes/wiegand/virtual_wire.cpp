#include "probes/wiegand/virtual_wire.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>

#include "core/log.hpp"

namespace gaterig::wiegand {

namespace {
constexpr char kMagic[4] = {'G', 'R', 'W', '1'};

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_un address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof a.sun_path)
    throw std::runtime_error("virtual wire path '" + path + "' must be 1.." +
                             std::to_string(sizeof a.sun_path - 1) + " characters");
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

void make_parent(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string dir = path.substr(0, slash);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw sys_error("cannot create directory '" + dir + "' for the virtual wire");
}

// True when a receiver is bound at `path` right now.
bool someone_listens(const sockaddr_un& a) {
  const int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  const bool alive = ::connect(probe, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(probe);
  return alive;
}
}  // namespace

std::string default_virtual_wire_path() {
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg)
    return std::string(xdg) + "/gaterig/wiegand.sock";
  return "/tmp/gaterig-" + std::to_string(::getuid()) + "/wiegand.sock";
}

std::string encode_wire_record(const Edge& e, std::uint32_t stream, std::uint32_t seq) {
  char buf[kWireRecordSize] = {};
  std::memcpy(buf, kMagic, 4);
  std::memcpy(buf + 4, &stream, 4);
  std::memcpy(buf + 8, &seq, 4);
  buf[12] = static_cast<char>(e.line);
  buf[13] = e.rising ? 1 : 0;
  const std::uint16_t flags = e.after_loss ? 1 : 0;
  std::memcpy(buf + 14, &flags, 2);
  std::memcpy(buf + 16, &e.at, 8);
  return std::string(buf, sizeof buf);
}

std::optional<WireRecord> decode_wire_record(const void* data, std::size_t size) {
  if (size != kWireRecordSize) return std::nullopt;
  const auto* b = static_cast<const unsigned char*>(data);
  if (std::memcmp(b, kMagic, 4) != 0 || b[12] > static_cast<unsigned char>(Line::relay) || b[13] > 1)
    return std::nullopt;
  WireRecord r;
  std::memcpy(&r.stream, b + 4, 4);
  std::memcpy(&r.seq, b + 8, 4);
  r.edge.line = static_cast<Line>(b[12]);
  r.edge.rising = b[13] == 1;
  std::uint16_t flags = 0;
  std::memcpy(&flags, b + 14, 2);
  r.edge.after_loss = flags & 1;
  std::memcpy(&r.edge.at, b + 16, 8);
  return r;
}

VirtualWireSource::VirtualWireSource(std::string path) : path_(std::move(path)) {
  const sockaddr_un a = address(path_);
  make_parent(path_);
  struct stat st{};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw std::runtime_error("virtual wire path '" + path_ + "' exists and is not a socket; refusing to replace it");
    if (someone_listens(a))
      throw std::runtime_error("virtual wire '" + path_ + "' already has a receiver (another gaterig probe?)");
    ::unlink(path_.c_str());  // stale: its receiver died without cleaning up
  }
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw sys_error("cannot create the virtual wire socket");
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    const auto err = sys_error("cannot bind the virtual wire '" + path_ + "'");
    ::close(fd_);
    throw err;
  }
  const int rcvbuf = 4 << 20;  // bursts of a few thousand edges without back-pressure
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
    throw sys_error("cannot create an eventfd for the virtual wire");
  }
}

VirtualWireSource::~VirtualWireSource() {
  ::close(fd_);
  ::close(wake_fd_);
  ::unlink(path_.c_str());
}

void VirtualWireSource::stop() {
  stopped_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

std::optional<Edge> VirtualWireSource::next(MonoNs deadline) {
  for (;;) {
    if (stopped_) return std::nullopt;
    unsigned char buf[64];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n >= 0) {
      const auto rec = decode_wire_record(buf, static_cast<std::size_t>(n));
      if (!rec) {
        if (malformed_++ == 0) LOG_WARN("wiegand", "virtual wire " << path_ << ": ignoring a " << n << "-byte datagram that is not an edge record");
        continue;
      }
      ++received_;
      Edge e = rec->edge;
      auto it = next_seq_.find(rec->stream);
      if (it == next_seq_.end()) {
        // A sender we have not heard before: it may have started before us; what it sent then
        // was never ours to lose.
        next_seq_[rec->stream] = rec->seq + 1;
        ++streams_;
      } else {
        if (rec->seq != it->second) {
          lost_ += rec->seq - it->second;
          e.after_loss = true;
        }
        it->second = rec->seq + 1;
      }
      return e;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw sys_error("virtual wire '" + path_ + "': recv failed");
    const MonoNs left = deadline - mono_now();
    if (left <= 0) return std::nullopt;
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const timespec ts{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    if (::ppoll(fds, 2, &ts, nullptr) < 0 && errno != EINTR) throw sys_error("virtual wire: ppoll failed");
  }
}

std::string VirtualWireSource::describe() const {
  const auto s = stats();
  return "virtual wire " + path_ + " (" + std::to_string(s.received) + " edges received, " +
         std::to_string(s.lost) + " lost, " + std::to_string(s.malformed) + " malformed)";
}

VirtualWireStats VirtualWireSource::stats() const {
  return {received_.load(), lost_.load(), malformed_.load(), streams_.load()};
}

VirtualWireSink::VirtualWireSink(std::string path, std::chrono::milliseconds send_timeout)
    : path_(std::move(path)) {
  address(path_);  // validates the length now rather than at the first edge
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw sys_error("cannot create the virtual wire socket");
  const timeval tv{static_cast<time_t>(send_timeout.count() / 1000),
                   static_cast<suseconds_t>(send_timeout.count() % 1000 * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::random_device rd;
  stream_ = rd();
}

VirtualWireSink::~VirtualWireSink() { ::close(fd_); }

void VirtualWireSink::write(const Edge& e) {
  const sockaddr_un a = address(path_);
  const std::string rec = encode_wire_record(e, stream_, seq_++);
  for (;;) {
    if (::sendto(fd_, rec.data(), rec.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&a), sizeof a) >= 0) {
      ++sent_;
      return;
    }
    if (errno == EINTR) continue;
    if (errno == ENOENT || errno == ECONNREFUSED || errno == EAGAIN || errno == EWOULDBLOCK ||
        errno == ENOBUFS || errno == ENOTDIR) {
      if (dropped_++ == 0)
        LOG_WARN("wiegand", "virtual wire " << path_ << ": no receiver (" << std::strerror(errno)
                                            << "); dropping edges until one listens");
      return;
    }
    throw sys_error("virtual wire '" + path_ + "': sendto failed");
  }
}

std::string VirtualWireSink::describe() const {
  return "virtual wire sender to " + path_ + " (" + std::to_string(sent_) + " edges sent, " +
         std::to_string(dropped_) + " dropped)";
}

}  // namespace gaterig::wiegand
