#include "simulator/device/qr_pass.hpp"

#include <opencv2/imgproc.hpp>
#ifdef GATERIG_HAVE_WECHAT_QRCODE
#include <opencv2/wechat_qrcode.hpp>
#endif

#include "fixtures/variants/qr_payload.hpp"

namespace gaterig::device {

QrCode read_qr_code(const std::string& text, UtcOffset offset) {
  QrCode c;
  c.text = text;
  if (!fixtures::qr_payload_valid(text)) {
    c.problem = text.rfind("GRQR1;", 0) == 0 ? "checksum does not match" : "not a GRQR1 code";
    return c;
  }
  const std::string body = text.substr(0, text.rfind(";check="));
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = std::min(body.find(';', start), body.size());
    const std::string field = body.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = field.find('=');
    if (eq == std::string::npos) continue;  // "GRQR1"
    const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
    if (key == "id") c.person = value;
    else if (key == "status") c.status = value;
    else if (key == "card") {
      try {
        std::size_t used = 0;
        const unsigned long n = std::stoul(value, &used);
        if (used != value.size() || n > 65535) throw std::out_of_range(value);
        c.card = static_cast<std::uint32_t>(n);
      } catch (const std::exception&) {
        c.problem = "card '" + value + "': expected 0..65535";
        return c;
      }
    } else if (key == "until") {
      c.until = parse_civil(value, offset, "yyyyMMddHHmmss");
      if (!c.until) {
        c.problem = "until '" + value + "': expected yyyyMMddHHmmss";
        return c;
      }
    }
  }
  if (c.person.empty() || c.status.empty()) {
    c.problem = "id or status missing";
    return c;
  }
  c.valid = true;
  return c;
}

QrDecision decide_qr(const QrCode& code, WallNs now) {
  if (!code.valid) return {QrVerdict::refuse, "invalid"};
  if (code.status != "green") return {QrVerdict::refuse, "status-" + code.status};
  if (code.until && *code.until < now) return {QrVerdict::refuse, "expired"};
  return {QrVerdict::admit, "valid"};
}

#ifdef GATERIG_HAVE_WECHAT_QRCODE
struct QrScanner::Decoder {
  cv::wechat_qrcode::WeChatQRCode wechat;  // its classic detector: no CNN model files needed
};
const char* QrScanner::decoder() { return "wechat_qrcode"; }
#else
struct QrScanner::Decoder {
  cv::QRCodeDetector detector;
};
const char* QrScanner::decoder() { return "QRCodeDetector"; }
#endif

QrScanner::QrScanner() : decoder_(std::make_unique<Decoder>()) {}
QrScanner::~QrScanner() = default;

std::optional<std::string> QrScanner::scan(const cv::Mat& bgr) {
  if (bgr.empty()) return std::nullopt;
  cv::Mat grey, small;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  const double scale = std::min(1.0, 320.0 / std::max(grey.cols, grey.rows) * 1.5);
  cv::resize(grey, small, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::Scalar mean, spread;
  cv::meanStdDev(small, mean, spread);
  if (spread[0] < 8) return std::nullopt;  // a flat frame: nothing to read
  std::vector<cv::Point> corners;
  if (!finder_.detect(small, corners)) return std::nullopt;
#ifdef GATERIG_HAVE_WECHAT_QRCODE
  const std::vector<std::string> texts = decoder_->wechat.detectAndDecode(bgr);
  if (texts.empty() || texts.front().empty()) return std::nullopt;
  return texts.front();
#else
  const std::string text = decoder_->detector.detectAndDecode(grey);
  if (text.empty()) return std::nullopt;
  return text;
#endif
}

}  // namespace gaterig::device
