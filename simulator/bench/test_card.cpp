#include "simulator/bench/test_card.hpp"

#include <string>

#include <opencv2/imgproc.hpp>

namespace gaterig {

cv::Mat test_card(cv::Size size, std::uint64_t frame) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(110, 110, 110));
  const cv::Point centre(size.width / 2, size.height * 45 / 100);
  cv::ellipse(img, centre, cv::Size(size.width * 14 / 100, size.height * 24 / 100), 0, 0, 360,
              cv::Scalar(150, 170, 200), cv::FILLED, cv::LINE_AA);
  const int patch = std::max(8, size.height / 12);
  cv::rectangle(img, cv::Rect(0, 0, patch, patch),
                frame % 2 ? cv::Scalar(255, 255, 255) : cv::Scalar(0, 0, 0), cv::FILLED);
  std::string label = "#";  // not "#" + to_string(): GCC 12 warns falsely (-Wrestrict) there
  label += std::to_string(frame);
  cv::putText(img, label, cv::Point(patch + 8, patch), cv::FONT_HERSHEY_SIMPLEX,
              0.6, cv::Scalar(230, 230, 230), 1, cv::LINE_AA);
  return img;
}

}  // namespace gaterig
