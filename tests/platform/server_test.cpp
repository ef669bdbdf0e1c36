// The HTTP server with a fake handler: keep-alive, limits, timeouts, every fault mode as a client
// sees it, graceful stop. Every wait has a deadline; "nothing happened" is checked over a short
// bounded window only where the behaviour under test is precisely that nothing happens.
#include "simulator/platform/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/platform/server_test_client.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::test_client;
using namespace std::chrono_literals;

namespace {

// Answers {"code":0,...} and remembers what it was given. A request whose body contains "hold"
// waits until release() (to have a request in flight on purpose).
class FakeHandler : public RequestHandler {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    {
      std::unique_lock lock(mu_);
      seen_.push_back(request);
      cv_.notify_all();
      if (request.body.find("hold") != std::string::npos)
        cv_.wait_for(lock, 30s, [&] { return released_; });
    }
    if (request.body.find("throw") != std::string::npos) throw std::runtime_error("handler exploded");
    HttpResponse r;
    r.body = R"({"code":0,"message":"ok","data":{"echo":")" + request.target + R"("}})";
    return r;
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool wait_calls(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
  }
  std::vector<HttpRequest> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::size_t calls() {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpRequest> seen_;
  bool released_ = false;
};

bool has_kind(const Event& e, const char* kind) { return e.kind == kind; }

class ServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(options, handler_, &timeline_, &faults_, &stats_);
    server_->start();
    port_ = server_->port();
  }
  std::optional<Event> wait_event(const char* kind, std::uint64_t after = 0, std::chrono::milliseconds t = 10s) {
    return timeline_.wait_for(after, [kind](const Event& e) { return has_kind(e, kind); }, t);
  }
  bool wait_count(const char* kind, int n) {
    std::uint64_t cursor = 0;
    for (int i = 0; i < n; ++i) {
      const auto e = wait_event(kind, cursor);
      if (!e) return false;
      cursor = e->seq;
    }
    return true;
  }
  // Waits until the server has closed this connection (read returns end of stream).
  static bool closed_by_server(Connection& c, std::chrono::milliseconds timeout = 10s) {
    Reply r;
    return c.read(r, timeout) == ReadOutcome::closed;
  }

  Timeline timeline_;
  FaultSwitch faults_{&timeline_};
  TrafficStats stats_;
  FakeHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ServerTest, BindsAnEphemeralPortAndReportsIt) {
  start();
  EXPECT_NE(port_, 0);
  EXPECT_TRUE(server_->listening());
  const auto listening = wait_event("platform.listening");
  ASSERT_TRUE(listening);
  EXPECT_EQ(listening->payload["port"], port_);
}

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  start();
  auto c = Connection::must_open(port_);
  for (int i = 0; i < 3; ++i) {
    Reply r = c.roundtrip("/open.api", "method=Project.Query&n=" + std::to_string(i));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"code\":0"), std::string::npos);
    EXPECT_NE(r.headers["connection"], "close");
  }
  EXPECT_EQ(handler_.calls(), 3u);
  ASSERT_TRUE(wait_count("platform.reply_sent", 3));  // counted once the write completes
  EXPECT_EQ(stats_.to_json()["connections"], 1);
  EXPECT_EQ(stats_.to_json()["by_method"]["Project.Query"]["requests"], 3);
  EXPECT_EQ(stats_.to_json()["by_method"]["Project.Query"]["codes"]["0"], 3);
}

TEST_F(ServerTest, HandsTheHandlerMethodTargetLowerCaseHeadersBodyPeerAndReceiveTimes) {
  start();
  auto c = Connection::must_open(port_);
  const MonoNs before = mono_now();
  c.send("/api/WorkerAttendance/Add?x=1", R"({"token":"t"})", "POST", "X-Custom-Thing: Yes\r\n");
  c.must_read();
  const MonoNs after = mono_now();
  ASSERT_EQ(handler_.calls(), 1u);
  const HttpRequest req = handler_.seen().front();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/WorkerAttendance/Add?x=1");
  EXPECT_EQ(req.headers.at("x-custom-thing"), "Yes");
  EXPECT_EQ(req.body, R"({"token":"t"})");
  EXPECT_TRUE(req.peer.starts_with("127.0.0.1:")) << req.peer;
  EXPECT_GE(req.received_mono, before);
  EXPECT_LE(req.received_mono, after);
  EXPECT_NEAR(static_cast<double>(req.received_wall), static_cast<double>(wall_now()), 10e9);
}

