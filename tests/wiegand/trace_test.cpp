// Recorded traces: round trip, the documented format, and errors that name file and line.
#include "probes/wiegand/trace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/encoder.hpp"
#include "probes/wiegand/layout.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
class Trace : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gaterig-trace-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto p = dir_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  // The message of the TraceError replaying `text` throws.
  std::string error_of(const std::string& text) {
    const auto p = write("bad.jsonl", text);
    try {
      read_trace(p);
    } catch (const TraceError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string dir_;
};

const std::string kHeader = R"({"format":"gaterig-wiegand-trace","version":1})" "\n";
}  // namespace

TEST_F(Trace, RoundTripsEdgesAndKeepsTheHeaderMetadata) {
  auto edges = WiegandEncoder({50us, 2ms}).edges(wg26_bits(1, 2), 5'000'000'000);
  edges.push_back({Line::photodiode, true, 5'100'000'000});
  edges[3].after_loss = true;
  const auto path = dir_ + "/t.jsonl";
  {
    TraceWriter w(path, Json{{"source", "test"}, {"format", "must not override"}});
    for (const auto& e : edges) w.write(e);
    w.flush();
    EXPECT_EQ(w.edges(), edges.size());
  }
  EXPECT_EQ(read_trace(path), edges);
  TraceSource src(path);
  EXPECT_EQ(src.header()["source"], "test");
  EXPECT_EQ(src.header()["format"], "gaterig-wiegand-trace");
  EXPECT_EQ(src.header()["clock"], "CLOCK_MONOTONIC");
  EXPECT_FALSE(src.live());
}

TEST_F(Trace, ReadsTheDocumentedFormatIncludingMicrosecondsNotesAndBlankLines) {
  const auto p = write("t.jsonl", kHeader +
                                      R"({"t_us": 1000.5, "line": "d1", "edge": "falling", "note": "bit 1"})" "\n"
                                      "\n"
                                      R"({"t_ns": 1050500, "line": "d1", "edge": "rising"})" "\n");
  const auto edges = read_trace(p);
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0], (Edge{Line::d1, false, 1'000'500}));
  EXPECT_EQ(edges[1], (Edge{Line::d1, true, 1'050'500}));
}

TEST_F(Trace, MalformedTracesNameTheFileAndLine) {
  EXPECT_NE(error_of("").find("bad.jsonl:0: empty trace"), std::string::npos);
  EXPECT_NE(error_of(R"({"format":"other","version":1})").find("bad.jsonl:1: the header must have"), std::string::npos);
  EXPECT_NE(error_of(kHeader + "{nope\n").find("bad.jsonl:2: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(kHeader + R"({"t_ns":1,"line":"d2","edge":"rising"})").find("bad.jsonl:2: 'line' is \"d2\""),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + R"({"t_ns":1,"line":"d0","edge":"up"})").find("'edge' must be"), std::string::npos);
  EXPECT_NE(error_of(kHeader + R"({"t_ns":1,"t_us":1,"line":"d0","edge":"rising"})").find("exactly one of"),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + R"({"t_ns":1.5,"line":"d0","edge":"rising"})").find("must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + R"({"t_ns":1,"line":"d0","edge":"rising","level":0})").find("unknown key 'level'"),
            std::string::npos);
  EXPECT_NE(error_of(kHeader + "\n" R"({"t_ns":9,"line":"d0","edge":"falling"})" "\n" R"({"t_ns":8,"line":"d0","edge":"rising"})")
                .find("bad.jsonl:4: time goes backwards"),
            std::string::npos);
  EXPECT_THROW(TraceSource(dir_ + "/missing.jsonl"), std::runtime_error);
}

TEST_F(Trace, ReplaysThroughTheCaptureIntoTimelineEvents) {
  const auto path = dir_ + "/t.jsonl";
  {
    TraceWriter w(path, Json::object());
    const WiegandEncoder enc({50us, 2ms});
    for (const auto& e : enc.edges(wg26_bits(10, 1000), 1'000'000'000)) w.write(e);
    w.write({Line::photodiode, false, 1'500'000'000});
    for (const auto& e : enc.edges(wg34_bits(7, 8), 2'000'000'000)) w.write(e);
  }
  TraceSource src(path);
  Timeline timeline;
  WiegandCapture capture(src, {}, &timeline);
  const auto s = capture.run();
  EXPECT_EQ(s.frames, 2u);
  EXPECT_EQ(s.frames_ok, 2u);
  EXPECT_EQ(s.other_edges, 1u);
  const auto events = timeline.since(0);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, "gpio.edge");
  EXPECT_EQ(events[0].source, "photodiode");
  EXPECT_EQ(events[0].at, 1'500'000'000);
  EXPECT_EQ(WiegandFrame::from_event(events[1]).card, 1000u);
  EXPECT_EQ(WiegandFrame::from_event(events[2]).card, 8u);
  EXPECT_EQ(WiegandFrame::from_event(events[2]).facility, 7u);
}

TEST_F(Trace, StopsAfterTheRequestedNumberOfFrames) {
  const auto path = dir_ + "/t.jsonl";
  {
    TraceWriter w(path, Json::object());
    const WiegandEncoder enc({50us, 2ms});
    for (int i = 0; i < 5; ++i)
      for (const auto& e : enc.edges(wg26_bits(1, static_cast<std::uint32_t>(i)), 1'000'000'000LL * (i + 1))) w.write(e);
  }
  TraceSource src(path);
  CaptureOptions o;
  o.max_frames = 2;
  WiegandCapture capture(src, o);
  std::vector<std::uint32_t> cards;
  capture.on_frame([&](const WiegandFrame& f) { cards.push_back(*f.card); });
  const auto s = capture.run();
  EXPECT_EQ(cards, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(s.frames, 2u);
}
