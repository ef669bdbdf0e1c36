// libFuzzer target: arbitrary bytes through Platform::handle, for each dialect.
//
// The first byte picks how the rest is used, so the fuzzer reaches past the signature checks
// (which random bytes would never pass) into JSON parsing and field judgement:
//   0 mod 4  raw request: byte 1 picks the path and content type, the rest is the body
//   1 mod 4  national, signed correctly: byte 1 picks the method, the rest is `data`
//   2 mod 4  Jiangmen, signed correctly: byte 1 picks the path, the rest is `requestJson`
//   3 mod 4  national form body built from the rest split on '\n' into field values, signed
//            over whatever came out (form decoding and the envelope checks)
// The platform runs on a throw-away store (not durable) with both dialects and one enrolled
// worker whose ID number the seeds carry encrypted.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "simulator/platform/json_text.hpp"
#include "simulator/platform/platform.hpp"
#include "simulator/platform/validation.hpp"

using namespace gaterig;
using namespace gaterig::platform;

namespace {

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
constexpr const char* kAppid = "fuzz-app";
constexpr const char* kToken = "fuzz-token";
constexpr const char* kKey = "k8bytes1";

struct NullSink final : EventSink {
  void publish(Event e) override {
    // Events must always serialise (a sink writes them as JSON lines).
    (void)e.to_json().dump();
  }
};

struct World {
  std::filesystem::path dir;
  NullSink sink;
  std::unique_ptr<Platform> platform;
  std::uint64_t nonce = 0;

