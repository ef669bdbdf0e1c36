// The national open.api dialect, driven as a terminal drives it.
#include <gtest/gtest.h>

#include "core/resident_id.hpp"
#include "protocol_test_terminal.hpp"
#include "simulator/platform/national_dialect.hpp"
#include "simulator/platform/platform.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::testing;

namespace {

class NationalDialectTest : public ::testing::Test {
 protected:
  TempDir dir;
  EventLog events;
  PlatformConfig config = test_config(dir.path / "store.db");
  std::unique_ptr<Platform> platform;
  NationalTerminal terminal{"app-a", kSecretA};
  HttpResponse last;

  void SetUp() override { platform = std::make_unique<Platform>(config, events); }

  Json send(const HttpRequest& r) {
    last = platform->handle(r);
    return Json::parse(last.body);
  }
  Json call(const std::string& method, const Json& data, NationalTerminal::Options o = {}) {
    return send(terminal.request(method, data, o));
  }
  Json worker(const std::string& id, const std::string& name = "Zhang San") {
    return Json{{"workerName", name}, {"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id)},
                {"headImage", crypto::base64_encode(tiny_jpeg())}, {"workType", "010"}, {"isTeamLeader", 0}};
  }
  Json enroll(const std::vector<std::string>& ids, const std::string& team = kTeamA) {
    Json list = Json::array();
    for (const auto& id : ids) list.push_back(worker(id));
    return call("ProjectWorker.Add", Json{{"projectCode", kProjectA}, {"teamSysNo", team},
                                          {"corpCode", "91360100MA0000000X"}, {"workerList", list}});
  }
  Json record(const std::string& id, const std::string& date, const std::string& direction = "01") {
    return Json{{"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id)}, {"date", date},
                {"direction", direction}, {"image", crypto::base64_encode(tiny_jpeg(2000))},
                {"channel", "gate-1"}, {"attendType", "001"}, {"lng", 115.89}, {"lat", 28.68}};
  }
  Json attend(const Json& records, const std::string& team = kTeamA) {
    return call("WorkerAttendance.Add", Json{{"projectCode", kProjectA}, {"teamSysNo", team}, {"dataList", records}});
  }
  // The one finding the last request raised (fails the test when there is not exactly one rule).
  std::string finding_rule() {
    auto f = events.of("platform.finding");
    if (f.empty()) return "<none>";
    return f.back().payload["rule"].get<std::string>();
  }
  std::string finding_field() {
    auto f = events.of("platform.finding");
    if (f.empty()) return "<none>";
    return f.back().payload["field"].get<std::string>();
  }
  const std::string id1 = synthetic_resident_id(1);
  const std::string id2 = synthetic_resident_id(2);
  const std::string earlier = now_civil("yyyy-MM-dd HH:mm:ss", -3600);
};

TEST_F(NationalDialectTest, SignAndAesMatchKnownAnswers) {
  // Known answers computed outside gaterig (Python hashlib and cryptography).
  EXPECT_EQ(NationalDialect::sign("app-a", "{\"pageIndex\":0}", "json", "Project.Query", "n1", "20240501120000",
                                  "1.0", kSecretA),
            "f5a5981d506ab62e176043e74805dd9a756fc7f53cc288b3af1ac027ef047427");
  EXPECT_EQ(terminal.encrypt("11010519491231002X"), "0whyJ0FnjXE8TQqC953G9I67RW3Um885mYa6LO5bMIo=");
}

TEST_F(NationalDialectTest, ProjectQueryListsOnlyTheCallersProject) {
  auto r = call("Project.Query", Json{{"pageIndex", 0}, {"pageSize", 10}});
  ASSERT_EQ(r["code"], 0) << r;
  ASSERT_EQ(r["data"]["rows"].size(), 1u);
  EXPECT_EQ(r["data"]["rows"][0]["projectCode"], kProjectA);
}

TEST_F(NationalDialectTest, TeamAddThenQueryThroughAsyncResult) {
  auto r = call("Team.Add", Json{{"projectCode", kProjectA}, {"teamName", "Rebar"}, {"corpCode", "X1"},
                                 {"corpName", "Corp"}, {"responsiblePersonName", "Li"},
                                 {"responsiblePersonIdNumber", terminal.encrypt(id1)}});
  ASSERT_EQ(r["code"], 0) << r;
  const std::string serial = r["data"]["requestSerialCode"];
  auto a = call("AsyncHandleResult.Query", Json{{"requestSerialCode", serial}});
  ASSERT_EQ(a["code"], 0) << a;
  EXPECT_EQ(a["data"]["status"], 20);
  const std::string sys_no = Json::parse(a["data"]["result"].get<std::string>())["teamSysNo"];
  auto q = call("Team.Query", Json{{"projectCode", kProjectA}, {"pageIndex", "0"}, {"pageSize", "10"}});
  ASSERT_EQ(q["code"], 0) << q;
  EXPECT_EQ(q["data"]["rowTotal"], 3);  // two from config, one added
  bool found = false;
  for (auto& row : q["data"]["rows"]) found = found || (row["teamSysNo"] == sys_no && row["teamName"] == "Rebar");
  EXPECT_TRUE(found) << q;
  // The same name again: accepted for processing, failed asynchronously.
  auto again = call("Team.Add", Json{{"projectCode", kProjectA}, {"teamName", "Rebar"}});
  auto a2 = call("AsyncHandleResult.Query", Json{{"requestSerialCode", again["data"]["requestSerialCode"]}});
  EXPECT_EQ(a2["data"]["status"], 10) << a2;
}

TEST_F(NationalDialectTest, EnrolledWorkersComeBackWithHeadImageAndPaging) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(synthetic_resident_id(100 + i));
  ASSERT_EQ(enroll(ids)["code"], 0) << last.body;
  auto p0 = call("ProjectWorker.Query", Json{{"projectCode", kProjectA}, {"pageIndex", 0}, {"pageSize", 5}});
  ASSERT_EQ(p0["code"], 0) << p0;
  EXPECT_EQ(p0["data"]["rowTotal"], 7);
  ASSERT_EQ(p0["data"]["rows"].size(), 5u);
  auto p1 = call("ProjectWorker.Query", Json{{"projectCode", kProjectA}, {"pageIndex", 1}, {"pageSize", 5}});
  ASSERT_EQ(p1["data"]["rows"].size(), 2u);
  const auto& w = p0["data"]["rows"][0];
  EXPECT_EQ(crypto::base64_decode(w["headImage"].get<std::string>()), tiny_jpeg());
  EXPECT_EQ(terminal.decrypt(w["idCardNumber"].get<std::string>()), ids[0]);
  EXPECT_EQ(w["teamSysNo"], kTeamA);
  // By ID number (encrypted).
  auto one = call("ProjectWorker.Query", Json{{"projectCode", kProjectA}, {"idCardType", "01"},
                                              {"idCardNumber", terminal.encrypt(ids[3])}});
  ASSERT_EQ(one["data"]["rows"].size(), 1u) << one;
  EXPECT_EQ(events.of("platform.worker_enrolled").size(), 7u);
}

TEST_F(NationalDialectTest, WorkerAddTwiceFailsAsynchronouslyAndUpdateChangesTheWorker) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  auto again = enroll({id1});
  ASSERT_EQ(again["code"], 0);
  auto a = call("AsyncHandleResult.Query", Json{{"requestSerialCode", again["data"]["requestSerialCode"]}});
  EXPECT_EQ(a["data"]["status"], 10);
  EXPECT_NE(a["data"]["result"].get<std::string>().find("already enrolled"), std::string::npos);
  EXPECT_EQ(a["data"]["result"].get<std::string>().find(id1), std::string::npos) << "ID must be masked";

