// The `classic` engine: Haar cascade (opencv-data) + LBPH (OpenCV contrib). LBPH keeps one
// histogram set per sample (8x8 cells × 256 bins = 64 KiB of doubles) and predicts by a linear
// chi-square scan, so memory and time grow with the gallery: it is meant for up to about 1,000
// persons (README.md). The gallery file stores each person's 64x64 grey crop; LBPH is retrained
// from them on start and after removals.
#include <opencv2/face.hpp>
#include <opencv2/imgproc.hpp>

#include <mutex>

#include "fixtures/face/align.hpp"
#include "simulator/device/face/engines.hpp"
#include "simulator/device/face/frame_checks.hpp"
#include "simulator/device/face/gallery_file.hpp"

namespace gaterig::device {
namespace {

constexpr int kCrop = 64;

class ClassicEngine final : public FaceEngine {
 public:
  ClassicEngine(const FaceEngineConfig& c, const fixtures::FaceModels& m, const std::filesystem::path& data_dir)
      : config_(c), detector_(fixtures::open_haar_detector()), file_(data_dir.empty() ? data_dir : data_dir / kClassicGalleryFileName) {
    if (!m.liveness.empty()) liveness_ = std::make_unique<LivenessModel>(m.liveness);
    std::error_code ec;
    if (!file_.empty() && std::filesystem::exists(file_, ec)) {
      GalleryFileContents g = read_gallery_file(file_);
      if (g.dim != kCrop * kCrop) throw GalleryFileError(file_, "rows of " + std::to_string(g.dim) + " values, expected 64x64 crops");
      for (std::size_t i = 0; i < g.ids.size(); ++i) {
        cv::Mat crop(kCrop, kCrop, CV_32F, g.rows.data() + i * static_cast<std::size_t>(g.dim));
        cv::Mat u8;
        crop.convertTo(u8, CV_8U);
        persons_.push_back(g.ids[i]);
        crops_.push_back(u8);
      }
      retrain();
    }
  }

  ~ClassicEngine() override {
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

  std::string name() const override { return "classic"; }
  const FaceEngineConfig& config() const override { return config_; }
  void reconfigure(const FaceEngineConfig& c) override {
    std::lock_guard lock(mu_);
    config_ = c;
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
    const auto it = std::find(persons_.begin(), persons_.end(), person);
    if (it == persons_.end() && persons_.size() >= config_.capacity) {
      r.status = EnrollStatus::store_full;
      r.reason = "face store full: " + std::to_string(persons_.size()) + " of " + std::to_string(config_.capacity) + " persons enrolled";
      return r;
    }
    const cv::Mat c = crop(bgr, face);
    if (it != persons_.end()) {
      crops_[static_cast<std::size_t>(it - persons_.begin())] = c;
      r.status = EnrollStatus::replaced;
      retrain();
    } else {
      persons_.push_back(person);
      crops_.push_back(c);
      if (trained_) model_->update(std::vector<cv::Mat>{c}, std::vector<int>{static_cast<int>(persons_.size() - 1)});
      else retrain();
    }
    persist();
    return r;
  }

  bool remove(const std::string& person) override {
    std::lock_guard lock(mu_);
    const auto it = std::find(persons_.begin(), persons_.end(), person);
    if (it == persons_.end()) return false;
    const auto i = it - persons_.begin();
    persons_.erase(it);
    crops_.erase(crops_.begin() + i);
    retrain();
    persist();
    return true;
  }
  std::size_t enrolled() const override {
    std::lock_guard lock(mu_);
    return persons_.size();
  }
  bool is_enrolled(const std::string& person) const override {
    std::lock_guard lock(mu_);
    return std::find(persons_.begin(), persons_.end(), person) != persons_.end();
  }

  FrameAnalysis analyse(const cv::Mat& frame) override {
    const auto start = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    FrameAnalysis a;
    if (!frame.empty()) {
      const auto face = check_frame(frame, detector_->detect(frame), config_, liveness_.get(), a);
      if (face && trained_) {
        // LBPH gives the nearest only; the runner-up comes from a second pass with a collector.
        const cv::Ptr<cv::face::StandardCollector> col = cv::face::StandardCollector::create();
        model_->predict(crop(frame, *face), col);
        auto results = col->getResults(/*sorted=*/true);
        auto score = [&](double d) { return static_cast<float>(1.0 - d / config_.lbph_max_distance); };
        if (!results.empty()) a.best = Match{persons_[static_cast<std::size_t>(results[0].first)], score(results[0].second)};
        if (results.size() > 1) a.runner_up = Match{persons_[static_cast<std::size_t>(results[1].first)], score(results[1].second)};
        a.matched = !results.empty() && results[0].second <= config_.lbph_max_distance;
      }
    }
    a.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return a;
  }

 private:
  static cv::Mat crop(const cv::Mat& bgr, const fixtures::DetectedFace& face) {
    cv::Mat aligned = fixtures::align_face(bgr.channels() == 3 ? bgr : [&] { cv::Mat c; cv::cvtColor(bgr, c, cv::COLOR_GRAY2BGR); return c; }(),
                                           face.landmarks);
    cv::Mat grey, small;
    cv::cvtColor(aligned, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey(cv::Rect(16, 24, 80, 80)), small, cv::Size(kCrop, kCrop), 0, 0, cv::INTER_AREA);
    cv::equalizeHist(small, small);
    return small;
  }

  void retrain() {
    model_ = cv::face::LBPHFaceRecognizer::create(1, 8, 8, 8);
    trained_ = !crops_.empty();
    if (!trained_) return;
    std::vector<int> labels(crops_.size());
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>(i);
    model_->train(crops_, labels);
  }

  void persist() {
    dirty_ = true;
    if (std::chrono::steady_clock::now() - saved_ >= std::chrono::seconds(1)) save_now();
  }
  bool dirty_ = false;
  std::chrono::steady_clock::time_point saved_{};
  void save_now() {
    if (file_.empty() || !dirty_) return;
    dirty_ = false;
    saved_ = std::chrono::steady_clock::now();
    std::vector<float> rows;
    rows.reserve(crops_.size() * kCrop * kCrop);
    for (const auto& c : crops_)
      for (int y = 0; y < kCrop; ++y)
        for (int x = 0; x < kCrop; ++x) rows.push_back(c.at<uchar>(y, x));
    write_gallery_file(file_, kCrop * kCrop, persons_, rows);
  }

  mutable std::mutex mu_;
  FaceEngineConfig config_;
  std::unique_ptr<fixtures::FaceDetector> detector_;
  std::unique_ptr<LivenessModel> liveness_;
  cv::Ptr<cv::face::LBPHFaceRecognizer> model_;
  bool trained_ = false;
  std::vector<std::string> persons_;
  std::vector<cv::Mat> crops_;
  std::filesystem::path file_;
};

}  // namespace

std::unique_ptr<FaceEngine> open_classic_engine(const FaceEngineConfig& c, const fixtures::FaceModels& m,
                                                const std::filesystem::path& data_dir) {
  return std::make_unique<ClassicEngine>(c, m, data_dir);
}

}  // namespace gaterig::device
