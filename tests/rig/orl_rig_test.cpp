// The sim rig on its certification set: ORL (beside the repo, never in it) imported with the
// cooperative rule, the compliant devsim at match threshold 0.45. An enrolled person's cooperative
// probe opens with that person's card; an impostor's is refused and puts nothing on the wire.
// Skipped when ../shared (ORL, YuNet) is absent.
#include <gtest/gtest.h>

#include <unistd.h>

#include "probes/wiegand/frame.hpp"
#include "rigs/rig/rig.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kSource = GATERIG_SOURCE_DIR;

// The terminal's decision on one shown frame, from its status (recent_decisions), with a deadline.
Json decision_on(Rig& rig, std::uint64_t frame_seq, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    for (const auto& d : rig.terminal().status().value("recent_decisions", Json::array()))
      if (d.value("frame", std::uint64_t{0}) == frame_seq) return d;
    rig.timeline().wait_for(rig.timeline().last_seq(), [](const Event&) { return false; }, 50ms);  // a bounded pause
  }
  return Json();
}

TEST(OrlRig, CooperativeProbeOfAnEnrolledPersonOpensWithTheirCardAndAnImpostorsDoesNot) {
  auto description = RigDescription::load(kSource / "rigs/sim.toml");
  ASSERT_TRUE(description.fixtures.import);
  if (!fs::is_directory(description.fixtures.import->folder) ||
      !fs::exists(fs::path(GATERIG_SHARED_DIR) / "models" / "yunet-static.onnx"))
    GTEST_SKIP() << "ORL or YuNet absent (" << description.fixtures.import->folder << ")";
  description.fixtures.variants.clear();  // this test shows plain photos only; the import alone is quick
  RigOptions o;
  o.work_dir = fs::temp_directory_path() / ("orl-rig-test-" + std::to_string(::getpid()));
  o.cache_dir = fs::temp_directory_path() / "gaterig-rig-test-cache";
  fs::remove_all(o.work_dir);
  Rig rig(description, o);
  rig.start();
  const auto& set = rig.fixture_set();
  EXPECT_NE(set.info.source.find("cooperative probes only"), std::string::npos) << set.info.source;
  EXPECT_DOUBLE_EQ(rig.terminal().status()["params"].value("match_threshold", 0.0), 0.45);
  const auto persons = rig.enrolled_persons();
  ASSERT_EQ(persons.size(), 20u);
  const auto enrolled = rig.enroll(persons);
  ASSERT_EQ(enrolled.accepted, 20u) << enrolled.to_json().dump();
  const auto sync = rig.wait_synced(persons.size(), 60s);
  ASSERT_TRUE(sync.synced) << sync.to_json().dump();
  ASSERT_EQ(sync.enrolled, 20u) << sync.to_json().dump();

  auto first_probe = [&](fixtures::Role role) -> const fixtures::Presentation& {
    for (const auto& pr : set.presentations) {
      const auto* p = set.find_person(pr.person);
      if (!pr.derived_from && p->role == role) return pr;
    }
    throw std::runtime_error("no probe");
  };

  // Genuine: the person's card on the wire.
  const auto& genuine = first_probe(fixtures::Role::enrolled);
  const auto* person = set.find_person(genuine.person);
  std::uint64_t before = rig.timeline().last_seq();
  rig.display().show(rig.load_image(genuine.frames.front()), genuine.id);
  const auto frame_event = rig.timeline().wait_for(
      before, [](const Event& e) { return e.kind == wiegand::kFrameEventKind; }, 20s);
  ASSERT_TRUE(frame_event) << "no wiegand.frame within 20 s of showing " << genuine.id;
  const auto frame = wiegand::WiegandFrame::from_event(*frame_event);
  ASSERT_TRUE(frame.card);
  EXPECT_EQ(*frame.card, person->card.number) << genuine.id;
  rig.display().neutral();

  // Impostor: refused (a decision on its very frame), nothing on the wire.
  const auto& impostor = first_probe(fixtures::Role::impostor);
  before = rig.timeline().last_seq();
  const auto shown = rig.display().show(rig.load_image(impostor.frames.front()), impostor.id);
  const Json d = decision_on(rig, shown.frame_seq, 20s);
  ASSERT_FALSE(d.is_null()) << "no decision on the impostor's frame " << shown.frame_seq;
  EXPECT_EQ(d.value("outcome", std::string()).rfind("deny:", 0), 0u) << d.dump();
  EXPECT_FALSE(rig.timeline().wait_for(before, [](const Event& e) { return e.kind == wiegand::kFrameEventKind; }, 0ms))
      << "the impostor " << impostor.id << " opened the gate";
  rig.stop();
  fs::remove_all(o.work_dir);
}

}  // namespace
}  // namespace gaterig::rig
