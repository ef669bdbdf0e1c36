#pragma once
// The virtual monitor link: how the rig's display shows a frame to the simulated terminal's
// camera. The publisher (display side, in the rig process) serves a Unix stream socket; each
// subscriber (a camera, in the simulated terminal's process) connects to the path.
//
// A frame on the wire is what a camera could see and nothing more: BGR pixels, the publish time
// (CLOCK_MONOTONIC ns; both processes share the clock) and the frame's sequence number. No
// presentation or person id travels, so the terminal cannot cheat.
//
// Latest-frame semantics on both ends: a slow subscriber is sent the newest frame, older ones
// are skipped (publisher side) or overwritten (subscriber side) and counted as dropped. A new
// subscriber is sent the frame on screen right away. Subscribers reconnect when the publisher
// restarts; a subscriber that dies never takes the publisher with it (MSG_NOSIGNAL).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "core/event.hpp"
#include "simulator/bench/scene.hpp"

namespace gaterig {

struct MonitorFrame {
  cv::Mat image;              // 8-bit BGR, as the camera sees it
  std::uint64_t seq = 0;      // the publisher's frame number, from 1 (restarts with the publisher)
  MonoNs published = 0;       // when the display flipped to it ("photon time" on a simulated rig)
  MonoNs received = 0;        // when this subscriber had all of it
};
std::ostream& operator<<(std::ostream& os, const MonitorFrame& f);

struct MonitorPublisherOptions {
  std::string path;                 // Unix socket path (< 108 bytes); a stale socket is replaced
  EventSink* sink = nullptr;        // "display.frame_published" {seq, publish_mono}; may be null
  std::string source = "display";
  // The simulated world: when `light` is set, every frame goes through Scene::render with the
  // bench's current light and seed scene_seed + seq before it leaves.
  std::function<BenchLight()> light;
  std::uint64_t scene_seed = 1;
};

struct MonitorPublisherStats {
  std::uint64_t published = 0;
  std::uint64_t sent = 0;           // frames committed to subscribers' sockets, summed
  std::uint64_t skipped = 0;        // frames replaced before a slow subscriber got them
  std::uint64_t subscribers_lost = 0;
  std::size_t subscribers = 0;      // connected now
};

class MonitorPublisher {
 public:
  // Listens before it returns. Throws std::runtime_error naming the path.
  explicit MonitorPublisher(MonitorPublisherOptions options);
  ~MonitorPublisher();  // disconnects every subscriber and removes the socket file
  MonitorPublisher(const MonitorPublisher&) = delete;
  MonitorPublisher& operator=(const MonitorPublisher&) = delete;

  // Shows a frame (8-bit BGR, copied); returns its sequence number. Never blocks on subscribers.
  std::uint64_t publish(const cv::Mat& bgr);
  const std::string& path() const { return options_.path; }
  // True once at least n subscribers are connected, within the timeout.
  bool wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const;
  // True once the number of connected subscribers satisfies `pred`. A subscriber that went away
  // is noticed when a frame is sent to it.
  bool wait_subscribers(const std::function<bool(std::size_t)>& pred, std::chrono::milliseconds timeout) const;
  MonitorPublisherStats stats() const;

 private:
  struct Packet;
  struct Connection;
  void accept_loop();
  void send_loop(const std::shared_ptr<Connection>& c);
  void reap_locked();

  MonitorPublisherOptions options_;
  Scene scene_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  std::uint64_t next_seq_ = 1;
  std::shared_ptr<const Packet> latest_;
  std::vector<std::shared_ptr<Connection>> connections_;
  MonitorPublisherStats stats_;
  std::thread accept_thread_;
};

struct MonitorSubscriberOptions {
  std::string path;
  std::chrono::milliseconds retry_interval{20};  // between connection attempts
};

struct MonitorSubscriberStats {
  std::uint64_t received = 0;
  std::uint64_t dropped = 0;      // frames this subscriber never handed out (gaps + overwritten)
  std::uint64_t connections = 0;  // successful connects; > 1 means it reconnected
  bool connected = false;
};

class MonitorSubscriber {
 public:
  explicit MonitorSubscriber(MonitorSubscriberOptions options);  // connects in the background
  ~MonitorSubscriber();
  MonitorSubscriber(const MonitorSubscriber&) = delete;
  MonitorSubscriber& operator=(const MonitorSubscriber&) = delete;

  // The newest frame not handed out yet; waits for one until the timeout.
  std::optional<MonitorFrame> next(std::chrono::milliseconds timeout);
  // The newest frame received, handed out or not (nullopt before the first).
  std::optional<MonitorFrame> latest() const;
  // Waits until the newest frame received has seq >= min_seq (from the current publisher);
  // does not hand it out. "Wait until the camera sees frame N".
  std::optional<MonitorFrame> wait_latest(std::uint64_t min_seq, std::chrono::milliseconds timeout) const;
  bool wait_connected(std::chrono::milliseconds timeout) const;
  MonitorSubscriberStats stats() const;

 private:
  void read_loop();

  MonitorSubscriberOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  int fd_ = -1;
  std::optional<MonitorFrame> latest_;
  bool taken_ = true;
  std::uint64_t last_seq_ = 0;
  MonitorSubscriberStats stats_;
  std::thread thread_;
};

}  // namespace gaterig