  World() {
    log::set_level(log::Level::off);
    std::string t = (std::filesystem::temp_directory_path() / "gaterig-fuzz-XXXXXX").string();
    dir = mkdtemp(t.data());
    PlatformConfig c;
    c.store_path = dir / "fuzz.db";
    c.durable = false;
    c.dialects = {"national", "jiangmen"};
    c.replay_window = std::chrono::seconds(5);
    c.projects.push_back(ProjectConfig{"P1", "fuzz project", kAppid, kSecret, {{"1000000001", "team"}}, kToken, kKey});
    platform = std::make_unique<Platform>(c, sink);
    // One enrolled worker (the GB 11643 example number), so attendance can be accepted; the
    // seeds carry it encrypted (make_platform_seeds.py).
    const std::string id = "11010519491231002X";
    Json data{{"projectCode", "P1"}, {"teamSysNo", "1000000001"},
              {"workerList", Json::array({Json{{"workerName", "W"}, {"idCardType", "01"},
                                               {"idCardNumber", encrypt(id)}}})}};
    platform->handle(national("ProjectWorker.Add", data.dump()));
  }
  ~World() {
    platform.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  static std::string encrypt(const std::string& plain) {
    return crypto::base64_encode(crypto::aes256_cbc_encrypt(plain, kSecret, std::string(kSecret).substr(0, 16)));
  }

  static std::string escape(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  std::string timestamp(const char* pattern) const {
    return format_civil(wall_now(), UtcOffset::china(), pattern);
  }

  HttpRequest national_fields(const std::string& appid, const std::string& data, const std::string& format,
                              const std::string& method, const std::string& version) {
    const std::string nonce = "f" + std::to_string(++this->nonce);
    const std::string ts = timestamp("yyyyMMddHHmmss");
    std::string s = "appid=" + appid + "&data=" + data + "&format=" + format + "&method=" + method +
                    "&nonce=" + nonce + "&timestamp=" + ts + "&version=" + version + "&appsecret=" + kSecret;
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    HttpRequest r;
    r.method = "POST";
    r.target = "/open.api";
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = "appid=" + escape(appid) + "&data=" + escape(data) + "&format=" + escape(format) + "&method=" +
             escape(method) + "&nonce=" + nonce + "&timestamp=" + ts + "&version=" + escape(version) +
             "&sign=" + crypto::sha256_hex(s);
    return r;
  }
  HttpRequest national(const std::string& method, const std::string& data) {
    return national_fields(kAppid, data, "json", method, "1.0");
  }
  HttpRequest jiangmen(const std::string& path, const std::string& request_json) {
    const std::string date = timestamp("yyyy-MM-dd HH:mm:ss");
    Json body{{"token", kToken}, {"date", date}, {"sign", crypto::md5_hex(std::string(kToken) + kKey + date)},
              {"serverType", "1"}, {"requestJson", request_json}};
    HttpRequest r;
    r.method = "POST";
    r.target = path;
    r.headers["content-type"] = "application/json";
    r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
  }
};

World& world() {
  static World w;
  return w;
}

constexpr const char* kMethods[] = {
    "Project.Query", "Team.Add", "Team.Query", "ProjectWorker.Add", "ProjectWorker.Update",
    "ProjectWorker.Query", "WorkerAttendance.Add", "WorkerAttendance.Query", "WorkerEntryExit.Add",
    "WorkerEntryExit.Query", "AsyncHandleResult.Query", "Nope.Nope"};
constexpr const char* kPaths[] = {"/open.api", "/api/WorkerAttendance/Add", "/api/ProjectWorker/Query",
                                  "/api/Other/Thing", "/", "/open.api?x=1"};
constexpr const char* kTypes[] = {"application/x-www-form-urlencoded", "application/json",
                                  "application/x-www-form-urlencoded; charset=GBK", "", "text/plain"};

}  // namespace

namespace {
[[noreturn]] void disagree(const char* what, const std::string& text) {
  std::fprintf(stderr, "fuzz_platform_request: %s on input of %zu bytes: ", what, text.size());
  for (unsigned char c : text.substr(0, 200)) std::fprintf(stderr, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
  std::fprintf(stderr, "\n");
  __builtin_trap();
}

// The fast readers must agree with the reference ones on every input.
void differential(const std::string& text) {
  std::optional<std::string> ref64;
  try {
    ref64 = crypto::base64_decode(text);
  } catch (const crypto::CryptoError&) {
  }
  if (decode_base64(text) != ref64) disagree("decode_base64 differs from crypto::base64_decode", text);
  const auto mine = parse_json_text(text);
  const Json reference = Json::parse(text, nullptr, false);
  if (mine && reference.is_discarded()) disagree("parse_json_text accepted what Json::parse refuses", text);
  if (mine && *mine != reference) disagree("parse_json_text read a value differently", text);
  if (!mine && !reference.is_discarded()) {
    // Json::parse takes a NUL byte as the end of the input; the reader refuses the NUL.
    if (const auto nul = text.find('\0'); nul != std::string::npos) {
      const auto before = parse_json_text(text.substr(0, nul));
      if (!before || *before != reference) disagree("parse_json_text differs before a NUL", text);
      return;
    }
    // Otherwise allowed only for nesting deeper than the reader's limit.
    std::size_t depth = 0, deepest = 0;
    for (char c : text) {
      if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
      if ((c == ']' || c == '}') && depth) --depth;
    }
    if (deepest <= static_cast<std::size_t>(kMaxJsonDepth))
      disagree("parse_json_text refused what Json::parse accepts", text);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  World& w = world();
  const std::string rest(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  differential(rest);
  const std::uint8_t pick = bytes[1];
  HttpRequest r;
  switch (bytes[0] % 4) {
    case 0: {
      r.method = (pick & 0x80) ? "GET" : "POST";
      r.target = kPaths[pick % std::size(kPaths)];
      if (const char* t = kTypes[(pick >> 3) % std::size(kTypes)]; *t) r.headers["content-type"] = t;
      r.body = rest;
      break;
    }
    case 1:
      r = w.national(kMethods[pick % std::size(kMethods)], rest);
      break;
    case 2:
      r = w.jiangmen(kPaths[1 + pick % 3], rest);
      break;
    default: {
      std::string f[5];
      std::size_t i = 0, start = 0;
      for (; i < 5; ++i) {
        const std::size_t end = rest.find('\n', start);
        f[i] = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (end == std::string::npos) break;
        start = end + 1;
      }
      r = w.national_fields(f[0], f[1], f[2], f[3], f[4]);
      break;
    }
  }
  r.peer = "fuzz";
  const HttpResponse reply = w.platform->handle(r);
  static const bool print = std::getenv("GATERIG_FUZZ_PRINT") != nullptr;  // to check the seeds
  if (print) std::fprintf(stderr, "%d %.300s\n", reply.status, reply.body.c_str());
  // Every reply is JSON with a code.
  const Json j = Json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) __builtin_trap();
  return 0;
}
