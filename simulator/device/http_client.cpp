#include "simulator/device/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>
#include <cstring>

namespace gaterig::device {
namespace {

using Clock = std::chrono::steady_clock;

// Poll in short slices so abort() is noticed without a second file descriptor.
constexpr std::chrono::milliseconds kPollSlice{20};
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

std::string errno_text(int err) { return std::strerror(err); }

HttpReply failed(HttpFailure f, std::string detail) {
  HttpReply r;
  r.failure = f;
  r.detail = std::move(detail);
  return r;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// Waits for `events` on fd until the deadline; returns revents, 0 on timeout, -1 when aborted.
int wait_fd(int fd, short events, Clock::time_point deadline, const std::atomic<bool>& aborted) {
  for (;;) {
    if (aborted.load()) return -1;
    const auto now = Clock::now();
    if (now >= deadline) return 0;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min(left, kPollSlice).count()) + 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return POLLERR;
    }
    if (n > 0) return p.revents;
  }
}

// Has the kept-alive peer closed (or sent something unasked)? Then the connection is stale.
bool stale(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace

const char* to_string(HttpFailure f) {
  switch (f) {
    case HttpFailure::none: return "none";
    case HttpFailure::resolve_failed: return "resolve_failed";
    case HttpFailure::connect_refused: return "connect_refused";
    case HttpFailure::connect_timed_out: return "connect_timed_out";
    case HttpFailure::connect_failed: return "connect_failed";
    case HttpFailure::write_failed: return "write_failed";
    case HttpFailure::write_timed_out: return "write_timed_out";
    case HttpFailure::closed_before_reply: return "closed_before_reply";
    case HttpFailure::read_timed_out: return "read_timed_out";
    case HttpFailure::bad_status_line: return "bad_status_line";
    case HttpFailure::bad_reply: return "bad_reply";
    case HttpFailure::aborted: return "aborted";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, HttpFailure f) { return os << to_string(f); }

bool request_may_have_arrived(HttpFailure f) {
  switch (f) {
    case HttpFailure::resolve_failed:
    case HttpFailure::connect_refused:
    case HttpFailure::connect_timed_out:
    case HttpFailure::connect_failed:
      return false;
    default:
      return true;
  }
}

std::string HttpReply::header(std::string_view name) const {
  const std::string key = lower(std::string(name));
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return {};
}

std::ostream& operator<<(std::ostream& os, const HttpReply& r) {
  if (!r.ok()) return os << "HttpReply(" << r.failure << ": " << r.detail << ")";
  return os << "HttpReply(" << r.status << ", " << r.body.size() << " bytes)";
}

HttpClient::HttpClient(HttpEndpoint endpoint, HttpTimeouts timeouts)
    : endpoint_(std::move(endpoint)), timeouts_(timeouts) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
  const int fd = fd_.exchange(-1);
  if (fd >= 0) ::close(fd);
}

void HttpClient::abort() { aborted_ = true; }
void HttpClient::reset_abort() { aborted_ = false; }

HttpReply HttpClient::connect_socket() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(endpoint_.port);
  if (const int rc = ::getaddrinfo(endpoint_.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return failed(HttpFailure::resolve_failed, endpoint_.host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);

  const auto deadline = Clock::now() + timeouts_.connect;
  HttpReply last = failed(HttpFailure::connect_failed, "no address for " + endpoint_.host);
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last = failed(HttpFailure::connect_failed, "socket: " + errno_text(errno));
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        err = errno;
      } else {
        const int ev = wait_fd(fd, POLLOUT, deadline, aborted_);
        if (ev < 0) {
          ::close(fd);
          return failed(HttpFailure::aborted, "connect aborted");
        }
        if (ev == 0) {
          ::close(fd);
          return failed(HttpFailure::connect_timed_out,
                        "no answer from " + endpoint_.host + ":" + port + " within " +
                            std::to_string(timeouts_.connect.count()) + " ms");
        }
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
    if (err == 0) {
      fd_ = fd;
      ++connections_opened_;
      return {};
    }
    ::close(fd);
    const std::string where = endpoint_.host + ":" + port + ": " + errno_text(err);
    last = failed(err == ECONNREFUSED ? HttpFailure::connect_refused
                  : err == ETIMEDOUT  ? HttpFailure::connect_timed_out
                                      : HttpFailure::connect_failed,
                  where);
  }
  return last;
}

HttpReply HttpClient::request(const std::string& method, const std::string& path,
                              const std::string& content_type, const std::string& body) {
  std::lock_guard lock(call_mu_);
  if (aborted_) return failed(HttpFailure::aborted, "client aborted");
  std::string wire;
  wire.reserve(body.size() + 256);
  wire += method + " " + path + " HTTP/1.1\r\n";
  wire += "Host: " + endpoint_.host + ":" + std::to_string(endpoint_.port) + "\r\n";
  if (!content_type.empty()) wire += "Content-Type: " + content_type + "\r\n";
  wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  wire += "Connection: keep-alive\r\n\r\n";
  wire += body;

  bool reused = false;
  if (fd_ >= 0 && stale(fd_)) close();
  if (fd_ >= 0) {
    reused = true;
  } else if (auto r = connect_socket(); !r.ok()) {
    return r;
  }
  HttpReply reply = exchange(wire);
  reply.reused_connection = reused;
  const bool keep = reply.ok() && lower(reply.header("connection")) != "close";
  if (!keep) close();
  return reply;
}

HttpReply HttpClient::exchange(const std::string& request) {
  const int fd = fd_;
  // ---- write ----
  const auto write_deadline = Clock::now() + timeouts_.write;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const int ev = wait_fd(fd, POLLOUT, write_deadline, aborted_);
      if (ev < 0) return failed(HttpFailure::aborted, "aborted while sending");
      if (ev == 0)
        return failed(HttpFailure::write_timed_out,
                      "sent " + std::to_string(sent) + " of " + std::to_string(request.size()) + " bytes");
      continue;
    }
    return failed(HttpFailure::write_failed, "send: " + errno_text(errno) + " after " +
                                                 std::to_string(sent) + " bytes");
  }