  auto u = call("ProjectWorker.Update", Json{{"projectCode", kProjectA}, {"idCardType", "01"},
                                             {"idCardNumber", terminal.encrypt(id1)}, {"workerName", "Wang Wu"},
                                             {"teamSysNo", "1000000002"},
                                             {"headImage", crypto::base64_encode(tiny_png())}});
  ASSERT_EQ(u["code"], 0) << u;
  auto w = platform->store().worker(kProjectA, id1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->name, "Wang Wu");
  EXPECT_EQ(w->team_sys_no, "1000000002");
  EXPECT_EQ(w->head_image, tiny_png());

  auto unknown = call("ProjectWorker.Update", Json{{"projectCode", kProjectA}, {"idCardType", "01"},
                                                   {"idCardNumber", terminal.encrypt(id2)}});
  EXPECT_EQ(unknown["code"], -1);
  EXPECT_EQ(finding_rule(), "worker-not-enrolled");
}

TEST_F(NationalDialectTest, AttendanceIsStoredDurablyWithReceiveTimesAndEvents) {
  ASSERT_EQ(enroll({id1, id2})["code"], 0);
  auto req = terminal.request("WorkerAttendance.Add",
                              Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
                                   {"dataList", {record(id1, earlier, "01"), record(id2, earlier, "02")}}});
  req.received_mono = mono_now();
  req.received_wall = wall_now();
  auto r = send(req);
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["requestSerialCode"].get<std::string>().size(), 32u);
  EXPECT_EQ(r["data"]["duplicateCount"], 0);
  auto recs = platform->store().attendance(0, SIZE_MAX, true);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].id_number, id1);
  EXPECT_EQ(recs[0].date, earlier);
  EXPECT_EQ(recs[0].direction, "01");
  EXPECT_EQ(recs[1].direction, "02");
  EXPECT_EQ(recs[0].received_mono, req.received_mono);
  EXPECT_EQ(recs[0].received_wall, req.received_wall);
  EXPECT_EQ(recs[0].image, tiny_jpeg(2000));
  EXPECT_EQ(recs[0].channel, "gate-1");
  ASSERT_TRUE(recs[0].lng);
  EXPECT_DOUBLE_EQ(*recs[0].lng, 115.89);
  auto accepted = events.of("platform.record_accepted");
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].payload["id_masked"], mask_id(id1));
  EXPECT_EQ(accepted[0].payload["received_mono"], req.received_mono);
  for (const auto& e : events.all()) EXPECT_EQ(e.payload.dump().find(id1), std::string::npos) << e;
  auto a = call("AsyncHandleResult.Query", Json{{"requestSerialCode", r["data"]["requestSerialCode"]}});
  EXPECT_EQ(a["data"]["status"], 20);
  EXPECT_EQ(Json::parse(a["data"]["result"].get<std::string>())["successCount"], 2);
}

