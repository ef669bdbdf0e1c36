// The runner end to end against a terminal in the test process (FakeTerminal): latency is the
// delay the terminal was told to answer with, to the nanosecond; classes come out right; a
// display fault is a rig error; a stop request ends the run with the journal intact and a second
// run resumes it.
#include <algorithm>
#include <atomic>
#include <set>

#include <gtest/gtest.h>

#include "rigs/trial/runner.hpp"
#include "fake_terminal.hpp"
#include "image_dir.hpp"

namespace gaterig::trial {
namespace {
using namespace test;
using std::chrono::milliseconds;

TrialTiming quick_timing() {
  TrialTiming t;
  t.gap = milliseconds(150);
  t.decision_window = milliseconds(300);
  t.refusal_window = milliseconds(250);
  t.settle = milliseconds(60);
  return t;
}

const TrialOutcome& by_presentation(const std::vector<TrialOutcome>& v, const std::string& id) {
  for (const auto& o : v)
    if (o.presentation == id) return o;
  throw std::runtime_error("no outcome for " + id);
}

class RunnerTest : public ::testing::Test {
 protected:
  TempDir dir;
  Timeline timeline;
  FakeTerminal terminal{timeline};
  Correlator correlator{small_book()};

  Presentation make(const std::string& id, const std::string& person, Role role, Expectation e,
                    const std::string& attack = "") {
    Presentation p = presentation(id, person, role, e, "normal", attack);
    p.images = {dir.image(id + ".png")};
    return p;
  }
};

TEST_F(RunnerTest, LatencyIsExactAndClassesComeOutRight) {
  std::vector<Presentation> ps{
      make("g1", "P1", Role::enrolled, Expectation::accept),
      make("g2", "P2", Role::enrolled, Expectation::accept),
      make("g3", "P3", Role::enrolled, Expectation::accept),
      make("i9", "P9", Role::impostor, Expectation::refuse),
      make("a1", "P1", Role::attack, Expectation::refuse, "print"),
      make("w3", "P3", Role::enrolled, Expectation::accept),
  };
  ps.back().images = {"no-such-face.png"};
  terminal.answer("g1", {123'456'789, 1, 101});       // own card after 123.456789 ms
  terminal.answer("g3", {320 * kMs, 1, 103});         // after the 300 ms window: a late true accept
  terminal.answer("i9", {150 * kMs, 1, 102});         // the impostor gets P2's card
  // g2 and a1: silence.
  auto plan = TrialPlan::make(ps, 1, 3, quick_timing());
  std::vector<Progress> seen;
  RunOptions o;
  o.group = "JX-A.2/genuine";
  o.clause = "JX-A.2";
  o.terminal_mode = "test";
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  TrialRunner runner(terminal, timeline, correlator, o);
  const RunResult r = runner.run(plan);

  ASSERT_EQ(r.outcomes.size(), 6u);
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.ran, 6u);
  const auto& g1 = by_presentation(r.outcomes, "g1");
  EXPECT_EQ(g1.outcome, OutcomeClass::true_accept) << g1;
  ASSERT_TRUE(g1.latency_ns);
  EXPECT_EQ(*g1.latency_ns, 123'456'789);
  EXPECT_EQ(g1.group, "JX-A.2/genuine");
  EXPECT_EQ(g1.terminal_mode, "test");
  EXPECT_EQ(g1.photon_method, "frame-publish");
  EXPECT_GT(g1.photon_wall, 0);
  EXPECT_EQ(by_presentation(r.outcomes, "g2").outcome, OutcomeClass::false_reject);
  const auto& g3 = by_presentation(r.outcomes, "g3");
  EXPECT_EQ(g3.outcome, OutcomeClass::true_accept) << g3;
  EXPECT_TRUE(g3.late);
  EXPECT_EQ(*g3.latency_ns, 320 * kMs);
  const auto& i9 = by_presentation(r.outcomes, "i9");
  EXPECT_EQ(i9.outcome, OutcomeClass::false_accept_unenrolled);
  EXPECT_EQ(*i9.latency_ns, 150 * kMs);
  EXPECT_EQ(i9.card_person, "P2");
  EXPECT_EQ(by_presentation(r.outcomes, "a1").outcome, OutcomeClass::attack_refused);
  const auto& w3 = by_presentation(r.outcomes, "w3");
  EXPECT_EQ(w3.outcome, OutcomeClass::error);
  EXPECT_NE(w3.error.find("no-such-face.png"), std::string::npos) << w3.error;

