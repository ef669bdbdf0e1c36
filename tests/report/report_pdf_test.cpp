#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <regex>

#include "report_fixture.hpp"

namespace gaterig::report {
namespace {

namespace fs = std::filesystem;
using namespace testing;

bool have(const char* tool) { return run(std::string("command -v ") + tool + " >/dev/null") == 0; }

TEST(ReportPdf, HasPagesNumberedOfTotalAndEmbedsACjkFont) {
  if (!have("pdfinfo") || !have("pdffonts")) GTEST_SKIP() << "poppler-utils not installed (apt-get install poppler-utils)";
  const auto pdf = (built().compliant / "report.pdf").string();
  std::string info, fonts, text;
  ASSERT_EQ(run("pdfinfo " + pdf, &info), 0) << info;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)"))) << info;
  const int pages = std::stoi(m[1]);
  EXPECT_GE(pages, 5);
  EXPECT_TRUE(std::regex_search(info, std::regex("Page size:\\s+595.28 x 841.89 pts \\(A4\\)"))) << info;
  ASSERT_EQ(run("pdffonts " + pdf, &fonts), 0);
  EXPECT_NE(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
  ASSERT_EQ(run("pdftotext -enc UTF-8 " + pdf + " -", &text), 0);
  for (const char* s : {"检测报告", "Test report", "检测结论", "JX-A.9", "活体检测", "APCER", "Decision rule", "SHA-256"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  EXPECT_NE(text.find("page " + std::to_string(pages) + " of " + std::to_string(pages)), std::string::npos);
}

TEST(ReportPdf, RendersToPngWithRealContentOnEveryPageLookedAt) {
  if (!have("pdftoppm")) GTEST_SKIP() << "poppler-utils not installed (apt-get install poppler-utils)";
  const auto out = scratch("png");
  for (const auto& [name, dir] : {std::pair{"compliant", built().compliant}, std::pair{"degraded", built().degraded}}) {
    const auto prefix = (out / name).string();
    ASSERT_EQ(run("pdftoppm -r 60 -png -f 1 -l 4 " + (dir / "report.pdf").string() + " " + prefix), 0);
    std::size_t pages = 0;
    for (const auto& e : fs::directory_iterator(out)) {
      if (e.path().filename().string().rfind(name, 0) != 0) continue;
      ++pages;
      const cv::Mat img = cv::imread(e.path().string(), cv::IMREAD_GRAYSCALE);
      ASSERT_FALSE(img.empty()) << e.path();
      EXPECT_NEAR(img.cols, 496, 2);  // A4 at 60 dpi
      const double ink = static_cast<double>(cv::countNonZero(img < 200)) / static_cast<double>(img.total());
      EXPECT_GT(ink, 0.02) << e.path() << " is nearly blank";
      EXPECT_LT(ink, 0.5) << e.path() << " is nearly black";
    }
    EXPECT_EQ(pages, 4u);
  }
  // GATERIG_KEEP_REPORTS=1 keeps the PNGs (and the reports) for a person to look at.
  std::cout << "PNG pages in " << out << "\n";
}

}  // namespace
}  // namespace gaterig::report
