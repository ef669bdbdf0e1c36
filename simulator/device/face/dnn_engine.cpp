// The `dnn` engine: YuNet, fr_feature.onnx, the Gallery.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <opencv2/imgproc.hpp>

#include "core/crypto.hpp"
#include "fixtures/face/align.hpp"
#include "fixtures/face/embedder.hpp"
#include "simulator/device/face/engines.hpp"
#include "simulator/device/face/face_crop.hpp"
#include "simulator/device/face/frame_checks.hpp"
#include "simulator/device/face/gallery.hpp"

namespace gaterig::device {
namespace {

// One detector and one embedder: cv::dnn nets are not thread-safe, so each enrollment thread
// has its own pair.
struct Pipeline {
  std::unique_ptr<fixtures::FaceDetector> detector;
  fixtures::FaceEmbedder embedder;
  Pipeline(const fixtures::FaceModels& m, float threshold)
      : detector(fixtures::open_yunet_detector(m.yunet, threshold)), embedder(m.embedder) {}
};

// A detected face as the embedder sees it: the frame in BGR and the 5-point aligned crop (light
// normalised when the config asks), and its whole-face embedding.
struct FaceView {
  cv::Mat bgr, aligned;
  fixtures::Embedding face;
  bool light_normalised = false;
};

FaceView view_face(fixtures::FaceEmbedder& embedder, const cv::Mat& image, const fixtures::DetectedFace& face,
                   const FaceEngineConfig& c) {
  const bool normalise = c.normalise_light;
  FaceView v;
  v.bgr = image;
  if (image.channels() == 1) cv::cvtColor(image, v.bgr, cv::COLOR_GRAY2BGR);
  else if (image.channels() == 4) cv::cvtColor(image, v.bgr, cv::COLOR_BGRA2BGR);
  cv::Mat aligned = fixtures::align_face(v.bgr, face.landmarks);
  const double gain = c.dark_face_level > 0 ? dark_face_gain(aligned, c.dark_face_level, c.dark_face_target) : 1.0;
  if (gain != 1.0 && bright_surround(v.bgr) >= 0.5) {
    cv::Mat lit;
    v.bgr.convertTo(lit, -1, gain);  // the whole frame: the upper-face crops are cut from it too
    v.bgr = lit;
    aligned = fixtures::align_face(v.bgr, face.landmarks);
    v.light_normalised = true;
  }
  v.aligned = normalise ? normalise_light(aligned) : aligned;
  v.light_normalised = v.light_normalised || v.aligned.data != aligned.data;
  v.face = embedder.embed_aligned(v.aligned);
  return v;
}

// The upper-face template (face_crop.hpp): the average of the upper-face crops' embeddings.
fixtures::Embedding upper_face_template(fixtures::FaceEmbedder& embedder, const FaceView& v, const fixtures::DetectedFace& face,
                                        bool normalise) {
  std::vector<float> sum(static_cast<std::size_t>(fixtures::kEmbeddingSize), 0.0F);
  for (const cv::Mat& crop : upper_face_crops(v.bgr, face.right_eye(), face.left_eye(), normalise)) {
    const fixtures::Embedding e = embedder.embed_aligned(crop);
    for (std::size_t k = 0; k < sum.size() && k < e.size(); ++k) sum[k] += e[k];
  }
  double norm = 0;
  for (float x : sum) norm += static_cast<double>(x) * x;
  if (norm > 0)
    for (float& x : sum) x = static_cast<float>(x / std::sqrt(norm));
  return sum;
}

// The occlusion cue: how little the whole-face embedding moves when the terminal's own cover hides
// the lower face. Masked faces 0.66-0.94, uncovered faces (every other ORL presentation, whatever
// the light) up to 0.67 (README.md): colour-blind, unlike the mask cue's ΔE.
double occlusion_of(fixtures::FaceEmbedder& embedder, const FaceView& v) {
  return fixtures::FaceEmbedder::similarity(v.face, embedder.embed_aligned(cover_lower_face(v.aligned)));
}

// An enrollment photo made ready for the gallery (no gallery state touched).
struct Prepared {
  EnrollResult result;
  fixtures::Embedding face, periocular;
};

Prepared prepare_enrollment(fixtures::FaceDetector& detector, fixtures::FaceEmbedder& embedder, const cv::Mat& bgr,
                            const FaceEngineConfig& c) {
  // The photo is detected and embedded at the size it came in, like a camera frame: enrolling
  // from a resized copy (tried: a 256x256 photo brought to 320 instead of the detector's 512)
  // was faster but moved genuine scores down and impostor scores up (README.md).
  Prepared out;
  fixtures::DetectedFace face;
  out.result = check_enrollment_faces(detector.detect(bgr), c, face);
  if (out.result.ok()) {
    const FaceView v = view_face(embedder, bgr, face, c);
    out.face = v.face;
    out.periocular = upper_face_template(embedder, v, face, c.normalise_light);
  }
  return out;
}

class DnnEngine final : public FaceEngine {
 public:
  DnnEngine(const FaceEngineConfig& c, const fixtures::FaceModels& m, const std::filesystem::path& data_dir)
      : config_(c),
        models_(m),
        detector_(fixtures::open_yunet_detector(m.yunet, c.detector_threshold)),
        embedder_(m.embedder),
        gallery_(fixtures::kEmbeddingSize, c.capacity),
        periocular_(fixtures::kEmbeddingSize, c.capacity),
        file_(data_dir.empty() ? data_dir : data_dir / kGalleryFileName),
        periocular_file_(data_dir.empty() ? data_dir : data_dir / kPeriocularGalleryFileName) {
    if (!m.liveness.empty()) liveness_ = std::make_unique<LivenessModel>(m.liveness);
    std::error_code ec;
    if (!file_.empty() && std::filesystem::exists(file_, ec)) gallery_ = Gallery::load(file_, c.capacity);
    // A data dir from before the periocular gallery has none: those persons are matched on the
    // whole face only until they are enrolled again (a changed photo, or an emptied data dir).
    if (!periocular_file_.empty() && std::filesystem::exists(periocular_file_, ec))
      periocular_ = Gallery::load(periocular_file_, c.capacity);
  }

