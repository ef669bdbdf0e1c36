// Known answers computed by hand from SPEC.md's rule, with Python (hashlib, cryptography):
//
//   python3 - <<'PY'
//   import hashlib, base64
//   from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
//   from cryptography.hazmat.primitives import padding
//   secret = "0123456789abcdefABCDEFGHIJKLMNOP"
//   s = ('appid=GateRigApp01&data={"projectCode":"P-001","pageIndex":0}&format=json'
//        '&method=Project.Query&nonce=N0nce42&timestamp=20240501083000&version=1.0&appsecret=' + secret)
//   print(hashlib.sha256(s.lower().encode()).hexdigest())
//   def enc(p):
//       pad = padding.PKCS7(128).padder(); d = pad.update(p.encode()) + pad.finalize()
//       c = Cipher(algorithms.AES(secret.encode()), modes.CBC(secret[:16].encode())).encryptor()
//       return base64.b64encode(c.update(d) + c.finalize()).decode()
//   print(enc("36010219900101123X")); print(enc("1"))
//   PY
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "simulator/device/national_signer.hpp"

namespace gaterig::device {
namespace {

const std::string kSecret = "0123456789abcdefABCDEFGHIJKLMNOP";

NationalRequest example() {
  NationalRequest r;
  r.appid = "GateRigApp01";
  r.data = R"({"projectCode":"P-001","pageIndex":0})";
  r.method = "Project.Query";
  r.nonce = "N0nce42";
  r.timestamp = "20240501083000";
  return r;
}

TEST(NationalSigner, SignMatchesTheHandComputedAnswer) {
  EXPECT_EQ(national_sign(example(), kSecret), "89f915f23a48738c3595bb91a95f79d1c5a7437cc1174c7c9c15b0c20b9b4dd1");
}

TEST(NationalSigner, SignInputIsLowercasedAlphabeticalWithTheSecretLast) {
  EXPECT_EQ(national_sign_input(example(), kSecret),
            R"(appid=gaterigapp01&data={"projectcode":"p-001","pageindex":0}&format=json&method=project.query)"
            "&nonce=n0nce42&timestamp=20240501083000&version=1.0&appsecret=0123456789abcdefabcdefghijklmnop");
}

TEST(NationalSigner, SignChangesWithEveryField) {
  const std::string base = national_sign(example(), kSecret);
  auto r = example();
  r.nonce = "N0nce43";
  EXPECT_NE(national_sign(r, kSecret), base);
  r = example();
  r.data += " ";
  EXPECT_NE(national_sign(r, kSecret), base);
  EXPECT_NE(national_sign(example(), "1123456789abcdefABCDEFGHIJKLMNOP"), base);
}

TEST(NationalSigner, EncryptionMatchesTheHandComputedAnswer) {
  EXPECT_EQ(national_encrypt("36010219900101123X", kSecret), "F9JKzpBCkNOTJZjUPLD+7xzQZ/zhyBGzrpGjXVQIYwE=");
  EXPECT_EQ(national_encrypt("1", kSecret), "aT/5BBAjYIoI3sJ11b8FtQ==");
  EXPECT_EQ(national_decrypt("F9JKzpBCkNOTJZjUPLD+7xzQZ/zhyBGzrpGjXVQIYwE=", kSecret), "36010219900101123X");
}

TEST(NationalSigner, ASecretThatIsNot32CharactersIsRefusedByName) {
  try {
    national_encrypt("x", "short");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("appsecret"), std::string::npos) << e.what();
  }
}

TEST(NationalSigner, FormBodyEscapesEverythingButUnreservedAndPutsSignLast) {
  EXPECT_EQ(form_escape("a b+c/=&{\"}~"), "a%20b%2Bc%2F%3D%26%7B%22%7D~");
  EXPECT_EQ(form_escape("\xE5\xBC\xA0"), "%E5%BC%A0");  // 张 as UTF-8
  const std::string body = national_form_body(example(), "abc");
  EXPECT_EQ(body.rfind("&sign=abc"), body.size() - 9);
  EXPECT_NE(body.find("&format=json&"), std::string::npos);
  EXPECT_NE(body.find("&version=1.0&"), std::string::npos);
  EXPECT_EQ(body.find("appsecret"), std::string::npos);
  EXPECT_EQ(body.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace gaterig::device
