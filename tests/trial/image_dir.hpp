#pragma once
// A temporary folder with small PNG faces for the runner tests (removed at the end).
#include <filesystem>
#include <random>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace gaterig::trial::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("gaterig-trial-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  // Writes a 32x32 grey PNG named `name` and returns its file name.
  std::string image(const std::string& name, int grey = 128) const {
    cv::Mat m(32, 32, CV_8UC3, cv::Scalar(grey, grey, grey));
    cv::imwrite((path_ / name).string(), m);
    return name;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace gaterig::trial::test
