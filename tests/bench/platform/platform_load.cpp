// platform_load: a closed-loop HTTP/1.1 load generator for the platform endpoint, on one epoll
// thread with C kept-alive connections. Unlike wrk with a fixed body it signs every request with
// a fresh nonce and timestamp (replay protection refuses a reused one) and never repeats a record
// (the store refuses duplicates), so the figure is what a fleet of honest terminals would get.
//
//   platform_load --port P --kind attendance --batch 10 --image-bytes 20480 --connections 16
//                 --duration 10 --appid A --secret S --project C --team T --enroll 2000
//   platform_load --port P --kind query ...        signed Project.Query (small request)
//
// The same bytes go to any server (nginx answers them with a fixed reply), so two servers are
// compared with the same client work. Prints one JSON line with the figures.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/event.hpp"
#include "core/resident_id.hpp"

namespace {

using namespace gaterig;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string kind = "attendance";  // attendance | query
  std::string path = "/open.api";
  int connections = 16;
  double duration_s = 10;
  double warmup_s = 1;
  int batch = 10;
  int image_bytes = 20 * 1024;
  int enroll = 2000;
  std::string appid, secret, project, team;
  std::int64_t date_offset_s = 86400;  // records dated this long before now, going back
};

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Builds signed open.api requests. The image part of each record is the same, so its encoded
// and lower-cased forms are computed once; everything else is fresh per request.
class RequestFactory {
 public:
  explicit RequestFactory(const Args& a) : a_(a) {
    nonce_prefix_ = crypto::to_hex(crypto::random_bytes(6));
    std::string jpeg = "\xff\xd8\xff\xe0";
    jpeg.resize(static_cast<std::size_t>(std::max(a.image_bytes, 16)) - 2, 'J');
    for (std::size_t i = 4; i < jpeg.size(); ++i) jpeg[i] = static_cast<char>((i * 131 + 7) % 251);
    jpeg += "\xff\xd9";
    image_b64_ = crypto::base64_encode(jpeg);
    image_b64_lower_ = lower(image_b64_);
    image_b64_url_ = url_encode(image_b64_);
    for (int w = 0; w < std::max(a.enroll, 1); ++w) {
      const std::string id = synthetic_resident_id(static_cast<std::uint64_t>(w) * 7919 + 17);
      ids_.push_back(id);
      enc_ids_.push_back(crypto::base64_encode(
          crypto::aes256_cbc_encrypt(id, a.secret, std::string_view(a.secret).substr(0, 16))));
    }
    base_wall_ = wall_now() - a.date_offset_s * 1'000'000'000LL;
  }

  std::size_t workers() const { return ids_.size(); }

  std::string enroll_request(std::size_t from, std::size_t count) {
    Json list = Json::array();
    for (std::size_t i = from; i < from + count && i < ids_.size(); ++i)
      list.push_back(Json{{"workerName", "Load" + std::to_string(i)}, {"idCardType", "01"},
                          {"idCardNumber", enc_ids_[i]}, {"workType", "010"}});
    const std::string data = Json{{"projectCode", a_.project}, {"teamSysNo", a_.team}, {"workerList", list}}.dump();
    return signed_request("ProjectWorker.Add", data, lower(data), url_encode(data));
  }

