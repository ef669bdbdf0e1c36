#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "simulator/device/http_client.hpp"

namespace gaterig::device {
namespace {

using std::chrono::milliseconds;

// A loopback server that runs a script on each accepted connection (port 0).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(int)> script, int connections = 1) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, script, connections] {
      for (int i = 0; i < connections; ++i) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 10'000) <= 0) return;
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        script(c);
        ::close(c);
      }
    });
  }
  ~ScriptedServer() {
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_;
  std::thread thread_;
};

// Reads one request with a Content-Length body (the client always sends one).
std::string read_request(int fd) {
  std::string in;
  char buf[4096];
  for (;;) {
    const auto he = in.find("\r\n\r\n");
    if (he != std::string::npos) {
      const auto cl = in.find("Content-Length: ");
      const std::size_t len = std::stoul(in.substr(cl + 16));
      if (in.size() >= he + 4 + len) return in;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return in;
    in.append(buf, static_cast<std::size_t>(n));
  }
}

void send_all(int fd, const std::string& s) { (void)!::send(fd, s.data(), s.size(), MSG_NOSIGNAL); }

std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);  // bound, never listened: connecting is refused
  return ntohs(a.sin_port);
}

TEST(HttpClient, AClosedPortIsConnectRefusedAndTheRequestNeverLeft) {
  HttpClient c({"127.0.0.1", closed_port()}, {milliseconds(500), milliseconds(500), milliseconds(500)});
  const HttpReply r = c.post("/open.api", "text/plain", "x");
  EXPECT_EQ(r.failure, HttpFailure::connect_refused) << r;
  EXPECT_FALSE(request_may_have_arrived(r.failure));
}

TEST(HttpClient, APeerThatClosesAfterReadingIsClosedBeforeReply) {
  std::string seen;
  {
    ScriptedServer s([&](int fd) { seen = read_request(fd); });
    HttpClient c({"127.0.0.1", s.port()});
    const HttpReply r = c.post("/open.api", "application/x-www-form-urlencoded", "a=1");
    EXPECT_EQ(r.failure, HttpFailure::closed_before_reply) << r;
    EXPECT_TRUE(request_may_have_arrived(r.failure));
  }
  EXPECT_NE(seen.find("POST /open.api HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\n\r\na=1"), std::string::npos);
}

TEST(HttpClient, ASilentPeerIsReadTimedOutWithinTheDeadline) {
  ScriptedServer s([&](int fd) {
    read_request(fd);
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 5000);  // until the client gives up and closes
  });
  HttpClient c({"127.0.0.1", s.port()}, {milliseconds(500), milliseconds(500), milliseconds(150)});
  const auto t0 = std::chrono::steady_clock::now();
  const HttpReply r = c.post("/open.api", "text/plain", "x");
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.failure, HttpFailure::read_timed_out) << r;
  EXPECT_LT(took, std::chrono::seconds(3)) << "the read deadline was not enforced";
}

TEST(HttpClient, AGarbledStatusLineIsNamed) {
  ScriptedServer s([&](int fd) {
    read_request(fd);
    send_all(fd, "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  HttpClient c({"127.0.0.1", s.port()});
  const HttpReply r = c.post("/", "text/plain", "");
  EXPECT_EQ(r.failure, HttpFailure::bad_status_line) << r;
  EXPECT_NE(r.detail.find("HTTX"), std::string::npos);
}

TEST(HttpClient, KeepAliveReusesOneConnectionForSeveralRequests) {
  ScriptedServer s([&](int fd) {
    for (int i = 0; i < 3; ++i) {
      read_request(fd);
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  HttpClient c({"127.0.0.1", s.port()});
  for (int i = 0; i < 3; ++i) {
    const HttpReply r = c.post("/", "text/plain", "q");
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.reused_connection, i > 0);
  }
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST(HttpClient, AStaleKeptAliveConnectionIsReplacedWithoutResending) {
  std::promise<void> first_closed;
  int requests = 0;
  ScriptedServer s(
      [&](int fd) {
        read_request(fd);
        ++requests;
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        if (requests == 1) {
          ::shutdown(fd, SHUT_RDWR);  // like a server's idle timeout
          first_closed.set_value();
        }
      },
      2);
  HttpClient c({"127.0.0.1", s.port()});
  ASSERT_TRUE(c.post("/", "text/plain", "1").ok());
  ASSERT_EQ(first_closed.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const HttpReply r = c.post("/", "text/plain", "2");
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_FALSE(r.reused_connection);
  EXPECT_EQ(c.connections_opened(), 2u);
}

TEST(HttpClient, ChunkedAndStatusCodesAreRead) {
  ScriptedServer s([&](int fd) {
    read_request(fd);
    send_all(fd, "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbusy\r\n3\r\n!!!\r\n0\r\n\r\n");
  });
  HttpClient c({"127.0.0.1", s.port()});
  const HttpReply r = c.post("/", "text/plain", "");
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "busy!!!");
}

TEST(HttpClient, AbortFromAnotherThreadEndsABlockedRead) {
  std::promise<void> request_read;
  ScriptedServer s([&](int fd) {
    read_request(fd);
    request_read.set_value();
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10'000);  // until the client closes
  });
  HttpClient c({"127.0.0.1", s.port()}, {milliseconds(500), milliseconds(500), milliseconds(30'000)});
  HttpReply r;
  std::thread t([&] { r = c.post("/", "text/plain", "x"); });
  ASSERT_EQ(request_read.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto t0 = std::chrono::steady_clock::now();
  c.abort();
  t.join();
  EXPECT_EQ(r.failure, HttpFailure::aborted) << r;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  c.close();
}

}  // namespace
}  // namespace gaterig::device
