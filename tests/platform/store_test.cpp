// The platform store: group commit, duplicates, damaged files, and kill -9 safety.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/resident_id.hpp"
#include "protocol_test_terminal.hpp"
#include "simulator/platform/platform.hpp"
#include "simulator/platform/store.hpp"

using namespace gaterig;
using namespace gaterig::platform;
using namespace gaterig::platform::testing;

namespace {

AttendanceRecord rec(int person, int minute, const std::string& dir = "01") {
  AttendanceRecord r;
  r.project_code = kProjectA;
  r.team_sys_no = kTeamA;
  r.id_card_type = "01";
  r.id_number = synthetic_resident_id(static_cast<std::uint64_t>(person));
  r.date_wall = 1'700'000'000'000'000'000 + std::int64_t{minute} * 60'000'000'000;
  r.date = format_civil(r.date_wall, UtcOffset::china(), "yyyy-MM-dd HH:mm:ss");
  r.direction = dir;
  r.image = tiny_jpeg(3000);
  r.image_bytes = 3000;
  r.dialect = "national";
  r.request_id = "t";
  r.received_mono = mono_now();
  r.received_wall = wall_now();
  return r;
}

std::filesystem::path filled_store(const std::filesystem::path& dir, int records) {
  const auto path = dir / "filled.db";
  Store s({path});
  s.write([&](WriteTxn& t) {
    for (int i = 0; i < records; ++i) t.add_attendance(rec(i, i));
  });
  return path;
}

void expect_error_naming(const std::filesystem::path& path, const std::string& what) {
  try {
    Store s({path});
    FAIL() << "opened a damaged store " << path;
  } catch (const StoreError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path.string()), std::string::npos) << m;
    EXPECT_NE(m.find(what), std::string::npos) << m;
  }
}

}  // namespace

TEST(Store, RecordsSurviveReopenAndDuplicatesAreStoredOnce) {
  TempDir dir;
  const auto path = dir.path / "s.db";
  {
    Store s({path});
    s.write([&](WriteTxn& t) {
      EXPECT_FALSE(t.add_attendance(rec(1, 1)).duplicate);
      EXPECT_FALSE(t.add_attendance(rec(1, 1, "02")).duplicate);
      EXPECT_FALSE(t.add_attendance(rec(2, 1)).duplicate);
    });
  }
  Store s({path});
  WriteTxn::Inserted again;
  s.write([&](WriteTxn& t) { again = t.add_attendance(rec(1, 1)); });
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.id, 1);
  auto all = s.attendance(0, SIZE_MAX, true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].image, tiny_jpeg(3000));
  EXPECT_EQ(all[0].id_number, synthetic_resident_id(1));
  EXPECT_EQ(s.attendance(2).size(), 1u);
  auto d = s.duplicates();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].original_id, 1);
  EXPECT_EQ(d[0].id_masked, mask_id(synthetic_resident_id(1)));
  EXPECT_EQ(s.stats()["attendance"], 3);
}

TEST(Store, ConcurrentWritersShareCommits) {
  TempDir dir;
  Store s({dir.path / "s.db"});
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) s.write([&](WriteTxn& txn) { txn.add_attendance(rec(t, i)); });
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(s.attendance().size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_LT(s.commits(), static_cast<std::uint64_t>(kThreads * kEach)) << "no write was batched with another";
}

TEST(Store, WriteLaterIsCommittedWithoutWaitingAndSeenAfterFlush) {
  TempDir dir;
  const auto path = dir.path / "s.db";
  {
    Store s({path});
    for (int i = 0; i < 50; ++i)
      s.write_later([i](WriteTxn& t) { t.add_nonce("app", "n" + std::to_string(i), 1, wall_now()); });
    // A failing queued write is rolled back alone and does not stop the ones after it.
    s.write_later([](WriteTxn& t) {
      t.add_nonce("app", "rolled-back", 1, wall_now());
      throw std::runtime_error("queued write went wrong");
    });
    s.write_later([](WriteTxn& t) { t.add_nonce("app", "after", 1, wall_now()); });
    s.flush();
    EXPECT_EQ(s.nonces_since(0).size(), 51u);
    s.write_later([](WriteTxn& t) { t.add_nonce("app", "at-close", 1, wall_now()); });
  }  // the destructor commits what is still queued
  Store reopened({path});
  const auto nonces = reopened.nonces_since(0);
  EXPECT_EQ(nonces.size(), 52u);
  for (const auto& n : nonces) EXPECT_NE(n.nonce, "rolled-back");
}

TEST(Store, AFailingWriteIsRolledBackAloneAndItsErrorReturned) {
  TempDir dir;
  Store s({dir.path / "s.db"});
  EXPECT_THROW(s.write([&](WriteTxn& t) {
    t.add_attendance(rec(1, 1));
    throw std::runtime_error("request went wrong");
  }),
               std::runtime_error);
  s.write([&](WriteTxn& t) { t.add_attendance(rec(2, 1)); });
  auto all = s.attendance();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id_number, synthetic_resident_id(2));
}

