// The display side of the virtual monitor link: one accept thread, one sender thread per
// subscriber. Senders only ever hold the newest frame, so a slow camera skips frames instead of
// slowing the display.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/log.hpp"
#include "simulator/bench/monitor_link.hpp"
#include "simulator/bench/monitor_wire.hpp"

namespace gaterig {

std::ostream& operator<<(std::ostream& os, const MonitorFrame& f) {
  return os << "MonitorFrame(#" << f.seq << " " << f.image.cols << "x" << f.image.rows << " published "
            << f.published << "ns received " << f.received << "ns)";
}

struct MonitorPublisher::Packet {
  monitor_wire::Header header;
  cv::Mat image;  // continuous
};

struct MonitorPublisher::Connection {
  int fd = -1;
  std::shared_ptr<const Packet> pending;  // guarded by the publisher's mutex
  bool done = false;
  std::thread thread;
};

namespace {
constexpr auto kIdle = std::chrono::milliseconds(500);  // bounds every wait in the threads
}

MonitorPublisher::MonitorPublisher(MonitorPublisherOptions options) : options_(std::move(options)) {
  const auto addr = monitor_wire::unix_address(options_.path);
  struct stat st {};
  if (lstat(options_.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(options_.path.c_str());
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0 || pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0 ||
      bind(listen_fd_, reinterpret_cast<const sockaddr*>(addr.storage), addr.length) != 0 ||
      listen(listen_fd_, 8) != 0) {
    const std::string why = std::strerror(errno);
    if (listen_fd_ >= 0) close(listen_fd_);
    for (int fd : wake_)
      if (fd >= 0) close(fd);
    throw std::runtime_error("monitor link: cannot listen on '" + options_.path + "': " + why);
  }
  accept_thread_ = std::thread([this] { accept_loop(); });
}

MonitorPublisher::~MonitorPublisher() {
  // Gone from the file system first, so a subscriber we are about to drop cannot reconnect to
  // the backlog of a listener that is going away.
  unlink(options_.path.c_str());
  std::vector<std::shared_ptr<Connection>> conns;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    conns = connections_;
    for (auto& c : conns) shutdown(c->fd, SHUT_RDWR);  // unblocks a sender stuck in send()
  }
  cv_.notify_all();
  char b = 1;
  [[maybe_unused]] auto n = write(wake_[1], &b, 1);
  accept_thread_.join();
  for (auto& c : conns) {
    if (c->thread.joinable()) c->thread.join();
    close(c->fd);
  }
  close(listen_fd_);
  close(wake_[0]);
  close(wake_[1]);
}

std::uint64_t MonitorPublisher::publish(const cv::Mat& bgr) {
  if (bgr.type() != CV_8UC3 || bgr.empty())
    throw std::invalid_argument("monitor link: publish expects a non-empty 8-bit BGR frame");
  const MonoNs flipped = mono_now();
  std::uint64_t seq;
  {
    std::lock_guard lock(mu_);
    seq = next_seq_++;
  }
  auto packet = std::make_shared<Packet>();
  packet->image = options_.light ? scene_.render(bgr, options_.light(), options_.scene_seed + seq) : bgr.clone();
  if (!packet->image.isContinuous()) packet->image = packet->image.clone();
  packet->header.rows = static_cast<std::uint32_t>(packet->image.rows);  // the scene may frame it larger
  packet->header.cols = static_cast<std::uint32_t>(packet->image.cols);
  packet->header.seq = seq;
  packet->header.publish_mono = flipped;
  {
    std::lock_guard lock(mu_);
    ++stats_.published;
    // Frames can be rendered out of order by concurrent callers; the screen shows the newest.
    if (!latest_ || latest_->header.seq < seq) {
      latest_ = packet;
      for (auto& c : connections_) {
        if (c->done) continue;
        if (c->pending) ++stats_.skipped;
        c->pending = packet;
      }
    }
  }
  cv_.notify_all();
  if (options_.sink != nullptr)
    options_.sink->publish(Event{flipped, options_.source, "display.frame_published",
                                 Json{{"seq", seq}, {"publish_mono", flipped}}});
  return seq;
}

bool MonitorPublisher::wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const {
  return wait_subscribers([n](std::size_t k) { return k >= n; }, timeout);
}

bool MonitorPublisher::wait_subscribers(const std::function<bool(std::size_t)>& pred,
                                        std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    return pred(static_cast<std::size_t>(
        std::count_if(connections_.begin(), connections_.end(), [](auto& c) { return !c->done; })));
  });
}

MonitorPublisherStats MonitorPublisher::stats() const {
  std::lock_guard lock(mu_);
  MonitorPublisherStats s = stats_;
  s.subscribers = static_cast<std::size_t>(
      std::count_if(connections_.begin(), connections_.end(), [](auto& c) { return !c->done; }));
  return s;
}

void MonitorPublisher::reap_locked() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!(*it)->done) {
      ++it;
      continue;
    }
    if ((*it)->thread.joinable()) (*it)->thread.join();  // it has left send_loop already
    close((*it)->fd);
    it = connections_.erase(it);
  }
}

void MonitorPublisher::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    poll(fds, 2, static_cast<int>(kIdle.count()));
    std::lock_guard lock(mu_);
    if (stopping_) return;
    reap_locked();
    if (!(fds[1].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    auto c = std::make_shared<Connection>();
    c->fd = fd;
    c->pending = latest_;  // a camera pointed at the monitor sees what is on it now
    connections_.push_back(c);
    c->thread = std::thread([this, c] { send_loop(c); });
    LOG_DEBUG("monitor", "subscriber connected to " << options_.path);
    cv_.notify_all();
  }
}

void MonitorPublisher::send_loop(const std::shared_ptr<Connection>& c) {
  for (;;) {
    std::shared_ptr<const Packet> p;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, kIdle, [&] { return stopping_ || c->pending != nullptr; })) continue;
      if (stopping_) break;
      p = std::move(c->pending);
      c->pending = nullptr;
      ++stats_.sent;  // counted when committed to the socket, so a receiver never outruns it
    }
    if (!monitor_wire::send_all(c->fd, &p->header, sizeof p->header) ||
        !monitor_wire::send_all(c->fd, p->image.data, monitor_wire::payload_bytes(p->header))) {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        ++stats_.subscribers_lost;
        LOG_DEBUG("monitor", "subscriber on " << options_.path << " went away");
      }
      break;
    }
  }
  std::lock_guard lock(mu_);
  c->done = true;
  cv_.notify_all();
}

}  // namespace gaterig
