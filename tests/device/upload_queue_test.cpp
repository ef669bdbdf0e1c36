// The offline queue against the fake platform: real-time upload, offline -> online backfill,
// lost acknowledgements, back-off, rejection, capacity, restart and kill -9, and the degraded
// knobs seen from the platform's side.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "device_test_support.hpp"
#include "simulator/device/upload_queue.hpp"

namespace gaterig::device {
namespace {

using namespace testing;
using std::chrono::milliseconds;

constexpr milliseconds kWait{20'000};

UploadQueueOptions queue_options(const std::filesystem::path& dir) {
  UploadQueueOptions o;
  o.data_dir = dir;
  o.batch_size = 10;
  o.backoff_base = milliseconds(5);
  o.backoff_cap = milliseconds(40);
  o.seed = 11;
  return o;
}

// Waits until the queue has nothing pending (checked on every event the queue publishes).
bool wait_settled(const Timeline& tl, UploadQueue& q, milliseconds timeout = kWait) {
  if (q.counts().pending == 0) return true;
  return tl.wait_for(0, [&](const Event&) { return q.counts().pending == 0; }, timeout).has_value();
}

bool wait_event(const Timeline& tl, const std::string& kind, milliseconds timeout = kWait) {
  return tl.wait_for(0, [&](const Event& e) { return e.kind == kind; }, timeout).has_value();
}

std::vector<Event> events_of(const Timeline& tl, const std::string& kind) {
  std::vector<Event> out;
  for (auto& e : tl.since(0))
    if (e.kind == kind) out.push_back(e);
  return out;
}

struct Terminal {
  explicit Terminal(std::uint16_t port, UploadQueueOptions o, NationalClientOptions co = {})
      : client(co.credentials.appid.empty() ? client_options(port) : co), uplink(client), queue(std::move(o), uplink, timeline) {}
  Timeline timeline;
  NationalClient client;
  NationalUplink uplink;
  UploadQueue queue;
};

TEST(UploadQueue, PassesAreUploadedInRealTimeWithTheirDates) {
  FakePlatform fake(kAppId, kSecret);
  ScratchDir dir;
  Terminal t(fake.port(), queue_options(dir.path()));
  t.queue.start();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(stored[static_cast<std::size_t>(i)].id, person(i));
    EXPECT_EQ(stored[static_cast<std::size_t>(i)].date, format_civil(pass_time(i), UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  }
  EXPECT_EQ(fake.duplicates(), 0u);
  EXPECT_EQ(t.queue.counts().uploaded, 3u);
  EXPECT_TRUE(events_of(t.timeline, "device.offline").empty());
  EXPECT_EQ(events_of(t.timeline, "device.queue_put").size(), 3u);
}

TEST(UploadQueue, OfflinePassesAreBackfilledInOrderWithOriginalTimestamps) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  Terminal t(fake.port(), queue_options(dir.path()));
  t.queue.start();
  std::vector<std::string> dates;
  for (int i = 0; i < 25; ++i) {
    const auto r = AttendanceRecord::at(person(i % 7), pass_time(i * 60), i % 2 ? Direction::out : Direction::in);
    dates.push_back(r.date);
    ASSERT_TRUE(t.queue.put(r).stored);
  }
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  EXPECT_FALSE(t.queue.online());
  EXPECT_EQ(fake.attendance().size(), 0u);

  fake.set_refusing(false);  // the link comes back: 补传
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  ASSERT_TRUE(wait_event(t.timeline, "device.online"));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 25u);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].date, dates[i]) << "record " << i << " out of order or re-timed";
    EXPECT_EQ(stored[i].id, person(static_cast<int>(i) % 7));
  }
  EXPECT_EQ(fake.duplicates(), 0u);
  for (const auto& req : fake.requests())
    if (req.method == "WorkerAttendance.Add") {
      EXPECT_LE(req.data["dataList"].size(), NationalClient::kMaxAttendanceBatch);
    }
  // The batch is marked uploaded (pending 0) and the queue goes online before its upload_ok event
  // is published: wait for the event rather than read the timeline at once.
  ASSERT_TRUE(wait_event(t.timeline, "device.upload_ok"));
  const auto ok = events_of(t.timeline, "device.upload_ok");
  ASSERT_FALSE(ok.empty());
  EXPECT_GT(ok.front().payload["backfill"].get<int>(), 0);
}

