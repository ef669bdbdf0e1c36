#pragma once
// The national open.api request as a terminal builds it (SPEC.md, "The platform interface"),
// as pure functions so the rules can be checked against hand-computed answers:
//   sign = lowercase hex sha256 of lowercase("appid=..&data=..&format=json&method=..&nonce=..
//          &timestamp=..&version=1.0&appsecret=SECRET") — raw values, keys in alphabetical order
//   sensitive fields: AES-256-CBC, PKCS#7, key = the 32-character appsecret, IV = its first
//          16 characters, Base64.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaterig::device {

struct NationalCredentials {
  std::string appid;
  std::string appsecret;  // exactly 32 characters (the AES-256 key)
};

// The fields of one request before signing.
struct NationalRequest {
  std::string appid;
  std::string data;  // the JSON text, exactly as sent
  std::string method;
  std::string nonce;
  std::string timestamp;  // yyyyMMddHHmmss, UTC+8
  static constexpr std::string_view format = "json";
  static constexpr std::string_view version = "1.0";
};

// The string that is hashed (already lower-cased): useful in test failure messages.
std::string national_sign_input(const NationalRequest& r, std::string_view appsecret);
std::string national_sign(const NationalRequest& r, std::string_view appsecret);

// Throws std::invalid_argument when the secret is not 32 characters.
std::string national_encrypt(std::string_view plain, std::string_view appsecret);
// Throws gaterig::crypto::CryptoError on bad Base64 or padding.
std::string national_decrypt(std::string_view base64, std::string_view appsecret);

// application/x-www-form-urlencoded: every byte but ALPHA / DIGIT / "-._~" as %XX.
std::string form_escape(std::string_view raw);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// The body of the request, with `sign` last.
std::string national_form_body(const NationalRequest& r, std::string_view sign);

}  // namespace gaterig::device
