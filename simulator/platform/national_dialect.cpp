#include "simulator/platform/national_dialect.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

#include "core/crypto.hpp"
#include "simulator/platform/form.hpp"
#include "simulator/platform/json_text.hpp"
#include "simulator/platform/national_call.hpp"

namespace gaterig::platform {
namespace {

constexpr const char* kFields[] = {"appid", "data", "format", "method", "nonce", "timestamp",
                                   "version", "sign"};

using Handler = DialectReply (*)(national::Call&);
const std::map<std::string, Handler, std::less<>>& methods() {
  static const std::map<std::string, Handler, std::less<>> m{
      {"Project.Query", national::project_query},
      {"Team.Add", national::team_add},
      {"Team.Query", national::team_query},
      {"ProjectWorker.Add", national::worker_add},
      {"ProjectWorker.Update", national::worker_update},
      {"ProjectWorker.Query", national::worker_query},
      {"WorkerAttendance.Add", national::attendance_add},
      {"WorkerAttendance.Query", national::attendance_query},
      {"WorkerEntryExit.Add", national::entry_exit_add},
      {"WorkerEntryExit.Query", national::entry_exit_query},
      {"AsyncHandleResult.Query", national::async_result_query},
  };
  return m;
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// SHA-256 of lowercased pieces, fed through a small buffer: the data field of an attendance
// upload is ~300 KB, and building one sign string and then lowercasing it copied it twice.
class LowercaseSha256 {
 public:
  LowercaseSha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("sign: SHA-256 unavailable");
  }
  LowercaseSha256& add(std::string_view s) {
    char buf[16384];
    while (!s.empty()) {
      const std::size_t n = std::min(s.size(), sizeof buf);
      for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        buf[i] = static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
      }
      if (EVP_DigestUpdate(ctx_.get(), buf, n) != 1) throw std::runtime_error("sign: SHA-256 failed");
      s.remove_prefix(n);
    }
    return *this;
  }
  std::string hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1) throw std::runtime_error("sign: SHA-256 failed");
    return crypto::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

std::string header(const HttpRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

DialectReply fail(Exchange& ex, int code, const std::string& field, Violation v, int http = 200) {
  ex.finding(field, v);
  auto r = reply(code, field + ": " + v.message);
  r.http.status = http;
  return r;
}

}  // namespace

std::string NationalDialect::sign(std::string_view appid, std::string_view data,
                                  std::string_view format, std::string_view method,
                                  std::string_view nonce, std::string_view timestamp,
                                  std::string_view version, std::string_view appsecret) {
  LowercaseSha256 h;
  h.add("appid=").add(appid).add("&data=").add(data).add("&format=").add(format);
  h.add("&method=").add(method).add("&nonce=").add(nonce).add("&timestamp=").add(timestamp);
  h.add("&version=").add(version).add("&appsecret=").add(appsecret);
  return h.hex();
}

bool NationalDialect::may_block(const HttpRequest& request) const {
  const std::string_view body(request.body);
  std::size_t at = body.substr(0, 7) == "method=" ? 0 : body.find("&method=");
  if (at == std::string_view::npos) return true;  // refused with a finding, which is committed
  at += body[at] == '&' ? 8 : 7;
  const std::string_view value = body.substr(at, body.find('&', at) - at);
  constexpr std::string_view query = ".Query";
  return !(value.size() > query.size() && value.substr(value.size() - query.size()) == query);
}

DialectReply NationalDialect::handle(Exchange& ex) {
  const HttpRequest& req = ex.request;
  if (req.method != "POST")
    return fail(ex, -1, "http", {"http-method", "open.api takes POST, not " + req.method.substr(0, 16)}, 405);
  const std::string ctype = lower_ascii(header(req, "content-type"));
  if (ctype.find("application/x-www-form-urlencoded") == std::string::npos)
    return fail(ex, -1, "content-type",
                {"content-type", "expected application/x-www-form-urlencoded, found '" +
                                     ctype.substr(0, 60) + "'"});
  if (auto cs = ctype.find("charset="); cs != std::string::npos) {
    const std::string charset = ctype.substr(cs + 8, 5);
    if (charset != "utf-8")
      return fail(ex, -1, "content-type", {"content-type", "charset must be UTF-8"});
  }

  FormParse form = parse_form(req.body);
  if (form.error) return fail(ex, -1, "body", {"form-encoding", *form.error});
  std::map<std::string, std::string, std::less<>> f;
  for (auto& field : form.fields) {
    if (f.count(field.name))
      return fail(ex, -1, field.name.substr(0, 40), {"field-duplicated", "the field appears more than once"});
    f[field.name] = std::move(field.value);  // data is ~300 KB in an attendance upload
  }
  if (auto m = f.find("method"); m != f.end()) ex.method = m->second.substr(0, 64);
  if (auto a = f.find("appid"); a != f.end()) ex.appid = a->second.substr(0, 64);
  bool missing = false;
  for (const char* name : kFields)
    if (f[name].empty()) {
      ex.finding(name, {"field-missing", std::string(name) + " is required"});
      missing = true;
    }
  if (missing) return rejected(ex);
  if (f["format"] != "json") return fail(ex, -1, "format", {"format-value", "format must be \"json\""});
  if (f["version"] != "1.0") return fail(ex, -1, "version", {"version-value", "version must be \"1.0\""});

  const ProjectConfig* project = ex.config.project_by_appid(f["appid"]);
  if (!project) return fail(ex, -3, "appid", {"appid-unknown", "no project has this appid"});

  const std::string expected = sign(f["appid"], f["data"], f["format"], f["method"], f["nonce"],
                                    f["timestamp"], f["version"], project->appsecret);
  if (!crypto::equal_ct(expected, f["sign"])) {
    const bool upper = crypto::equal_ct(expected, lower_ascii(f["sign"]));
    return fail(ex, -2, "sign",
                {"sign-mismatch", upper ? "sign must be lowercase hex"
                                        : "sign does not match sha256 of the lowercased parameters "
                                          "with &appsecret="});
  }

  if (auto bad = check_request_time(f["timestamp"], "yyyyMMddHHmmss", ex.received_wall,
                                    ex.config.replay_window, ex.config.utc_offset)) {
    const bool window = bad->rule == "timestamp-window";
    if (window)
      ex.publish_after_commit("platform.replay_refused",
                              Json{{"request_id", ex.request_id}, {"dialect", "national"},
                                   {"appid", ex.appid}, {"reason", "timestamp-window"},
                                   {"timestamp", f["timestamp"]}});
    return fail(ex, window ? -2 : -1, "timestamp", *bad);
  }
  const std::string& nonce = f["nonce"];
  if (nonce.size() > 64)
    return fail(ex, -1, "nonce", {"field-format", "nonce is longer than 64 characters"});
  if (!ex.replay.claim(ex.appid, nonce, ex.received_wall)) {
    ex.publish_after_commit("platform.replay_refused",
                            Json{{"request_id", ex.request_id}, {"dialect", "national"},
                                 {"appid", ex.appid}, {"reason", "nonce-reused"}, {"nonce", nonce}});
    return fail(ex, -2, "nonce", {"nonce-reused", "this nonce was already used"});
  }
  ex.remember_nonce(nonce, parse_civil(f["timestamp"], ex.config.utc_offset, "yyyyMMddHHmmss").value_or(0));

  const auto handler = methods().find(f["method"]);
  if (handler == methods().end())
    return fail(ex, -1, "method", {"method-unknown", "no method '" + f["method"].substr(0, 64) + "'"});

  const auto parsed = parse_json_text(f["data"]);
  static const Json kNothing;
  const Json& data = parsed ? *parsed : kNothing;
  if (!parsed || !data.is_object())
    return fail(ex, -1, "data", {"json-syntax", "data must be a JSON object"});
  national::Call call{ex, *project, data};
  return handler->second(call);
}

}  // namespace gaterig::platform
