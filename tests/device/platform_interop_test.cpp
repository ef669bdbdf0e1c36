// The terminal's client against the real simulated platform (`gaterig platform`, run as its own
// process like in a rig): enrollment, real-time upload, an outage (refuse) and the backfill,
// lost acknowledgements, all checked on the platform's own records through its admin port.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "device_test_support.hpp"
#include "simulator/device/upload_queue.hpp"

namespace gaterig::device {
namespace {

using namespace testing;
using std::chrono::milliseconds;

const std::string kProject = "360100202401010001";
const std::string kTeam = "1000000001";
const std::string kPlatformSecret = "0123456789abcdef0123456789abcdef";

// `gaterig platform` on ephemeral ports, with its store in a scratch folder.
class RunningPlatform {
 public:
  explicit RunningPlatform(const std::filesystem::path& dir) {
    const auto config = dir / "platform.toml";
    std::ofstream(config) << "[platform]\nstore = \"store.db\"\ndialects = [\"national\"]\n\n"
                          << "[[platform.projects]]\ncode = \"" << kProject << "\"\nname = \"Interop site\"\n"
                          << "appid = \"" << kAppId << "\"\nappsecret = \"" << kPlatformSecret << "\"\n\n"
                          << "[[platform.projects.teams]]\nsys_no = \"" << kTeam << "\"\nname = \"Concrete team\"\n";
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      const std::string cfg = config.string(), store = (dir / "store.db").string();
      ::execl(GATERIG_BIN, GATERIG_BIN, "platform", "--config", cfg.c_str(), "--store", store.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
    ready_ = wait_ready(std::chrono::seconds(30));
  }
  ~RunningPlatform() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);  // it stops on SIGTERM (the platform's own tests check that)
    }
    if (out_ >= 0) ::close(out_);
  }
  const Json& ready() const { return ready_; }
  std::uint16_t port() const { return ready_.value("port", 0); }

  Json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpClient c({"127.0.0.1", ready_.value("admin_port", std::uint16_t{0})},
                 {milliseconds(2000), milliseconds(2000), milliseconds(20'000)});
    const HttpReply r = c.request(method, path, body.empty() ? "" : "application/json", body);
    if (!r.ok() || r.status != 200)
      throw std::runtime_error("admin " + method + " " + path + ": " + (r.ok() ? r.body : r.detail));
    return Json::parse(r.body);
  }
  void set_fault(const std::string& json) { admin("PUT", "/fault", json); }
  std::vector<Json> records() {
    std::vector<Json> all;
    const Json reply = admin("GET", "/records?after=0&limit=10000&with_id=1");
    for (const Json& r : reply.at("records")) all.push_back(r);
    return all;
  }

 private:
  Json wait_ready(std::chrono::seconds timeout) {
    std::string buf;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      std::size_t eol;
      while ((eol = buf.find('\n')) != std::string::npos) {
        const std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 1);
        try {
          Json j = Json::parse(line);
          if (j.is_object() && j.value("event", "") == "ready") return j;
        } catch (const Json::exception&) {
        }
      }
    }
    throw std::runtime_error("gaterig platform printed no ready line within the deadline");
  }

  pid_t pid_ = -1;
  int out_ = -1;
  Json ready_;
};

class PlatformInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(GATERIG_BIN, X_OK) != 0) GTEST_SKIP() << "gaterig binary not built at " << GATERIG_BIN;
    platform_ = std::make_unique<RunningPlatform>(dir_.path());
  }
  NationalClientOptions options() {
    auto o = client_options(platform_->port());
    o.credentials = {kAppId, kPlatformSecret};
    o.project_code = kProject;
    o.team_sys_no = kTeam;
    return o;
  }
  // Enrolls people 0..n-1 through ProjectWorker.Add, as an enrollment station would.
  void enroll(NationalClient& c, int n) {
    Json list = Json::array();
    for (int i = 0; i < n; ++i)
      list.push_back({{"workerName", "Worker " + std::to_string(i)},
                      {"idCardType", "01"},
                      {"idCardNumber", c.encrypt_id(person(i))},
                      {"workType", "010"}});
    const NationalReply r =
        c.call("ProjectWorker.Add", Json{{"projectCode", kProject}, {"teamSysNo", kTeam}, {"workerList", list}});
    ASSERT_TRUE(r.ok()) << r;
  }
  // An upload queue in `dir` that retries quickly (a test's outage lasts milliseconds).
  static UploadQueueOptions quick_retry_queue(const ScratchDir& dir) {
    UploadQueueOptions qo;
    qo.data_dir = dir.path();
    qo.backoff_base = milliseconds(20);
    qo.backoff_cap = milliseconds(200);
    return qo;
  }
  // A pass i seconds after ten minutes ago (the platform refuses dates in the future).
  static AttendanceRecord pass(int who, int i, WallNs base) {
    return AttendanceRecord::at(person(who), base + static_cast<WallNs>(i) * 1'000'000'000, i % 2 ? Direction::out : Direction::in);
  }

  ScratchDir dir_;
  std::unique_ptr<RunningPlatform> platform_;
};

TEST_F(PlatformInterop, EnrolledWorkersComeBackDecryptedAndAQueryIsSigned) {
  NationalClient c(options());
  enroll(c, 3);
  ASSERT_TRUE(c.query_project().ok());
  const auto workers = c.query_all_workers(2);
  ASSERT_EQ(workers.size(), 3u);
  std::set<std::string> ids;
  for (const auto& w : workers) ids.insert(w.id_card_number);
  EXPECT_EQ(ids, (std::set<std::string>{person(0), person(1), person(2)}));
}

