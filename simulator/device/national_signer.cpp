#include "simulator/device/national_signer.hpp"

#include <stdexcept>

#include "core/crypto.hpp"

namespace gaterig::device {

std::string national_sign_input(const NationalRequest& r, std::string_view appsecret) {
  std::string s;
  s.reserve(r.data.size() + 200);
  s += "appid=" + r.appid;
  s += "&data=" + r.data;
  s += "&format=";
  s += NationalRequest::format;
  s += "&method=" + r.method;
  s += "&nonce=" + r.nonce;
  s += "&timestamp=" + r.timestamp;
  s += "&version=";
  s += NationalRequest::version;
  s += "&appsecret=";
  s += appsecret;
  // ASCII only: the UTF-8 bytes of a worker's name must stay as they are.
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string national_sign(const NationalRequest& r, std::string_view appsecret) {
  return crypto::sha256_hex(national_sign_input(r, appsecret));
}

namespace {
void check_secret(std::string_view appsecret) {
  if (appsecret.size() != 32)
    throw std::invalid_argument("appsecret: expected 32 characters (the AES-256 key), got " +
                                std::to_string(appsecret.size()));
}
}  // namespace

std::string national_encrypt(std::string_view plain, std::string_view appsecret) {
  check_secret(appsecret);
  return crypto::base64_encode(crypto::aes256_cbc_encrypt(plain, appsecret, appsecret.substr(0, 16)));
}

std::string national_decrypt(std::string_view base64, std::string_view appsecret) {
  check_secret(appsecret);
  return crypto::aes256_cbc_decrypt(crypto::base64_decode(base64), appsecret, appsecret.substr(0, 16));
}

std::string form_escape(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size() * 3 / 2);
  for (unsigned char c : raw) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += form_escape(k) + "=" + form_escape(v);
  }
  return out;
}

std::string national_form_body(const NationalRequest& r, std::string_view sign) {
  return form_encode({{"appid", r.appid},
                      {"data", r.data},
                      {"format", std::string(NationalRequest::format)},
                      {"method", r.method},
                      {"nonce", r.nonce},
                      {"timestamp", r.timestamp},
                      {"version", std::string(NationalRequest::version)},
                      {"sign", std::string(sign)}});
}

}  // namespace gaterig::device
