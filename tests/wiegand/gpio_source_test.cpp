// The GPIO reader against a fake chip: the kernel's 16-event buffers, merging lines by timestamp,
// overflow, reader failure, and the real libgpiod backend's error on a missing chip.
#include "probes/wiegand/gpio_source.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>

#include "probes/wiegand/decoder.hpp"
#include "probes/wiegand/encoder.hpp"
#include "probes/wiegand/layout.hpp"
#ifdef GATERIG_HAVE_GPIOD
#include "probes/wiegand/gpiod_lines.hpp"
#endif

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
// A chip in memory that behaves like GPIO uAPI v1: 16 events per line, newest dropped when full.
class FakeChip {
 public:
  explicit FakeChip(std::size_t lines) : pending_(lines) {}

  void push(std::size_t line, LineEvent ev) {
    {
      std::lock_guard lock(mu_);
      if (pending_[line].size() >= kKernelEventsPerLine) {
        ++dropped_;
      } else {
        pending_[line].push_back(ev);
      }
    }
    cv_.notify_all();
  }
  // Blocks until the reader has taken every pending event.
  bool wait_drained(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& q : pending_)
        if (!q.empty()) return false;
      return true;
    });
  }
  void fail_reads() {
    std::lock_guard lock(mu_);
    fail_ = true;
  }
  std::size_t dropped() {
    std::lock_guard lock(mu_);
    return dropped_;
  }

  class Lines final : public GpioInputLines {
   public:
    explicit Lines(FakeChip& chip) : chip_(chip) {}
    std::size_t count() const override { return chip_.pending_.size(); }
    std::vector<std::size_t> wait(std::chrono::nanoseconds timeout) override {
      std::unique_lock lock(chip_.mu_);
      std::vector<std::size_t> ready;
      chip_.cv_.wait_for(lock, timeout, [&] {
        ready.clear();
        for (std::size_t i = 0; i < chip_.pending_.size(); ++i)
          if (!chip_.pending_[i].empty()) ready.push_back(i);
        return !ready.empty() || chip_.fail_;
      });
      if (chip_.fail_) ready = {0};
      return ready;
    }
    std::vector<LineEvent> read_events(std::size_t index) override {
      std::vector<LineEvent> out;
      {
        std::lock_guard lock(chip_.mu_);
        if (chip_.fail_) throw std::runtime_error("fake chip: read failed");
        auto& q = chip_.pending_.at(index);
        while (!q.empty() && out.size() < kKernelEventsPerLine) {
          out.push_back(q.front());
          q.pop_front();
        }
      }
      chip_.cv_.notify_all();
      return out;
    }
    std::string describe() const override { return "fakechip"; }

   private:
    FakeChip& chip_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::deque<LineEvent>> pending_;
  std::size_t dropped_ = 0;
  bool fail_ = false;
};

std::vector<Edge> drain(GpioEdgeSource& source, std::size_t n) {
  std::vector<Edge> out;
  while (out.size() < n) {
    auto e = source.next(mono_now() + 5'000'000'000);
    if (!e) break;
    out.push_back(*e);
  }
  return out;
}

const std::vector<Line> kRoles = {Line::d0, Line::d1, Line::photodiode};
}  // namespace

TEST(GpioEdgeSource, DeliversAFrameEdgeByEdgeAsTheKernelWould) {
  FakeChip chip(3);
  GpioEdgeSource source(std::make_unique<FakeChip::Lines>(chip), kRoles);
  const auto edges = WiegandEncoder({50us, 200us}).edges(wg26_bits(200, 60000), 1'000'000);
  for (const auto& e : edges) {
    chip.push(e.line == Line::d0 ? 0 : 1, {e.rising, e.at});
    ASSERT_TRUE(chip.wait_drained(5s));  // a reader that keeps up with the wire
  }
  const auto got = drain(source, edges.size());
  ASSERT_EQ(got, edges);
  WiegandDecoder d;
  for (const auto& e : got) d.feed(e);
  const auto f = d.finish();
  EXPECT_EQ(f->card, 60000u);
  EXPECT_TRUE(f->ok()) << describe_long(*f);
  EXPECT_EQ(source.stats().full_reads, 0u);
}

TEST(GpioEdgeSource, MergesLinesReadTogetherByKernelTimestamp) {
  FakeChip chip(3);
  chip.push(1, {false, 300});
  chip.push(0, {false, 100});
  chip.push(2, {true, 200});
  chip.push(0, {true, 400});
  GpioEdgeSource source(std::make_unique<FakeChip::Lines>(chip), kRoles);
  const auto got = drain(source, 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], (Edge{Line::d0, false, 100}));
  EXPECT_EQ(got[1], (Edge{Line::photodiode, true, 200}));
  EXPECT_EQ(got[2], (Edge{Line::d1, false, 300}));
  EXPECT_EQ(got[3], (Edge{Line::d0, true, 400}));
}