  // The next request of the benchmark; `records` receives how many records it carries.
  std::string next(int& records) {
    if (a_.kind == "query") {
      records = 0;
      static const std::string data = R"({"pageIndex":0,"pageSize":10})";
      static const std::string data_lower = lower(data);
      return signed_request("Project.Query", data, data_lower, url_encode(data));
    }
    records = a_.batch;
    const std::string head = R"({"projectCode":")" + a_.project + R"(","teamSysNo":")" + a_.team + R"(","dataList":[)";
    std::string raw_lower = lower(head), url = url_encode(head);
    raw_lower.reserve(static_cast<std::size_t>(a_.batch) * (image_b64_.size() + 200) + 200);
    url.reserve(static_cast<std::size_t>(a_.batch) * (image_b64_url_.size() + 300) + 300);
    for (int i = 0; i < a_.batch; ++i, ++record_) {
      const std::size_t w = record_ % ids_.size();
      // Distinct (person, date) for every record: step back one second per round of workers.
      const WallNs when = base_wall_ - static_cast<WallNs>(record_ / ids_.size()) * 1'000'000'000LL;
      const std::string pre = std::string(i ? "," : "") + R"({"idCardType":"01","idCardNumber":")" + enc_ids_[w] +
                              R"(","date":")" + format_civil(when, UtcOffset::china(), "yyyy-MM-dd HH:mm:ss") +
                              R"(","direction":"01","image":")";
      raw_lower += lower(pre);
      raw_lower += image_b64_lower_;
      raw_lower += "\"}";
      url += url_encode(pre);
      url += image_b64_url_;
      url += "%22%7D";
    }
    raw_lower += "]}";
    url += "%5D%7D";
    return signed_request("WorkerAttendance.Add", {}, raw_lower, url);
  }

  bool is_enrolled_reply_ok(const std::string& body) const { return body.find("\"code\":0") != std::string::npos; }

 private:
  // data_lower: the raw data JSON lower-cased (the sign covers the lower-cased text),
  // data_url: the same JSON percent-encoded for the body.
  std::string signed_request(const std::string& method, const std::string&, const std::string& data_lower,
                             const std::string& data_url) {
    const std::string nonce = nonce_prefix_ + std::to_string(++nonce_counter_);
    const std::string ts = format_civil(wall_now(), UtcOffset::china(), "yyyyMMddHHmmss");
    std::string sign_input;
    sign_input.reserve(data_lower.size() + 256);
    sign_input += lower("appid=" + a_.appid) + "&data=";
    sign_input += data_lower;
    sign_input += lower("&format=json&method=" + method + "&nonce=" + nonce + "&timestamp=" + ts +
                        "&version=1.0&appsecret=" + a_.secret);
    const std::string sign = crypto::sha256_hex(sign_input);
    std::string body;
    body.reserve(data_url.size() + 400);
    body += "appid=" + url_encode(a_.appid) + "&data=";
    body += data_url;
    body += "&format=json&method=" + method + "&nonce=" + nonce + "&timestamp=" + ts + "&version=1.0&sign=" + sign;
    std::string req = "POST " + a_.path + " HTTP/1.1\r\nHost: " + a_.host +
                      "\r\nContent-Type: application/x-www-form-urlencoded;charset=UTF-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n";
    req += body;
    return req;
  }

  const Args& a_;
  std::string nonce_prefix_;
  std::uint64_t nonce_counter_ = 0;
  std::string image_b64_, image_b64_lower_, image_b64_url_;
  std::vector<std::string> ids_, enc_ids_;
  WallNs base_wall_ = 0;
  std::uint64_t record_ = 0;
};

int connect_to(const Args& a) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(a.port));
  ::inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect " + a.host + ":" + std::to_string(a.port) + ": " + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one HTTP reply from a buffer; returns its length when complete (0 = need more).
std::size_t complete_reply(const std::string& in, int& status, std::string* body = nullptr) {
  const auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  status = std::atoi(in.c_str() + 9);
  std::size_t length = 0;
  std::string head = lower(std::string_view(in).substr(0, head_end));
  if (const auto cl = head.find("content-length:"); cl != std::string::npos)
    length = std::strtoul(head.c_str() + cl + 15, nullptr, 10);
  if (in.size() < head_end + 4 + length) return 0;
  if (body) *body = in.substr(head_end + 4, length);
  return head_end + 4 + length;
}

std::string blocking_roundtrip(int fd, const std::string& req) {
  for (std::size_t sent = 0; sent < req.size();) {
    const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }
  std::string in, body;
  char buf[65536];
  int status = 0;
  while (!complete_reply(in, status, &body)) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("connection closed during enrolment");
    in.append(buf, static_cast<std::size_t>(n));
  }
  return body;
}

struct Conn {
  int fd = -1;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  int records = 0;
  Clock::time_point started;
};

