#pragma once
// The cryptography the platform dialects and reports need, over OpenSSL. Byte strings are
// std::string (binary-safe). Every failure throws CryptoError saying what was attempted.
#include <stdexcept>
#include <string>
#include <string_view>

namespace gaterig::crypto {

class CryptoError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string sha256(std::string_view data);      // 32 raw bytes
std::string sha256_hex(std::string_view data);  // lowercase hex
std::string md5_hex(std::string_view data);
std::string to_hex(std::string_view bytes);
std::string from_hex(std::string_view hex);     // throws on odd length or a non-hex digit

std::string base64_encode(std::string_view bytes);
// Accepts standard Base64 with or without padding, ignoring line breaks; throws on anything else.
std::string base64_decode(std::string_view text);

// AES-256-CBC with PKCS#7. key: 32 bytes, iv: 16 bytes.
std::string aes256_cbc_encrypt(std::string_view plain, std::string_view key, std::string_view iv);
std::string aes256_cbc_decrypt(std::string_view cipher, std::string_view key, std::string_view iv);
// DES-CBC with PKCS#5 (the Jiangmen dialect). key and iv: 8 bytes. Single DES is obsolete; the
// dialect uses it, so we speak it (OpenSSL 3 keeps it in the legacy provider, loaded on demand).
std::string des_cbc_encrypt(std::string_view plain, std::string_view key, std::string_view iv);
std::string des_cbc_decrypt(std::string_view cipher, std::string_view key, std::string_view iv);

std::string random_bytes(std::size_t n);
// Constant-time equality, for signatures.
bool equal_ct(std::string_view a, std::string_view b);

}  // namespace gaterig::crypto