  // Outcomes in plan order; the missing image was never shown.
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) EXPECT_EQ(r.outcomes[i].trial, plan.trials()[i].id);
  const auto shows = terminal.shows();
  EXPECT_EQ(std::count(shows.begin(), shows.end(), "w3"), 0);
  // Progress: one call per trial, counting up to the total.
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen.back().done, 6u);
  EXPECT_EQ(seen.back().total, 6u);
  EXPECT_GT(seen.back().rate_per_s, 0.0);
  ASSERT_TRUE(seen.back().eta);
  EXPECT_EQ(seen.back().eta->count(), 0);
}

// A live capture announces a frame at its first edge and publishes it once its silence and the
// delivery slack have passed. The window closes on the announcement; the next trial may be shown
// before the frame is out, and the frame still lands on its own trial, whole.
TEST(RunnerFrameStart, TheWindowClosesAtTheFirstEdgeAndTheFrameStillLandsOnItsTrial) {
  TempDir dir;
  Timeline timeline;
  FakeTerminal terminal(timeline, 400 * kMs);  // far longer than settle + gap
  Correlator correlator{small_book()};
  std::vector<Presentation> ps;
  for (int i = 1; i <= 3; ++i) {
    Presentation p = presentation("g" + std::to_string(i), pid(i), Role::enrolled, Expectation::accept, "normal", "");
    p.images = {dir.image(p.id + ".png")};
    ps.push_back(p);
    terminal.answer(p.id, {(40 + i) * kMs, 1, static_cast<std::uint32_t>(100 + i), false, true, true});
  }
  TrialTiming t = quick_timing();
  t.decision_window = milliseconds(3000);
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  TrialRunner runner(terminal, timeline, correlator, o);
  const RunResult r = runner.run(TrialPlan::make(ps, 1, 3, t));
  ASSERT_EQ(r.outcomes.size(), 3u);
  for (const auto& out : r.outcomes) {
    EXPECT_EQ(out.outcome, OutcomeClass::true_accept) << out;
    ASSERT_TRUE(out.latency_ns) << out;
  }
  EXPECT_EQ(*by_presentation(r.outcomes, "g2").latency_ns, 42 * kMs);
  EXPECT_EQ(by_presentation(r.outcomes, "g3").card_person, "P3");
  // Each window closed at first edge + settle: the next photon came before the frame was
  // published (its first edge + 400 ms). Waiting for the frame would put it after.
  for (const char* next : {"g2", "g3"}) {
    const auto& before = by_presentation(r.outcomes, next[1] == '2' ? "g1" : "g2");
    const auto& after = by_presentation(r.outcomes, next);
    EXPECT_LT(after.photon, before.photon + *before.latency_ns + 400 * kMs) << "the window waited for the whole frame";
  }
}

TEST(RunnerFrameStart, AFrameThatStartsAndNeverCompletesIsARigError) {
  TempDir dir;
  Timeline timeline;
  FakeTerminal terminal(timeline);
  Correlator correlator{small_book()};
  Presentation p = presentation("g1", "P1", Role::enrolled, Expectation::accept, "normal", "");
  p.images = {dir.image("g1.png")};
  terminal.answer("g1", {30 * kMs, 1, 101, false, true, false});
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  TrialRunner runner(terminal, timeline, correlator, o);
  const RunResult r = runner.run(TrialPlan::make({p}, 1, 3, quick_timing()));
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0].outcome, OutcomeClass::error) << r.outcomes[0];
  EXPECT_NE(r.outcomes[0].error.find("never completed"), std::string::npos) << r.outcomes[0].error;
}

