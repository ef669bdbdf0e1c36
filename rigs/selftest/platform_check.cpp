// The platform endpoint and a terminal's upload path, reconciled: passes go up in real time,
// during an outage (refused connections) and through lost acknowledgements; afterwards every pass
// must be at the platform exactly once with its original time. This is the measurement JX-A.1
// rests on, so the rig proves it can make it before it makes it on a terminal.
#include <map>
#include <set>
#include <thread>

#include "core/resident_id.hpp"
#include "reports/statistics/latency.hpp"
#include "rigs/selftest/check.hpp"
#include "simulator/device/national_client.hpp"
#include "simulator/device/upload_queue.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;
namespace plat = gaterig::platform;
namespace dev = gaterig::device;

const std::string kProject = "360100202611210001";
const std::string kTeam = "1000000001";
const std::string kAppId = "gaterig-selftest";
const std::string kSecret = "SelfTest0123456789abcdefGHIJKLMN";  // 32 characters: the AES key

// Waits until `done()` or the deadline; true when done.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                const Timeline& tl) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint64_t seen = tl.last_seq();
  while (!done()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    // Any event (an upload, a record accepted) is a reason to look again; 50 ms bounds the poll.
    tl.wait_since(seen, std::min(left, 50ms), 1);
    seen = tl.last_seq();
  }
  return true;
}
}  // namespace