TEST_F(PlatformInterop, OutageThenBackfillLandsEveryPassOnceWithItsOriginalTime) {
  NationalClient c(options());
  enroll(c, 5);
  ScratchDir qdir;
  auto qo = quick_retry_queue(qdir);
  // Backfill in live-sized batches: several requests while acknowledgements are being lost.
  qo.backfill_batch_size = qo.batch_size;
  Timeline tl;
  NationalUplink uplink(c);
  UploadQueue q(qo, uplink, tl);
  q.start();
  const WallNs base = wall_now() - 600'000'000'000LL;
  std::vector<AttendanceRecord> passes;
  for (int i = 0; i < 4; ++i) passes.push_back(pass(i % 5, i, base));
  for (const auto& p : passes) ASSERT_TRUE(q.put(p).stored);
  auto settled = [&] {
    return q.counts().pending == 0 ||
           tl.wait_for(0, [&](const Event&) { return q.counts().pending == 0; }, milliseconds(30'000)).has_value();
  };
  ASSERT_TRUE(settled());

  platform_->set_fault(R"({"mode":"refuse"})");
  for (int i = 4; i < 20; ++i) {
    passes.push_back(pass(i % 5, i, base));
    ASSERT_TRUE(q.put(passes.back()).stored);
  }
  ASSERT_TRUE(tl.wait_for(0, [](const Event& e) { return e.kind == "device.offline"; }, milliseconds(30'000)));
  platform_->set_fault(R"({"mode":"ack-lost","probability":0.3,"seed":5})");
  for (int i = 20; i < 30; ++i) {
    passes.push_back(pass(i % 5, i, base));
    ASSERT_TRUE(q.put(passes.back()).stored);
  }
  // Wait until some lost acknowledgement has happened, then let the platform answer again.
  ASSERT_TRUE(tl.wait_for(0, [](const Event& e) { return e.kind == "device.upload_failed" &&
                                                         e.payload.value("may_have_arrived", false); },
                          milliseconds(30'000)));
  platform_->set_fault(R"({"mode":"up"})");
  ASSERT_TRUE(settled());
  ASSERT_TRUE(q.stop(milliseconds(5000)));

  const auto rows = platform_->records();
  ASSERT_EQ(rows.size(), passes.size()) << "lost or duplicated records at the platform; stats: "
                                        << platform_->admin("GET", "/stats").dump();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["id_number"], passes[i].id_card_number) << "row " << i;
    EXPECT_EQ(rows[i]["date"], passes[i].date) << "row " << i << " re-timed or out of order";
    EXPECT_EQ(rows[i]["direction"], national_code(passes[i].direction)) << "row " << i;
  }
  EXPECT_EQ(q.counts().uploaded, passes.size());
}

// A backfill of more than one full batch (500 records per request, the dialect's maximum) with
// acknowledgements lost on the way: every pass lands once, in order, with its own time.
TEST_F(PlatformInterop, ALargeBackfillInFullBatchesSurvivesLostAcknowledgements) {
  NationalClient c(options());
  enroll(c, 5);
  ScratchDir qdir;
  auto qo = quick_retry_queue(qdir);
  Timeline tl;
  NationalUplink uplink(c);
  UploadQueue q(qo, uplink, tl);
  platform_->set_fault(R"({"mode":"refuse"})");
  q.start();
  const WallNs base = wall_now() - 3'600'000'000'000LL;
  std::vector<AttendanceRecord> passes;
  passes.push_back(pass(0, 0, base));
  ASSERT_TRUE(q.put(passes.back()).stored);
  ASSERT_TRUE(tl.wait_for(0, [](const Event& e) { return e.kind == "device.offline"; }, milliseconds(30'000)));
  std::vector<AttendanceRecord> more;
  for (int i = 1; i < 1300; ++i) more.push_back(pass(i % 5, i, base));
  ASSERT_EQ(q.put_many(more).stored, more.size());
  passes.insert(passes.end(), more.begin(), more.end());
  platform_->set_fault(R"({"mode":"ack-lost","probability":0.5,"seed":3})");
  ASSERT_TRUE(q.counts().pending == 0 ||
              tl.wait_for(0, [&](const Event&) { return q.counts().pending == 0; }, milliseconds(60'000)).has_value());
  ASSERT_TRUE(q.stop(milliseconds(5000)));

  const auto rows = platform_->records();
  ASSERT_EQ(rows.size(), passes.size()) << "lost or duplicated records at the platform; stats: "
                                        << platform_->admin("GET", "/stats").dump();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["id_number"], passes[i].id_card_number) << "row " << i;
    EXPECT_EQ(rows[i]["date"], passes[i].date) << "row " << i << " re-timed or out of order";
  }
  EXPECT_EQ(q.counts().uploaded, passes.size());
  std::size_t biggest = 0;
  for (const auto& e : tl.since(0))
    if (e.kind == "device.upload_ok") biggest = std::max<std::size_t>(biggest, e.payload["count"].get<std::size_t>());
  EXPECT_EQ(biggest, NationalClient::kMaxAttendanceBatch);
}
}  // namespace
}  // namespace gaterig::device