TEST_F(ServerTest, PublishesRequestAndReplyEventsWithStatusCodeAndLatency) {
  start();
  auto c = Connection::must_open(port_);
  c.roundtrip("/open.api", "appid=a&method=WorkerAttendance.Add&sign=x");
  const auto received = wait_event("platform.request_received");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->source, "platform");
  EXPECT_EQ(received->payload["api_method"], "WorkerAttendance.Add");
  EXPECT_EQ(received->payload["target"], "/open.api");
  const auto sent = wait_event("platform.reply_sent", received->seq);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->payload["status"], 200);
  EXPECT_EQ(sent->payload["code"], 0);
  EXPECT_GE(sent->payload["latency_us"].get<std::int64_t>(), 0);
  EXPECT_EQ(sent->payload["connection"], received->payload["connection"]);
}

TEST_F(ServerTest, RefusesABodyOverTheLimitWith413AndAJsonBodyThenCloses) {
  HttpServerOptions o;
  o.body_limit = 1000;
  start(o);
  auto c = Connection::must_open(port_);
  c.send("/open.api", std::string(1001, 'a'));
  const Reply r = c.must_read();
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"code\":-1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("1000 bytes"), std::string::npos) << r.body;
  EXPECT_TRUE(closed_by_server(c));
  EXPECT_EQ(handler_.calls(), 0u);

  auto ok = Connection::must_open(port_);
  EXPECT_EQ(ok.roundtrip("/open.api", std::string(1000, 'a')).status, 200);
}