CheckResult check_platform(const SelftestOptions& o) {
  return run_check("platform.reconcile",
                   "passes uploaded live, through an outage and lost acks arrive once, on time",
                   [&](CheckResult& r) {
    auto say = [&](const std::string& s) { if (o.progress) o.progress("platform: " + s); };
    std::filesystem::create_directories(o.work_dir / "platform");
    std::filesystem::remove(o.work_dir / "platform" / "store.db");

    plat::PlatformConfig pc;
    pc.projects.push_back({kProject, "Self-test site", kAppId, kSecret, {{kTeam, "Self-test team"}}, "", ""});
    pc.store_path = o.work_dir / "platform" / "store.db";
    pc.validate();
    plat::ServerConfig sc;
    sc.platform.read_timeout = 5s;
    Timeline timeline;
    plat::PlatformService service(pc, sc, &timeline);
    service.start();
    say("listening on 127.0.0.1:" + std::to_string(service.port()));

    dev::NationalClientOptions co;
    co.endpoint = {"127.0.0.1", service.port()};
    co.timeouts = {500ms, 1000ms, 2000ms};
    co.credentials = {kAppId, kSecret};
    co.project_code = kProject;
    co.team_sys_no = kTeam;
    co.async_poll_interval = 5ms;
    dev::NationalClient client(co);

    // Enroll the people whose passes we will make, as an enrollment station would.
    const int people = 20;
    std::vector<std::string> ids;
    Json workers = Json::array();
    for (int i = 0; i < people; ++i) {
      ids.push_back(synthetic_resident_id(o.seed * 1000 + static_cast<std::uint64_t>(i)));
      workers.push_back({{"workerName", "Selftest " + std::to_string(i)}, {"idCardType", "01"},
                         {"idCardNumber", client.encrypt_id(ids.back())}, {"workType", "010"}});
    }
    const auto enrolled = client.call("ProjectWorker.Add",
                                      Json{{"projectCode", kProject}, {"teamSysNo", kTeam}, {"workerList", workers}});
    if (!enrolled.ok()) throw std::runtime_error("enrolling self-test workers failed");

    dev::NationalUplink uplink(client);
    dev::UploadQueueOptions qo;
    qo.data_dir = o.work_dir / "terminal";
    std::filesystem::remove_all(qo.data_dir);
    qo.backoff_base = 20ms;
    qo.backoff_cap = 200ms;
    qo.seed = o.seed;
    dev::UploadQueue queue(qo, uplink, timeline);
    queue.start();

    // Passes an hour ago, one second apart: distinct (person, time, direction), never "future".
    const WallNs base = wall_now() - 3600LL * 1'000'000'000;
    std::map<std::string, MonoNs> put_at;  // "id|date|dir" → when the terminal decided
    std::set<std::string> live;             // passes made while the platform was up
    int made = 0;
    bool online_phase = true;
    auto pass = [&](int i) {
      const auto rec = dev::AttendanceRecord::at(ids[static_cast<std::size_t>(i % people)],
                                                 base + static_cast<WallNs>(i) * 1'000'000'000,
                                                 i % 2 ? dev::Direction::out : dev::Direction::in);
      const std::string key = rec.id_card_number + "|" + rec.date + "|" + (i % 2 ? "02" : "01");
      put_at[key] = mono_now();
      if (online_phase) live.insert(key);
      if (!queue.put(rec).stored) throw std::runtime_error("the terminal's queue refused a pass");
      ++made;
    };
    auto all_uploaded = [&] { return queue.counts().uploaded == static_cast<std::size_t>(made); };

    const int third = std::max(1, o.records / 3);
    say("phase 1/3: " + std::to_string(third) + " passes uploaded live");
    for (int i = 0; i < third; ++i) pass(i);
    if (!wait_until(all_uploaded, 30s, timeline)) throw std::runtime_error("live uploads did not finish in 30 s");

    say("phase 2/3: platform refuses connections; " + std::to_string(third) + " passes queued offline");
    online_phase = false;
    service.set_fault(plat::FaultMode::refuse());
    for (int i = third; i < 2 * third; ++i) pass(i);
    const bool went_offline = wait_until([&] { return !queue.online(); }, 10s, timeline);
    const auto pending_offline = queue.counts().pending;
    service.set_fault(plat::FaultMode::up());
    if (!wait_until(all_uploaded, 60s, timeline)) throw std::runtime_error("backfill did not finish in 60 s");

    say("phase 3/3: half the acknowledgements lost; " + std::to_string(o.records - 2 * third) + " passes");
    service.set_fault(plat::FaultMode::ack_lost().with_probability(0.5, o.seed));
    for (int i = 2 * third; i < o.records; ++i) pass(i);
    if (!wait_until(all_uploaded, 60s, timeline)) throw std::runtime_error("uploads under lost acks did not finish in 60 s");
    service.set_fault(plat::FaultMode::up());
    queue.stop(5s);

    // Reconcile what the terminal decided against what the platform stored.
    std::map<std::string, int> stored;
    std::vector<std::int64_t> latency;
    int invented = 0;
    for (const auto& rec : service.platform().store().attendance()) {
      const std::string key = rec.id_number + "|" + rec.date + "|" + rec.direction;
      ++stored[key];
      auto it = put_at.find(key);
      if (it == put_at.end()) { ++invented; continue; }
      if (live.count(key) && rec.received_mono >= it->second) latency.push_back(rec.received_mono - it->second);
    }
    int lost = 0, twice = 0;
    for (const auto& [key, at] : put_at) {
      const int n = stored.count(key) ? stored[key] : 0;
      lost += n == 0;
      twice += n > 1;
    }
    const auto stats = service.platform().store().stats();
    const auto lat = statistics::summarize_latency(latency);
    service.stop();

    auto& m = r.measurements;
    m.push_back({"passes made", static_cast<double>(made), "records", o.records, o.records});
    m.push_back({"lost", static_cast<double>(lost), "records", 0, 0});
    m.push_back({"stored twice", static_cast<double>(twice), "records", 0, 0});
    m.push_back({"invented", static_cast<double>(invented), "records", 0, 0});
    m.push_back({"went offline during the outage", went_offline ? 1.0 : 0.0, "bool", 1, 1});
    m.push_back({"queued while offline", static_cast<double>(pending_offline), "records", 1, {}});
    m.push_back({"duplicates refused by the platform", stats.value("duplicates", 0.0), "records", {}, {}});
    m.push_back({"live put → platform receipt p50", static_cast<double>(lat.p50.value) / 1e6, "ms", {}, {}});
    m.push_back({"live put → platform receipt p99", static_cast<double>(lat.p99.value) / 1e6, "ms", {}, {}});
  });
}

}  // namespace gaterig::rig