// A refusal that must upload a flagged record (no helmet) is decided when that person's record
// reaches the platform: the window closes then, not after the whole refusal window. Another
// person's record does not close it.
TEST_F(RunnerTest, ARefusalWithARecordClosesWhenThePersonsRecordArrives) {
  terminal.answer("h1", {40 * kMs, 0, 0, false, false, false, 1});
  terminal.answer("h2", {40 * kMs, 0, 0, false, false, false, 3});  // P3's record: not this trial's
  TrialTiming t = quick_timing();
  t.refusal_window = milliseconds(2000);
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  // One trial per run: how long the run takes is how long its window stayed open (2 s or 40 ms).
  auto window_of = [&](const std::string& id, const std::string& person) {
    TrialRunner runner(terminal, timeline, correlator, o);
    const MonoNs began = mono_now();
    const RunResult r = runner.run(TrialPlan::make({make(id, person, Role::enrolled, Expectation::refuse_with_record)}, 1, 3, t));
    EXPECT_EQ(r.outcomes.size(), 1u);
    return mono_now() - began;
  };
  EXPECT_LT(window_of("h1", "P1"), 1000 * kMs) << "the person's record did not close the window";
  EXPECT_GE(window_of("h2", "P2"), 2000 * kMs) << "another person's record closed the window";
}

TEST_F(RunnerTest, ADisplayFaultIsARigErrorNotADeviceOutcome) {
  std::vector<Presentation> ps{make("g1", "P1", Role::enrolled, Expectation::accept),
                               make("i9", "P9", Role::impostor, Expectation::refuse)};
  terminal.answer("g1", {100 * kMs, 1, 101});
  terminal.fail_on("i9");
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  const RunResult r = TrialRunner(terminal, timeline, correlator, o).run(TrialPlan::make(ps, 1, 1, quick_timing()));
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(by_presentation(r.outcomes, "g1").outcome, OutcomeClass::true_accept);
  const auto& i9 = by_presentation(r.outcomes, "i9");
  EXPECT_EQ(i9.outcome, OutcomeClass::error);
  EXPECT_NE(i9.error.find("flip timed out"), std::string::npos) << i9.error;
}

TEST_F(RunnerTest, ARigErrorOnTheTimelineEndsTheWindowAsAnError) {
  std::vector<Presentation> ps{make("g2", "P2", Role::enrolled, Expectation::accept)};
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  // The rig's Wiegand capture reports a fault just after the photon.
  struct Failing final : display::Display {
    Timeline& tl;
    explicit Failing(Timeline& t) : tl(t) {}
    display::Shown show(const cv::Mat&, std::string_view) override {
      const MonoNs now = mono_now();
      tl.publish(Event{now + 1, "wiegand", "rig.error", Json{{"what", "wiegand capture stopped"}}});
      return {now, 1, "frame-publish"};
    }
    display::Shown neutral() override { return {mono_now(), 2, "frame-publish"}; }
    std::string describe() const override { return "failing"; }
  } failing(timeline);
  const RunResult r = TrialRunner(failing, timeline, correlator, o).run(TrialPlan::make(ps, 1, 1, quick_timing()));
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0].outcome, OutcomeClass::error);
  EXPECT_NE(r.outcomes[0].error.find("wiegand capture stopped"), std::string::npos);
  EXPECT_LT(r.outcomes[0].closed - r.outcomes[0].photon, 250 * kMs) << "the window did not end at the rig error";
}

