// The admin endpoint: as a pure function over its sources, and once over a real socket with a
// long poll woken by an event published from another thread.
#include "simulator/platform/admin.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "simulator/platform/http_server.hpp"
#include "tests/platform/server_test_client.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace std::chrono_literals;

namespace {

HttpRequest req(std::string method, std::string target, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

class AdminTest : public ::testing::Test {
 protected:
  Json call(const HttpRequest& r, int expected_status = 200) {
    const HttpResponse resp = admin_.handle(r);
    EXPECT_EQ(resp.status, expected_status) << r.method << " " << r.target << ": " << resp.body;
    return Json::parse(resp.body);
  }
  Timeline timeline_;
  FaultSwitch faults_{&timeline_};
  TrafficStats traffic_;
  AdminSources sources_{
      [](const RowQuery& q) {
        Json rows = Json::array();
        for (std::int64_t id = q.after + 1; id <= 5 && rows.size() < q.limit; ++id)
          rows.push_back(Json{{"id", id}, {"id_number", q.with_id ? "360102199001011234" : "360***********1234"}});
        return rows;
      },
      nullptr,
      [] { return Json{{"attendance", 5}}; }};
  Admin admin_{faults_, timeline_, traffic_, sources_};
};

TEST_F(AdminTest, ReadsAndSwitchesTheFaultMode) {
  EXPECT_EQ(call(req("GET", "/fault"))["fault"]["mode"], "up");
  const Json applied = call(req("PUT", "/fault", R"({"mode":"slow","delay_ms":500})"));
  EXPECT_EQ(applied["fault"], (Json{{"mode", "slow"}, {"delay_ms", 500}, {"probability", 1.0}}));
  EXPECT_EQ(faults_.current(), FaultMode::slow(500ms));
  call(req("POST", "/fault", R"({"mode":"up"})"));
  EXPECT_EQ(faults_.current(), FaultMode::up());
  EXPECT_EQ(timeline_.since(0).back().kind, "platform.fault_changed");
}

TEST_F(AdminTest, ABadFaultNamesTheFieldAndChangesNothing) {
  faults_.set(FaultMode::blackhole());
  EXPECT_NE(call(req("PUT", "/fault", R"({"mode":"slow","delay_ms":"soon"})"), 400)["error"].get<std::string>().find("'delay_ms'"),
            std::string::npos);
  EXPECT_NE(call(req("PUT", "/fault", R"({"mode":"nap"})"), 400)["error"].get<std::string>().find("'mode'"),
            std::string::npos);
  EXPECT_NE(call(req("PUT", "/fault", "not json"), 400)["error"].get<std::string>().find("expected JSON"),
            std::string::npos);
  EXPECT_EQ(faults_.current(), FaultMode::blackhole());
}

TEST_F(AdminTest, ListsEventsAfterASequenceNumberFilteredByKind) {
  for (int i = 0; i < 4; ++i)
    timeline_.publish(Event{mono_now(), "platform", i % 2 ? "platform.record_accepted" : "platform.other", Json{{"i", i}}});
  const Json all = call(req("GET", "/events?after=1"));
  ASSERT_EQ(all["events"].size(), 3u);
  EXPECT_EQ(all["events"][0]["seq"], 2);
  EXPECT_EQ(all["next"], 4);
  const Json records = call(req("GET", "/events?after=0&kind=platform.record"));
  ASSERT_EQ(records["events"].size(), 2u);
  EXPECT_EQ(records["events"][1]["payload"]["i"], 3);
  EXPECT_EQ(call(req("GET", "/events?after=0&limit=1"))["events"].size(), 1u);
}

TEST_F(AdminTest, AnEmptyPollWithoutWaitReturnsAtOnceWithTheCursor) {
  const Json none = call(req("GET", "/events?after=0"));
  EXPECT_TRUE(none["events"].empty());
  EXPECT_EQ(none["next"], 0);
}

TEST_F(AdminTest, LongPollReturnsWhenAMatchingEventArrives) {
  std::thread publisher([&] {
    // Publish only once the poll is waiting is not observable from here; either order must work.
    timeline_.publish(Event{mono_now(), "platform", "platform.noise", {}});
    timeline_.publish(Event{mono_now(), "platform", "platform.finding", Json{{"rule", "sign"}}});
  });
  const Json got = call(req("GET", "/events?after=0&wait_ms=10000&kind=platform.finding"));
  publisher.join();
  ASSERT_EQ(got["events"].size(), 1u);
  EXPECT_EQ(got["events"][0]["payload"]["rule"], "sign");
}

TEST_F(AdminTest, QueryErrorsNameTheParameter) {
  EXPECT_NE(call(req("GET", "/events?after=-3"), 400)["error"].get<std::string>().find("'after'"), std::string::npos);
  EXPECT_NE(call(req("GET", "/events?wait_ms=x"), 400)["error"].get<std::string>().find("'wait_ms'"), std::string::npos);
  EXPECT_NE(call(req("GET", "/events?colour=red"), 400)["error"].get<std::string>().find("'colour'"), std::string::npos);
  EXPECT_NE(call(req("GET", "/records?after=abc"), 400)["error"].get<std::string>().find("'after'"), std::string::npos);
  EXPECT_NE(call(req("GET", "/nowhere"), 404)["error"].get<std::string>().find("/nowhere"), std::string::npos);
  call(req("DELETE", "/fault"), 405);
  call(req("POST", "/stats"), 405);
}

TEST_F(AdminTest, PagesRecordsFromTheStoreAndSaysWhenASourceIsMissing) {
  const Json page = call(req("GET", "/records?after=2&limit=2"));
  ASSERT_EQ(page["records"].size(), 2u);
  EXPECT_EQ(page["records"][0]["id"], 3);
  EXPECT_EQ(page["records"][0]["id_number"], "360***********1234");
  EXPECT_EQ(call(req("GET", "/records?with_id=1"))["records"][0]["id_number"], "360102199001011234");
  EXPECT_NE(call(req("GET", "/findings"), 404)["error"].get<std::string>().find("no store"), std::string::npos);
}

TEST_F(AdminTest, StatsCombineTrafficFaultsStoreAndTimeline) {
  traffic_.request("WorkerAttendance.Add", 10);
  traffic_.reply("WorkerAttendance.Add", 200, 0);
  const Json s = call(req("GET", "/stats"));
  EXPECT_EQ(s["traffic"]["requests"], 1);
  EXPECT_EQ(s["traffic"]["by_method"]["WorkerAttendance.Add"]["codes"]["0"], 1);
  EXPECT_EQ(s["faults"]["current"]["mode"], "up");
  EXPECT_EQ(s["store"]["attendance"], 5);
  EXPECT_TRUE(s["timeline"].contains("last_seq"));
}

TEST_F(AdminTest, ServedOverHttpALongPollIsWokenByAFaultChange) {
  HttpServerOptions o;
  o.name = "platform.admin";
  o.traffic_events = false;  // admin traffic would wake its own long polls
  HttpServer server(o, admin_);
  server.start();
  auto poller = test_client::Connection::must_open(server.port());
  const auto after = timeline_.last_seq();
  poller.send("/events?after=" + std::to_string(after) + "&wait_ms=20000&kind=platform.fault", "", "GET");
  auto switcher = test_client::Connection::must_open(server.port());
  switcher.send("/fault", R"({"mode":"error","http_status":500})", "PUT");
  EXPECT_EQ(switcher.must_read().status, 200);
  const auto r = poller.must_read(20s);
  EXPECT_EQ(r.status, 200);
  const Json got = Json::parse(r.body);
  ASSERT_EQ(got["events"].size(), 1u);
  EXPECT_EQ(got["events"][0]["kind"], "platform.fault_changed");
  EXPECT_EQ(got["events"][0]["payload"]["fault"]["http_status"], 500);
}

}  // namespace