  ~DnnEngine() override {
    try {
      save_now();
    } catch (const std::exception&) {
      // a destructor must not throw; the platform re-syncs what was not saved
    }
  }
  void flush() override {
    std::lock_guard lock(mu_);
    save_now();
  }

  std::string name() const override { return "dnn"; }
  const FaceEngineConfig& config() const override { return config_; }
  void reconfigure(const FaceEngineConfig& c) override {
    std::lock_guard lock(mu_);
    config_ = c;
    gallery_.set_capacity(c.capacity);
    periocular_.set_capacity(c.capacity);
    std::lock_guard cache_lock(cache_mu_);
    template_cache_.clear();  // made under the settings before
    ++cache_generation_;
  }

  EnrollResult enroll(const std::string& person, std::span<const std::uint8_t> photo) override {
    cv::Mat bgr;
    EnrollResult r = decode_photo(photo, bgr);
    if (!r.ok()) return r;
    return enroll_image(person, bgr);
  }

  EnrollResult enroll_image(const std::string& person, const cv::Mat& bgr) override {
    std::lock_guard lock(mu_);
    return commit_locked(person, prepare_enrollment(*detector_, embedder_, bgr, config_));
  }

  std::vector<EnrollResult> enroll_batch(std::span<const EnrollItem> items) override {
    std::vector<Prepared> prepared(items.size());
    FaceEngineConfig c;
    std::uint64_t generation = 0;
    {
      std::lock_guard lock(mu_);
      c = config_;
      std::lock_guard cache_lock(cache_mu_);
      generation = cache_generation_;
    }
    const auto work = [&](Pipeline& pipe, std::atomic<std::size_t>& next) {
      for (std::size_t k; (k = next++) < items.size();) {
        // The same photo gives the same templates: one met before (a re-enrolled worker, a
        // capacity test cycling a set's photos over thousands of workers) skips decode, detection
        // and embedding. Keyed by the bytes' SHA-256; emptied when the settings change.
        const std::string key = crypto::sha256_hex(
            std::string_view(reinterpret_cast<const char*>(items[k].photo.data()), items[k].photo.size()));
        {
          std::lock_guard cache_lock(cache_mu_);
          if (const auto it = template_cache_.find(key); it != template_cache_.end()) {
            prepared[k] = it->second;
            continue;
          }
        }
        cv::Mat bgr;
        prepared[k].result = decode_photo(items[k].photo, bgr);
        if (prepared[k].result.ok()) prepared[k] = prepare_enrollment(*pipe.detector, pipe.embedder, bgr, c);
        std::lock_guard cache_lock(cache_mu_);
        if (generation == cache_generation_ && template_cache_.size() < kTemplateCacheSize)
          template_cache_.emplace(key, prepared[k]);
      }
    };
    {
      // Decoding, detection and embedding run outside the engine's lock: frames are analysed
      // meanwhile. The pipelines are the batch's own (the engine's pair serves analyse()).
      std::lock_guard batch_lock(batch_mu_);
      const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, c.enroll_threads)), items.size());
      while (pipelines_.size() < threads) pipelines_.push_back(std::make_unique<Pipeline>(models_, c.detector_threshold));
      std::atomic<std::size_t> next{0};
      std::vector<std::thread> pool;
      for (std::size_t t = 1; t < threads; ++t) pool.emplace_back([&, t] { work(*pipelines_[t], next); });
      if (threads > 0) work(*pipelines_[0], next);
      for (auto& th : pool) th.join();
    }
    std::vector<EnrollResult> out;
    out.reserve(items.size());
    std::lock_guard lock(mu_);
    for (std::size_t k = 0; k < items.size(); ++k) out.push_back(commit_locked(items[k].person, std::move(prepared[k])));
    return out;
  }

  bool remove(const std::string& person) override {
    std::lock_guard lock(mu_);
    const bool removed = gallery_.remove(person);
    periocular_.remove(person);
    centred_dirty_ = true;
    if (removed) persist();
    return removed;
  }
  std::size_t enrolled() const override {
    std::lock_guard lock(mu_);
    return gallery_.size();
  }
  bool is_enrolled(const std::string& person) const override {
    std::lock_guard lock(mu_);
    return gallery_.contains(person);
  }

  FrameAnalysis analyse(const cv::Mat& frame) override {
    const auto start = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    FrameAnalysis a;
    if (!frame.empty()) {
      const auto face = check_frame(frame, detector_->detect(frame), config_, liveness_.get(), a);
      if (face) match_locked(frame, *face, a);
    }
    a.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return a;
  }

 private:
  // The whole face first; when it does not match and the face looks covered (the mask cue, or
  // the occlusion cue; with periocular_always, whatever it looks like), the upper face against the
  // periocular gallery (search_periocular_locked). A degraded profile's ceiling caps both thresholds.
  void match_locked(const cv::Mat& frame, const fixtures::DetectedFace& face, FrameAnalysis& a) {
    const FaceEngineConfig& c = config_;
    const FaceView v = view_face(embedder_, frame, face, c);
    a.light_normalised = v.light_normalised;
    const GallerySearch s = gallery_.search(v.face);
    if (s.best) a.best = Match{s.best->person, s.best->similarity};
    if (s.runner_up) a.runner_up = Match{s.runner_up->person, s.runner_up->similarity};
    a.matched = s.best && s.best->similarity >= std::min(c.match_threshold, c.match_threshold_ceiling);
    if (a.matched) a.matched_on = "face";
    const bool searchable = c.match_periocular && c.match_masked && periocular_.size() >= kMinPeriocularGallery;
    if (periocular_.size() < kMinPeriocularGallery || (!c.periocular_measure && (a.matched || !searchable))) return;
    a.occlusion = occlusion_of(embedder_, v);
    const bool covered = c.periocular_always || (a.mask.checked && a.mask.present) || a.occlusion >= c.periocular_occlusion_min;
    if (!c.periocular_measure && !covered) return;
    const UpperFaceSearch p = search_periocular_locked(upper_face_template(embedder_, v, face, c.normalise_light), v.face);
    if (p.best) a.periocular = Match{p.best->person, p.decision};
    if (a.matched || !searchable || !covered || !p.best) return;
    // The loose profile's ceiling is a cosine; the decision score is not one (it reaches ~1.9), so
    // only a ceiling actually set (below 1) caps it: the default 1.0 would silently lower 1.05.
    const double ceiling = c.match_threshold_ceiling < 1.0 ? c.match_threshold_ceiling : c.periocular_threshold;
    if (p.decision >= std::min(c.periocular_threshold, ceiling)) {
      a.best = a.periocular;
      a.runner_up = p.runner_up ? std::optional<Match>(Match{p.runner_up->person, p.runner_up->similarity}) : std::nullopt;
      a.matched = true;
      a.matched_on = "periocular";
    }
  }

  // Upper faces with the mid-grey cover all look alike to the embedder (raw cosine of different
  // persons 0.4-0.8): what they share is taken out by centring on the gallery's mean upper face,
  // which needs enough persons to be a mean (below kMinPeriocularGallery masked faces are matched
  // on the whole face only). The centred copy is rebuilt after enrollment changes, on first use.
  // Each person's score is the centred upper-face cosine plus periocular_face_weight x the whole
  // face's cosine (a masked face still keeps its brow, eyes and head outline there); the decision
  // adds periocular_margin_weight x (best - runner-up): a covered face close to several persons is
  // a generic one, not theirs.
  static constexpr std::size_t kMinPeriocularGallery = 5;
  struct UpperFaceSearch {
    std::optional<GalleryHit> best, runner_up;  // by fused score
    float decision = 0;
  };
  UpperFaceSearch search_periocular_locked(const fixtures::Embedding& probe, const fixtures::Embedding& face) {
    const int dim = periocular_.dim();
    if (centred_dirty_) {
      mean_.assign(static_cast<std::size_t>(dim), 0.0F);
      for (std::size_t i = 0; i < periocular_.size(); ++i) {
        const auto r = periocular_.row(i);
        for (int k = 0; k < dim; ++k) mean_[static_cast<std::size_t>(k)] += r[static_cast<std::size_t>(k)];
      }
      for (float& v : mean_) v /= static_cast<float>(periocular_.size());
      centred_ = Gallery(dim, periocular_.size());
      face_row_.clear();
      std::vector<float> row(static_cast<std::size_t>(dim));
      for (std::size_t i = 0; i < periocular_.size(); ++i) {
        const auto r = periocular_.row(i);
        for (int k = 0; k < dim; ++k) row[static_cast<std::size_t>(k)] = r[static_cast<std::size_t>(k)] - mean_[static_cast<std::size_t>(k)];
        centred_.add(periocular_.persons()[i], row);
        face_row_.push_back(gallery_.index_of(periocular_.persons()[i]));
      }
      centred_dirty_ = false;
    }
    std::vector<float> x(probe.begin(), probe.end());
    for (int k = 0; k < dim; ++k) x[static_cast<std::size_t>(k)] -= mean_[static_cast<std::size_t>(k)];
    std::vector<float> fused = centred_.scores(x);
    const std::vector<float> whole = gallery_.scores(face);
    const auto w = static_cast<float>(config_.periocular_face_weight);
    for (std::size_t i = 0; i < fused.size(); ++i)
      if (face_row_[i] && *face_row_[i] < whole.size()) fused[i] += w * whole[*face_row_[i]];
    UpperFaceSearch out;
    std::size_t bi = fused.size(), si = fused.size();
    for (std::size_t i = 0; i < fused.size(); ++i) {
      if (bi == fused.size() || fused[i] > fused[bi]) si = bi, bi = i;
      else if (si == fused.size() || fused[i] > fused[si]) si = i;
    }
    if (bi == fused.size()) return out;
    out.best = GalleryHit{centred_.persons()[bi], fused[bi]};
    float margin = 0;
    if (si != fused.size()) {
      out.runner_up = GalleryHit{centred_.persons()[si], fused[si]};
      margin = fused[bi] - fused[si];
    }
    out.decision = fused[bi] + static_cast<float>(config_.periocular_margin_weight) * margin;
    return out;
  }

  bool room_for_locked(const std::string& person) const {
    return gallery_.contains(person) || gallery_.size() < gallery_.capacity();
  }
  EnrollResult store_full_locked() const {
    EnrollResult r;
    r.status = EnrollStatus::store_full;
    r.reason = "face store full: " + std::to_string(gallery_.size()) + " of " + std::to_string(gallery_.capacity()) +
               " persons enrolled";
    return r;
  }
  EnrollResult commit_locked(const std::string& person, Prepared p) {
    if (!p.result.ok()) return p.result;
    if (!room_for_locked(person)) return store_full_locked();
    p.result.status =
        gallery_.add(person, p.face) == Gallery::AddResult::replaced ? EnrollStatus::replaced : EnrollStatus::enrolled;
    periocular_.add(person, p.periocular);
    centred_dirty_ = true;
    persist();
    return p.result;
  }

  void persist() {
    dirty_ = true;
    if (std::chrono::steady_clock::now() - saved_ >= std::chrono::seconds(1)) save_now();
  }
  void save_now() {
    if (file_.empty() || !dirty_) return;
    gallery_.save(file_);
    periocular_.save(periocular_file_);
    dirty_ = false;
    saved_ = std::chrono::steady_clock::now();
  }
  bool dirty_ = false;
  std::chrono::steady_clock::time_point saved_{};

  mutable std::mutex mu_;
  FaceEngineConfig config_;
  fixtures::FaceModels models_;
  std::mutex batch_mu_;  // one batch at a time owns pipelines_
  // Templates by photo (enroll_batch): ~4 KB each (face and upper face), 16 MB at most; when full,
  // nothing more is kept (a bulk enrollment of distinct photos gains nothing from it anyway)
  static constexpr std::size_t kTemplateCacheSize = 4096;
  std::mutex cache_mu_;  // taken after mu_ when both are held
  std::unordered_map<std::string, Prepared> template_cache_;
  std::uint64_t cache_generation_ = 0;  // reconfigure() counts up: a batch under older settings keeps its results out
  std::vector<std::unique_ptr<Pipeline>> pipelines_;
  std::unique_ptr<fixtures::FaceDetector> detector_;
  fixtures::FaceEmbedder embedder_;
  std::unique_ptr<LivenessModel> liveness_;
  Gallery gallery_;
  Gallery periocular_;  // the same persons' upper faces (face_crop.hpp), for masked faces
  Gallery centred_{fixtures::kEmbeddingSize, 1};  // periocular_ minus its mean (search_periocular_locked)
  std::vector<float> mean_;
  std::vector<std::optional<std::size_t>> face_row_;  // centred_ row -> gallery_ row of the same person
  bool centred_dirty_ = true;
  std::filesystem::path file_, periocular_file_;
};

}  // namespace

std::unique_ptr<FaceEngine> open_dnn_engine(const FaceEngineConfig& c, const fixtures::FaceModels& m,
                                            const std::filesystem::path& data_dir) {
  if (m.yunet.empty()) throw std::runtime_error("dnn face engine: YuNet model not found\n" + m.describe());
  if (m.embedder.empty()) throw std::runtime_error("dnn face engine: fr_feature.onnx not found\n" + m.describe());
  return std::make_unique<DnnEngine>(c, m, data_dir);
}

}  // namespace gaterig::device