TEST_F(NationalDialectTest, DuplicateAttendanceIsCountedNotStoredTwice) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  ASSERT_EQ(attend(Json::array({record(id1, earlier)}))["code"], 0);
  auto r = attend({record(id1, earlier), record(id1, earlier, "02")});
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["duplicateCount"], 1);
  EXPECT_EQ(platform->store().attendance().size(), 2u);
  EXPECT_EQ(platform->store().duplicates().size(), 1u);
  EXPECT_EQ(events.of("platform.duplicate").size(), 1u);
  EXPECT_EQ(platform->store().stats()["duplicates"], 1);
}

TEST_F(NationalDialectTest, AttendanceQueryReturnsTheDaysRecords) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  ASSERT_EQ(attend(Json::array({record(id1, earlier)}))["code"], 0);
  auto q = call("WorkerAttendance.Query",
                Json{{"projectCode", kProjectA}, {"date", earlier.substr(0, 10)}, {"pageIndex", 0}, {"pageSize", 10}});
  ASSERT_EQ(q["code"], 0) << q;
  ASSERT_EQ(q["data"]["rows"].size(), 1u);
  EXPECT_EQ(terminal.decrypt(q["data"]["rows"][0]["idCardNumber"].get<std::string>()), id1);
  EXPECT_EQ(q["data"]["rows"][0]["date"], earlier);
  auto none = call("WorkerAttendance.Query", Json{{"projectCode", kProjectA}, {"date", "2001-01-01"}});
  EXPECT_EQ(none["data"]["rowTotal"], 0);
}

TEST_F(NationalDialectTest, EntryExitAddAndQuery) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  const std::string today = now_civil("yyyy-MM-dd");
  auto r = call("WorkerEntryExit.Add",
                Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA}, {"corpCode", "X"},
                     {"workerList", {{{"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id1)},
                                      {"date", today}, {"type", 1}}}}});
  ASSERT_EQ(r["code"], 0) << r;
  auto q = call("WorkerEntryExit.Query", Json{{"projectCode", kProjectA}});
  ASSERT_EQ(q["data"]["rows"].size(), 1u) << q;
  EXPECT_EQ(q["data"]["rows"][0]["type"], "1");
  auto future = call("WorkerEntryExit.Add",
                     Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
                          {"workerList", {{{"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id1)},
                                           {"date", now_civil("yyyy-MM-dd", 3 * 86400)}, {"type", "0"}}}}});
  EXPECT_EQ(future["code"], -1);
  EXPECT_EQ(finding_rule(), "date-in-future");
  auto bad_type = call("WorkerEntryExit.Add",
                       Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA},
                            {"workerList", {{{"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id1)},
                                             {"date", today}, {"type", "2"}}}}});
  EXPECT_EQ(bad_type["code"], -1);
  EXPECT_EQ(finding_rule(), "direction-code");
}