TEST_F(RunnerTest, AStopEndsTheRunWithTheJournalIntactAndASecondRunResumes) {
  std::vector<Presentation> ps;
  for (int i = 1; i <= 3; ++i) {
    ps.push_back(make(pid(i, "g"), pid(i), Role::enrolled, Expectation::accept));
    terminal.answer(pid(i, "g"), {(40 + 10 * i) * kMs, 1, static_cast<std::uint32_t>(100 + i)});
  }
  ps.push_back(make("i9", "P9", Role::impostor, Expectation::refuse));
  TrialTiming t = quick_timing();
  t.gap = milliseconds(40);
  t.refusal_window = milliseconds(120);
  const auto plan = TrialPlan::make(ps, 3, 11, t);  // 12 trials
  const auto journal_path = dir.path() / "report" / "trials.jsonl";

  std::atomic<bool> stop{false};
  RunResult first;
  {
    TrialJournal journal(journal_path, plan);
    RunOptions o;
    o.image_root = dir.path();
    o.journal = &journal;
    o.stop_requested = [&] { return stop.load(); };
    o.progress = [&](const Progress& p) {
      if (p.done == 4) stop = true;  // as if SIGINT came while trial 5 was on screen
    };
    first = TrialRunner(terminal, timeline, correlator, o).run(plan);
  }
  EXPECT_TRUE(first.stopped);
  EXPECT_GE(first.ran, 4u);
  EXPECT_LT(first.ran, 12u);
  const JournalContents kept = TrialJournal::load(journal_path);
  EXPECT_EQ(kept.plan_sha256, plan.sha256());
  EXPECT_TRUE(kept.warnings.empty());
  ASSERT_EQ(kept.outcomes.size(), first.ran);
  for (std::size_t i = 0; i < kept.outcomes.size(); ++i) EXPECT_EQ(kept.outcomes[i], first.outcomes[i]);

  // The second run skips what the journal holds and finishes the plan.
  TrialJournal journal(journal_path, plan);
  RunOptions o;
  o.image_root = dir.path();
  o.journal = &journal;
  o.stop_requested = [] { return false; };
  const RunResult second = TrialRunner(terminal, timeline, correlator, o).run(plan);
  EXPECT_FALSE(second.stopped);
  EXPECT_EQ(second.resumed, first.ran);
  EXPECT_EQ(second.resumed + second.ran, 12u);
  ASSERT_EQ(second.outcomes.size(), 12u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(second.outcomes[i].trial, plan.trials()[i].id);
    ids.insert(second.outcomes[i].trial);
    const bool impostor = second.outcomes[i].presentation == "i9";
    EXPECT_EQ(second.outcomes[i].outcome, impostor ? OutcomeClass::correct_refusal : OutcomeClass::true_accept)
        << second.outcomes[i];
  }
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(TrialJournal::load(journal_path).outcomes.size(), 12u);
}

TEST_F(RunnerTest, TheRepeatWindowKeepsAPersonOffScreen) {
  std::vector<Presentation> ps{make("g1", "P1", Role::enrolled, Expectation::accept)};
  terminal.answer("g1", {30 * kMs, 1, 101});
  TrialTiming t = quick_timing();
  t.gap = milliseconds(10);
  t.repeat_window = milliseconds(600);
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  const RunResult r = TrialRunner(terminal, timeline, correlator, o).run(TrialPlan::make(ps, 2, 1, t));
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_GE(r.outcomes[1].photon - r.outcomes[0].photon, 600 * kMs);
  EXPECT_EQ(r.outcomes[1].outcome, OutcomeClass::true_accept);
}

TEST_F(RunnerTest, AVideoPresentationCyclesItsFramesFromTheFirstPhoton) {
  Presentation v = make("v1", "P1", Role::attack, Expectation::refuse, "video");
  v.images = {dir.image("v1-a.png", 60), dir.image("v1-b.png", 120), dir.image("v1-c.png", 180)};
  terminal.answer("v1", {200 * kMs, 1, 101});  // answers to each frame: the first answer counts
  TrialTiming t = quick_timing();
  t.frame_interval = std::chrono::milliseconds(30);
  RunOptions o;
  o.image_root = dir.path();
  o.stop_requested = [] { return false; };
  const RunResult r = TrialRunner(terminal, timeline, correlator, o).run(TrialPlan::make({v}, 1, 1, t));
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0].outcome, OutcomeClass::attack_accepted);
  EXPECT_EQ(*r.outcomes[0].latency_ns, 200 * kMs);
  const auto shows = terminal.shows();
  EXPECT_GE(std::count(shows.begin(), shows.end(), "v1"), 3) << "the video's frames were not shown in turn";
}

}  // namespace
}  // namespace gaterig::trial
