#pragma once
// A deliberately small HTTP/1.1 client over plain POSIX sockets, written independently of the
// server under test: every wait has a deadline, and "nothing arrived" is a value, not a hang.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace gaterig::platform::test_client {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
};

enum class ReadOutcome { reply, closed, timeout };

class Connection {
 public:
  // Connects to 127.0.0.1:port; errno_out receives the connect errno (0 on success).
  static std::optional<Connection> open(std::uint16_t port, int* errno_out = nullptr) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (errno_out) *errno_out = errno;
      ::close(fd);
      return std::nullopt;
    }
    if (errno_out) *errno_out = 0;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return Connection(fd);
  }
  static Connection must_open(std::uint16_t port) {
    int err = 0;
    auto c = open(port, &err);
    if (!c) throw std::runtime_error("connect to port " + std::to_string(port) + ": " + std::strerror(err));
    return std::move(*c);
  }

  Connection(Connection&& o) noexcept : fd_(o.fd_), in_(std::move(o.in_)) { o.fd_ = -1; }
  Connection& operator=(Connection&& o) noexcept {
    std::swap(fd_, o.fd_);
    std::swap(in_, o.in_);
    return *this;
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }

  void send_raw(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send: " + std::string(std::strerror(errno)));
      sent += static_cast<std::size_t>(n);
    }
  }

  static std::string request(const std::string& target, const std::string& body,
                             const std::string& method = "POST", const std::string& extra_headers = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  void send(const std::string& target, const std::string& body, const std::string& method = "POST",
            const std::string& extra_headers = "") {
    send_raw(request(target, body, method, extra_headers));
  }

  // Reads one reply, or tells that the peer closed or that nothing complete came in time.
  ReadOutcome read(Reply& out, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (parse(out)) return ReadOutcome::reply;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ReadOutcome::timeout;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r == 0) return ReadOutcome::timeout;
      if (r < 0 && errno == EINTR) continue;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return ReadOutcome::closed;  // 0 = orderly close, <0 = reset
      in_.append(buf, static_cast<std::size_t>(n));
    }
  }
  Reply must_read(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    Reply r;
    const auto outcome = read(r, timeout);
    if (outcome == ReadOutcome::closed) throw std::runtime_error("connection closed instead of a reply");
    if (outcome == ReadOutcome::timeout) throw std::runtime_error("no reply in time");
    return r;
  }
  Reply roundtrip(const std::string& target, const std::string& body) {
    send(target, body);
    return must_read();
  }

  int fd() const { return fd_; }

 private:
  explicit Connection(int fd) : fd_(fd) {}

  bool parse(Reply& out) {
    const auto head_end = in_.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    Reply r;
    const std::string head = in_.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const std::size_t next = head.find("\r\n", line_end + 2);
      const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      line_end = next;
    }
    std::size_t length = 0;
    if (auto it = r.headers.find("content-length"); it != r.headers.end()) length = std::stoul(it->second);
    if (in_.size() < head_end + 4 + length) return false;
    r.body = in_.substr(head_end + 4, length);
    in_.erase(0, head_end + 4 + length);
    if (r.status == 100) return parse(out);  // interim reply: skip to the real one
    out = std::move(r);
    return true;
  }

  int fd_ = -1;
  std::string in_;
};

}  // namespace gaterig::platform::test_client
