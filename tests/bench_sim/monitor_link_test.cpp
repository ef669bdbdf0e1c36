// The virtual monitor link end to end: across threads, across a fork'ed process, latest-frame
// semantics, reconnection after a publisher restart, and a killed subscriber.
#include "simulator/bench/monitor_link.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "simulator/bench/test_card.hpp"

namespace gaterig {
namespace {
using namespace std::chrono_literals;

std::string socket_path() {
  static std::atomic<int> n{0};
  return (std::filesystem::temp_directory_path() /
          ("gaterig-monitor-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".sock"))
      .string();
}

cv::Mat solid(int grey) { return cv::Mat(480, 640, CV_8UC3, cv::Scalar(grey, grey, grey)); }

TEST(MonitorLink, AFrameArrivesWhole_WithItsSeqAndPublishTime) {
  Timeline timeline;
  MonitorPublisherOptions po;
  po.path = socket_path();
  po.sink = &timeline;
  MonitorPublisher pub(po);
  MonitorSubscriber sub({pub.path()});
  ASSERT_TRUE(pub.wait_for_subscribers(1, 5s));

  const cv::Mat shown = test_card(cv::Size(640, 480), 1);
  const auto seq = pub.publish(shown);
  auto f = sub.next(5s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, seq);
  EXPECT_EQ(cv::norm(f->image, shown, cv::NORM_INF), 0.0);
  EXPECT_LE(f->published, f->received);

  auto e = timeline.wait_for(0, [](const Event& e) { return e.kind == "display.frame_published"; }, 0ms);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->source, "display");
  EXPECT_EQ(e->payload["seq"], seq);
  EXPECT_EQ(e->payload["publish_mono"], f->published);
  EXPECT_EQ(e->at, f->published);
  EXPECT_EQ(e->payload.size(), 2u);  // nothing a camera could not see
}

TEST(MonitorLink, ANewSubscriberSeesWhatIsOnScreenAlready) {
  MonitorPublisher pub({socket_path()});
  pub.publish(solid(10));
  pub.publish(solid(77));
  MonitorSubscriber sub({pub.path()});
  auto f = sub.next(5s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 2u);
  EXPECT_EQ(f->image.at<cv::Vec3b>(0, 0)[0], 77);
}

TEST(MonitorLink, AConsumerThatDidNotTakeFramesGetsTheLatestAndCountsTheRestAsDropped) {
  MonitorPublisher pub({socket_path()});
  MonitorSubscriber sub({pub.path()});
  for (int i = 1; i <= 3; ++i) {
    pub.publish(solid(i * 10));
    ASSERT_TRUE(sub.wait_latest(static_cast<std::uint64_t>(i), 5s));  // received, not taken
  }
  auto f = sub.next(0ms);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 3u);
  EXPECT_EQ(f->image.at<cv::Vec3b>(10, 10)[1], 30);
  EXPECT_EQ(sub.stats().received, 3u);
  EXPECT_EQ(sub.stats().dropped, 2u);
  EXPECT_FALSE(sub.next(0ms));  // nothing newer
}

TEST(MonitorLink, AFastDisplaySkipsFramesForASlowSubscriberButAlwaysSendsTheNewest) {
  MonitorPublisher pub({socket_path()});
  MonitorSubscriber sub({pub.path()});
  ASSERT_TRUE(pub.wait_for_subscribers(1, 5s));
  for (int i = 1; i <= 20; ++i) pub.publish(solid(i));
  ASSERT_TRUE(sub.wait_latest(20, 5s));  // the last frame always arrives
  const auto ps = pub.stats();
  EXPECT_EQ(ps.published, 20u);
  EXPECT_EQ(ps.sent + ps.skipped, 20u);
  EXPECT_EQ(sub.stats().received, ps.sent);
  EXPECT_EQ(sub.next(0ms)->seq, 20u);
}

TEST(MonitorLink, NextWaitsForAFrameUntilItsDeadline) {
  MonitorPublisher pub({socket_path()});
  MonitorSubscriber sub({pub.path()});
  EXPECT_FALSE(sub.next(20ms));
  std::thread later([&] {
    pub.wait_for_subscribers(1, 5s);
    pub.publish(solid(1));
  });
  auto f = sub.next(5s);
  later.join();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 1u);
}

TEST(MonitorLink, TheSubscriberReconnectsWhenThePublisherRestarts) {
  const std::string path = socket_path();
  MonitorSubscriber sub({path});  // before any publisher exists
  {
    MonitorPublisher pub({path});
    pub.publish(solid(1));
    pub.publish(solid(2));
    ASSERT_TRUE(sub.wait_latest(2, 5s));
    ASSERT_EQ(sub.next(0ms)->seq, 2u);  // taken: whatever comes next is from the new publisher
  }
  MonitorPublisher again({path});
  again.publish(solid(99));
  auto f = sub.next(5s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 1u);  // the new publisher's first frame, not the old publisher's second
  EXPECT_EQ(f->image.at<cv::Vec3b>(0, 0)[2], 99);
  EXPECT_EQ(sub.stats().connections, 2u);
}

TEST(MonitorLink, LightFromTheBenchChangesWhatTheCameraSees) {
  MonitorPublisherOptions po;
  po.path = socket_path();
  BenchLight light{1.0, 0.0, 1.0};  // strong front light
  po.light = [&] { return light; };
  MonitorPublisher pub(po);
  MonitorSubscriber sub({pub.path()});
  pub.publish(solid(100));
  auto f = sub.next(5s);
  ASSERT_TRUE(f);
  EXPECT_GT(cv::mean(f->image)[0], 140.0);  // brighter (auto-exposure takes most of it back)
  // Back light frames the picture in a bright surround: the camera's frame is larger, and the
  // header says so (the picture arrives whole, not scrambled).
  light = BenchLight{0.0, 1.0, 1.0};
  pub.publish(solid(100));
  auto g = sub.next(5s);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->image.cols, 640 + 2 * 128);
  EXPECT_GT(g->image.at<cv::Vec3b>(2, 2)[0], 200);                        // the surround
  EXPECT_LT(g->image.at<cv::Vec3b>(g->image.rows / 2, g->image.cols / 2)[0], 70);  // the subject, darker
}

