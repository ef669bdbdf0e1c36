// The event log: every event of a timeline in a JSONL file, while the timeline keeps few.
#include "core/event_log.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace gaterig {
namespace {

std::filesystem::path temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("gaterig-event-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

std::vector<Json> lines_of(const std::filesystem::path& p) {
  std::vector<Json> out;
  std::ifstream f(p);
  for (std::string line; std::getline(f, line);) out.push_back(Json::parse(line));
  return out;
}

void publish(Timeline& t, int n) {
  for (int i = 0; i < n; ++i) t.publish(Event{mono_now(), "test", "test.tick", Json{{"i", i}}});
}

TEST(EventLog, KeepsEveryEventWhileTheTimelineKeepsOnlyItsCapacity) {
  Timeline t(1000);
  const auto file = temp_file("all.jsonl");
  EventLog log(t, file);
  for (int chunk = 0; chunk < 20; ++chunk) {
    publish(t, 500);
    ASSERT_TRUE(log.flush(std::chrono::seconds(10)));
  }
  EXPECT_LE(t.size(), 1000u);
  EXPECT_EQ(t.dropped(), 9000u);
  log.stop();
  const auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 10000u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i].at("seq").get<std::uint64_t>(), i + 1);
    EXPECT_EQ(lines[i].at("kind"), "test.tick");
  }
  EXPECT_EQ(log.written(), 10000u);
  EXPECT_EQ(log.missed(), 0u);
}

TEST(EventLog, EventsTheTimelineDroppedBeforeTheLogCameAreAGapLine) {
  Timeline t(10);
  publish(t, 100);  // 1..90 are gone before the log starts
  const auto file = temp_file("gap.jsonl");
  {
    EventLog log(t, file);
    ASSERT_TRUE(log.flush(std::chrono::seconds(10)));
    EXPECT_EQ(log.missed(), 90u);
  }
  const auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0].at("kind"), "log.gap");
  EXPECT_EQ(lines[0].at("missed"), 90);
  EXPECT_EQ(lines[1].at("seq"), 91);
  EXPECT_EQ(lines.back().at("seq"), 100);
}

TEST(EventLog, AppendsAfterASeqAndStopWritesTheRest) {
  Timeline t;
  publish(t, 5);
  const auto file = temp_file("append.jsonl");
  { std::ofstream(file) << Json{{"kind", "earlier.session"}}.dump() << '\n'; }
  EventLog log(t, file, /*append=*/true, /*after=*/3);
  publish(t, 2);
  log.stop();  // no flush: stop drains
  log.stop();  // idempotent
  const auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].at("kind"), "earlier.session");
  EXPECT_EQ(lines[1].at("seq"), 4);
  EXPECT_EQ(lines[4].at("seq"), 7);
}

TEST(EventLog, AFileThatCannotBeOpenedIsNamed) {
  Timeline t;
  try {
    EventLog log(t, "/nonexistent-dir/x/events.jsonl");
    FAIL() << "opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x/events.jsonl"), std::string::npos);
  }
}

}  // namespace
}  // namespace gaterig
