// The virtual wire, live: a sender thread and a receiver in one process over a real Unix socket.
#include "probes/wiegand/virtual_wire.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "probes/wiegand/capture.hpp"
#include "probes/wiegand/encoder.hpp"
#include "probes/wiegand/layout.hpp"
#include "probes/wiegand/transmitter.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
// A fresh directory per test, removed afterwards.
class VirtualWire : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gaterig-wire-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/wire.sock";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

MonoNs soon() { return mono_now() + 5'000'000'000; }
}  // namespace

TEST(WireRecord, RoundTripsAndRejectsOtherDatagrams) {
  const Edge e{Line::relay, true, 123456789012345, true};
  const auto rec = encode_wire_record(e, 77, 9);
  ASSERT_EQ(rec.size(), kWireRecordSize);
  const auto back = decode_wire_record(rec.data(), rec.size());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->edge, e);
  EXPECT_EQ(back->stream, 77u);
  EXPECT_EQ(back->seq, 9u);
  EXPECT_FALSE(decode_wire_record(rec.data(), rec.size() - 1).has_value());
  std::string bad = rec;
  bad[0] = 'X';
  EXPECT_FALSE(decode_wire_record(bad.data(), bad.size()).has_value());
  bad = rec;
  bad[12] = 9;  // no such line
  EXPECT_FALSE(decode_wire_record(bad.data(), bad.size()).has_value());
}

TEST_F(VirtualWire, CarriesEdgesWithTheSendersTimestamps) {
  VirtualWireSource source(path_);
  VirtualWireSink sink(path_);
  const Edge a{Line::d0, false, 1000}, b{Line::d0, true, 51000}, c{Line::photodiode, true, 60000};
  for (const auto& e : {a, b, c}) sink.write(e);
  EXPECT_EQ(source.next(soon()), a);
  EXPECT_EQ(source.next(soon()), b);
  EXPECT_EQ(source.next(soon()), c);
  EXPECT_FALSE(source.next(mono_now() + 1'000'000).has_value());  // nothing more: times out
  EXPECT_FALSE(source.ended());
  EXPECT_EQ(sink.sent(), 3u);
  EXPECT_EQ(source.stats().received, 3u);
  EXPECT_EQ(source.stats().lost, 0u);
}

TEST_F(VirtualWire, ASenderWithoutReceiverDropsAndCountsInsteadOfFailing) {
  VirtualWireSink sink(path_);
  for (int i = 0; i < 5; ++i) EXPECT_NO_THROW(sink.write({Line::d1, i % 2 == 1, i}));
  EXPECT_EQ(sink.dropped(), 5u);
  EXPECT_EQ(sink.sent(), 0u);
  std::ostringstream os;
  os << sink;
  EXPECT_EQ(os.str(), "EdgeSink(virtual wire sender to " + path_ + " (0 edges sent, 5 dropped))");
}

TEST_F(VirtualWire, AReceiverStartedLateHearsTheSenderWithoutCallingItLoss) {
  VirtualWireSink sink(path_);
  sink.write({Line::d0, false, 1});  // nobody listens yet
  VirtualWireSource source(path_);
  sink.write({Line::d0, true, 2});
  const auto e = source.next(soon());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->at, 2);
  EXPECT_FALSE(e->after_loss);
}