int run(const Args& a) {
  RequestFactory factory(a);
  if (a.kind == "attendance") {
    const int fd = connect_to(a);
    for (std::size_t i = 0; i < factory.workers(); i += 100) {
      const std::string body = blocking_roundtrip(fd, factory.enroll_request(i, 100));
      if (!factory.is_enrolled_reply_ok(body)) {
        std::cerr << "platform_load: enrolment failed: " << body.substr(0, 300) << "\n";
        return 1;
      }
    }
    ::close(fd);
  }

  const int ep = ::epoll_create1(0);
  std::vector<Conn> conns(static_cast<std::size_t>(a.connections));
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = connect_to(a);
    ::fcntl(conns[i].fd, F_SETFL, ::fcntl(conns[i].fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }

  const auto t0 = Clock::now();
  const auto measure_from = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.warmup_s));
  const auto end = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.duration_s));
  std::uint64_t requests = 0, records = 0, errors = 0;
  std::map<std::string, std::uint64_t> codes;
  std::vector<double> latencies_ms;
  std::size_t request_bytes = 0;
  auto arm = [&](Conn& c) {
    c.out = factory.next(c.records);
    request_bytes = c.out.size();
    c.sent = 0;
    c.started = Clock::now();
  };
  for (auto& c : conns) arm(c);

  std::vector<epoll_event> events(conns.size());
  char buf[65536];
  bool stopping = false;
  std::size_t open = conns.size();
  while (open > 0) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    const auto now = Clock::now();
    if (now >= end) stopping = true;
    for (int k = 0; k < n; ++k) {
      Conn& c = conns[events[static_cast<std::size_t>(k)].data.u64];
      if (c.fd < 0) continue;
      if (c.sent < c.out.size() && (events[static_cast<std::size_t>(k)].events & EPOLLOUT)) {
        const ssize_t s = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (s > 0) c.sent += static_cast<std::size_t>(s);
        if (c.sent == c.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = events[static_cast<std::size_t>(k)].data.u64;
          ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      if (events[static_cast<std::size_t>(k)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
        if (r <= 0 && !(r < 0 && errno == EAGAIN)) {
          ++errors;
          ::close(c.fd);
          c.fd = -1;
          --open;
          continue;
        }
        if (r > 0) c.in.append(buf, static_cast<std::size_t>(r));
        int status = 0;
        std::string body;
        if (const std::size_t len = complete_reply(c.in, status, &body)) {
          c.in.erase(0, len);
          const auto done = Clock::now();
          if (c.started >= measure_from && done <= end) {
            ++requests;
            std::string code = "?";
            if (const auto p = body.find("\"code\":"); p != std::string::npos)
              code = body.substr(p + 7, body.find_first_of(",}", p + 7) - p - 7);
            ++codes[std::to_string(status) + "/" + code];
            if (status == 200 && code == "0") records += static_cast<std::uint64_t>(c.records);
            else ++errors;
            latencies_ms.push_back(std::chrono::duration<double, std::milli>(done - c.started).count());
          }
          if (stopping) {
            ::close(c.fd);
            c.fd = -1;
            --open;
            continue;
          }
          arm(c);
          epoll_event ev{};
          ev.events = EPOLLIN | EPOLLOUT;
          ev.data.u64 = events[static_cast<std::size_t>(k)].data.u64;
          ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
    }
    if (stopping && Clock::now() > end + std::chrono::seconds(30)) break;  // a stuck server
  }
  ::close(ep);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[std::min(latencies_ms.size() - 1, static_cast<std::size_t>(p * latencies_ms.size()))];
  };
  Json code_json = Json::object();
  for (const auto& [k, v] : codes) code_json[k] = v;
  const Json out{{"kind", a.kind},
                 {"connections", a.connections},
                 {"seconds", a.duration_s},
                 {"requests", requests},
                 {"requests_per_s", static_cast<double>(requests) / a.duration_s},
                 {"records", records},
                 {"records_per_s", static_cast<double>(records) / a.duration_s},
                 {"request_bytes", request_bytes},
                 {"errors", errors},
                 {"replies", code_json},
                 {"latency_ms", Json{{"p50", pct(0.5)}, {"p90", pct(0.9)}, {"p99", pct(0.99)}, {"max", latencies_ms.empty() ? 0.0 : latencies_ms.back()}}}};
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"platform_load: signed, never-repeating load for the platform endpoint (one JSON line out)"};
  app.add_option("--host", a.host, "server address");
  app.add_option("--port", a.port, "server port")->required();
  app.add_option("--kind", a.kind, "attendance (WorkerAttendance.Add batches) or query (Project.Query)")
      ->check(CLI::IsMember({"attendance", "query"}));
  app.add_option("--path", a.path, "request path");
  app.add_option("--connections", a.connections, "kept-alive connections, one request in flight each");
  app.add_option("--duration", a.duration_s, "measured seconds");
  app.add_option("--warmup", a.warmup_s, "seconds of load before measuring");
  app.add_option("--batch", a.batch, "records per WorkerAttendance.Add");
  app.add_option("--image-bytes", a.image_bytes, "JPEG bytes per record (before Base64)");
  app.add_option("--enroll", a.enroll, "workers enrolled first (ProjectWorker.Add) and cycled through");
  app.add_option("--appid", a.appid)->required();
  app.add_option("--secret", a.secret, "32-character appsecret")->required();
  app.add_option("--project", a.project, "projectCode");
  app.add_option("--team", a.team, "teamSysNo");
  app.add_option("--date-offset", a.date_offset_s, "records are dated this many seconds ago and earlier");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(a);
  } catch (const std::exception& e) {
    std::cerr << "platform_load: " << e.what() << "\n";
    return 1;
  }
}
