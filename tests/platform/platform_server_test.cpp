// PlatformService in-process: the real Platform behind the server, its events on the timeline
// alongside the server's, the fault switch from the C++ API, the admin port, the summary.
#include "simulator/platform/platform_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/platform/server_test_client.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::test_client;
using namespace std::chrono_literals;

namespace {

class PlatformServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gaterig-service-test-" + std::to_string(::getpid()) + "-" + std::to_string(mono_now()));
    std::filesystem::create_directories(dir_);
    const Config c = Config::parse(R"(
[platform]
store = "store.db"
[[platform.projects]]
code = "360100202401010001"
appid = "svc-app"
appsecret = "0123456789abcdef0123456789abcdef"
[[platform.projects.teams]]
sys_no = "1000000001"
name = "Team"
)", (dir_ / "p.toml").string());
    PlatformConfig pc = PlatformConfig::from_config(c.table("platform"));
    service_ = std::make_unique<PlatformService>(pc, ServerConfig::from_config(c.table("platform")));
    service_->start();
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::optional<Event> wait(const char* kind, std::uint64_t after = 0) {
    return service_->timeline().wait_for(after, [kind](const Event& e) { return e.kind == kind; }, 10s);
  }
  std::filesystem::path dir_;
  std::unique_ptr<PlatformService> service_;
};

TEST_F(PlatformServiceTest, ServesThePlatformAndPutsBothLayersOnOneTimeline) {
  auto c = Connection::must_open(service_->port());
  const Reply r = c.roundtrip("/open.api", "appid=svc-app&method=Project.Query");  // unsigned
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["code"], -1);
  const auto received = wait("platform.request_received");
  ASSERT_TRUE(received);
  const auto finding = wait("platform.finding", received->seq);
  ASSERT_TRUE(finding);
  const auto reply = wait("platform.reply_sent", finding->seq);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->payload["code"], -1);
  const Json s = service_->summary();
  EXPECT_EQ(s["requests"], 1);
  EXPECT_GE(s["findings"].get<int>(), 1);
  EXPECT_EQ(s["by_method"]["Project.Query"]["codes"]["-1"], 1);
}

TEST_F(PlatformServiceTest, TheFaultSwitchesFromTheApiAndTheAdminPortAlike) {
  service_->set_fault(FaultMode::error(500));
  auto c = Connection::must_open(service_->port());
  EXPECT_EQ(c.roundtrip("/open.api", "x").status, 500);
  auto admin = Connection::must_open(service_->admin_port());
  admin.send("/fault", R"({"mode":"up"})", "PUT");
  EXPECT_EQ(admin.must_read().status, 200);
  EXPECT_EQ(service_->faults().current(), FaultMode::up());
  EXPECT_EQ(c.roundtrip("/open.api", "x").status, 200);
  admin.send("/stats", "", "GET");
  const Json stats = Json::parse(admin.must_read().body);
  EXPECT_EQ(stats["faults"]["fired"]["error"], 1);
  EXPECT_TRUE(stats["store"].contains("attendance"));
}

TEST_F(PlatformServiceTest, TheReadyLineNamesPortsAndProjects) {
  const Json r = service_->ready();
  EXPECT_EQ(r["event"], "ready");
  EXPECT_EQ(r["port"], service_->port());
  EXPECT_EQ(r["admin_port"], service_->admin_port());
  EXPECT_EQ(r["projects"][0]["appid"], "svc-app");
}

TEST_F(PlatformServiceTest, StopEndsAnAdminLongPoll) {
  auto poll = Connection::must_open(service_->admin_port());
  poll.send("/events?after=" + std::to_string(service_->timeline().last_seq()) + "&wait_ms=30000&kind=platform.stopping",
            "", "GET");
  std::thread stopper([&] { service_->stop(); });
  const Reply r = poll.must_read(20s);
  stopper.join();
  EXPECT_EQ(Json::parse(r.body)["events"][0]["kind"], "platform.stopping");
}

}  // namespace
