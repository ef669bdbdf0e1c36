// The sim rig end to end: the simulated bench, platform, display, wire and `gaterig devsim` as a
// child process, everything on one timeline. A small synthetic set keeps each test to seconds.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "core/resident_id.hpp"
#include "probes/wiegand/frame.hpp"
#include "rigs/rig/devsim_terminal.hpp"
#include "rigs/rig/rig.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kSource = GATERIG_SOURCE_DIR;

class SimRig : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    work_ = fs::temp_directory_path() / ("rig-test-" + std::to_string(::getpid())) / info->name();
    fs::remove_all(work_);
    description_ = RigDescription::load(kSource / "rigs/sim.toml");
    description_.fixtures.synth = SynthParams{2, 1, 2, 7, "wg26"};
    description_.fixtures.import.reset();  // sim.toml certifies on ORL; these tests need a tiny set
    description_.fixtures.variants.clear();
  }
  void TearDown() override {
    rig_.reset();
    fs::remove_all(work_);
  }

  Rig& start(bool enroll_first) {
    RigOptions o;
    o.work_dir = work_;
    o.seed = 3;
    o.cache_dir = fs::temp_directory_path() / "gaterig-rig-test-cache";  // the set is made once
    o.enroll_before_terminal = enroll_first;
    rig_ = std::make_unique<Rig>(description_, o);
    rig_->start();
    return *rig_;
  }

  // The first plain probe photo of a person.
  const fixtures::Presentation& probe_of(const fixtures::Person& p) {
    for (const auto& pr : rig_->fixture_set().presentations)
      if (pr.person == p.id && !pr.derived_from) return pr;
    throw std::runtime_error("no probe of " + p.id);
  }

  std::optional<Event> wait_kind(std::uint64_t after, const std::string& kind, std::chrono::milliseconds t,
                                 const std::function<bool(const Event&)>& also = {}) {
    return rig_->timeline().wait_for(after, [&](const Event& e) { return e.kind == kind && (!also || also(e)); }, t);
  }

  fs::path work_;
  RigDescription description_;
  std::unique_ptr<Rig> rig_;
};

TEST_F(SimRig, ShowsAnEnrolledFaceAndThePersonsCardLandsOnTheTimeline) {
  Rig& rig = start(true);
  const auto persons = rig.enrolled_persons();
  ASSERT_EQ(persons.size(), 2u);
  EXPECT_EQ(rig.terminal().status().value("enrolled", 0), 2);
  EXPECT_TRUE(wait_kind(0, "terminal.ready", 10s));
  EXPECT_TRUE(wait_kind(0, "rig.started", 0ms));

  const auto& person = persons.front();
  const std::uint64_t before = rig.timeline().last_seq();
  const auto shown = rig.display().show(rig.load_image(probe_of(person).frames.front()), person.id);
  const auto frame_event = wait_kind(before, std::string(wiegand::kFrameEventKind), 20s);
  ASSERT_TRUE(frame_event) << "no wiegand.frame within 20 s of showing " << person.id;
  const auto frame = wiegand::WiegandFrame::from_event(*frame_event);
  ASSERT_TRUE(frame.card && frame.facility);
  EXPECT_EQ(*frame.card, person.card.number);
  EXPECT_EQ(*frame.facility, person.card.facility);
  // Parity right; pulse widths are the sender's on a shared machine (the selftest judges them).
  EXPECT_TRUE(frame.parity_even_ok.value_or(false) && frame.parity_odd_ok.value_or(false)) << frame;
  EXPECT_GT(frame.first_edge, shown.photon);  // the answer comes after the photons
  EXPECT_TRUE(wait_kind(before, "display.shown", 0ms));
  // The attendance record reaches the rig's platform too.
  EXPECT_TRUE(wait_kind(before, "platform.record_accepted", 20s));

  // Every event is in the rig's event log too, in order, up to rig.stopped.
  rig.stop();
  const fs::path copy = work_ / "copy.jsonl";
  const std::size_t lines = rig.write_events(copy, false);
  EXPECT_EQ(lines, rig.timeline().last_seq());
  std::ifstream in(copy);
  std::uint64_t seq = 0;
  std::string kind;
  for (std::string line; std::getline(in, line);) {
    const auto j = Json::parse(line);
    EXPECT_EQ(j.at("seq").get<std::uint64_t>(), seq + 1);
    seq = j.at("seq").get<std::uint64_t>();
    kind = j.at("kind").get<std::string>();
  }
  EXPECT_EQ(kind, "rig.stopped");
}

