#include "simulator/platform/http_server_stats.hpp"

#include <cctype>

namespace gaterig::platform {

std::string api_method_of(const HttpRequest& request) {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.ends_with(".api")) {
    // open.api: the method is a form field; values here are plain names, never percent-encoded
    // in practice, but decode '+' and %2E anyway so a strict client is still counted right.
    const std::string_view body = request.body;
    for (std::size_t pos = 0; pos < body.size();) {
      const auto amp = body.find('&', pos);
      const auto field = body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
      if (field.starts_with("method=")) {
        std::string out;
        const auto value = field.substr(7);
        for (std::size_t i = 0; i < value.size() && out.size() < 64; ++i) {
          if (value[i] == '%' && i + 2 < value.size() &&
              std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
              std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
          } else {
            out.push_back(value[i] == '+' ? ' ' : value[i]);
          }
        }
        return out;
      }
      if (amp == std::string_view::npos) break;
      pos = amp + 1;
    }
  }
  return std::string(path.substr(0, 128));
}

std::optional<long> reply_code_of(std::string_view body) {
  const auto key = body.substr(0, 256).find("\"code\"");
  if (key == std::string_view::npos) return std::nullopt;
  std::size_t i = key + 6;
  while (i < body.size() && (body[i] == ' ' || body[i] == ':')) ++i;
  bool negative = false;
  if (i < body.size() && body[i] == '-') {
    negative = true;
    ++i;
  }
  if (i >= body.size() || !std::isdigit(static_cast<unsigned char>(body[i]))) return std::nullopt;
  long value = 0;
  for (; i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) && value < 1'000'000'000; ++i)
    value = value * 10 + (body[i] - '0');
  return negative ? -value : value;
}

void TrafficStats::connection_opened() {
  std::lock_guard lock(mu_);
  ++connections_;
}

void TrafficStats::request(const std::string& api_method, std::size_t body_bytes) {
  std::lock_guard lock(mu_);
  ++requests_;
  bytes_in_ += body_bytes;
  ++by_method_[api_method].requests;
}

void TrafficStats::reply(const std::string& api_method, int http_status, std::optional<long> code) {
  std::lock_guard lock(mu_);
  ++replies_;
  ++by_status_[http_status];
  if (code) {
    ++by_code_[*code];
    ++by_method_[api_method].codes[*code];
  }
}

void TrafficStats::no_reply(const std::string& api_method) {
  std::lock_guard lock(mu_);
  ++no_reply_;
  ++by_method_[api_method].no_reply;
}

std::uint64_t TrafficStats::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::uint64_t TrafficStats::replies() const {
  std::lock_guard lock(mu_);
  return replies_;
}

Json TrafficStats::to_json() const {
  std::lock_guard lock(mu_);
  Json by_method = Json::object();
  for (const auto& [name, m] : by_method_) {
    Json codes = Json::object();
    for (const auto& [code, n] : m.codes) codes[std::to_string(code)] = n;
    by_method[name] = Json{{"requests", m.requests}, {"codes", codes}, {"no_reply", m.no_reply}};
  }
  Json by_status = Json::object();
  for (const auto& [status, n] : by_status_) by_status[std::to_string(status)] = n;
  Json by_code = Json::object();
  for (const auto& [code, n] : by_code_) by_code[std::to_string(code)] = n;
  return Json{{"connections", connections_}, {"requests", requests_}, {"replies", replies_},
              {"no_reply", no_reply_},       {"bytes_in", bytes_in_}, {"by_method", by_method},
              {"by_status", by_status},      {"by_code", by_code}};
}

}  // namespace gaterig::platform