TEST_F(NationalDialectTest, AsyncResultStaysPendingUntilTheConfiguredDelay) {
  platform.reset();
  config.async_delay = std::chrono::hours(1);
  platform = std::make_unique<Platform>(config, events);
  auto r = call("Team.Add", Json{{"projectCode", kProjectA}, {"teamName", "Late"}});
  auto a = call("AsyncHandleResult.Query", Json{{"requestSerialCode", r["data"]["requestSerialCode"]}});
  EXPECT_EQ(a["data"]["status"], 0);
  auto unknown = call("AsyncHandleResult.Query", Json{{"requestSerialCode", "nope"}});
  EXPECT_EQ(unknown["code"], -1);
  EXPECT_EQ(finding_rule(), "serial-unknown");
}

// ---- rejection paths ----------------------------------------------------------------------------

TEST_F(NationalDialectTest, EveryBadAttendanceFieldIsAFindingAndRejectsTheBatch) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  struct Case {
    const char* rule;
    const char* field;
    std::function<void(Json&)> change;
  };
  const std::string future = now_civil("yyyy-MM-dd HH:mm:ss", 3600);
  std::string big = crypto::base64_encode(tiny_jpeg(60 * 1024));
  std::vector<Case> cases{
      {"date-format", "dataList[0].date", [](Json& r) { r["date"] = "2024/01/01 08:00:00"; }},
      {"date-format", "dataList[0].date", [](Json& r) { r["date"] = "2023-02-30 08:00:00"; }},
      {"date-in-future", "dataList[0].date", [&](Json& r) { r["date"] = future; }},
      {"field-missing", "dataList[0].date", [](Json& r) { r.erase("date"); }},
      {"direction-code", "dataList[0].direction", [](Json& r) { r["direction"] = "03"; }},
      {"direction-code", "dataList[0].direction", [](Json& r) { r["direction"] = "1"; }},
      {"id-card-type", "dataList[0].idCardType", [](Json& r) { r["idCardType"] = "00"; }},
      {"id-card-type", "dataList[0].idCardType", [](Json& r) { r["idCardType"] = "1"; }},
      {"id-invalid", "dataList[0].idCardNumber", [&](Json& r) {
         std::string bad = id1;
         bad[17] = bad[17] == '0' ? '1' : '0';
         r["idCardNumber"] = terminal.encrypt(bad);
       }},
      {"id-not-encrypted", "dataList[0].idCardNumber", [&](Json& r) { r["idCardNumber"] = id1; }},
      {"id-decrypt", "dataList[0].idCardNumber", [&](Json& r) {
         NationalTerminal other{"x", kSecretB};
         r["idCardNumber"] = other.encrypt(id1);
       }},
      {"id-decrypt", "dataList[0].idCardNumber", [](Json& r) { r["idCardNumber"] = "not base64!"; }},
      {"image-too-large", "dataList[0].image", [&](Json& r) { r["image"] = big; }},
      {"image-format", "dataList[0].image", [](Json& r) { r["image"] = crypto::base64_encode("GIF89a........"); }},
      {"image-base64", "dataList[0].image", [](Json& r) { r["image"] = "%%%%"; }},
      {"image-base64", "dataList[0].image", [](Json& r) {
         r["image"] = "data:image/jpeg;base64," + crypto::base64_encode(tiny_jpeg());
       }},
      {"lng-range", "dataList[0].lng", [](Json& r) { r["lng"] = 181.0; }},
      {"lat-range", "dataList[0].lat", [](Json& r) { r["lat"] = "north"; }},
      {"field-type", "dataList[0].image", [](Json& r) { r["image"] = 5; }},
      {"worker-not-enrolled", "dataList[0].idCardNumber", [&](Json& r) { r["idCardNumber"] = terminal.encrypt(id2); }},
  };
  for (const auto& c : cases) {
    Json rec = record(id1, earlier);
    c.change(rec);
    const auto before = events.of("platform.finding").size();
    auto r = attend({record(id1, now_civil("yyyy-MM-dd HH:mm:ss", -7200)), rec});
    EXPECT_EQ(r["code"], -1) << c.rule << ": " << r;
    auto f = events.of("platform.finding");
    ASSERT_EQ(f.size(), before + 1) << c.rule << ": " << r;
    EXPECT_EQ(f.back().payload["rule"], c.rule) << f.back();
    std::string field = c.field;
    field.replace(field.find("[0]"), 3, "[1]");
    EXPECT_EQ(f.back().payload["field"], field) << c.rule;
    EXPECT_EQ(f.back().payload["method"], "WorkerAttendance.Add");
    EXPECT_EQ(r["message"].get<std::string>().find(id1), std::string::npos) << "ID leaked: " << r;
  }
  EXPECT_TRUE(platform->store().attendance().empty()) << "a rejected batch stores nothing";
  // Every finding is in the store, queryable, with its request id.
  auto stored = platform->store().findings();
  EXPECT_EQ(stored.size(), cases.size());
  auto per_request = platform->store().findings_for(stored.front().request_id);
  EXPECT_EQ(per_request.size(), 1u);
}