TEST_F(SimRig, EnrollmentReachesTheTerminalAndTheSyncTimeIsMeasured) {
  Rig& rig = start(false);
  EXPECT_EQ(rig.terminal().status().value("enrolled", -1), 0);
  const auto persons = rig.enrolled_persons();
  const auto r = rig.enroll(persons);
  EXPECT_EQ(r.accepted, persons.size());
  EXPECT_EQ(r.refused, 0u) << r.to_json().dump();
  EXPECT_TRUE(wait_kind(0, "platform.worker_enrolled", 0ms));
  const auto sync = rig.wait_synced(persons.size(), 60s);
  ASSERT_TRUE(sync.synced) << sync.to_json().dump();
  EXPECT_EQ(sync.enrolled, persons.size()) << sync.to_json().dump();
  EXPECT_TRUE(sync.failures.empty()) << sync.to_json().dump();
  EXPECT_GT(sync.seconds, 0.0);
  EXPECT_TRUE(wait_kind(0, "rig.enrollment_synced", 0ms));
  // Enrolling the same persons again changes nothing.
  EXPECT_EQ(rig.enroll(persons).already, persons.size());
}

TEST_F(SimRig, SetLightChangesTheLuxReadBack) {
  Rig& rig = start(false);
  const double normal = rig.bench().set_light("normal");
  const double strong = rig.bench().set_light("strong");
  const double low = rig.bench().set_light("low");
  EXPECT_GT(strong, normal + 500) << normal << " lx normal, " << strong << " lx strong";
  EXPECT_LT(low, normal - 100) << normal << " lx normal, " << low << " lx low";
  const auto light = wait_kind(0, "bench.light", 0ms, [](const Event& e) { return e.payload["condition"] == "strong"; });
  ASSERT_TRUE(light);
  EXPECT_DOUBLE_EQ(light->payload["level_percent"]["front"].get<double>(), 100.0);
  EXPECT_TRUE(wait_kind(light->seq, "bench.lux", 0ms));
  EXPECT_THROW(rig.bench().set_light("disco"), std::invalid_argument);
}

TEST_F(SimRig, PowerCutThenPowerOnRestartsTheTerminalOnTheSameData) {
  Rig& rig = start(true);
  auto& devsim = dynamic_cast<DevsimTerminal&>(rig.terminal());
  const int pid = devsim.pid();
  const std::string data_dir = rig.terminal().status().value("data_dir", "");
  ASSERT_GT(pid, 0);

  const std::uint64_t before = rig.timeline().last_seq();
  rig.bench().power_cut();
  EXPECT_FALSE(rig.bench().power());
  EXPECT_NE(::kill(pid, 0), 0) << "the terminal still runs after the power cut";
  EXPECT_TRUE(wait_kind(before, "terminal.power", 0ms, [](const Event& e) { return e.payload["on"] == false; }));
  EXPECT_THROW(rig.terminal().status(), TerminalError);

  rig.bench().power_on();
  ASSERT_TRUE(rig.terminal().wait_ready(60s)) << log_tail(devsim.log_path(), 3000);
  EXPECT_NE(devsim.pid(), pid);
  const Json s = rig.terminal().status();
  EXPECT_EQ(s.value("data_dir", ""), data_dir);
  EXPECT_EQ(s.value("enrolled", 0), 2);  // the gallery survived on the data dir
  EXPECT_TRUE(wait_kind(before, "terminal.power", 0ms, [](const Event& e) { return e.payload["on"] == true; }));
  EXPECT_TRUE(rig.bench().power());
}

TEST_F(SimRig, AChildThatDiesIsAnEventAndStopLeavesNoChild) {
  Rig& rig = start(false);
  auto& devsim = dynamic_cast<DevsimTerminal&>(rig.terminal());
  const int pid = devsim.pid();
  ASSERT_GT(pid, 0);
  const Json check = rig.check();
  EXPECT_TRUE(check["ok"].get<bool>()) << check.dump(2);

  const std::uint64_t before = rig.timeline().last_seq();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto died = wait_kind(before, "terminal.power", 10s, [](const Event& e) { return e.payload["how"] == "died"; });
  ASSERT_TRUE(died);
  EXPECT_NE(died->payload["exit"].get<std::string>().find("signal 9"), std::string::npos);
  EXPECT_FALSE(rig.terminal().wait_ready(0ms));

  rig.terminal().power_on();  // the rig recovers from it like from a power cut
  ASSERT_TRUE(rig.terminal().wait_ready(60s)) << log_tail(devsim.log_path(), 3000);
  const int second = devsim.pid();
  rig.stop();
  EXPECT_NE(::kill(second, 0), 0) << "stop() left the simulated terminal running";
  EXPECT_TRUE(wait_kind(before, "rig.stopped", 0ms));
}

