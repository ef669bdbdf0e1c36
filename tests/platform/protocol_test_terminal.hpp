#pragma once
// A terminal as the tests see it, written from SPEC.md alone (not from the dialects' code): it
// signs and encrypts its own requests the way a vendor's client would. Uses core crypto only for
// the primitives (SHA-256, MD5, AES, DES, Base64), which core's tests check against known answers.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/event.hpp"
#include "simulator/platform/http_message.hpp"
#include "simulator/platform/platform_config.hpp"

namespace gaterig::platform::testing {

inline std::string form_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string now_civil(const char* pattern, std::int64_t offset_s = 0) {
  return format_civil(wall_now() + offset_s * 1'000'000'000, UtcOffset::china(), pattern);
}

// A 1x1-ish JPEG/PNG: only the magic bytes matter to the platform.
inline std::string tiny_jpeg(std::size_t size = 600) {
  std::string s("\xFF\xD8\xFF\xE0", 4);
  s.resize(size, 'j');
  return s;
}
inline std::string tiny_png(std::size_t size = 600) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  s.resize(size, 'p');
  return s;
}

struct SendOptions {
  std::string timestamp;  // default: now
  std::string nonce;      // default: fresh
  bool corrupt_sign = false;
  std::string secret_override;
};

// National open.api terminal.
struct NationalTerminal {
  std::string appid, secret;
  std::string nonce_prefix = "n";
  int nonce_counter = 0;

  std::string encrypt(std::string_view plain) const {
    return crypto::base64_encode(crypto::aes256_cbc_encrypt(plain, secret, secret.substr(0, 16)));
  }
  std::string decrypt(std::string_view b64) const {
    return crypto::aes256_cbc_decrypt(crypto::base64_decode(b64), secret, secret.substr(0, 16));
  }

  using Options = SendOptions;

  HttpRequest request(const std::string& method, const Json& data, Options o = {}) {
    const std::string data_text = data.dump();
    const std::string ts = o.timestamp.empty() ? now_civil("yyyyMMddHHmmss") : o.timestamp;
    const std::string nonce = o.nonce.empty()
                                  ? nonce_prefix + std::to_string(getpid()) + "-" + std::to_string(++nonce_counter) +
                                        "-" + crypto::to_hex(crypto::random_bytes(4))
                                  : o.nonce;
    std::string to_sign = "appid=" + appid + "&data=" + data_text + "&format=json&method=" + method +
                          "&nonce=" + nonce + "&timestamp=" + ts + "&version=1.0&appsecret=" +
                          (o.secret_override.empty() ? secret : o.secret_override);
    for (char& c : to_sign) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string sign = crypto::sha256_hex(to_sign);
    if (o.corrupt_sign) sign[0] = sign[0] == 'a' ? 'b' : 'a';
    HttpRequest r;
    r.method = "POST";
    r.target = "/open.api";
    r.headers["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8";
    r.peer = "127.0.0.1:40000";
    r.body = "appid=" + form_escape(appid) + "&data=" + form_escape(data_text) + "&format=json&method=" +
             form_escape(method) + "&nonce=" + form_escape(nonce) + "&timestamp=" + ts +
             "&version=1.0&sign=" + sign;
    return r;
  }
};

// Jiangmen REST terminal.
struct JiangmenTerminal {
  std::string token, key;
  std::string encrypt(std::string_view plain) const {
    return crypto::base64_encode(crypto::des_cbc_encrypt(plain, key, key));
  }
  std::string decrypt(std::string_view b64) const {
    return crypto::des_cbc_decrypt(crypto::base64_decode(b64), key, key);
  }
  HttpRequest request(const std::string& path, const Json& request_json, std::string date = "",
                      bool corrupt_sign = false) {
    if (date.empty()) date = now_civil("yyyy-MM-dd HH:mm:ss");
    std::string sign = crypto::md5_hex(token + key + date);
    if (corrupt_sign) sign[0] = sign[0] == 'a' ? 'b' : 'a';
    Json body{{"token", token}, {"date", date}, {"sign", sign}, {"serverType", "1"},
              {"requestJson", request_json.dump()}};
    HttpRequest r;
    r.method = "POST";
    r.target = path;
    r.headers["content-type"] = "application/json;charset=UTF-8";
    r.peer = "127.0.0.1:40001";
    r.body = body.dump();
    return r;
  }
};

// A temporary folder removed with its contents at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "gaterig-p1-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline constexpr const char* kProjectA = "360100202401010001";
inline constexpr const char* kProjectB = "440700202401010002";
inline constexpr const char* kTeamA = "1000000001";
inline constexpr const char* kSecretA = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kSecretB = "fedcba9876543210fedcba9876543210";

inline PlatformConfig test_config(const std::filesystem::path& store) {
  PlatformConfig c;
  c.store_path = store;
  c.dialects = {"national", "jiangmen"};
  ProjectConfig a;
  a.code = kProjectA;
  a.name = "A";
  a.appid = "app-a";
  a.appsecret = kSecretA;
  a.teams = {{kTeamA, "Concrete"}, {"1000000002", "Steel"}};
  a.jiangmen_token = "jm-a";
  a.jiangmen_key = "k8bytes1";
  ProjectConfig b;
  b.code = kProjectB;
  b.name = "B";
  b.appid = "app-b";
  b.appsecret = kSecretB;
  b.teams = {{"2000000001", "Formwork"}};
  c.projects = {a, b};
  return c;
}

// Collects events; thread-safe.
class EventLog final : public EventSink {
 public:
  void publish(Event e) override {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  std::vector<Event> of(const std::string& kind) const {
    std::lock_guard lock(mu_);
    std::vector<Event> out;
    for (const auto& e : events_)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  std::vector<Event> all() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

}  // namespace gaterig::platform::testing