TEST_F(NationalDialectTest, BadTeamProjectAndBatchAreRefused) {
  ASSERT_EQ(enroll({id1})["code"], 0);
  EXPECT_EQ(attend(Json::array({record(id1, earlier)}), "9999")["code"], -1);
  EXPECT_EQ(finding_rule(), "team-unknown");
  EXPECT_EQ(enroll({id2}, "9999")["code"], -1);
  EXPECT_EQ(finding_rule(), "team-unknown");
  auto other = call("WorkerAttendance.Add", Json{{"projectCode", kProjectB}, {"teamSysNo", kTeamA},
                                                 {"dataList", Json::array({record(id1, earlier)})}});
  EXPECT_EQ(other["code"], -3);
  EXPECT_EQ(finding_rule(), "project-not-permitted");
  auto unknown = call("Team.Query", Json{{"projectCode", "nope"}});
  EXPECT_EQ(unknown["code"], -1);
  EXPECT_EQ(finding_rule(), "project-unknown");
  // Found by the fuzzer: a batch without teamSysNo (once read an empty optional).
  EXPECT_EQ(call("WorkerAttendance.Add", Json{{"projectCode", kProjectA}, {"dataList", Json::array({record(id1, earlier)})}})["code"], -1);
  EXPECT_EQ(finding_rule(), "field-missing");
  EXPECT_EQ(call("WorkerEntryExit.Add", Json{{"projectCode", kProjectA},
      {"workerList", Json::array({Json{{"idCardType", "01"}, {"idCardNumber", terminal.encrypt(id1)},
                                       {"date", now_civil("yyyy-MM-dd")}, {"type", 1}}})}})["code"], -1);
  EXPECT_EQ(finding_rule(), "field-missing");
  EXPECT_EQ(attend(Json::array())["code"], -1);
  EXPECT_EQ(finding_rule(), "batch-size");
  auto paging = call("ProjectWorker.Query", Json{{"projectCode", kProjectA}, {"pageSize", 1000}});
  EXPECT_EQ(paging["code"], -1);
  EXPECT_EQ(finding_rule(), "page-range");
}

TEST_F(NationalDialectTest, EnvelopeRejections) {
  const Json data{{"pageIndex", 0}};
  // Bad sign.
  EXPECT_EQ(call("Project.Query", data, {.corrupt_sign = true})["code"], -2);
  EXPECT_EQ(finding_rule(), "sign-mismatch");
  EXPECT_EQ(call("Project.Query", data, {.secret_override = kSecretB})["code"], -2);
  // Unknown appid.
  NationalTerminal stranger{"app-x", kSecretA};
  EXPECT_EQ(send(stranger.request("Project.Query", data))["code"], -3);
  EXPECT_EQ(finding_rule(), "appid-unknown");
  // Missing field.
  auto req = terminal.request("Project.Query", data);
  req.body = req.body.substr(0, req.body.find("&sign="));
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(finding_rule(), "field-missing");
  EXPECT_EQ(finding_field(), "sign");
  // Unknown method (signed correctly).
  EXPECT_EQ(call("Payroll.Teleport", data)["code"], -1);
  EXPECT_EQ(finding_rule(), "method-unknown");
  // Bad form encoding, wrong content type, GET.
  req = terminal.request("Project.Query", data);
  req.body += "&x=%G1";
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(finding_rule(), "form-encoding");
  req = terminal.request("Project.Query", data);
  req.headers["content-type"] = "application/json";
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(finding_rule(), "content-type");
  req = terminal.request("Project.Query", data);
  req.method = "GET";
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(last.status, 405);
  // Version, duplicated field, data not JSON.
  req = terminal.request("Project.Query", data);
  req.body.replace(req.body.find("version=1.0"), 11, "version=2.0");
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(finding_rule(), "version-value");
  req = terminal.request("Project.Query", data);
  req.body += "&nonce=again";
  EXPECT_EQ(send(req)["code"], -1);
  EXPECT_EQ(finding_rule(), "field-duplicated");
}

