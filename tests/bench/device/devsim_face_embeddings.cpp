// Prototyping aid for the face engine's masked-face and light work: every face of a built set,
// embedded in several crops, written out for offline scoring (numpy), so a matching scheme can be
// tried on ORL folds A/B and Yale without rebuilding the engine for each idea.
//   devsim_face_embeddings --set DIR --out PREFIX [--bench-back] [--threads N]
// Writes PREFIX.jsonl (one line per image: presentation, person, group, frame, found) and
// PREFIX.f32 (per image kCrops x 512 float32 embeddings, zeros when no face) and PREFIX.u8
// (per image the 112x112 grey eye-aligned crop, uncovered: for texture descriptors).
// Images: every enrollment photo, every normal-light original, every variant's frames except QR
// codes (videos: every third frame); --bench-back adds the originals through the rig's back light.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/event.hpp"
#include "fixtures/face/align.hpp"
#include "fixtures/face/detector.hpp"
#include "fixtures/face/embedder.hpp"
#include "fixtures/face/model_paths.hpp"
#include "fixtures/manifest.hpp"
#include "simulator/bench/scene.hpp"
#include "simulator/device/face/face_crop.hpp"

using namespace gaterig;
namespace fs = std::filesystem;

namespace {

// The crops, in the order written (see crop_names).
const char* const kCropNames[] = {"face", "face_flip", "eyes40", "eyes40_flip", "eyes40_s092", "eyes40_s108",
                                  "eyes40_up3", "eyes40_down3", "eyes30", "eyes50", "eyes_full", "face_cover40"};
constexpr int kCrops = static_cast<int>(sizeof(kCropNames) / sizeof(kCropNames[0]));

// The eyes put on the reference eye points scaled by s about their midpoint, moved dy pixels down.
cv::Mat align_eyes(const cv::Mat& bgr, const cv::Point2f& re, const cv::Point2f& le, double s, double dy) {
  const cv::Point2f r0(fixtures::kArcFaceReference[0][0], fixtures::kArcFaceReference[0][1]);
  const cv::Point2f r1(fixtures::kArcFaceReference[1][0], fixtures::kArcFaceReference[1][1]);
  const cv::Point2f mid = (r0 + r1) * 0.5F;
  const cv::Point2f q0 = mid + (r0 - mid) * static_cast<float>(s) + cv::Point2f(0, static_cast<float>(dy));
  const cv::Point2f q1 = mid + (r1 - mid) * static_cast<float>(s) + cv::Point2f(0, static_cast<float>(dy));
  const cv::Point2f dp = le - re, dq = q1 - q0;
  const double np = std::max(1e-3, std::hypot(static_cast<double>(dp.x), static_cast<double>(dp.y)));
  const double sc = std::hypot(static_cast<double>(dq.x), static_cast<double>(dq.y)) / np;
  const double a = std::atan2(dq.y, dq.x) - std::atan2(dp.y, dp.x);
  const double c = sc * std::cos(a), d = sc * std::sin(a);
  cv::Mat m = (cv::Mat_<double>(2, 3) << c, -d, q0.x - (c * re.x - d * re.y), d, c, q0.y - (d * re.x + c * re.y));
  cv::Mat out;
  cv::warpAffine(bgr, out, m, cv::Size(fixtures::kAlignedSize, fixtures::kAlignedSize), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT);
  return out;
}

// Covered below eye line + frac of the (scaled) eye-to-nose distance, eyes at reference y + dy.
cv::Mat cover(const cv::Mat& crop, double frac, double s = 1.0, double dy = 0.0) {
  cv::Mat out = crop.clone();
  const double eyes = (fixtures::kArcFaceReference[0][1] + fixtures::kArcFaceReference[1][1]) / 2 + dy;
  const double nose = fixtures::kArcFaceReference[2][1] - (fixtures::kArcFaceReference[0][1] + fixtures::kArcFaceReference[1][1]) / 2;
  const int top = static_cast<int>(std::lround(eyes + frac * nose * s));
  out(cv::Rect(0, top, out.cols, out.rows - top)).setTo(cv::Scalar::all(128));
  return out;
}

cv::Mat flip(const cv::Mat& m) {
  cv::Mat f;
  cv::flip(m, f, 1);
  return f;
}

struct Item {
  std::string presentation, person, group, path;
  int frame = 0;
  bool back = false;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path set_dir, out;
  bool bench_back = false;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--set" && i + 1 < argc) set_dir = argv[++i];
    else if (k == "--out" && i + 1 < argc) out = argv[++i];
    else if (k == "--bench-back") bench_back = true;
    else if (k == "--threads" && i + 1 < argc) threads = std::clamp(std::stoi(argv[++i]), 1, 2);
    else {
      std::cerr << "usage: devsim_face_embeddings --set DIR --out PREFIX [--bench-back] [--threads N]\n";
      return 2;
    }
  }
  if (set_dir.empty() || out.empty()) {
    std::cerr << "usage: devsim_face_embeddings --set DIR --out PREFIX [--bench-back] [--threads N]\n";
    return 2;
  }
  const fixtures::FixtureSet set = fixtures::load_manifest(set_dir);
  std::vector<Item> items;
  for (const auto& p : set.persons)
    if (p.enrollment) items.push_back({"enroll:" + p.id, p.id, "enrollment", p.enrollment->path, 0, false});
  for (const auto& pr : set.presentations) {
    if (pr.tags.qr) continue;
    const std::string group = pr.derived_from ? pr.derived_from->kind : "original";
    if (group == "original" && pr.tags.light != fixtures::Light::normal) continue;
    const int step = pr.frames.size() > 1 ? 3 : 1;
    for (std::size_t f = 0; f < pr.frames.size(); f += static_cast<std::size_t>(step))
      items.push_back({pr.id, pr.person, group, pr.frames[f].path, static_cast<int>(f), false});
    if (bench_back && group == "original")
      items.push_back({pr.id, pr.person, "bench-back", pr.frames[0].path, 0, true});
  }
  std::cerr << items.size() << " images\n";
  const fixtures::FaceModels models = fixtures::find_face_models();
  std::vector<std::vector<float>> emb(items.size());
  std::vector<std::vector<std::uint8_t>> grey(items.size());
  std::vector<bool> found(items.size(), false);
  std::atomic<std::size_t> next{0};
  const Scene scene;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      auto det = fixtures::open_yunet_detector(models.yunet, 0.7F);
      fixtures::FaceEmbedder embedder(models.embedder);
      for (std::size_t k; (k = next++) < items.size();) {
        emb[k].assign(static_cast<std::size_t>(kCrops) * fixtures::kEmbeddingSize, 0.0F);
        grey[k].assign(112 * 112, 0);
        cv::Mat img = cv::imread((set_dir / items[k].path).string(), cv::IMREAD_COLOR);
        if (img.empty()) continue;
        // the rig's back light, with devsim_face_conditions' seed rule
        if (items[k].back) img = scene.render(img, BenchLight{0.0, 1.0, 1.0}, 1000 + k);
        const auto faces = det->detect(img);
        if (faces.empty()) continue;
        found[k] = true;
        const auto& f = faces.front();
        const cv::Mat face = fixtures::align_face(img, f.landmarks);
        const cv::Mat eyes = align_eyes(img, f.right_eye(), f.left_eye(), 1.0, 0.0);
        const std::vector<cv::Mat> crops = {face,
                                            flip(face),
                                            cover(eyes, 0.4),
                                            flip(cover(eyes, 0.4)),
                                            cover(align_eyes(img, f.right_eye(), f.left_eye(), 0.92, 0), 0.4, 0.92),
                                            cover(align_eyes(img, f.right_eye(), f.left_eye(), 1.08, 0), 0.4, 1.08),
                                            cover(align_eyes(img, f.right_eye(), f.left_eye(), 1.0, -3), 0.4, 1.0, -3),
                                            cover(align_eyes(img, f.right_eye(), f.left_eye(), 1.0, 3), 0.4, 1.0, 3),
                                            cover(eyes, 0.3),
                                            cover(eyes, 0.5),
                                            eyes,
                                            cover(face, 0.4)};
        for (int c = 0; c < kCrops; ++c) {
          const auto e = embedder.embed_aligned(crops[static_cast<std::size_t>(c)]);
          std::copy(e.begin(), e.end(), emb[k].begin() + static_cast<long>(c) * fixtures::kEmbeddingSize);
        }
        cv::Mat g;
        cv::cvtColor(eyes, g, cv::COLOR_BGR2GRAY);
        std::copy(g.datastart, g.dataend, grey[k].begin());
      }
    });
  for (auto& th : pool) th.join();
  std::ofstream idx(out.string() + ".jsonl"), f32(out.string() + ".f32", std::ios::binary),
      u8(out.string() + ".u8", std::ios::binary);
  for (std::size_t k = 0; k < items.size(); ++k) {
    idx << Json{{"presentation", items[k].presentation}, {"person", items[k].person}, {"group", items[k].group},
                {"frame", items[k].frame}, {"found", static_cast<bool>(found[k])}}
               .dump()
        << "\n";
    f32.write(reinterpret_cast<const char*>(emb[k].data()), static_cast<std::streamsize>(emb[k].size() * sizeof(float)));
    u8.write(reinterpret_cast<const char*>(grey[k].data()), static_cast<std::streamsize>(grey[k].size()));
  }
  std::cerr << "crops:";
  for (const char* n : kCropNames) std::cerr << " " << n;
  std::cerr << "\n";
  return 0;
}