TEST(UploadQueue, ABackfillGoesInBatchesUpToTheDialectMaximumAndThePhotoBudget) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());  // batch_size 10: live passes
  o.backfill_batch_size = 100'000;     // more than the national dialect takes: capped at 500
  o.batch_image_bytes = 25'000;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(0), pass_time(0), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  std::vector<AttendanceRecord> passes;
  for (int i = 1; i < 1200; ++i) passes.push_back(AttendanceRecord::at(person(i % 7), pass_time(i), Direction::in));
  for (int i = 0; i < 5; ++i) {  // photos: 10,000 bytes each, 2 fit the budget
    AttendanceRecord r = AttendanceRecord::at(person(i), pass_time(2000 + i), Direction::out);
    r.image_jpeg = std::string(10'000, 'j');
    passes.push_back(r);
  }
  ASSERT_EQ(t.queue.put_many(passes).stored, passes.size());
  fake.set_refusing(false);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), passes.size() + 1);
  for (std::size_t i = 1; i < stored.size(); ++i)
    EXPECT_EQ(stored[i].date, passes[i - 1].date) << "record " << i << " out of order or re-timed";
  std::vector<std::size_t> sizes;
  for (const auto& req : fake.requests())
    if (req.method == "WorkerAttendance.Add" && req.data.contains("dataList")) sizes.push_back(req.data["dataList"].size());
  // The first pass (refused while live, so backfill too) and 499 more, 500, then 200 without
  // photos + 2 photos within the budget (20,000 bytes), then 2 photos and 1.
  EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 202, 2, 1}));
  EXPECT_EQ(fake.duplicates(), 0u);
  EXPECT_EQ(t.queue.counts().uploaded, passes.size() + 1);
}

TEST(UploadQueue, ALostAcknowledgementIsRetriedAsTheSameRecordAndStoredOnce) {
  FakePlatform fake(kAppId, kSecret);
  fake.drop_next_writes(2);  // the platform stores the batch, the terminal never hears back
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.batch_size = 5;
  Terminal t(fake.port(), o);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  t.queue.start();
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  EXPECT_EQ(fake.attendance().size(), 5u);
  EXPECT_EQ(fake.duplicates(), 10u) << "two resends of the whole batch, each de-duplicated";
  // Every copy the platform received is the same record: same person, date, direction.
  const auto received = fake.received();
  ASSERT_EQ(received.size(), 15u);
  for (std::size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].id, received[i % 5].id);
    EXPECT_EQ(received[i].date, received[i % 5].date);
    EXPECT_EQ(received[i].direction, received[i % 5].direction);
  }
  EXPECT_NE(received[0].nonce, received[5].nonce) << "a retry is a new request (new nonce)";
  const auto failed = events_of(t.timeline, "device.upload_failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].payload["verdict"], "offline");
  EXPECT_TRUE(failed[0].payload["may_have_arrived"].get<bool>());
  EXPECT_EQ(t.queue.counts().uploaded, 5u);
}

TEST(UploadQueue, ThrottlingBacksOffOnTheSeededSchedule) {
  FakePlatform fake(kAppId, kSecret);
  fake.reply_code_next(-5, 8);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.backoff_base = milliseconds(2);
  o.backoff_cap = milliseconds(50);
  o.seed = 99;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(1), pass_time(1), Direction::in)).stored);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto failed = events_of(t.timeline, "device.upload_failed");
  ASSERT_EQ(failed.size(), 8u);
  Backoff expected(o.backoff_base, o.backoff_cap, o.seed);
  for (std::size_t n = 0; n < failed.size(); ++n) {
    const auto& p = failed[n].payload;
    EXPECT_EQ(p["verdict"], "throttled");
    const long delay = p["retry_in_ms"].get<long>();
    const long ceiling = Backoff::ceiling(o.backoff_base, o.backoff_cap, static_cast<int>(n)).count();
    EXPECT_GE(delay, (ceiling + 1) / 2) << "attempt " << n;
    EXPECT_LE(delay, ceiling) << "attempt " << n;
    EXPECT_LE(delay, o.backoff_cap.count());
    EXPECT_EQ(delay, expected.next().count()) << "the schedule is not the seeded one";
  }
  EXPECT_EQ(fake.attendance().size(), 1u);
  EXPECT_EQ(events_of(t.timeline, "device.online").size(), 1u);
}

TEST(UploadQueue, ARejectedRecordIsIsolatedAndKeptWithItsReason) {
  FakePlatform fake(kAppId, kSecret);
  fake.reject_id(person(2));
  ScratchDir dir;
  Terminal t(fake.port(), queue_options(dir.path()));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(5), pass_time(5), Direction::in)).stored);
  t.queue.start();
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto c = t.queue.counts();
  EXPECT_EQ(c.uploaded, 5u);
  EXPECT_EQ(c.rejected, 1u);
  const auto rejected = t.queue.store().in_state(RecordState::rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].record.id_card_number, person(2));
  EXPECT_NE(t.queue.store().reason(rejected[0].seq).value_or("").find("worker not in project"), std::string::npos);
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_EQ(stored[0].id, person(0));
  EXPECT_EQ(stored[2].id, person(3));
  EXPECT_EQ(stored[4].id, person(5));
  EXPECT_EQ(events_of(t.timeline, "device.upload_rejected").size(), 1u);
  EXPECT_TRUE(events_of(t.timeline, "device.offline").empty()) << "a rejection is not a lost link";
}