TEST_F(ServerTest, AnswersExpect100ContinueBeforeTheBody) {
  start();
  auto c = Connection::must_open(port_);
  c.send_raw("POST /open.api HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  // The interim reply comes before we send any body; our client skips 100s, so look at raw bytes.
  pollfd p{c.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10'000), 1);
  char buf[64];
  const ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_TRUE(std::string(buf, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 100 Continue"));
  c.send_raw("hello");
  const Reply r = c.must_read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(handler_.seen().at(0).body, "hello");
}

TEST_F(ServerTest, ClosesAConnectionThatStaysIdlePastTheReadTimeout) {
  HttpServerOptions o;
  o.read_timeout = 200ms;
  start(o);
  auto c = Connection::must_open(port_);
  EXPECT_TRUE(closed_by_server(c, 10s));
}

TEST_F(ServerTest, ClosesAConnectionWhoseRequestStopsHalfWay) {
  HttpServerOptions o;
  o.read_timeout = 200ms;
  start(o);
  auto c = Connection::must_open(port_);
  c.send_raw("POST /open.api HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part");
  EXPECT_TRUE(closed_by_server(c, 10s));
  EXPECT_EQ(handler_.calls(), 0u);
}

TEST_F(ServerTest, AnswersMalformedHttpWith400) {
  start();
  auto c = Connection::must_open(port_);
  c.send_raw("THIS IS NOT HTTP\r\n\r\n");
  Reply r;
  const auto outcome = c.read(r, 10s);
  ASSERT_EQ(outcome, ReadOutcome::reply);
  EXPECT_EQ(r.status, 400);
}

TEST_F(ServerTest, ABlockedHandlerDoesNotHoldUpOtherConnections) {
  start();
  auto slow = Connection::must_open(port_);
  slow.send("/open.api", "hold");
  ASSERT_TRUE(handler_.wait_calls(1));
  auto fast = Connection::must_open(port_);
  EXPECT_EQ(fast.roundtrip("/open.api", "quick").status, 200);
  Reply r;
  EXPECT_EQ(slow.read(r, 50ms), ReadOutcome::timeout);  // still held by the handler
  handler_.release();
  EXPECT_EQ(slow.must_read().status, 200);
}

TEST_F(ServerTest, AHandlerExceptionBecomesA500WithAJsonBody) {
  start();
  auto c = Connection::must_open(port_);
  const Reply r = c.roundtrip("/open.api", "throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("handler exploded"), std::string::npos);
  EXPECT_EQ(c.roundtrip("/open.api", "fine").status, 200);  // the connection survives
}

TEST_F(ServerTest, AnswersTheHealthPathItselfWithoutTheHandler) {
  start();
  auto c = Connection::must_open(port_);
  const Reply r = c.roundtrip("/health", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["code"], 0);
  EXPECT_EQ(handler_.calls(), 0u);
  faults_.set(FaultMode::error(503));  // a fault covers the health path too
  EXPECT_EQ(c.roundtrip("/health", "").status, 503);
}

// ---- fault modes -----------------------------------------------------------------------------

TEST_F(ServerTest, RefuseClosesTheListenerAndUpReopensItOnTheSamePort) {
  start();
  auto idle = Connection::must_open(port_);
  ASSERT_EQ(idle.roundtrip("/open.api", "x").status, 200);
  faults_.set(FaultMode::refuse());
  ASSERT_TRUE(wait_event("platform.listener_closed"));
  EXPECT_FALSE(server_->listening());
  EXPECT_TRUE(closed_by_server(idle));  // an open connection goes with the server
  int err = 0;
  EXPECT_FALSE(Connection::open(port_, &err));
  EXPECT_EQ(err, ECONNREFUSED);

  const auto mark = timeline_.last_seq();
  faults_.set(FaultMode::up());
  ASSERT_TRUE(wait_event("platform.listening", mark));
  EXPECT_EQ(server_->port(), port_);
  auto again = Connection::must_open(port_);
  EXPECT_EQ(again.roundtrip("/open.api", "y").status, 200);
}

TEST_F(ServerTest, BlackholeReadsButNeverAnswersAndHoldsTheConnection) {
  start();
  faults_.set(FaultMode::blackhole());
  auto c = Connection::must_open(port_);
  c.send("/open.api", "method=WorkerAttendance.Add");
  const auto fired = wait_event("platform.fault_fired");
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->payload["fault"]["mode"], "blackhole");
  EXPECT_EQ(fired->payload["api_method"], "WorkerAttendance.Add");
  Reply r;
  EXPECT_EQ(c.read(r, 100ms), ReadOutcome::timeout);  // neither a reply nor a close
  EXPECT_EQ(server_->open_connections(), 1u);
  EXPECT_EQ(handler_.calls(), 0u);
  EXPECT_EQ(stats_.to_json()["no_reply"], 1);
  // Lifting the fault lets go of the held connection, so the client sees it and reconnects.
  faults_.set(FaultMode::up());
  EXPECT_TRUE(closed_by_server(c));
  auto fresh = Connection::must_open(port_);
  EXPECT_EQ(fresh.roundtrip("/open.api", "x").status, 200);
}

TEST_F(ServerTest, ErrorAnswersCodeMinus5WithTheConfiguredStatusWithoutHandling) {
  start();
  auto c = Connection::must_open(port_);
  faults_.set(FaultMode::error(503));
  Reply r = c.roundtrip("/open.api", "x");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Json::parse(r.body)["code"], -5);
  faults_.set(FaultMode::error(500));
  r = c.roundtrip("/open.api", "x");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(handler_.calls(), 0u);
  const auto sent = wait_event("platform.reply_sent");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->payload["code"], -5);
}

TEST_F(ServerTest, SlowDelaysTheReplyWithoutHoldingUpOtherConnections) {
  HttpServerOptions o;
  o.io_threads = 1;  // the delay must be a timer, not a blocked thread
  start(o);
  faults_.set(FaultMode::slow(800ms));
  auto slow = Connection::must_open(port_);
  const auto t0 = std::chrono::steady_clock::now();
  slow.send("/open.api", "first");
  ASSERT_TRUE(handler_.wait_calls(1));
  faults_.set(FaultMode::up());
  auto other = Connection::must_open(port_);
  EXPECT_EQ(other.roundtrip("/open.api", "second").status, 200);
  const auto other_done = std::chrono::steady_clock::now();
  const Reply r = slow.must_read();
  const auto slow_done = std::chrono::steady_clock::now();
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(other_done, slow_done);
  EXPECT_GE(slow_done - t0, 800ms);
}

TEST_F(ServerTest, AckLostStoresTheRequestThenClosesWithoutReplying) {
  start();
  faults_.set(FaultMode::ack_lost());
  auto c = Connection::must_open(port_);
  c.send("/open.api", "method=WorkerAttendance.Add&data=record");
  EXPECT_TRUE(closed_by_server(c));
  ASSERT_EQ(handler_.calls(), 1u);  // the record reached the handler: it is stored
  EXPECT_EQ(handler_.seen()[0].body, "method=WorkerAttendance.Add&data=record");
  const auto fired = wait_event("platform.fault_fired");
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->payload["fault"]["mode"], "ack-lost");
  EXPECT_EQ(faults_.fired_counts()["ack-lost"], 1u);
}

TEST_F(ServerTest, AFaultWithAProbabilityFiresOnSomeRequestsOnly) {
  start();
  faults_.set(FaultMode::error(503).with_probability(0.5, 42));
  auto c = Connection::must_open(port_);
  int errors = 0;
  for (int i = 0; i < 40; ++i) errors += c.roundtrip("/open.api", "x").status == 503;
  EXPECT_GT(errors, 5);
  EXPECT_LT(errors, 35);
  EXPECT_EQ(handler_.calls(), static_cast<std::size_t>(40 - errors));
  EXPECT_EQ(faults_.fired_total(), static_cast<std::uint64_t>(errors));
}

TEST_F(ServerTest, StartsRefusingWhenTheInitialFaultIsRefuse) {
  faults_.set(FaultMode::refuse());
  start();
  ASSERT_TRUE(wait_event("platform.listener_closed"));
  int err = 0;
  EXPECT_FALSE(Connection::open(port_, &err));
  EXPECT_EQ(err, ECONNREFUSED);
}

// ---- stopping --------------------------------------------------------------------------------

TEST_F(ServerTest, StopFinishesARequestInFlightThenClosesAndRefusesNewConnections) {
  start();
  auto busy = Connection::must_open(port_);
  busy.send("/open.api", "hold");
  ASSERT_TRUE(handler_.wait_calls(1));
  auto idle = Connection::must_open(port_);
  ASSERT_EQ(idle.roundtrip("/open.api", "x").status, 200);

  std::thread stopper([&] { server_->stop(); });
  EXPECT_TRUE(closed_by_server(idle));  // idle connections go at once
  int err = 0;
  // The listener closes at once too; retry briefly because the close is asynchronous.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    if (auto c = Connection::open(port_, &err); !c) refused = err == ECONNREFUSED;
    else std::this_thread::yield();
  }
  EXPECT_TRUE(refused);
  handler_.release();
  Reply r = busy.must_read();  // the request in flight is answered...
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["connection"], "close");  // ...and the connection closed after it
  EXPECT_TRUE(closed_by_server(busy));
  stopper.join();
  EXPECT_EQ(server_->open_connections(), 0u);
}

TEST_F(ServerTest, StopGivesUpOnARequestThatOutlivesTheDeadline) {
  HttpServerOptions o;
  o.stop_deadline = 100ms;
  start(o);
  auto busy = Connection::must_open(port_);
  busy.send("/open.api", "hold");
  ASSERT_TRUE(handler_.wait_calls(1));
  std::thread stopper([&] { server_->stop(); });
  EXPECT_TRUE(closed_by_server(busy));
  handler_.release();  // the handler's thread is joined by stop()
  stopper.join();
  EXPECT_EQ(stats_.to_json()["no_reply"], 1);
}

TEST_F(ServerTest, StopIsIdempotentAndTheDestructorStops) {
  start();
  server_->stop();
  server_->stop();
  server_.reset();
  SUCCEED();
}

}  // namespace
