// The Jiangmen REST dialect: token + MD5 sign, DES-encrypted identity codes.
#include <gtest/gtest.h>

#include "core/resident_id.hpp"
#include "protocol_test_terminal.hpp"
#include "simulator/platform/jiangmen_dialect.hpp"
#include "simulator/platform/platform.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::testing;

namespace {

class JiangmenDialectTest : public ::testing::Test {
 protected:
  TempDir dir;
  EventLog events;
  PlatformConfig config = test_config(dir.path / "store.db");
  std::unique_ptr<Platform> platform;
  JiangmenTerminal terminal{"jm-a", "k8bytes1"};
  NationalTerminal national{"app-a", kSecretA};
  HttpResponse last;
  const std::string id1 = synthetic_resident_id(11);
  const std::string earlier = now_civil("yyyy-MM-dd HH:mm:ss", -600);

  void SetUp() override {
    platform = std::make_unique<Platform>(config, events);
    // Enrolment happens through the national dialect: both dialects share the store.
    Json w{{"workerName", "Chen"}, {"idCardType", "01"}, {"idCardNumber", national.encrypt(id1)},
           {"headImage", crypto::base64_encode(tiny_jpeg())}};
    auto r = Json::parse(platform->handle(national.request("ProjectWorker.Add",
        Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA}, {"workerList", {w}}})).body);
    ASSERT_EQ(r["code"], 0) << r;
  }
  Json send(const HttpRequest& r) {
    last = platform->handle(r);
    return Json::parse(last.body);
  }
  Json rec(const std::string& id, const std::string& date, int type = 1) {
    return Json{{"identityCode", terminal.encrypt(id)}, {"type", type}, {"checkDate", date},
                {"image", crypto::base64_encode(tiny_jpeg(1500))}, {"channel", "c1"}, {"lng", "113.08"},
                {"lat", "22.58"}};
  }
  std::string finding_rule() {
    auto f = events.of("platform.finding");
    return f.empty() ? "<none>" : f.back().payload["rule"].get<std::string>();
  }
};

TEST_F(JiangmenDialectTest, SignAndDesMatchKnownAnswers) {
  // Known answers computed outside gaterig (md5sum; Python cryptography, DES-CBC, IV = key).
  EXPECT_EQ(JiangmenDialect::sign("jm-a", "k8bytes1", "2024-01-02 03:04:05"), "2bf3484ad13c434a7430fd289b2d9131");
  EXPECT_EQ(terminal.encrypt("11010519491231002X"), "PqWb+6xeup2IV63SnLxH65SoePuBnzTN");
  EXPECT_EQ(terminal.decrypt("PqWb+6xeup2IV63SnLxH65SoePuBnzTN"), "11010519491231002X");
}

TEST_F(JiangmenDialectTest, AttendanceIsStoredWithDirectionDefaultAttendTypeAndTeam) {
  auto r = send(terminal.request("/api/WorkerAttendance/Add", Json{{"dataList", {rec(id1, earlier, 1), rec(id1, earlier, 0)}}}));
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["successCount"], 2);
  auto recs = platform->store().attendance();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].direction, "01");
  EXPECT_EQ(recs[1].direction, "02");
  EXPECT_EQ(recs[0].attend_type, "011");
  EXPECT_EQ(recs[0].team_sys_no, kTeamA);
  EXPECT_EQ(recs[0].dialect, "jiangmen");
  EXPECT_EQ(recs[0].id_number, id1);
  // The same record again is a duplicate (and a new body, so not a replay).
  auto d = send(terminal.request("/api/WorkerAttendance/Add", rec(id1, earlier, 1)));
  ASSERT_EQ(d["code"], 0) << d;
  EXPECT_EQ(d["data"]["duplicateCount"], 1);
  EXPECT_EQ(platform->store().attendance().size(), 2u);
}

TEST_F(JiangmenDialectTest, WorkerQueryReturnsDesEncryptedIdentityAndHeadImage) {
  auto r = send(terminal.request("/api/ProjectWorker/Query", Json{{"pageIndex", 0}, {"pageSize", 10}}));
  ASSERT_EQ(r["code"], 0) << r;
  ASSERT_EQ(r["data"]["rows"].size(), 1u);
  EXPECT_EQ(terminal.decrypt(r["data"]["rows"][0]["identityCode"].get<std::string>()), id1);
  EXPECT_EQ(crypto::base64_decode(r["data"]["rows"][0]["headImage"].get<std::string>()), tiny_jpeg());
}

TEST_F(JiangmenDialectTest, Rejections) {
  EXPECT_EQ(send(terminal.request("/api/ProjectWorker/Query", Json::object(), "", true))["code"], -2);
  EXPECT_EQ(finding_rule(), "sign-mismatch");
  JiangmenTerminal stranger{"jm-x", "k8bytes1"};
  EXPECT_EQ(send(stranger.request("/api/ProjectWorker/Query", Json::object()))["code"], -3);
  EXPECT_EQ(finding_rule(), "appid-unknown");
  EXPECT_EQ(send(terminal.request("/api/ProjectWorker/Query", Json::object(), now_civil("yyyy-MM-dd HH:mm:ss", -3600)))["code"], -2);
  EXPECT_EQ(finding_rule(), "timestamp-window");
  EXPECT_EQ(send(terminal.request("/api/Payroll/Add", Json::object()))["code"], -1);
  EXPECT_EQ(finding_rule(), "method-unknown");

  // checkDate later than the request's date.
  const std::string date = now_civil("yyyy-MM-dd HH:mm:ss", -120);
  auto later = send(terminal.request("/api/WorkerAttendance/Add", rec(id1, now_civil("yyyy-MM-dd HH:mm:ss", -60)), date));
  EXPECT_EQ(later["code"], -1) << later;
  EXPECT_EQ(finding_rule(), "date-in-future");
  Json clear = rec(id1, earlier);
  clear["identityCode"] = id1;
  EXPECT_EQ(send(terminal.request("/api/WorkerAttendance/Add", clear))["code"], -1);
  EXPECT_EQ(finding_rule(), "id-not-encrypted");
  Json bad_type = rec(id1, earlier);
  bad_type["type"] = 2;
  EXPECT_EQ(send(terminal.request("/api/WorkerAttendance/Add", bad_type))["code"], -1);
  EXPECT_EQ(finding_rule(), "direction-code");
  Json big = rec(id1, earlier);
  big["image"] = crypto::base64_encode(tiny_jpeg(51201));
  EXPECT_EQ(send(terminal.request("/api/WorkerAttendance/Add", big))["code"], -1);
  EXPECT_EQ(finding_rule(), "image-too-large");
  Json stranger_id = rec(synthetic_resident_id(12), earlier);
  EXPECT_EQ(send(terminal.request("/api/WorkerAttendance/Add", stranger_id))["code"], -1);
  EXPECT_EQ(finding_rule(), "worker-not-enrolled");
  // The identical body twice is a replay.
  auto req = terminal.request("/api/ProjectWorker/Query", Json{{"pageIndex", 0}});
  EXPECT_EQ(send(req)["code"], 0);
  EXPECT_EQ(send(req)["code"], -2);
  EXPECT_EQ(finding_rule(), "nonce-reused");
  EXPECT_TRUE(platform->store().attendance().empty());
}

TEST_F(JiangmenDialectTest, NotServedWhenTheConfigLeavesItOut) {
  platform.reset();
  config.dialects = {"national"};
  platform = std::make_unique<Platform>(config, events);
  send(terminal.request("/api/ProjectWorker/Query", Json::object()));
  EXPECT_EQ(last.status, 404);
}

}  // namespace