TEST_F(SimRig, ModeParamsAndRestartGoThroughTheAdminEndpoint) {
  Rig& rig = start(false);
  auto& t = rig.terminal();
  EXPECT_EQ(t.mode(), "test");
  EXPECT_FALSE(t.status()["params"].value("check_liveness", true));
  t.set_mode("liveness");
  EXPECT_EQ(t.mode(), "liveness");
  EXPECT_TRUE(t.status()["params"].value("check_liveness", false));
  EXPECT_THROW(t.set_mode("sleepy"), std::invalid_argument);
  const auto id = t.identity();
  EXPECT_FALSE(id.model.empty());
  EXPECT_EQ(id.firmware_hash.size(), 64u);

  auto& devsim = dynamic_cast<DevsimTerminal&>(t);
  const int pid = devsim.pid();
  const std::uint64_t before = rig.timeline().last_seq();
  t.restart(60s);
  EXPECT_EQ(devsim.pid(), pid);  // the devsim restarts in place, on the same data
  EXPECT_TRUE(t.status()["params"].value("check_liveness", false));  // kept across the restart
  EXPECT_TRUE(wait_kind(before, "terminal.ready", 0ms));
}

TEST_F(SimRig, WindowsSoakAndFirmwareNamePersonsByTheirSetIds) {
  Rig& rig = start(true);
  auto& t = rig.terminal();
  const auto persons = rig.enrolled_persons();
  ASSERT_FALSE(persons.empty());
  const auto& p = persons.front();

  // Windows: the set's id becomes the ID number the terminal knows; status shows it masked.
  Json params = t.set_access_windows({{p.id, "06:00", "20:30"}});
  ASSERT_EQ(params["windows"].size(), 1u);
  EXPECT_EQ(params["windows"][0].value("person", ""), mask_id(p.id_number));
  EXPECT_EQ(params["windows"][0].value("to", ""), "20:30");
  EXPECT_EQ(t.status().dump().find(p.id_number), std::string::npos);
  EXPECT_THROW(t.set_access_windows({{"nobody", "06:00", "07:00"}}), std::invalid_argument);
  EXPECT_THROW(AccessWindowRule::from_json(Json::parse(R"([{"person":"x","from":"6:00","to":"07:00"}])")),
               std::invalid_argument);
  EXPECT_THROW(t.set_params(Json{{"windows", Json::array({Json{{"person", p.id_number}, {"from", "25:00"}, {"to", "07:00"}}})}}),
               TerminalError);  // the terminal refuses a bad time itself (HTTP 400)
  EXPECT_TRUE(t.set_access_windows({})["windows"].empty());

  // A soak of one person, named by the set's id.
  const Json soak = t.soak(5, p.id, 60s);
  EXPECT_EQ(soak.value("stored", 0), 5);

  // A firmware image staged, installed by the restart.
  const fs::path image = work_ / "fw.bin";
  {
    std::ofstream(image, std::ios::binary) << "GATERIG-OTA-TEST image";
  }
  EXPECT_TRUE(t.update_firmware(image, "9.9.9-test").value("restart_required", false));
  t.restart(60s);
  EXPECT_EQ(t.firmware().value("firmware_version", ""), "9.9.9-test");
  EXPECT_THROW(t.update_firmware(work_ / "missing.bin", "1"), std::invalid_argument);
}

TEST_F(SimRig, CapacityWorkersFillTheGalleryBeyondTheSet) {
  Rig& rig = start(true);
  const std::size_t set = rig.enrolled_persons().size();
  ASSERT_TRUE(rig.wait_synced(set, 60s).synced);
  // Worker 3 alone first (JX-B.5's one-at-a-time samples), then the fill counts it as there.
  const auto one = rig.enroll_capacity(1, 2);
  EXPECT_EQ(one.requested, 1u);
  EXPECT_EQ(one.accepted, 1u) << one.to_json().dump();
  ASSERT_TRUE(rig.wait_synced(set + 1, 60s).synced);
  const auto report = rig.enroll_capacity(7);
  EXPECT_EQ(report.requested, 7u);
  EXPECT_EQ(report.accepted, 6u) << report.to_json().dump();
  EXPECT_EQ(report.already, 1u) << report.to_json().dump();
  const auto sync = rig.wait_synced(set + 7, 60s, true);
  EXPECT_TRUE(sync.synced) << sync.to_json().dump();
  EXPECT_EQ(sync.enrolled, set + 7);
  // Deterministic: the same workers again are already there.
  EXPECT_EQ(rig.enroll_capacity(7).already, 7u);
}

}  // namespace
}  // namespace gaterig::rig