TEST_F(NationalDialectTest, DataThatIsNotJsonIsRefusedAfterTheSignatureChecks) {
  // A terminal signing a non-JSON data string: sign is valid, data is not.
  auto req = terminal.request("Project.Query", Json::object());
  std::string ts = now_civil("yyyyMMddHHmmss");
  std::string s = "appid=app-a&data={broken&format=json&method=project.query&nonce=nj1&timestamp=" + ts +
                  "&version=1.0&appsecret=" + std::string(kSecretA);
  req.body = "appid=app-a&data=" + form_escape("{broken") + "&format=json&method=Project.Query&nonce=nj1&timestamp=" +
             ts + "&version=1.0&sign=" + crypto::sha256_hex(s);
  auto r = send(req);
  EXPECT_EQ(r["code"], -1) << r;
  EXPECT_EQ(finding_rule(), "json-syntax");
}

TEST_F(NationalDialectTest, ReplayedNonceAndStaleTimestampAreRefusedAndRecorded) {
  const Json data{{"pageIndex", 0}};
  auto req = terminal.request("Project.Query", data, {.nonce = "fixed-nonce-1"});
  EXPECT_EQ(send(req)["code"], 0);
  auto again = send(req);
  EXPECT_EQ(again["code"], -2) << again;
  EXPECT_EQ(finding_rule(), "nonce-reused");
  auto stale = call("Project.Query", data, {.timestamp = now_civil("yyyyMMddHHmmss", -3600)});
  EXPECT_EQ(stale["code"], -2);
  EXPECT_EQ(finding_rule(), "timestamp-window");
  auto ahead = call("Project.Query", data, {.timestamp = now_civil("yyyyMMddHHmmss", 3600)});
  EXPECT_EQ(ahead["code"], -2);
  auto malformed = call("Project.Query", data, {.timestamp = "2024-01-01 10:00"});
  EXPECT_EQ(malformed["code"], -1);
  EXPECT_EQ(finding_rule(), "timestamp-format");
  auto refused = events.of("platform.replay_refused");
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0].payload["reason"], "nonce-reused");
  EXPECT_EQ(refused[1].payload["reason"], "timestamp-window");
  // The same nonce from another appid is a different nonce.
  NationalTerminal b{"app-b", kSecretB};
  EXPECT_EQ(send(b.request("Project.Query", data, {.nonce = "fixed-nonce-1"}))["code"], 0);
  // The replay memory survives a restart.
  platform.reset();
  platform = std::make_unique<Platform>(config, events);
  EXPECT_EQ(send(req)["code"], -2);
  EXPECT_EQ(finding_rule(), "nonce-reused");
}

TEST_F(NationalDialectTest, QueriesAreAnsweredWithoutBlockingWritesAreNot) {
  EXPECT_FALSE(platform->may_block(terminal.request("Project.Query", Json::object())));
  EXPECT_FALSE(platform->may_block(terminal.request("WorkerAttendance.Query", Json::object())));
  EXPECT_TRUE(platform->may_block(terminal.request("WorkerAttendance.Add", Json::object())));
  EXPECT_TRUE(platform->may_block(terminal.request("Team.Add", Json::object())));
  auto no_method = terminal.request("Project.Query", Json::object());
  no_method.body = no_method.body.substr(0, no_method.body.find("method=")) + "x=1";
  EXPECT_TRUE(platform->may_block(no_method)) << "a request without a method is refused with a finding, committed";
  // A query with findings is still committed before its reply: its finding is readable at once.
  call("Project.Query", Json{{"pageIndex", -1}});
  EXPECT_EQ(platform->store().findings().size(), 1u);
}

TEST_F(NationalDialectTest, EveryRequestIsLoggedAndPublishedWithItsCode) {
  call("Project.Query", Json::object());
  call("Project.Query", Json::object(), {.corrupt_sign = true});
  auto reqs = platform->store().requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].code, 0);
  EXPECT_EQ(reqs[1].code, -2);
  EXPECT_EQ(reqs[1].method, "Project.Query");
  EXPECT_EQ(reqs[1].appid, "app-a");
  auto ev = events.of("platform.request");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].payload["code"], -2);
  EXPECT_EQ(ev[1].payload["dialect"], "national");
  EXPECT_GE(ev[1].payload["latency_us"].get<std::int64_t>(), 0);
  EXPECT_EQ(platform->store().stats()["requests_by_code"]["-2"], 1);
}

}  // namespace
