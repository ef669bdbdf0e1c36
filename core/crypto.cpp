#include "core/crypto.hpp"

#include <array>
#include <memory>
#include <mutex>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

namespace gaterig::crypto {
namespace {
std::string openssl_error(const char* what) {
  std::string msg = what;
  if (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return msg;
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1)
    throw CryptoError(openssl_error("digest"));
  return std::string(reinterpret_cast<char*>(out), len);
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string run_cipher(const EVP_CIPHER* cipher, bool encrypt, std::string_view in,
                       std::string_view key, std::string_view iv, const char* what) {
  if (!cipher) throw CryptoError(openssl_error(what));
  if (key.size() != static_cast<std::size_t>(EVP_CIPHER_get_key_length(cipher)))
    throw CryptoError(std::string(what) + ": key must be " +
                      std::to_string(EVP_CIPHER_get_key_length(cipher)) + " bytes, got " +
                      std::to_string(key.size()));
  if (iv.size() != static_cast<std::size_t>(EVP_CIPHER_get_iv_length(cipher)))
    throw CryptoError(std::string(what) + ": iv must be " +
                      std::to_string(EVP_CIPHER_get_iv_length(cipher)) + " bytes, got " +
                      std::to_string(iv.size()));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw CryptoError(openssl_error(what));
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                        reinterpret_cast<const unsigned char*>(iv.data()), encrypt ? 1 : 0) != 1)
    throw CryptoError(openssl_error(what));
  std::string out(in.size() + EVP_CIPHER_get_block_size(cipher), '\0');
  int n1 = 0, n2 = 0;
  if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n1,
                       reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1)
    throw CryptoError(openssl_error(what));
  if (EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n1, &n2) != 1)
    throw CryptoError(openssl_error(encrypt ? what : "decrypt: bad padding or wrong key"));
  out.resize(static_cast<std::size_t>(n1 + n2));
  return out;
}

const EVP_CIPHER* des_cbc() {
  // OpenSSL 3 moved single DES to the legacy provider; load it once, next to the default one.
  static std::once_flag once;
  static EVP_CIPHER* cipher = nullptr;
  std::call_once(once, [] {
    OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER_load(nullptr, "default");
    cipher = EVP_CIPHER_fetch(nullptr, "DES-CBC", nullptr);
  });
  return cipher;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

std::string sha256(std::string_view data) { return digest(EVP_sha256(), data); }
std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }
std::string md5_hex(std::string_view data) { return to_hex(digest(EVP_md5(), data)); }

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  if (hex.size() % 2) throw CryptoError("hex: odd length " + std::to_string(hex.size()));
  auto val = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw CryptoError(std::string("hex: not a hex digit '") + c + "'");
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(val(hex[2 * i]) << 4 | val(hex[2 * i + 1]));
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kB64[v >> 18 & 63];
    out += kB64[v >> 12 & 63];
    out += kB64[v >> 6 & 63];
    out += kB64[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kB64[v >> 18 & 63];
    out += kB64[v >> 12 & 63];
    out += i + 1 < bytes.size() ? kB64[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  static const auto table = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kB64[i])] = static_cast<signed char>(i);
    return t;
  }();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) throw CryptoError("base64: data after padding at offset " + std::to_string(i));
    const int v = table[c];
    if (v < 0) throw CryptoError("base64: invalid character at offset " + std::to_string(i));
    acc = acc << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  if (pad > 2 || bits >= 6) throw CryptoError("base64: truncated input");
  return out;
}

std::string aes256_cbc_encrypt(std::string_view plain, std::string_view key, std::string_view iv) {
  return run_cipher(EVP_aes_256_cbc(), true, plain, key, iv, "aes-256-cbc encrypt");
}
std::string aes256_cbc_decrypt(std::string_view cipher, std::string_view key, std::string_view iv) {
  return run_cipher(EVP_aes_256_cbc(), false, cipher, key, iv, "aes-256-cbc decrypt");
}
std::string des_cbc_encrypt(std::string_view plain, std::string_view key, std::string_view iv) {
  return run_cipher(des_cbc(), true, plain, key, iv, "des-cbc encrypt");
}
std::string des_cbc_decrypt(std::string_view cipher, std::string_view key, std::string_view iv) {
  return run_cipher(des_cbc(), false, cipher, key, iv, "des-cbc decrypt");
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw CryptoError(openssl_error("random bytes"));
  return out;
}

bool equal_ct(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gaterig::crypto
