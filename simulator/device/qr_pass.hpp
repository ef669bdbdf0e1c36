#pragma once
// JX-A.17: health and visitor QR codes held up to the terminal's camera.
//
// The codes are the fixtures' (fixtures/variants/qr_payload.hpp):
//   GRQR1;id=<person>;status=<green|yellow|red>[;card=<number>][;until=<yyyyMMddHHmmss>];check=<8 hex>
// The check (first 8 hex digits of SHA-256 of the text before ";check=") tells a whole code from a
// corrupted or truncated one. `card` and `until` are optional fields this terminal understands
// beyond the fixtures' form: the visitor card the code grants, and when it expires (UTC+8); the
// checksum covers them.
//
// What the terminal does with a code (what site terminals with a health-code reader do):
//   not a GRQR1 code, checksum wrong, unreadable   -> nothing (no Wiegand, no record)
//   status other than green, or expired             -> nothing (refused: the person may not enter)
//   valid and green                                 -> the gate opens: the code's card, else the
//                                                      configured visitor card, on Wiegand (never
//                                                      the card of an enrolled person: a code is a
//                                                      permit, not proof of who holds it)
//   ... and `id` is an enrolled worker's ID number  -> also a WorkerAttendance record with
//                                                      attendType = qr.attend_type ("qr"), so the
//                                                      passage is on file but not counted as a
//                                                      face-verified (real-name) attendance
//                                                      (Jiangxi 2022 item 6). Visitors get no record:
//                                                      the platform takes attendance of enrolled
//                                                      workers only.
// The same code is not acted on twice within the repeat window.
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include "core/clock.hpp"

namespace gaterig::device {

struct QrCode {
  std::string text;    // as decoded
  bool valid = false;  // GRQR1 form with a matching checksum
  std::string person;  // id=
  std::string status;  // status=
  std::optional<std::uint32_t> card;  // card=
  std::optional<WallNs> until;        // until=
  std::string problem;                // why not valid, or why a valid code is malformed
};

// Parses a decoded text; never throws (a bad code is a value with `problem`).
QrCode read_qr_code(const std::string& text, UtcOffset offset = UtcOffset::china());

enum class QrVerdict { admit, refuse };
struct QrDecision {
  QrVerdict verdict = QrVerdict::refuse;
  std::string why;  // "visitor", "worker", "invalid", "status-red", "expired", ...
};
// The rules above, except enrollment (the caller knows whether `person` is a worker).
QrDecision decide_qr(const QrCode& code, WallNs now);

// Finds and decodes a code in a camera frame; not thread-safe (the camera thread owns it).
// Cheap first: a flat frame (the rig's neutral grey) is skipped, and cv::QRCodeDetector looks for
// finder patterns at half size (a few ms); only then is the code decoded, by OpenCV contrib's
// WeChatQRCode where it is built (Debian's OpenCV has no QUIRC, so QRCodeDetector finds codes but
// cannot decode them), else by QRCodeDetector. Faces are decided before any of this is tried.
class QrScanner {
 public:
  QrScanner();
  ~QrScanner();
  QrScanner(const QrScanner&) = delete;
  QrScanner& operator=(const QrScanner&) = delete;
  // The decoded text of a code in view; nullopt when there is none (or it cannot be decoded).
  std::optional<std::string> scan(const cv::Mat& bgr);
  static const char* decoder();  // "wechat_qrcode" | "QRCodeDetector"

 private:
  cv::QRCodeDetector finder_;
  struct Decoder;
  std::unique_ptr<Decoder> decoder_;
};

}  // namespace gaterig::device
