#pragma once
// The virtual Wiegand wire: edges as Unix datagrams between the simulated terminal (a sink) and
// the rig (a source) on one machine, so both ends stamp edges with the same CLOCK_MONOTONIC.
// README.md documents the datagram; in short, 24 bytes in native byte order:
//   "GRW1" | u32 stream | u32 seq | u8 line | u8 rising | u16 flags (bit 0: after loss) | i64 at_ns
// The receiver binds the path; senders sendto() it, so either side may start first, and a
// receiver that restarts is found again by the next datagram. Edges sent while nobody listens
// are dropped and counted by the sender; the receiver sees the gap in `seq` and marks the next
// edge `after_loss`.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "probes/wiegand/edge.hpp"

namespace gaterig::wiegand {

inline constexpr std::size_t kWireRecordSize = 24;

// $XDG_RUNTIME_DIR/gaterig/wiegand.sock, or /tmp/gaterig-$UID/wiegand.sock.
std::string default_virtual_wire_path();

// Serialises one edge as the 24-byte datagram (and back; nullopt for anything else).
std::string encode_wire_record(const Edge& e, std::uint32_t stream, std::uint32_t seq);
struct WireRecord {
  Edge edge;
  std::uint32_t stream = 0;
  std::uint32_t seq = 0;
};
std::optional<WireRecord> decode_wire_record(const void* data, std::size_t size);

struct VirtualWireStats {
  std::uint64_t received = 0;
  std::uint64_t lost = 0;       // sequence numbers skipped by a sender (its edges we never got)
  std::uint64_t malformed = 0;  // datagrams that were not edge records
  std::uint64_t streams = 0;    // distinct senders seen
};

class VirtualWireSource final : public EdgeSource {
 public:
  // Binds `path` (creating its directory, mode 0700). A stale socket file left by a dead receiver
  // is replaced; a path where a receiver still listens, or that is not a socket, is refused with
  // std::runtime_error naming it.
  explicit VirtualWireSource(std::string path);
  ~VirtualWireSource() override;
  VirtualWireSource(const VirtualWireSource&) = delete;
  VirtualWireSource& operator=(const VirtualWireSource&) = delete;

  std::optional<Edge> next(MonoNs deadline) override;
  bool ended() const override { return stopped_.load(); }
  void stop() override;
  bool live() const override { return true; }
  std::string describe() const override;

  const std::string& path() const { return path_; }
  VirtualWireStats stats() const;

 private:
  std::string path_;
  int fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopped_{false};
  std::map<std::uint32_t, std::uint32_t> next_seq_;  // per stream
  std::atomic<std::uint64_t> received_{0}, lost_{0}, malformed_{0}, streams_{0};
};

class VirtualWireSink final : public EdgeSink {
 public:
  // Does not need the receiver to exist yet. `send_timeout` bounds how long a write may block on
  // a receiver that is alive but not reading.
  explicit VirtualWireSink(std::string path,
                           std::chrono::milliseconds send_timeout = std::chrono::milliseconds(200));
  ~VirtualWireSink() override;
  VirtualWireSink(const VirtualWireSink&) = delete;
  VirtualWireSink& operator=(const VirtualWireSink&) = delete;

  // Never throws for a missing or vanished receiver: the edge is dropped and counted, like a
  // real wire with nothing on the other end. Throws std::runtime_error for other socket errors.
  void write(const Edge& e) override;
  std::string describe() const override;
  bool carries_time() const override { return true; }

  std::uint64_t sent() const { return sent_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint32_t stream() const { return stream_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint32_t stream_;
  std::uint32_t seq_ = 0;
  std::uint64_t sent_ = 0, dropped_ = 0;
};

}  // namespace gaterig::wiegand
