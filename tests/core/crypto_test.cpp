#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace gaterig::crypto;

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(Crypto, Base64RoundTripAndErrors) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_decode("Zm8"), "fo");  // padding optional
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy"), "foobar");
  EXPECT_THROW(base64_decode("Zm9v!"), CryptoError);
  EXPECT_THROW(base64_decode("Zm=9"), CryptoError);
  EXPECT_THROW(base64_decode("Z"), CryptoError);
}

TEST(Crypto, Aes256CbcMatchesNistVector) {
  // NIST SP 800-38A F.2.5, first block; PKCS#7 adds a second block we ignore here.
  const auto key = from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const auto iv = from_hex("000102030405060708090a0b0c0d0e0f");
  const auto plain = from_hex("6bc1bee22e409f96e93d7e117393172a");
  const auto cipher = aes256_cbc_encrypt(plain, key, iv);
  ASSERT_EQ(cipher.size(), 32u);
  EXPECT_EQ(to_hex(cipher.substr(0, 16)), "f58c4c04d6e5f1ba779eabfb5f7bfbd6");
  EXPECT_EQ(aes256_cbc_decrypt(cipher, key, iv), plain);
}

TEST(Crypto, AesWithPlatformKeyConvention) {
  const std::string secret = "0123456789abcdef0123456789abcdef";  // 32-char appsecret
  const std::string id = "11010519491231002X";
  const auto c = aes256_cbc_encrypt(id, secret, secret.substr(0, 16));
  EXPECT_EQ(c.size(), 32u);
  EXPECT_EQ(aes256_cbc_decrypt(c, secret, secret.substr(0, 16)), id);
  const std::string other = "fedcba9876543210fedcba9876543210";
  EXPECT_THROW(aes256_cbc_decrypt(c, other, other.substr(0, 16)), CryptoError);
  EXPECT_THROW(aes256_cbc_encrypt(id, "short", secret.substr(0, 16)), CryptoError);
}

TEST(Crypto, DesCbcMatchesFips81Vector) {
  const auto key = from_hex("0123456789abcdef");
  const auto iv = from_hex("1234567890abcdef");
  const auto c = des_cbc_encrypt("Now is the time for all ", key, iv);
  ASSERT_EQ(c.size(), 32u);
  EXPECT_EQ(to_hex(c.substr(0, 24)), "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
  EXPECT_EQ(des_cbc_decrypt(c, key, iv), "Now is the time for all ");
}

TEST(Crypto, HexAndConstantTimeCompare) {
  EXPECT_EQ(to_hex(from_hex("00ff10Ab")), "00ff10ab");
  EXPECT_THROW(from_hex("abc"), CryptoError);
  EXPECT_THROW(from_hex("zz"), CryptoError);
  EXPECT_TRUE(equal_ct("abc", "abc"));
  EXPECT_FALSE(equal_ct("abc", "abd"));
  EXPECT_FALSE(equal_ct("abc", "ab"));
  EXPECT_EQ(random_bytes(16).size(), 16u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
}