TEST(MonitorLink, RefusesAPathTooLongForAUnixSocket) {
  EXPECT_THROW(MonitorPublisher({std::string(200, 'x')}), std::invalid_argument);
  EXPECT_THROW(MonitorSubscriber({std::string(200, 'x')}), std::invalid_argument);
}

// The camera lives in another process, as the simulated terminal will. Forked before this
// process starts any thread of its own, so the child may create threads safely.
TEST(MonitorLinkProcesses, AFrameCrossesToAnotherProcessAndAKilledSubscriberHurtsNobody) {
  const std::string path = socket_path();
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(report[0]);
    MonitorSubscriber sub({path});
    auto f = sub.next(10s);
    char line[128];
    int n = std::snprintf(line, sizeof line, "%llu %d %lld\n", f ? static_cast<unsigned long long>(f->seq) : 0ULL,
                          f ? f->image.at<cv::Vec3b>(5, 5)[0] : -1,
                          f ? static_cast<long long>(f->received - f->published) : -1LL);
    [[maybe_unused]] auto w = write(report[1], line, static_cast<std::size_t>(n));
    for (;;) pause();  // stays connected until killed
  }
  close(report[1]);
  MonitorPublisher pub({path});
  ASSERT_TRUE(pub.wait_for_subscribers(1, 10s));
  pub.publish(solid(123));
  FILE* in = fdopen(report[0], "r");
  unsigned long long seq = 0;
  int pixel = 0;
  long long latency = 0;
  ASSERT_EQ(std::fscanf(in, "%llu %d %lld", &seq, &pixel, &latency), 3);
  fclose(in);
  EXPECT_EQ(seq, 1u);
  EXPECT_EQ(pixel, 123);
  EXPECT_GE(latency, 0);  // one CLOCK_MONOTONIC for both processes

  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  // The next frames go to a dead peer: the publisher must notice, not die of SIGPIPE.
  pub.publish(solid(1));
  pub.publish(solid(2));
  EXPECT_TRUE(pub.wait_subscribers([](std::size_t n) { return n == 0; }, 10s));
  EXPECT_EQ(pub.stats().subscribers_lost, 1u);
  MonitorSubscriber next({path});
  EXPECT_TRUE(next.wait_latest(3, 10s));  // and still serves a newcomer
}

}  // namespace
}  // namespace gaterig