  // ---- read ----
  const auto read_deadline = Clock::now() + timeouts_.read;
  std::string in;
  std::size_t header_end = std::string::npos;
  HttpReply reply;
  std::size_t body_len = 0;
  bool until_close = false;
  auto fill = [&]() -> HttpReply {  // one more chunk of bytes, or the failure
    for (;;) {
      char buf[16384];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
        return {};
      }
      if (n == 0) return failed(HttpFailure::closed_before_reply, "peer closed after " +
                                                                      std::to_string(in.size()) + " reply bytes");
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        const int ev = wait_fd(fd, POLLIN, read_deadline, aborted_);
        if (ev < 0) return failed(HttpFailure::aborted, "aborted while reading");
        if (ev == 0)
          return failed(HttpFailure::read_timed_out, "no complete reply within " +
                                                         std::to_string(timeouts_.read.count()) + " ms (" +
                                                         std::to_string(in.size()) + " bytes)");
        continue;
      }
      return failed(HttpFailure::closed_before_reply, "recv: " + errno_text(errno));
    }
  };

  while (header_end == std::string::npos) {
    if (auto r = fill(); !r.ok()) return r;
    header_end = in.find("\r\n\r\n");
    if (header_end == std::string::npos && in.size() > kMaxHeaderBytes)
      return failed(HttpFailure::bad_reply, "headers longer than 64 KiB");
  }
  // Status line: HTTP/1.x NNN reason
  const std::size_t eol = in.find("\r\n");
  const std::string status_line = in.substr(0, eol);
  if (status_line.size() < 12 || status_line.compare(0, 7, "HTTP/1.") != 0 || status_line[8] != ' ' ||
      !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[11])))
  {
    std::string quoted = "status line '";
    quoted.append(status_line, 0, 80);
    quoted += '\'';
    return failed(HttpFailure::bad_status_line, std::move(quoted));
  }
  reply.status = std::stoi(status_line.substr(9, 3));

  std::size_t pos = eol + 2;
  while (pos < header_end) {
    std::size_t next = in.find("\r\n", pos);
    const std::string line = in.substr(pos, next - pos);
    pos = next + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      return failed(HttpFailure::bad_reply, "header line without a name: '" + line.substr(0, 80) + "'");
    reply.headers.emplace_back(lower(line.substr(0, colon)), trim(std::string_view(line).substr(colon + 1)));
  }
  in.erase(0, header_end + 4);

  const std::string te = lower(reply.header("transfer-encoding"));
  const std::string cl = reply.header("content-length");
  if (!te.empty() && te != "identity") {
    if (te != "chunked") return failed(HttpFailure::bad_reply, "transfer-encoding '" + te + "'");
    // Chunked: size line, data, CRLF, ... then a zero chunk and optional trailers.
    std::string body;
    std::size_t at = 0;
    for (;;) {
      std::size_t le;
      while ((le = in.find("\r\n", at)) == std::string::npos)
        if (auto r = fill(); !r.ok()) return r;
      std::size_t size = 0;
      try {
        size = std::stoul(in.substr(at, le - at), nullptr, 16);
      } catch (const std::exception&) {
        return failed(HttpFailure::bad_reply, "chunk size '" + in.substr(at, std::min<std::size_t>(le - at, 20)) + "'");
      }
      at = le + 2;
      if (size == 0) {
        while (in.find("\r\n", at) == std::string::npos)
          if (auto r = fill(); !r.ok()) return r;
        break;  // trailers other than none are not used by the platforms
      }
      if (body.size() + size > kMaxBodyBytes) return failed(HttpFailure::bad_reply, "body larger than 64 MiB");
      while (in.size() < at + size + 2)
        if (auto r = fill(); !r.ok()) return r;
      body.append(in, at, size);
      at += size + 2;
    }
    reply.body = std::move(body);
    return reply;
  }
  if (!cl.empty()) {
    try {
      std::size_t used = 0;
      body_len = std::stoul(cl, &used);
      if (used != cl.size()) throw std::invalid_argument(cl);
    } catch (const std::exception&) {
      return failed(HttpFailure::bad_reply, "content-length '" + cl.substr(0, 20) + "'");
    }
    if (body_len > kMaxBodyBytes) return failed(HttpFailure::bad_reply, "content-length " + cl + " too large");
  } else if (reply.status == 204 || reply.status == 304 || reply.status / 100 == 1) {
    body_len = 0;
  } else {
    until_close = true;
  }
  if (until_close) {
    for (;;) {
      auto r = fill();
      if (r.failure == HttpFailure::closed_before_reply) break;
      if (!r.ok()) return r;
      if (in.size() > kMaxBodyBytes) return failed(HttpFailure::bad_reply, "body larger than 64 MiB");
    }
    reply.body = std::move(in);
    reply.headers.emplace_back("connection", "close");
    return reply;
  }
  while (in.size() < body_len)
    if (auto r = fill(); !r.ok()) return r;
  reply.body = in.substr(0, body_len);
  return reply;
}

}  // namespace gaterig::device
