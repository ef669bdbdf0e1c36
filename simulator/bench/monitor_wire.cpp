#include "simulator/bench/monitor_wire.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gaterig::monitor_wire {

std::string check(const Header& h) {
  if (h.magic != kMagic) return "not a gaterig monitor frame (bad magic)";
  if (h.version != kVersion) return "monitor frame version " + std::to_string(h.version) + ", expected 1";
  if (h.channels != 3) return "monitor frame with " + std::to_string(h.channels) + " channels, expected 3";
  if (h.rows == 0 || h.cols == 0 || h.rows > kMaxSide || h.cols > kMaxSide)
    return "monitor frame size " + std::to_string(h.cols) + "x" + std::to_string(h.rows) + " out of range";
  return {};
}

bool send_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

bool recv_all(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

UnixAddress unix_address(const std::string& path) {
  static_assert(sizeof(sockaddr_un) <= sizeof(UnixAddress::storage));
  sockaddr_un a{};
  if (path.empty() || path.size() >= sizeof a.sun_path)
    throw std::invalid_argument("monitor link path '" + path + "': must be 1.." +
                                std::to_string(sizeof a.sun_path - 1) + " bytes");
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  UnixAddress out{};
  std::memcpy(out.storage, &a, sizeof a);
  out.length = static_cast<unsigned>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return out;
}

}  // namespace gaterig::monitor_wire