TEST(GpioEdgeSource, AFullKernelBufferBecomesLostEdgesInTheFrame) {
  FakeChip chip(3);
  // A WG26 frame of all-zero data lands on D0 while the reader is not yet reading: 16 fit, the
  // rest are dropped like the kernel drops them.
  const auto edges = WiegandEncoder({50us, 200us}).edges(std::string(26, '0'), 1'000'000);
  for (std::size_t i = 0; i < 20; ++i) chip.push(0, {edges[i].rising, edges[i].at});
  EXPECT_EQ(chip.dropped(), 4u);
  GpioEdgeSource source(std::make_unique<FakeChip::Lines>(chip), kRoles);
  ASSERT_TRUE(chip.wait_drained(5s));
  for (std::size_t i = 20; i < edges.size(); ++i) {
    chip.push(0, {edges[i].rising, edges[i].at});
    ASSERT_TRUE(chip.wait_drained(5s));
  }
  const auto got = drain(source, edges.size() - 4);
  ASSERT_EQ(got.size(), edges.size() - 4);
  EXPECT_TRUE(got[16].after_loss);
  EXPECT_EQ(source.stats().full_reads, 1u);
  WiegandDecoder d;
  for (const auto& e : got) d.feed(e);
  const auto f = d.finish();
  EXPECT_TRUE(f->has(rule::lost_edges)) << describe_long(*f);
  EXPECT_TRUE(f->has(rule::unknown_length)) << describe_long(*f);
}

TEST(GpioEdgeSource, AReaderFailureEndsTheSourceWithTheReason) {
  FakeChip chip(3);
  GpioEdgeSource source(std::make_unique<FakeChip::Lines>(chip), kRoles);
  chip.fail_reads();
  EXPECT_FALSE(source.next(mono_now() + 5'000'000'000).has_value());
  EXPECT_TRUE(source.ended());
  EXPECT_EQ(source.error(), "fake chip: read failed");
}

TEST(GpioEdgeSource, StopsOnRequestAndPrintsItself) {
  FakeChip chip(3);
  GpioEdgeSource source(std::make_unique<FakeChip::Lines>(chip), kRoles);
  std::ostringstream os;
  os << source;
  EXPECT_EQ(os.str(), "EdgeSource(GPIO fakechip as d0,d1,photodiode (0 events, 0 full buffers))");
  source.stop();
  EXPECT_TRUE(source.ended());
  EXPECT_FALSE(source.next(mono_now() + 5'000'000'000).has_value());
  EXPECT_THROW(GpioEdgeSource(std::make_unique<FakeChip::Lines>(chip), {Line::d0}), std::invalid_argument);
}

namespace {
class RecordingOutputs final : public GpioOutputLines {
 public:
  explicit RecordingOutputs(std::vector<std::pair<std::size_t, bool>>& log) : log_(log) {}
  std::size_t count() const override { return 2; }
  void set(std::size_t index, bool high) override { log_.emplace_back(index, high); }
  std::string describe() const override { return "recorder"; }

 private:
  std::vector<std::pair<std::size_t, bool>>& log_;
};
}  // namespace

TEST(GpioEdgeSink, DrivesTheLineOfEachEdge) {
  std::vector<std::pair<std::size_t, bool>> log;
  GpioEdgeSink sink(std::make_unique<RecordingOutputs>(log), {Line::d0, Line::d1});
  sink.write({Line::d1, false, 0});
  sink.write({Line::d1, true, 0});
  sink.write({Line::d0, false, 0});
  EXPECT_EQ(log, (std::vector<std::pair<std::size_t, bool>>{{1, false}, {1, true}, {0, false}}));
  EXPECT_THROW(sink.write({Line::relay, true, 0}), std::invalid_argument);
}

#ifdef GATERIG_HAVE_GPIOD
TEST(GpiodLines, AMissingChipIsAClearError) {
  try {
    open_gpiod_inputs("gaterig-no-such-chip", {0, 1});
    FAIL() << "opening a chip that does not exist must throw";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot open GPIO chip 'gaterig-no-such-chip'"), std::string::npos) << what;
    EXPECT_NE(what.find("gpiodetect"), std::string::npos) << what;
  }
  EXPECT_THROW(open_gpiod_outputs("/dev/gpiochip-gaterig-missing", {0}), std::runtime_error);
}
#endif
