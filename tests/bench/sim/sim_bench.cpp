// Monitor link latency/throughput, Scene cost and Modbus round trips on loopback.
// Latency is publish -> received (CLOCK_MONOTONIC), p50/p99 over the run's frames.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "simulator/bench/monitor_link.hpp"
#include "simulator/bench/test_card.hpp"
#if GATERIG_HAVE_MODBUS
#include "probes/modbus/lux_meter.hpp"
#include "simulator/bench/modbus_bench.hpp"
#endif

namespace gaterig {
namespace {
using namespace std::chrono_literals;

std::string path_for(const char* what) {
  return "/tmp/gaterig-bench-" + std::string(what) + "-" + std::to_string(getpid()) + ".sock";
}

void percentiles(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  state.counters["max_us"] = us.back();
}

// One frame in flight: publish, wait until the subscriber has it. With range(2) != 0 the frame
// goes through the Scene (back light, dim ambient: the most expensive path).
void BM_MonitorLinkLatency(benchmark::State& state) {
  MonitorPublisherOptions po;
  po.path = path_for("latency");
  if (state.range(2) != 0) po.light = [] { return BenchLight{0.0, 0.5, 0.2}; };
  MonitorPublisher pub(po);
  MonitorSubscriber sub({pub.path()});
  pub.wait_for_subscribers(1, 5s);
  const cv::Mat frame = test_card(cv::Size(static_cast<int>(state.range(0)), static_cast<int>(state.range(1))), 1);
  std::vector<double> us;
  for (auto _ : state) {
    pub.publish(frame);
    auto f = sub.next(5s);
    if (!f) {
      state.SkipWithError("frame not received within 5 s");
      break;
    }
    us.push_back(static_cast<double>(f->received - f->published) / 1e3);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * frame.total() * 3);
  percentiles(state, us);
}
BENCHMARK(BM_MonitorLinkLatency)->Args({640, 480, 0})->Args({640, 480, 1})->Args({1280, 720, 0})->UseRealTime();

// The display publishes as fast as it can; a camera thread takes what it gets. Reports the frames
// the camera received per second and how many it never saw.
void BM_MonitorLinkThroughput(benchmark::State& state) {
  MonitorPublisher pub({path_for("throughput")});
  MonitorSubscriber sub({pub.path()});
  pub.wait_for_subscribers(1, 5s);
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> taken{0};
  std::thread camera([&] {
    while (!done)
      if (sub.next(100ms)) ++taken;
  });
  const cv::Mat frame = test_card(cv::Size(640, 480), 1);
  for (auto _ : state) pub.publish(frame);
  sub.wait_latest(pub.stats().published, 5s);
  done = true;
  camera.join();
  const auto s = sub.stats();
  state.counters["received_per_s"] = benchmark::Counter(static_cast<double>(s.received), benchmark::Counter::kIsRate);
  state.counters["taken_per_s"] = benchmark::Counter(static_cast<double>(taken), benchmark::Counter::kIsRate);
  state.counters["dropped"] = static_cast<double>(s.dropped);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MonitorLinkThroughput)->UseRealTime()->MinTime(2.0);

void BM_SceneRender(benchmark::State& state) {
  const cv::Mat frame = test_card(cv::Size(640, 480), 1);
  const BenchLight light{0.0, 0.5, 0.2};
  Scene scene;
  std::uint64_t seed = 1;
  for (auto _ : state) benchmark::DoNotOptimize(scene.render(frame, light, seed++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SceneRender);

#if GATERIG_HAVE_MODBUS
void BM_ModbusLuxRead(benchmark::State& state) {
  ModbusBench bench;
  auto link = std::make_shared<ModbusLink>("bench", TcpEndpoint{"127.0.0.1", bench.port()});
  ModbusLuxMeter meter(link, bench_map::kLuxUnit);
  std::vector<double> us;
  for (auto _ : state) {
    const MonoNs t0 = mono_now();
    benchmark::DoNotOptimize(meter.read());
    us.push_back(static_cast<double>(mono_now() - t0) / 1e3);
  }
  state.SetItemsProcessed(state.iterations());
  percentiles(state, us);
}
BENCHMARK(BM_ModbusLuxRead)->UseRealTime();
#endif

}  // namespace
}  // namespace gaterig

BENCHMARK_MAIN();