TEST(Store, GarbageFileIsAClearErrorNamingIt) {
  TempDir dir;
  const auto path = dir.path / "garbage.db";
  std::ofstream(path, std::ios::binary) << crypto::random_bytes(8192);
  expect_error_naming(path, "not an SQLite database");
}

TEST(Store, TruncatedFileIsAClearErrorNamingIt) {
  TempDir dir;
  const auto path = filled_store(dir.path, 300);
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 100'000u);
  std::filesystem::resize_file(path, size / 2);
  expect_error_naming(path, "truncated");
  std::filesystem::resize_file(path, size / 2 - 100);  // not even whole pages
  expect_error_naming(path, "truncated");
  std::filesystem::resize_file(path, 50);
  expect_error_naming(path, "truncated");
}

TEST(Store, DamagedPagesFailTheIntegrityCheck) {
  TempDir dir;
  const auto path = filled_store(dir.path, 300);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 2);  // page 3 onwards: b-tree pages of the attendance table
    const std::string junk(4096 * 4, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  expect_error_naming(path, "damaged");
}

TEST(Store, EmptyFileIsANewStore) {
  TempDir dir;
  const auto path = dir.path / "empty.db";
  std::ofstream(path).close();
  Store s({path});
  EXPECT_TRUE(s.attendance().empty());
}

// kill -9 in the middle of a burst of uploads: every record acknowledged to the terminal is in
// the store after a restart, exactly once.
TEST(Store, KillNineKeepsEveryAcknowledgedRecordExactlyOnce) {
  TempDir dir;
  const auto store_path = dir.path / "crash.db";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    // The child: a platform under load from 4 terminals, reporting each acknowledged record.
    struct NullSink final : EventSink {
      void publish(Event) override {}
    } sink;
    Platform platform(test_config(store_path), sink);
    NationalTerminal enroller{"app-a", kSecretA};
    Json workers = Json::array();
    for (int p = 0; p < 40; ++p)
      workers.push_back(Json{{"workerName", "W"}, {"idCardType", "01"},
                             {"idCardNumber", enroller.encrypt(synthetic_resident_id(1000 + p))}});
    auto r = platform.handle(enroller.request("ProjectWorker.Add",
        Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA}, {"workerList", workers}}));
    if (Json::parse(r.body)["code"] != 0) _exit(3);
    std::mutex pipe_mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        NationalTerminal term{"app-a", kSecretA};
        term.nonce_prefix = "t" + std::to_string(t) + "-";
        const std::string image = crypto::base64_encode(tiny_jpeg(20 * 1024));
        for (int round = 0;; ++round) {
          Json list = Json::array();
          std::vector<std::string> keys;
          for (int k = 0; k < 5; ++k) {
            const std::string id = synthetic_resident_id(1000 + (t * 10 + k));
            const std::string date = now_civil("yyyy-MM-dd HH:mm:ss", -100000 + round);
            list.push_back(Json{{"idCardType", "01"}, {"idCardNumber", term.encrypt(id)}, {"date", date},
                                {"direction", "01"}, {"image", image}});
            keys.push_back(id + "|" + date + "\n");
          }
          auto reply = platform.handle(term.request("WorkerAttendance.Add",
              Json{{"projectCode", kProjectA}, {"teamSysNo", kTeamA}, {"dataList", list}}));
          if (Json::parse(reply.body)["code"] != 0) continue;
          std::string lines;
          for (auto& k : keys) lines += k;
          std::lock_guard lock(pipe_mu);
          if (write(fds[1], lines.data(), lines.size()) < 0) _exit(4);
        }
      });
    for (auto& th : threads) th.join();
    _exit(0);
  }
  close(fds[1]);
  // Parent: wait for a few hundred acknowledgements, then pull the plug.
  std::string acked;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto lines = [&] { return std::count(acked.begin(), acked.end(), '\n'); };
  while (lines() < 400 && std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acked.append(buf, static_cast<std::size_t>(n));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  for (;;) {  // acknowledgements written before the kill
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acked.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended by itself, status " << status;
  ASSERT_GE(lines(), 400) << "too few acknowledgements before the deadline";

  EventLog events;
  Platform restarted(test_config(store_path), events);
  std::map<std::string, int> stored;
  for (const auto& r : restarted.store().attendance()) ++stored[r.id_number + "|" + r.date];
  std::istringstream in(acked);
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a partial last line (cannot happen: writes < PIPE_BUF are atomic)
    EXPECT_EQ(stored[line], 1) << "acknowledged record " << mask_ids_in(line);
    ++checked;
  }
  EXPECT_GE(checked, 400);
  for (const auto& [key, n] : stored) EXPECT_EQ(n, 1) << mask_ids_in(key);
}
