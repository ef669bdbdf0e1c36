// The QR code rules (JX-A.17) and the OTA firmware store (JX-A.13), without a terminal around them.
#include <gtest/gtest.h>

#include <fstream>

#include "core/crypto.hpp"
#include "fixtures/variants/qr_payload.hpp"
#include "simulator/device/firmware_store.hpp"
#include "simulator/device/qr_pass.hpp"

namespace gaterig::device {
namespace {

std::string signed_code(const std::string& body) {
  return body + ";check=" + crypto::sha256_hex(body).substr(0, 8);
}

TEST(QrCode, TheFixturesCodeIsReadAndAGreenOneAdmits) {
  const QrCode c = read_qr_code(fixtures::qr_health_payload(123456, "green"));
  ASSERT_TRUE(c.valid) << c.problem;
  EXPECT_EQ(c.person, "123456");
  EXPECT_EQ(c.status, "green");
  EXPECT_FALSE(c.card);
  EXPECT_EQ(decide_qr(c, wall_now()).verdict, QrVerdict::admit);
}

TEST(QrCode, YellowRedCorruptedAndExpiredCodesAreRefused) {
  EXPECT_EQ(decide_qr(read_qr_code(fixtures::qr_health_payload(1, "red")), wall_now()).why, "status-red");
  EXPECT_EQ(decide_qr(read_qr_code(fixtures::qr_health_payload(1, "yellow")), wall_now()).why, "status-yellow");
  std::string bad = fixtures::qr_health_payload(1, "green");
  bad.back() = bad.back() == '0' ? '1' : '0';
  EXPECT_EQ(decide_qr(read_qr_code(bad), wall_now()).why, "invalid");
  EXPECT_EQ(decide_qr(read_qr_code("GRQR1;id=1;st"), wall_now()).why, "invalid");
  EXPECT_EQ(decide_qr(read_qr_code("https://example.org"), wall_now()).why, "invalid");
  const QrCode old = read_qr_code(signed_code("GRQR1;id=7;status=green;card=321;until=20200101000000"));
  ASSERT_TRUE(old.valid) << old.problem;
  EXPECT_EQ(old.card, 321u);
  EXPECT_EQ(decide_qr(old, wall_now()).why, "expired");
  const QrCode later = read_qr_code(signed_code("GRQR1;id=7;status=green;until=20991231235959"));
  EXPECT_EQ(decide_qr(later, wall_now()).verdict, QrVerdict::admit);
  EXPECT_FALSE(read_qr_code(signed_code("GRQR1;id=7;status=green;card=70000")).valid);
}

struct ScratchDir {
  ScratchDir() : path(std::filesystem::temp_directory_path() / ("devsim-fw-" + crypto::sha256_hex(crypto::random_bytes(8)).substr(0, 12))) {}
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

TEST(FirmwareStore, AVerifiedImageIsInstalledAtTheNextStartAndABadHashIsRefused) {
  ScratchDir dir;
  FirmwareStore store(dir.path);
  const std::string image = "firmware image 0.2.0 \x01\x02";
  EXPECT_THROW(store.stage(image, crypto::sha256_hex("something else"), "0.2.0"), std::invalid_argument);
  EXPECT_THROW(store.stage(image, "xyz", "0.2.0"), std::invalid_argument);
  EXPECT_FALSE(store.staged());
  const FirmwareImage f = store.stage(image, crypto::sha256_hex(image), "0.2.0");
  EXPECT_EQ(f.bytes, image.size());
  EXPECT_FALSE(store.active());  // not before a start
  FirmwareStore next_start(dir.path);
  const auto installed = next_start.install_staged();
  ASSERT_TRUE(installed);
  EXPECT_EQ(installed->version, "0.2.0");
  EXPECT_EQ(next_start.active()->sha256, crypto::sha256_hex(image));
  EXPECT_FALSE(next_start.staged());
  EXPECT_FALSE(next_start.install_staged());
}

TEST(FirmwareStore, AStagedImageDamagedOnDiskIsDiscardedAndTheActiveOneStays) {
  ScratchDir dir;
  FirmwareStore store(dir.path);
  const std::string v1 = "v1", v2 = "v2-image";
  store.stage(v1, crypto::sha256_hex(v1), "1");
  store.install_staged();
  store.stage(v2, crypto::sha256_hex(v2), "2");
  std::ofstream(dir.path / "firmware" / "staged.bin", std::ios::trunc) << "tampered";
  EXPECT_THROW(store.install_staged(), std::runtime_error);
  EXPECT_EQ(store.active()->version, "1");
  EXPECT_FALSE(store.staged());
}

}  // namespace
}  // namespace gaterig::device
