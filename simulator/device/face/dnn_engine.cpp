// The `dnn` engine: YuNet, fr_feature.onnx, the Gallery.
#include <mutex>

#include "fixtures/face/embedder.hpp"
#include "simulator/device/face/engines.hpp"
#include "simulator/device/face/frame_checks.hpp"
#include "simulator/device/face/gallery.hpp"

namespace gaterig::device {
namespace {

class DnnEngine final : public FaceEngine {
 public:
  DnnEngine(const FaceEngineConfig& c, const fixtures::FaceModels& m, const std::filesystem::path& data_dir)
      : config_(c),
        detector_(fixtures::open_yunet_detector(m.yunet, c.detector_threshold)),
        embedder_(m.embedder),
        gallery_(fixtures::kEmbeddingSize, c.capacity),
        file_(data_dir.empty() ? data_dir : data_dir / kGalleryFileName) {
    if (!m.liveness.empty()) liveness_ = std::make_unique<LivenessModel>(m.liveness);
    std::error_code ec;
    if (!file_.empty() && std::filesystem::exists(file_, ec)) gallery_ = Gallery::load(file_, c.capacity);
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
  }

  EnrollResult enroll(const std::string& person, std::span<const std::uint8_t> photo) override {
    cv::Mat bgr;
    EnrollResult r = decode_photo(photo, bgr);
    if (!r.ok()) return r;
    return enroll_image(person, bgr);
  }

  EnrollResult enroll_image(const std::string& person, const cv::Mat& bgr) override {
    std::lock_guard lock(mu_);
    fixtures::DetectedFace face;
    EnrollResult r = check_enrollment_faces(detector_->detect(bgr), config_, face);
    if (!r.ok()) return r;
    if (!gallery_.contains(person) && gallery_.size() >= gallery_.capacity()) {
      r.status = EnrollStatus::store_full;
      r.reason = "face store full: " + std::to_string(gallery_.size()) + " of " + std::to_string(gallery_.capacity()) + " persons enrolled";
      return r;
    }
    const fixtures::Embedding e = embedder_.embed(bgr, face);
    r.status = gallery_.add(person, e) == Gallery::AddResult::replaced ? EnrollStatus::replaced : EnrollStatus::enrolled;
    persist();
    return r;
  }

  bool remove(const std::string& person) override {
    std::lock_guard lock(mu_);
    const bool removed = gallery_.remove(person);
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
      if (face) {
        const GallerySearch s = gallery_.search(embedder_.embed(frame, *face));
        if (s.best) a.best = Match{s.best->person, s.best->similarity};
        if (s.runner_up) a.runner_up = Match{s.runner_up->person, s.runner_up->similarity};
        a.matched = s.best && s.best->similarity >= config_.match_threshold;
      }
    }
    a.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return a;
  }

 private:
  void persist() {
    dirty_ = true;
    if (std::chrono::steady_clock::now() - saved_ >= std::chrono::seconds(1)) save_now();
  }
  void save_now() {
    if (file_.empty() || !dirty_) return;
    gallery_.save(file_);
    dirty_ = false;
    saved_ = std::chrono::steady_clock::now();
  }
  bool dirty_ = false;
  std::chrono::steady_clock::time_point saved_{};

  mutable std::mutex mu_;
  FaceEngineConfig config_;
  std::unique_ptr<fixtures::FaceDetector> detector_;
  fixtures::FaceEmbedder embedder_;
  std::unique_ptr<LivenessModel> liveness_;
  Gallery gallery_;
  std::filesystem::path file_;
};

}  // namespace

std::unique_ptr<FaceEngine> open_dnn_engine(const FaceEngineConfig& c, const fixtures::FaceModels& m,
                                            const std::filesystem::path& data_dir) {
  if (m.yunet.empty()) throw std::runtime_error("dnn face engine: YuNet model not found\n" + m.describe());
  if (m.embedder.empty()) throw std::runtime_error("dnn face engine: fr_feature.onnx not found\n" + m.describe());
  return std::make_unique<DnnEngine>(c, m, data_dir);
}

}  // namespace gaterig::device
