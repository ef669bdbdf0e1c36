#include "simulator/platform/admin.hpp"

#include <charconv>
#include <stdexcept>

namespace gaterig::platform {
namespace {

class BadRequest : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

HttpResponse json_reply(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump();
  return r;
}

HttpResponse error_reply(int status, const std::string& message) {
  return json_reply(status, Json{{"error", message}});
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int v = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      if (ec == std::errc() && end == text.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i] == '+' ? ' ' : text[i]);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  for (std::size_t pos = 0; pos < query.size();) {
    const auto amp = query.find('&', pos);
    const auto part = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      const auto eq = part.find('=');
      out[percent_decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : percent_decode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::int64_t query_int(const std::map<std::string, std::string>& q, const char* name, std::int64_t fallback,
                       std::int64_t max) {
  const auto it = q.find(name);
  if (it == q.end()) return fallback;
  std::int64_t v = -1;
  const auto& s = it->second;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0)
    throw BadRequest(std::string("query parameter '") + name + "': expected a non-negative integer, found '" + s + "'");
  return std::min(v, max);
}

void reject_unknown(const std::map<std::string, std::string>& q, std::initializer_list<std::string_view> known) {
  for (const auto& [key, _] : q) {
    bool ok = false;
    for (auto k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw BadRequest("query parameter '" + key + "': unknown; expected " + list);
    }
  }
}

const char* kRoutes =
    "GET /fault, PUT /fault, GET /events?after=SEQ&wait_ms=N&limit=N&kind=PREFIX, GET /stats, "
    "GET /records?after=ID&limit=N&with_id=1, GET /findings?after=ID&limit=N";

}  // namespace

Admin::Admin(FaultSwitch& faults, const Timeline& timeline, const TrafficStats& traffic, AdminSources sources)
    : faults_(faults), timeline_(timeline), traffic_(traffic), sources_(std::move(sources)) {}

HttpResponse Admin::handle(const HttpRequest& request) {
  const std::string_view target = request.target;
  const auto qmark = target.find('?');
  const std::string path(target.substr(0, qmark));
  try {
    const auto query = parse_query(qmark == std::string_view::npos ? "" : target.substr(qmark + 1));
    const bool get = request.method == "GET";
    if (path == "/fault") {
      if (get) return get_fault();
      if (request.method == "PUT" || request.method == "POST") return put_fault(request);
      return error_reply(405, "/fault takes GET, PUT or POST, not " + request.method);
    }
    if (!get) return error_reply(405, path + " takes GET, not " + request.method);
    if (path == "/events") return get_events(query);
    if (path == "/stats") return get_stats();
    if (path == "/records") return get_rows(sources_.records, "records", query);
    if (path == "/findings") return get_rows(sources_.findings, "findings", query);
    if (path == "/") return json_reply(200, Json{{"routes", kRoutes}});
    return error_reply(404, "no admin route '" + path + "'; routes: " + kRoutes);
  } catch (const BadRequest& e) {
    return error_reply(400, e.what());
  } catch (const std::exception& e) {
    return error_reply(500, e.what());
  }
}

HttpResponse Admin::get_fault() const {
  Json fired = Json::object();
  for (const auto& [name, n] : faults_.fired_counts()) fired[name] = n;
  return json_reply(200, Json{{"fault", faults_.current().to_json()}, {"fired", fired}});
}

HttpResponse Admin::put_fault(const HttpRequest& request) {
  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::parse_error& e) {
    return error_reply(400, std::string("body: expected JSON like {\"mode\":\"slow\",\"delay_ms\":500}: ") + e.what());
  }
  try {
    const FaultMode applied = faults_.set(FaultMode::from_json(body));
    return json_reply(200, Json{{"fault", applied.to_json()}});
  } catch (const std::invalid_argument& e) {
    return error_reply(400, e.what());
  }
}

HttpResponse Admin::get_events(const std::map<std::string, std::string>& query) const {
  reject_unknown(query, {"after", "wait_ms", "limit", "kind"});
  const auto after = static_cast<std::uint64_t>(query_int(query, "after", 0, INT64_MAX));
  const auto wait = std::chrono::milliseconds(query_int(query, "wait_ms", 0, kMaxWait.count()));
  const auto limit = static_cast<std::size_t>(query_int(query, "limit", kDefaultLimit, 100'000));
  const auto kind_it = query.find("kind");
  const std::string prefix = kind_it == query.end() ? "" : kind_it->second;

  // Scan forward from `after`, skipping events of other kinds, until some match or time is up.
  // `next` tells the caller where to continue, so skipped events are never scanned twice.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::uint64_t cursor = after;
  Json events = Json::array();
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto batch = timeline_.wait_since(cursor, std::max(left, std::chrono::milliseconds(0)), limit);
    for (const auto& e : batch) {
      cursor = e.seq;
      if (prefix.empty() || e.kind.starts_with(prefix)) events.push_back(e.to_json());
      if (events.size() >= limit) break;
    }
    if (!events.empty() || std::chrono::steady_clock::now() >= deadline) break;
  }
  return json_reply(200, Json{{"events", events}, {"next", cursor}, {"last_seq", timeline_.last_seq()},
                              {"dropped", timeline_.dropped()}});
}

HttpResponse Admin::get_stats() const {
  Json fired = Json::object();
  for (const auto& [name, n] : faults_.fired_counts()) fired[name] = n;
  Json out{{"traffic", traffic_.to_json()},
           {"faults", Json{{"current", faults_.current().to_json()}, {"fired", fired}}},
           {"timeline", Json{{"last_seq", timeline_.last_seq()}, {"dropped", timeline_.dropped()}}}};
  if (sources_.store_stats) out["store"] = sources_.store_stats();
  return json_reply(200, out);
}

HttpResponse Admin::get_rows(const std::function<Json(const RowQuery&)>& source, const char* name,
                             const std::map<std::string, std::string>& query) const {
  reject_unknown(query, {"after", "limit", "with_id"});
  if (!source) return error_reply(404, std::string("/") + name + ": this platform has no store to read them from");
  RowQuery q;
  q.after = query_int(query, "after", 0, INT64_MAX);
  q.limit = static_cast<std::size_t>(query_int(query, "limit", kDefaultLimit, 100'000));
  q.with_id = query_int(query, "with_id", 0, 1) == 1;
  return json_reply(200, Json{{name, source(q)}});
}

}  // namespace gaterig::platform
