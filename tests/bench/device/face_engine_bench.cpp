// Face engine timings: the 1:N gallery search alone at 10k and 100k persons; recognition per frame
// (detect + embed + cues + search at N = 10,000, liveness on and off); enrollment per photo (the
// 10,000-photo time is extrapolated from it). Needs YuNet and fr_feature.onnx for the engine ones.
//   bench_device_face --benchmark_repetitions=1 [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <opencv2/imgcodecs.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <vector>

#include "fixtures/face/model_paths.hpp"
#include "fixtures/synthetic/identity.hpp"
#include "fixtures/synthetic/seeded_random.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "simulator/device/face/gallery.hpp"

using namespace gaterig;
using namespace gaterig::device;

namespace {

void fill(Gallery& g, int n, std::mt19937& rng) {
  std::normal_distribution<float> nd(0, 1);
  std::vector<float> v(512);
  for (int i = 0; i < n; ++i) {
    for (auto& x : v) x = nd(rng);
    g.add("p" + std::to_string(i), v);
  }
}

void BM_GallerySearch(benchmark::State& state) {
  std::mt19937 rng(1);
  const int n = static_cast<int>(state.range(0));
  Gallery g(512, static_cast<std::size_t>(n));
  fill(g, n, rng);
  std::vector<float> probe(g.row(n / 2).begin(), g.row(n / 2).end());
  for (auto _ : state) benchmark::DoNotOptimize(g.search(probe));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_GallerySearch)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

std::vector<std::uint64_t> identities(int n) {
  std::vector<std::uint64_t> out;
  fixtures::SeededRandom r(1);
  for (int i = 0; i < n; ++i) out.push_back(r.next());
  return out;
}

// Recognition per frame at N = 10,000: 20 real enrollments, the rest planted random rows (a
// search costs the same whatever the rows hold).
void BM_RecognisePerFrame(benchmark::State& state) {
  const auto m = fixtures::find_face_models();
  if (m.yunet.empty() || m.embedder.empty()) {
    state.SkipWithError("YuNet or fr_feature.onnx not found");
    return;
  }
  FaceEngineConfig c;
  c.engine = "dnn";
  c.check_liveness = state.range(0) != 0;
  // 9,980 planted random rows in the gallery file (a search costs the same whatever the rows
  // hold), then 20 real enrollments: N = 10,000.
  const auto dir = std::filesystem::temp_directory_path() / ("gaterig-face-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::mt19937 rng(2);
    Gallery g(512, 9980);
    fill(g, 9980, rng);
    g.save(dir / "face_gallery.bin");
  }
  auto engine = FaceEngine::open(c, dir);
  const auto ids = identities(20);
  for (int i = 0; i < 20; ++i) engine->enroll_image("real" + std::to_string(i), fixtures::synthetic_face(ids[static_cast<std::size_t>(i)], 0));
  std::vector<cv::Mat> frames;
  for (int i = 0; i < 20; ++i) frames.push_back(fixtures::synthetic_face(ids[static_cast<std::size_t>(i)], 1));
  std::size_t k = 0;
  std::vector<double> us;
  for (auto _ : state) {
    const FrameAnalysis a = engine->analyse(frames[k++ % frames.size()]);
    us.push_back(static_cast<double>(a.elapsed.count()));
    benchmark::DoNotOptimize(a);
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_ms"] = us[us.size() / 2] / 1000;
  state.counters["p99_ms"] = us[std::min(us.size() - 1, us.size() * 99 / 100)] / 1000;
  state.counters["enrolled"] = static_cast<double>(engine->enrolled());
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RecognisePerFrame)->Arg(1)->Arg(0)->Iterations(100)->Unit(benchmark::kMillisecond);

void BM_EnrollPhoto(benchmark::State& state) {
  const auto m = fixtures::find_face_models();
  if (m.yunet.empty() || m.embedder.empty()) {
    state.SkipWithError("YuNet or fr_feature.onnx not found");
    return;
  }
  FaceEngineConfig c;
  c.engine = "dnn";
  auto engine = FaceEngine::open(c);
  const auto ids = identities(50);
  std::vector<std::vector<std::uint8_t>> photos;
  for (auto id : ids) {
    std::vector<std::uint8_t> jpg;
    cv::imencode(".jpg", fixtures::synthetic_face(id, 0), jpg);
    photos.push_back(jpg);
  }
  std::size_t k = 0;
  for (auto _ : state) {
    const auto i = k++;
    benchmark::DoNotOptimize(engine->enroll("p" + std::to_string(i), photos[i % photos.size()]));
  }
  state.counters["ms_per_photo"] = benchmark::Counter(static_cast<double>(state.iterations()) * 1e-3, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EnrollPhoto)->Iterations(200)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
