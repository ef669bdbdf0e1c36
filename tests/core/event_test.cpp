#include "core/event.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

using namespace gaterig;
using namespace std::chrono_literals;

namespace {
Event make(std::string kind, int value) {
  return Event{mono_now(), "test", std::move(kind), Json{{"value", value}}};
}
}  // namespace

TEST(Timeline, AssignsIncreasingSequenceNumbers) {
  Timeline t;
  t.publish(make("a", 1));
  t.publish(make("b", 2));
  const auto all = t.since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].seq, 1u);
  EXPECT_EQ(all[1].seq, 2u);
  EXPECT_EQ(t.since(1).size(), 1u);
  EXPECT_EQ(t.since(1)[0].kind, "b");
  EXPECT_TRUE(t.since(2).empty());
}

TEST(Timeline, DropsOldestBeyondCapacityAndCountsThem) {
  Timeline t(3);
  for (int i = 0; i < 5; ++i) t.publish(make("x", i));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.dropped(), 2u);
  const auto all = t.since(0);
  EXPECT_EQ(all.front().payload["value"], 2);
  EXPECT_EQ(t.since(4).size(), 1u);
}

TEST(Timeline, WaitForSeesAnEventPublishedByAnotherThread) {
  Timeline t;
  std::thread producer([&] {
    t.publish(make("noise", 0));
    t.publish(make("wanted", 42));
  });
  const auto e = t.wait_for(0, [](const Event& ev) { return ev.kind == "wanted"; }, 5s);
  producer.join();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload["value"], 42);
}

TEST(Timeline, WaitForTimesOutWhenNothingMatches) {
  Timeline t;
  t.publish(make("noise", 0));
  const auto e = t.wait_for(0, [](const Event& ev) { return ev.kind == "never"; }, 20ms);
  EXPECT_FALSE(e);
}

TEST(Timeline, ListenersSeeEveryEvent) {
  Timeline t;
  int seen = 0;
  t.add_listener([&](const Event& e) { seen += e.payload["value"].get<int>(); });
  t.publish(make("a", 2));
  t.publish(make("b", 3));
  EXPECT_EQ(seen, 5);
}

TEST(Event, JsonRoundTripAndPrinting) {
  Event e{123, "platform", "platform.record_accepted", Json{{"id", 7}}, 9};
  const Event back = Event::from_json(e.to_json());
  EXPECT_EQ(back.at, 123);
  EXPECT_EQ(back.seq, 9u);
  EXPECT_EQ(back.kind, "platform.record_accepted");
  EXPECT_EQ(back.payload["id"], 7);
  std::ostringstream os;
  os << e;
  EXPECT_EQ(os.str(), R"(Event(#9 123ns platform platform.record_accepted {"id":7}))");
  EXPECT_THROW(Event::from_json(Json{{"source", "x"}}), std::invalid_argument);
  EXPECT_THROW(Event::from_json(Json{{"at_ns", "soon"}, {"source", "x"}, {"kind", "k"}}),
               std::invalid_argument);
}
