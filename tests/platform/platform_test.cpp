// The Platform as a whole: configuration, dispatch by path, the dialect seam, events, restarts.
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "core/resident_id.hpp"
#include "protocol_test_terminal.hpp"
#include "simulator/platform/platform.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::testing;

TEST(PlatformConfig, ExampleFileLoadsWithEveryKey) {
  const auto cfg = Config::load_file(std::string(GATERIG_SOURCE_DIR) + "/simulator/platform/example.toml");
  const auto p = PlatformConfig::from_config(cfg.table("platform"));
  ASSERT_EQ(p.projects.size(), 2u);
  EXPECT_EQ(p.projects[0].appsecret.size(), 32u);
  EXPECT_EQ(p.projects[0].teams.size(), 2u);
  EXPECT_EQ(p.projects[0].jiangmen_key, "k8bytes1");
  EXPECT_EQ(p.dialects, (std::vector<std::string>{"national", "jiangmen"}));
  EXPECT_EQ(p.utc_offset.minutes, 480);
  EXPECT_EQ(p.store_path.filename(), "platform-store.db");
  EXPECT_TRUE(p.store_path.is_absolute() || p.store_path.has_parent_path());
}

TEST(PlatformConfig, MistakesAreErrorsNamingTheKey) {
  auto error_of = [](const std::string& toml) {
    try {
      PlatformConfig::from_config(Config::parse(toml, "t.toml").table("platform"));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string project =
      "\n[[platform.projects]]\ncode='P'\nappid='a'\nappsecret='0123456789abcdef0123456789abcdef'\n";
  EXPECT_EQ(error_of("[platform]\nstore='x.db'" + project), "no error");
  EXPECT_NE(error_of("[platform]\nstore='x.db'\nreplay_windw_s=3" + project).find("replay_windw_s"), std::string::npos);
  EXPECT_NE(error_of("[platform]\nstore='x.db'\n[[platform.projects]]\ncode='P'\nappid='a'\nappsecret='short'\n")
                .find("appsecret"),
            std::string::npos);
  EXPECT_NE(error_of("[platform]\nstore='x.db'\ndialects=['henan']" + project).find("henan"), std::string::npos);
  EXPECT_NE(error_of("[platform]\nstore='x.db'\nutc_offset='8'" + project).find("utc_offset"), std::string::npos);
  EXPECT_NE(error_of("[platform]\nstore='x.db'" + project + project).find("twice"), std::string::npos);
  // The server's sub-tables are left to the server.
  EXPECT_EQ(error_of("[platform]\nstore='x.db'" + project + "[platform.server]\nport=0\n"), "no error");
}

TEST(Platform, UnknownPathIs404AndStillLogged) {
  TempDir dir;
  EventLog events;
  Platform p(test_config(dir.path / "s.db"), events);
  HttpRequest r;
  r.method = "POST";
  r.target = "/nothing/here";
  EXPECT_EQ(p.handle(r).status, 404);
  ASSERT_EQ(events.of("platform.request").size(), 1u);
  EXPECT_EQ(p.store().requests().size(), 1u);
}

namespace {
// A third dialect, to show the seam: answers /ping with the number of stored records.
class PingDialect final : public Dialect {
 public:
  std::string_view name() const override { return "ping"; }
  bool serves(std::string_view path) const override { return path == "/ping"; }
  DialectReply handle(Exchange& ex) override {
    ex.method = "Ping";
    DialectReply r;
    r.message = "pong";
    r.http = json_response(200, Json{{"records", ex.store.stats()["attendance"]}});
    return r;
  }
};
}  // namespace

TEST(Platform, DialectsPlugIn) {
  TempDir dir;
  EventLog events;
  Platform p(test_config(dir.path / "s.db"), events);
  p.add_dialect(std::make_unique<PingDialect>());
  HttpRequest r;
  r.method = "GET";
  r.target = "/ping?x=1";
  EXPECT_EQ(Json::parse(p.handle(r).body)["records"], 0);
  EXPECT_EQ(events.of("platform.request").at(0).payload["dialect"], "ping");
}

TEST(Platform, RecordsAndEnrolmentsPersistAcrossRestartAndEventsComeInOrder) {
  TempDir dir;
  EventLog events;
  const auto config = test_config(dir.path / "s.db");
  NationalTerminal t{"app-a", kSecretA};
  const std::string id = synthetic_resident_id(77);
  const std::string date = now_civil("yyyy-MM-dd HH:mm:ss", -60);
  {
    Platform p(config, events);
    p.handle(t.request("ProjectWorker.Add",
                       Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
                            {"workerList", {{{"workerName", "Z"}, {"idCardType", "01"}, {"idCardNumber", t.encrypt(id)}}}}}));
    auto r = Json::parse(p.handle(t.request("WorkerAttendance.Add",
        Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
             {"dataList", {{{"idCardType", "01"}, {"idCardNumber", t.encrypt(id)}, {"date", date}, {"direction", "01"}}}}}))
                             .body);
    ASSERT_EQ(r["code"], 0) << r;
  }
  Platform p(config, events);
  ASSERT_EQ(p.store().attendance().size(), 1u);
  EXPECT_TRUE(p.store().worker(kProjectA, id));
  // A second upload of the same record after the restart is a duplicate.
  auto r = Json::parse(p.handle(t.request("WorkerAttendance.Add",
      Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
           {"dataList", {{{"idCardType", "01"}, {"idCardNumber", t.encrypt(id)}, {"date", date}, {"direction", "01"}}}}}))
                           .body);
  EXPECT_EQ(r["data"]["duplicateCount"], 1);
  EXPECT_EQ(p.store().attendance().size(), 1u);
  // A request's own events precede its platform.request event.
  auto all = events.all();
  std::vector<std::string> kinds;
  for (const auto& e : all) kinds.push_back(e.kind);
  const std::vector<std::string> expected{"platform.worker_enrolled", "platform.request",
                                          "platform.record_accepted", "platform.request",
                                          "platform.duplicate", "platform.request"};
  EXPECT_EQ(kinds, expected);
  EXPECT_EQ(all[1].at, all[1].payload["received_mono"].get<MonoNs>());
}
