// Decoder throughput: frames/s through WiegandDecoder::feed (the path live capture and replay use).
#include <benchmark/benchmark.h>

#include "probes/wiegand/decoder.hpp"
#include "probes/wiegand/encoder.hpp"
#include "probes/wiegand/layout.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
// `frames` frames at the fastest legal rate, as one edge stream.
std::vector<Edge> stream(std::size_t frames, bool wg34) {
  const WiegandEncoder enc({20us, 200us});
  std::vector<Edge> all;
  MonoNs t = 1'000'000'000;
  for (std::size_t i = 0; i < frames; ++i) {
    const auto bits = wg34 ? wg34_bits(static_cast<std::uint32_t>(i * 2654435761u))
                           : wg26_bits(i % 256, static_cast<std::uint32_t>(i % 65536));
    const auto e = enc.edges(bits, t);
    all.insert(all.end(), e.begin(), e.end());
    t = e.back().at + 25'000'000;
  }
  return all;
}

void decode(benchmark::State& state, bool wg34) {
  const auto edges = stream(1000, wg34);
  std::size_t frames = 0;
  for (auto _ : state) {
    WiegandDecoder d;
    for (const auto& e : edges)
      if (auto f = d.feed(e)) {
        benchmark::DoNotOptimize(f->card);
        ++frames;
      }
    if (auto f = d.finish()) ++frames;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
}  // namespace

static void BM_DecodeWg26(benchmark::State& state) { decode(state, false); }
static void BM_DecodeWg34(benchmark::State& state) { decode(state, true); }
BENCHMARK(BM_DecodeWg26);
BENCHMARK(BM_DecodeWg34);

// decode_frame alone, on one WG26 frame's edges with a glitch (the most work per frame).
static void BM_DecodeFrameWithGlitch(benchmark::State& state) {
  auto edges = WiegandEncoder({50us, 2ms}).edges(wg26_bits(12, 3456), 0);
  edges.push_back({Line::d1, false, edges[9].at + 500'000});
  edges.push_back({Line::d1, true, edges[9].at + 502'000});
  for (auto _ : state) benchmark::DoNotOptimize(decode_frame(edges, {}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeFrameWithGlitch);
