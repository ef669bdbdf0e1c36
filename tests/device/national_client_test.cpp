#include <unistd.h>

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "device_test_support.hpp"

namespace gaterig::device {
namespace {

using namespace testing;
using std::chrono::milliseconds;

TEST(NationalClient, AQueryIsSignedSoThePlatformAcceptsIt) {
  FakePlatform fake(kAppId, kSecret);
  NationalClient c(client_options(fake.port()));
  const NationalReply r = c.query_project();
  EXPECT_TRUE(r.ok()) << r;
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_TRUE(fake.requests()[0].sign_ok);
  EXPECT_EQ(fake.requests()[0].method, "Project.Query");
}

TEST(NationalClient, TheRequestTimestampComesFromTheInjectedClockAtUtcPlus8) {
  FakePlatform fake(kAppId, kSecret);
  auto o = client_options(fake.port());
  o.clock = [] { return pass_time(0); };  // 2024-05-01 00:00:00 UTC
  NationalClient c(o);
  ASSERT_TRUE(c.query_project().ok());
  EXPECT_EQ(fake.requests()[0].timestamp, "20240501080000");
}

TEST(NationalClient, AttendanceIsAcceptedAfterTheAsyncResultSaysSucceeded) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_async_pending_polls(3);
  NationalClient c(client_options(fake.port()));
  auto r = AttendanceRecord::at(person(1), pass_time(5), Direction::in);
  r.image_jpeg = "\xFF\xD8\xFF\xE0 fake jpeg";
  r.lng = 115.89;
  r.lat = 28.68;
  const WriteOutcome o = c.add_attendance({r, AttendanceRecord::at(person(2), pass_time(6), Direction::out)});
  EXPECT_EQ(o.verdict, WriteVerdict::accepted) << o.reason;
  EXPECT_EQ(o.async_status, 20);
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].id, person(1));
  EXPECT_TRUE(stored[0].encrypted);
  EXPECT_EQ(stored[0].date, "2024-05-01 08:00:05");
  EXPECT_EQ(stored[0].direction, "01");
  EXPECT_TRUE(stored[0].has_image);
  EXPECT_EQ(stored[1].direction, "02");
  // 1 write + 4 polls (3 pending, then 20).
  EXPECT_EQ(fake.requests().size(), 5u);
  const Json item = fake.requests()[0].data["dataList"][0];
  EXPECT_EQ(item["idCardType"], "01");
  EXPECT_EQ(crypto::base64_decode(item["image"].get<std::string>()), r.image_jpeg);
  EXPECT_DOUBLE_EQ(item["lng"].get<double>(), 115.89);
}

TEST(NationalClient, AResentRecordIsADuplicateThatStillCountsAsAccepted) {
  FakePlatform fake(kAppId, kSecret);
  NationalClient c(client_options(fake.port()));
  const auto r = AttendanceRecord::at(person(1), pass_time(5), Direction::in);
  ASSERT_EQ(c.add_attendance({r}).verdict, WriteVerdict::accepted);
  const WriteOutcome again = c.add_attendance({r});
  EXPECT_EQ(again.verdict, WriteVerdict::accepted) << again.reason;
  EXPECT_EQ(again.duplicate_count, 1);
  EXPECT_EQ(fake.attendance().size(), 1u);
}

TEST(NationalClient, VerdictsFollowTheReplyCodes) {
  FakePlatform fake(kAppId, kSecret);
  NationalClient c(client_options(fake.port()));
  const auto r = AttendanceRecord::at(person(1), pass_time(5), Direction::in);
  fake.reply_code_next(-5, 1);
  EXPECT_EQ(c.add_attendance({r}).verdict, WriteVerdict::throttled);
  fake.reply_code_next(-4, 1);
  EXPECT_EQ(c.add_attendance({r}).verdict, WriteVerdict::refused);
  fake.reply_http_next(503, 1);
  EXPECT_EQ(c.add_attendance({r}).verdict, WriteVerdict::server_error);
  fake.reject_id(person(1));
  const WriteOutcome rej = c.add_attendance({r});
  EXPECT_EQ(rej.verdict, WriteVerdict::rejected);
  EXPECT_NE(rej.reason.find("worker not in project"), std::string::npos) << rej.reason;
  fake.set_refusing(true);
  EXPECT_EQ(c.add_attendance({r}).verdict, WriteVerdict::offline);
}

TEST(NationalClient, AnAsyncResultThatStaysPendingIsUnconfirmed) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_async_pending_polls(1'000'000);
  auto o = client_options(fake.port());
  o.async_deadline = milliseconds(100);
  NationalClient c(o);
  const WriteOutcome w = c.add_attendance({AttendanceRecord::at(person(1), pass_time(5), Direction::in)});
  EXPECT_EQ(w.verdict, WriteVerdict::unconfirmed) << w.reason;
  EXPECT_TRUE(retriable(w.verdict));
}

TEST(NationalClient, PlainIdKnobSendsTheIdUnencryptedAndThePlatformSeesIt) {
  FakePlatform fake(kAppId, kSecret);
  auto o = client_options(fake.port());
  o.plain_id = true;
  NationalClient c(o);
  const WriteOutcome w = c.add_attendance({AttendanceRecord::at(person(1), pass_time(5), Direction::in)});
  EXPECT_EQ(w.verdict, WriteVerdict::rejected);
  ASSERT_EQ(fake.received().size(), 1u);
  EXPECT_FALSE(fake.received()[0].encrypted);
  EXPECT_EQ(fake.received()[0].id, person(1));
}

TEST(NationalClient, BadSignKnobIsRefusedAsASignatureFailure) {
  FakePlatform fake(kAppId, kSecret);
  auto o = client_options(fake.port());
  o.bad_sign = true;
  NationalClient c(o);
  const NationalReply r = c.query_project();
  EXPECT_TRUE(r.parsed);
  EXPECT_EQ(r.code, -2);
  EXPECT_FALSE(fake.requests()[0].sign_ok);
  EXPECT_EQ(classify_reply(r), WriteVerdict::refused);
}

TEST(NationalClient, EnrollmentPagesThroughWorkersAndDecodesIdsAndFaces) {
  FakePlatform fake(kAppId, kSecret);
  Json rows = Json::array();
  for (int i = 0; i < 7; ++i)
    rows.push_back({{"workerName", "Worker " + std::to_string(i)},
                    {"idCardType", "01"},
                    {"idCardNumber", person(i)},
                    {"teamSysNo", "T-1"},
                    {"headImage", crypto::base64_encode("face-" + std::to_string(i))}});
  fake.set_workers(rows);
  NationalClient c(client_options(fake.port()));
  const auto workers = c.query_all_workers(3);
  ASSERT_EQ(workers.size(), 7u);
  EXPECT_EQ(workers[6].id_card_number, person(6));
  EXPECT_EQ(workers[6].head_image, "face-6");
  EXPECT_EQ(workers[0].worker_name, "Worker 0");
  EXPECT_EQ(fake.requests().size(), 3u);  // pages of 3, 3, 1
}

TEST(NationalClient, EntryExitIsSentWithEncryptedIds) {
  FakePlatform fake(kAppId, kSecret);
  NationalClient c(client_options(fake.port()));
  const WriteOutcome w = c.add_entry_exit({{person(3), "2024-05-01", true}});
  EXPECT_EQ(w.verdict, WriteVerdict::accepted) << w.reason;
  ASSERT_EQ(fake.attendance().size(), 1u);
  EXPECT_EQ(fake.attendance()[0].id, person(3));
  EXPECT_EQ(fake.attendance()[0].direction, "1");
}

}  // namespace
}  // namespace gaterig::device