TEST(UploadQueue, AFullQueueRefusesNewPassesLoudlyAndKeepsTheOldOnes) {
  FakePlatform fake(kAppId, kSecret);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.capacity = 5;
  Terminal t(fake.port(), o);
  int stored = 0;
  for (int i = 0; i < 7; ++i) {
    const PutResult r = t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in));
    stored += r.stored;
    if (!r.stored) {
      EXPECT_NE(r.error.find("full"), std::string::npos) << r.error;
    }
  }
  EXPECT_EQ(stored, 5);
  EXPECT_EQ(t.queue.counts().pending, 5u);
  EXPECT_EQ(events_of(t.timeline, "device.queue_full").size(), 2u);
  // Once uploaded, there is room again.
  t.queue.start();
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  EXPECT_TRUE(t.queue.put(AttendanceRecord::at(person(9), pass_time(9), Direction::in)).stored);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  EXPECT_EQ(fake.attendance().size(), 6u);
  EXPECT_EQ(fake.attendance().front().id, person(0));
}

TEST(UploadQueue, PendingRecordsAreSentAfterARestart) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  {
    Terminal t(fake.port(), queue_options(dir.path()));
    t.queue.start();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
    ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
    EXPECT_TRUE(t.queue.stop(milliseconds(5000)));
  }
  fake.set_refusing(false);
  Terminal t(fake.port(), queue_options(dir.path()));
  EXPECT_EQ(t.queue.counts().pending, 4u);
  t.queue.start();
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  EXPECT_EQ(fake.attendance().size(), 4u);
}

TEST(UploadQueue, StopsWithinItsDeadlineWhileThePlatformIsSlow) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_delay(milliseconds(1500));
  ScratchDir dir;
  auto co = client_options(fake.port());
  co.timeouts.read = milliseconds(30'000);
  Terminal t(fake.port(), queue_options(dir.path()), co);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(1), pass_time(1), Direction::in)).stored);
  ASSERT_TRUE(fake.wait_for_requests(1, kWait));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(t.queue.stop(milliseconds(1000)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(1000));
  EXPECT_EQ(t.queue.counts().pending, 1u) << "an unconfirmed record stays pending";
}

// Power cut: the terminal process is killed (SIGKILL) while passes are being queued and
// uploaded; on power-on the same storage is opened and nothing acknowledged by put() is lost.
TEST(UploadQueue, SurvivesKill9WithoutLosingOrDuplicatingPasses) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_delay(milliseconds(15));  // uploads lag behind the passes, so some are pending at the kill
  fake.drop_next_writes(2);
  ScratchDir dir;
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipefd[0]);
    try {
      Terminal t(fake.port(), queue_options(dir.path()));
      t.queue.start();
      for (int i = 0; i < 1000; ++i) {
        const PutResult r = t.queue.put(AttendanceRecord::at(person(i % 50), pass_time(i), Direction::in));
        if (!r.stored) ::_exit(3);
        const std::int32_t n = i;
        if (::write(pipefd[1], &n, sizeof n) != sizeof n) ::_exit(4);
      }
      ::pause();
    } catch (...) {
      ::_exit(5);
    }
    ::_exit(0);
  }
  ::close(pipefd[1]);
  // Kill after 60 acknowledged passes.
  std::int32_t last = -1;
  while (last < 59) {
    std::int32_t n;
    if (::read(pipefd[0], &n, sizeof n) != sizeof n) break;
    last = n;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(pipefd[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited by itself with " << WEXITSTATUS(status);
  ASSERT_EQ(last, 59);
  const std::size_t before_restart = fake.attendance().size();

  Terminal t(fake.port(), queue_options(dir.path()));
  const auto pending = t.queue.counts().pending;
  t.queue.start();
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_GE(stored.size(), 60u) << "a pass acknowledged by put() was lost";
  EXPECT_EQ(stored.size(), t.queue.counts().uploaded);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].date, format_civil(pass_time(static_cast<int>(i)), UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"))
        << "record " << i;
  }
  RecordProperty("pending_at_restart", static_cast<int>(pending));
  RecordProperty("stored_before_restart", static_cast<int>(before_restart));
}

TEST(UploadQueue, ManyPassesAtOnceFollowThePutRulesAndAreBackfilled) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.capacity = 30;
  o.batch_size = 50;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(0), pass_time(0), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  std::vector<AttendanceRecord> passes;
  for (int i = 1; i <= 40; ++i) passes.push_back(AttendanceRecord::at(person(i % 5), pass_time(i), Direction::in));
  const PutManyResult got = t.queue.put_many(passes);
  EXPECT_TRUE(got.offline);
  EXPECT_EQ(got.made, 40u);
  EXPECT_EQ(got.stored, 29u);  // one was pending already: the capacity counts it
  EXPECT_EQ(got.refused, 11u);
  EXPECT_EQ(got.lost, 0u);
  EXPECT_TRUE(wait_event(t.timeline, "device.queue_full"));
  fake.set_refusing(false);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 30u);
  for (std::size_t i = 1; i < stored.size(); ++i)
    EXPECT_EQ(stored[i].date, passes[i - 1].date) << "the first 29 passes, in order, with their own times";
}

