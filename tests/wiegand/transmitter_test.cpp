// The paced transmitter: real-time edges whose achieved timing decodes as the planned frame.
#include "probes/wiegand/transmitter.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "probes/wiegand/decoder.hpp"
#include "probes/wiegand/layout.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
class RecordingSink final : public EdgeSink {
 public:
  void write(const Edge& e) override { edges.push_back(e); }
  std::string describe() const override { return "recorder"; }
  std::vector<Edge> edges;
};
}  // namespace

TEST(WiegandTransmitter, SendsAFrameInRealTimeThatDecodesToTheCard) {
  RecordingSink sink;
  const MonoNs start = mono_now() + 1'000'000;
  const auto report = WiegandTransmitter(sink, {50us, 300us}).send(wg26_bits(42, 4242), start);
  ASSERT_EQ(sink.edges.size(), 52u);
  EXPECT_EQ(report.edges, 52u);
  EXPECT_EQ(report.widths.size(), 26u);
  EXPECT_GE(report.first_edge, start);  // never early
  EXPECT_EQ(report.first_edge, sink.edges.front().at);
  EXPECT_EQ(report.last_edge, sink.edges.back().at);
  for (std::size_t i = 1; i < sink.edges.size(); ++i) EXPECT_GE(sink.edges[i].at, sink.edges[i - 1].at);
  const auto f = decode_frame(sink.edges, {});
  // Preemption may delay edges (that is what the report is for) but never shortens a pulse or an
  // interval, so the content always survives.
  for (auto w : report.widths) EXPECT_GE(w, 50'000);
  EXPECT_GE(report.width_error_min, 0);
  EXPECT_FALSE(f.has(rule::pulse_too_short));
  EXPECT_FALSE(f.has(rule::interval_too_short));
  EXPECT_FALSE(f.has(rule::glitch));
  EXPECT_EQ(f.card, 4242u) << describe_long(f) << report;
  EXPECT_EQ(f.facility, 42u);
  std::ostringstream os;
  os << report;
  EXPECT_EQ(os.str().rfind("TransmitReport(52 edges, width error ", 0), 0u) << os.str();
}

TEST(WiegandTransmitter, WaitUntilNeverReturnsEarly) {
  for (MonoNs ahead : {MonoNs{0}, MonoNs{50'000}, MonoNs{2'000'000}}) {
    const MonoNs deadline = mono_now() + ahead;
    wait_until(deadline);
    EXPECT_GE(mono_now(), deadline);
  }
}

namespace {
// A sink like the virtual wire (edges carry their time) whose every write is slow, as when the
// door relay holds the simulated terminal's shared sink.
class SlowStampedSink final : public EdgeSink {
 public:
  void write(const Edge& e) override {
    edges.push_back(e);
    wait_until(mono_now() + 300'000);
  }
  std::string describe() const override { return "slow stamped"; }
  bool carries_time() const override { return true; }
  std::vector<Edge> edges;
};
}  // namespace

TEST(WiegandTransmitter, ASlowSinkThatCarriesTimeDoesNotStretchPulses) {
  SlowStampedSink sink;
  const auto report = WiegandTransmitter(sink, {50us, 2ms}).send(wg26_bits(7, 77), mono_now() + 1'000'000);
  ASSERT_EQ(sink.edges.size(), 52u);
  // Each write takes 300 us; written inside the pulse, every pulse would be >= 350 us.
  std::size_t long_pulses = 0;
  for (auto w : report.widths) long_pulses += w > 250'000;
  EXPECT_LT(long_pulses, 3u) << report;  // a preempted pulse or two on a loaded machine, never all
  const auto f = decode_frame(sink.edges, {});
  EXPECT_EQ(f.card, 77u) << describe_long(f) << report;
}

namespace {
// A sink that carries time and holds the sender up on every edge, far longer than a pulse.
class StallingStampedSink final : public EdgeSink {
 public:
  void write(const Edge& e) override {
    edges.push_back(e);
    arrived.push_back(mono_now());
    wait_until(mono_now() + 3'000'000);
  }
  std::string describe() const override { return "stalling stamped"; }
  bool carries_time() const override { return true; }
  std::vector<Edge> edges;
  std::vector<MonoNs> arrived;
};
}  // namespace

TEST(WiegandTransmitter, PlannedEdgeTimesKeepTheTimersPulsesWhateverTheThreadDoes) {
  StallingStampedSink sink;
  const MonoNs start = mono_now() + 1'000'000;
  const auto report = WiegandTransmitter(sink, {50us, 2ms}, EdgeTimes::planned).send(wg26_bits(7, 77), start);
  ASSERT_EQ(sink.edges.size(), 52u);
  for (auto w : report.widths) EXPECT_EQ(w, 50'000) << report;
  EXPECT_EQ(report.first_edge, start);
  const auto f = decode_frame(sink.edges, {});
  EXPECT_TRUE(f.ok()) << describe_long(f);
  EXPECT_EQ(f.card, 77u) << describe_long(f);
  // Written in real time: no edge reaches the wire before it is due.
  for (std::size_t i = 0; i < sink.edges.size(); ++i) EXPECT_GE(sink.arrived[i], sink.edges[i].at) << "edge " << i;
  // Two 3 ms writes per 2 ms bit: delivery falls behind, and the report says by how much.
  EXPECT_GT(report.lateness_max, 2'000'000) << report;
}

TEST(WiegandTransmitter, PlannedEdgeTimesOnASinkWithoutTimeAreTheAchievedOnes) {
  // GPIO lines take no timestamps: the wire's timing is what the thread does, so the report must
  // not claim the plan.
  class Untimed final : public EdgeSink {
   public:
    void write(const Edge& e) override {
      (void)e;
      ++n;
    }
    std::string describe() const override { return "untimed"; }
    int n = 0;
  } sink;
  const MonoNs start = mono_now() + 1'000'000;
  const auto report = WiegandTransmitter(sink, {50us, 500us}, EdgeTimes::planned).send(wg26_bits(1, 2), start);
  EXPECT_EQ(sink.n, 52);
  EXPECT_GE(report.first_edge, start);
  for (auto w : report.widths) EXPECT_GE(w, 50'000);
}
