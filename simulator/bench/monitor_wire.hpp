#pragma once
// The monitor link's framing on a Unix stream socket: a fixed header, then rows × cols × 3 bytes.
// Both ends run on one machine, so the header is in native byte order.
#include <cstddef>
#include <cstdint>
#include <string>

namespace gaterig::monitor_wire {

inline constexpr std::uint32_t kMagic = 0x464d5247;  // "GRMF"
inline constexpr std::uint16_t kVersion = 1;
inline constexpr std::uint32_t kMaxSide = 8192;

struct Header {
  std::uint32_t magic = kMagic;
  std::uint16_t version = kVersion;
  std::uint16_t channels = 3;  // BGR, 8 bit
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  std::uint64_t seq = 0;
  std::int64_t publish_mono = 0;
};
static_assert(sizeof(Header) == 32);

// An empty string when the header is acceptable, else what is wrong with it.
std::string check(const Header& h);
inline std::size_t payload_bytes(const Header& h) { return std::size_t{h.rows} * h.cols * h.channels; }

// Whole-buffer I/O that survives EINTR and partial transfers; false on EOF or error.
// send_all never raises SIGPIPE (MSG_NOSIGNAL).
bool send_all(int fd, const void* data, std::size_t n);
bool recv_all(int fd, void* data, std::size_t n);

// A sockaddr_un for `path`; throws std::invalid_argument naming the path when it is too long.
struct UnixAddress {
  unsigned char storage[112];
  unsigned length;
};
UnixAddress unix_address(const std::string& path);

}  // namespace gaterig::monitor_wire