// ---- degraded knobs, each visible from the platform's side ----

TEST(UploadQueueDegraded, LossyOfflineLosesASeededFractionThePlatformNeverSees) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.degraded.lossy_offline = 0.5;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(0), pass_time(0), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  for (int i = 1; i <= 40; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  fake.set_refusing(false);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto c = t.queue.counts();
  EXPECT_GT(c.lost, 5u);
  EXPECT_LT(c.lost, 36u);
  EXPECT_EQ(fake.attendance().size() + c.lost, 41u);
  EXPECT_EQ(events_of(t.timeline, "device.record_lost").size(), c.lost);
}

TEST(UploadQueueDegraded, LossyOfflineThatDroppedEverythingGoesOnlineWhenThePlatformReturns) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.degraded.lossy_offline = 1.0;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(0), pass_time(0), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  EXPECT_EQ(t.queue.counts().lost, 4u);
  ASSERT_TRUE(wait_event(t.timeline, "device.probe_failed"));  // nothing to send, yet it keeps asking

  fake.set_refusing(false);
  ASSERT_TRUE(wait_event(t.timeline, "device.online"));
  EXPECT_TRUE(t.queue.online());
  // Online again: the next pass is live, not lost as if still offline.
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(5), pass_time(5), Direction::in)).stored);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, person(5));
  EXPECT_EQ(t.queue.counts().lost, 4u);
}

TEST(UploadQueueDegraded, BackdatingRewritesBackfilledDatesToNow) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.degraded.backdating = Backdating::rewrite_to_now;
  o.clock = [] { return pass_time(1000); };
  Terminal t(fake.port(), o);
  t.queue.start();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(i), pass_time(i), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  fake.set_refusing(false);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 3u);
  for (const auto& a : stored) EXPECT_EQ(a.date, "2024-05-01 08:16:40");
  EXPECT_EQ(events_of(t.timeline, "device.record_backdated").size() >= 3, true);
}

TEST(UploadQueueDegraded, InventedRecordsReachThePlatform) {
  FakePlatform fake(kAppId, kSecret);
  fake.set_refusing(true);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.degraded.backdating = Backdating::invent;
  o.clock = [] { return pass_time(2000); };
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(1), pass_time(1), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.offline"));
  fake.set_refusing(false);
  ASSERT_TRUE(wait_settled(t.timeline, t.queue));
  const auto stored = fake.attendance();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].id, person(1));
  EXPECT_EQ(stored[1].direction, "02");
  EXPECT_EQ(stored[1].date, format_civil(pass_time(2000), UtcOffset::china(), "yyyy-MM-dd HH:mm:ss"));
  EXPECT_FALSE(events_of(t.timeline, "device.record_invented").empty());
}

TEST(UploadQueueDegraded, DuplicateUploadSendsTheSameBatchAgainWithANewNonce) {
  FakePlatform fake(kAppId, kSecret);
  ScratchDir dir;
  auto o = queue_options(dir.path());
  o.degraded.duplicate_upload = 1.0;
  Terminal t(fake.port(), o);
  t.queue.start();
  ASSERT_TRUE(t.queue.put(AttendanceRecord::at(person(1), pass_time(1), Direction::in)).stored);
  ASSERT_TRUE(wait_event(t.timeline, "device.upload_duplicated"));
  const auto received = fake.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].date, received[1].date);
  EXPECT_NE(received[0].nonce, received[1].nonce);
  EXPECT_EQ(fake.duplicates(), 1u);
}

}  // namespace
}  // namespace gaterig::device
