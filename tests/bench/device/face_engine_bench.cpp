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

#include "fixtures/face/detector.hpp"
#include "fixtures/face/embedder.hpp"
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

// The synthetic set's enrollment photos as the worker sync receives them (256x256 PNG).
std::vector<std::vector<std::uint8_t>> synthetic_pngs(int n) {
  std::vector<std::vector<std::uint8_t>> out;
  for (auto id : identities(n)) {
    std::vector<std::uint8_t> png;
    cv::imencode(".png", fixtures::synthetic_face(id, 0, fixtures::jitter_for(fixtures::ProbeLevel::enrollment)), png);
    out.push_back(std::move(png));
  }
  return out;
}

// Before: what enroll() did per photo until this session: decode, YuNet at the wrapper's 2x
// (512x512 for a 256x256 photo), embed; one photo at a time.
void BM_EnrollPhotoBefore(benchmark::State& state) {
  const auto m = fixtures::find_face_models();
  if (m.yunet.empty() || m.embedder.empty()) {
    state.SkipWithError("YuNet or fr_feature.onnx not found");
    return;
  }
  auto det = fixtures::open_yunet_detector(m.yunet, 0.7F);
  fixtures::FaceEmbedder emb(m.embedder);
  const auto photos = synthetic_pngs(100);
  std::size_t k = 0;
  for (auto _ : state) {
    const cv::Mat bgr = cv::imdecode(photos[k++ % photos.size()], cv::IMREAD_COLOR);
    const auto faces = det->detect(bgr);
    if (!faces.empty()) benchmark::DoNotOptimize(emb.embed(bgr, faces[0]));
  }
  state.counters["photos_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnrollPhotoBefore)->Iterations(200)->Unit(benchmark::kMillisecond)->UseRealTime();

// After: enroll_batch, pages of 100 photos, on 1 or 2 threads (the sync's path).
void BM_EnrollBatch(benchmark::State& state) {
  const auto m = fixtures::find_face_models();
  if (m.yunet.empty() || m.embedder.empty()) {
    state.SkipWithError("YuNet or fr_feature.onnx not found");
    return;
  }
  FaceEngineConfig c;
  c.engine = "dnn";
  c.enroll_threads = static_cast<int>(state.range(0));
  auto engine = FaceEngine::open(c);
  const auto photos = synthetic_pngs(100);
  int round = 0;
  std::size_t ok = 0, n = 0;
  for (auto _ : state) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < photos.size(); ++i) names.push_back("r" + std::to_string(round) + "p" + std::to_string(i));
    std::vector<FaceEngine::EnrollItem> items;
    for (std::size_t i = 0; i < photos.size(); ++i) items.push_back({names[i], photos[i]});
    for (const auto& r : engine->enroll_batch(items)) ok += r.ok(), ++n;
    ++round;
  }
  state.counters["photos_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["enrolled_fraction"] = n ? static_cast<double>(ok) / static_cast<double>(n) : 0.0;
}
BENCHMARK(BM_EnrollBatch)->Arg(1)->Arg(2)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