TEST_F(VirtualWire, AGapInASendersSequenceMarksTheNextEdgeAfterLoss) {
  VirtualWireSource source(path_);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strcpy(a.sun_path, path_.c_str());
  for (std::uint32_t seq : {0u, 1u, 5u}) {
    const auto rec = encode_wire_record({Line::d1, seq % 2 == 1, seq}, 42, seq);
    ASSERT_EQ(::sendto(fd, rec.data(), rec.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
              static_cast<ssize_t>(rec.size()));
  }
  ::sendto(fd, "hello", 5, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::close(fd);
  EXPECT_FALSE(source.next(soon())->after_loss);
  EXPECT_FALSE(source.next(soon())->after_loss);
  EXPECT_TRUE(source.next(soon())->after_loss);
  EXPECT_FALSE(source.next(mono_now() + 1'000'000).has_value());
  EXPECT_EQ(source.stats().lost, 3u);
  EXPECT_EQ(source.stats().malformed, 1u);
}

TEST_F(VirtualWire, ReplacesAStaleSocketButRefusesALiveReceiverOrAFile) {
  { VirtualWireSource first(path_); }
  // The destructor removed it; leave a stale socket file as a crashed receiver would.
  {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, path_.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
  }
  VirtualWireSource second(path_);
  try {
    VirtualWireSource third(path_);
    FAIL() << "a second receiver on a live path must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("already has a receiver"), std::string::npos) << e.what();
  }
  const std::string file = dir_ + "/not-a-socket";
  std::ofstream(file) << "x";
  try {
    VirtualWireSource fourth(file);
    FAIL() << "a regular file must not be replaced";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a socket"), std::string::npos) << e.what();
  }
  EXPECT_THROW(VirtualWireSource(dir_ + "/" + std::string(200, 'x')), std::runtime_error);
}

TEST_F(VirtualWire, StopWakesABlockedReader) {
  VirtualWireSource source(path_);
  auto reader = std::async(std::launch::async, [&] { return source.next(mono_now() + 60'000'000'000); });
  source.stop();
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(reader.get().has_value());
  EXPECT_TRUE(source.ended());
}

TEST_F(VirtualWire, CapturesAThousandFramesWithZeroLoss) {
  VirtualWireSource source(path_);
  Timeline timeline;
  CaptureOptions options;
  options.max_frames = 1000;
  WiegandCapture capture(source, options, &timeline);
  // The sender writes as fast as the socket takes it; the edges carry a legal schedule (fastest
  // legal rate) far in the future, so only their timestamps end frames, never the reader's clock.
  std::thread sender([&] {
    VirtualWireSink sink(path_, 10s);
    const WiegandEncoder enc({20us, 200us});
    MonoNs t = mono_now() + 3'600'000'000'000;
    for (std::uint32_t i = 0; i < 1000; ++i) {
      for (const auto& e : enc.edges(wg26_bits(i % 256, i * 37 % 65536), t)) sink.write(e);
      t += enc.duration(26).count() + 25'000'000;
    }
    sink.write({Line::d0, false, t});  // one more edge ends the last frame's silence
    EXPECT_EQ(sink.dropped(), 0u);
  });
  const auto summary = capture.run();
  sender.join();
  EXPECT_EQ(summary.frames, 1000u);
  EXPECT_EQ(summary.frames_ok, 1000u) << summary;
  EXPECT_EQ(source.stats().lost, 0u);
  const auto events = timeline.since(0);
  ASSERT_EQ(events.size(), 1000u);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const auto f = WiegandFrame::from_event(events[i]);
    ASSERT_EQ(f.card, i * 37 % 65536) << f;
    ASSERT_EQ(f.facility, i % 256) << f;
  }
}

TEST_F(VirtualWire, ALiveFrameClosesAfterTheSilenceOnTheReadersClock) {
  VirtualWireSource source(path_);
  CaptureOptions options;
  options.max_frames = 1;
  WiegandCapture capture(source, options);
  std::thread sender([&] {
    VirtualWireSink sink(path_);
    WiegandTransmitter(sink, {50us, 500us}).send(wg34_bits(0xCAFEF00Du));
  });
  std::vector<WiegandFrame> frames;
  capture.on_frame([&](const WiegandFrame& f) { frames.push_back(f); });
  const auto summary = capture.run();
  sender.join();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, 0xCAFEF00Du);
  EXPECT_EQ(frames[0].bit_count(), 34u);
  // The frame could only close once 25 ms of silence had passed after its last edge.
  EXPECT_GE(summary.ended - frames[0].last_edge, 25'000'000);
}

TEST_F(VirtualWire, AnAnnouncedFrameStartComesAtTheFirstEdgeBeforeTheFrame) {
  VirtualWireSource source(path_);
  Timeline timeline;
  CaptureOptions options;
  options.max_frames = 2;
  options.announce_frame_start = true;
  WiegandCapture capture(source, options, &timeline);
  std::thread sender([&] {
    VirtualWireSink sink(path_);
    WiegandTransmitter tx(sink, {50us, 500us});
    tx.send(wg26_bits(3, 33));
    tx.send(wg26_bits(4, 44), mono_now() + 40'000'000);
  });
  capture.run();
  sender.join();
  const auto events = timeline.since(0);
  ASSERT_EQ(events.size(), 4u);
  // start, frame, start, frame: each start precedes its frame on the timeline, with the same `at`.
  for (std::size_t i = 0; i < 4; i += 2) {
    EXPECT_EQ(events[i].kind, kFrameStartEventKind);
    EXPECT_EQ(events[i + 1].kind, kFrameEventKind);
    EXPECT_EQ(events[i].at, events[i + 1].at);
    EXPECT_LT(events[i].seq, events[i + 1].seq);
  }
  EXPECT_EQ(WiegandFrame::from_event(events[3]).card, 44u);
  // Event queries match kinds by prefix (Rig.events(kind=...)): asking for frames must not return
  // the announcements (JX-A.10 counted each frame twice when they shared the prefix).
  EXPECT_NE(std::string(kFrameStartEventKind).rfind(std::string(kFrameEventKind), 0), 0u);
}

TEST_F(VirtualWire, EdgesDeliveredLateButStampedInTimeContinueTheirFrame) {
  // Seen under load: the sender stamps its edges 2 ms apart, but half the frame reaches the reader
  // 40 ms later (the reader was descheduled, or the sender waited on the socket queue). By the
  // stamps it is one frame; the reader's clock alone would have closed it after 25 ms.
  VirtualWireSource source(path_);
  CaptureOptions options;
  options.max_frames = 2;
  WiegandCapture capture(source, options);
  std::vector<WiegandFrame> frames;
  capture.on_frame([&](const WiegandFrame& f) { frames.push_back(f); });
  std::thread sender([&] {
    VirtualWireSink sink(path_);
    const WiegandEncoder enc({50us, 2ms});
    const MonoNs t0 = mono_now();
    const auto edges = enc.edges(wg26_bits(12, 3456), t0);
    for (std::size_t i = 0; i < edges.size(); ++i) {
      // In real time up to the stall; then the rest at once, 40 ms late, stamped as planned.
      if (i < edges.size() / 2) wait_until(edges[i].at);
      if (i == edges.size() / 2) wait_until(edges[i].at + 40'000'000);
      sink.write(edges[i]);
    }
    // A second frame 100 ms (by the stamps) after the first one's last edge: separate.
    wait_until(edges.back().at + 100'000'000);
    for (const auto& e : enc.edges(wg26_bits(12, 3457), mono_now())) {
      wait_until(e.at);
      sink.write(e);
    }
  });
  capture.run();
  sender.join();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].ok()) << describe_long(frames[0]);
  EXPECT_EQ(frames[0].card, 3456u);
  EXPECT_EQ(frames[1].card, 3457u);
}

TEST(VirtualWirePath, DefaultsUnderTheRuntimeDirectory) {
  const auto p = default_virtual_wire_path();
  EXPECT_NE(p.find("gaterig"), std::string::npos);
  EXPECT_EQ(p.substr(p.size() - 13), "/wiegand.sock");
}
