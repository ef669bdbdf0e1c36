#include "fake_platform.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "core/crypto.hpp"

namespace gaterig::device::testing {
namespace {

// The fake's own form decoding: '+' is a space, %XX a byte.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else out += s[i];
  }
  return out;
}

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> f;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string pair = body.substr(pos, amp - pos);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) f[unescape(pair.substr(0, eq))] = unescape(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return f;
}

std::string http_reply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
         "\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

Json reply(int code, const std::string& message, Json data = nullptr) {
  return Json{{"code", code}, {"message", message}, {"data", std::move(data)}};
}

}  // namespace

FakePlatform::FakePlatform(std::string appid, std::string appsecret)
    : appid_(std::move(appid)), secret_(std::move(appsecret)) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
  listen_on(0);
  thread_ = std::thread([this] { run(); });
}

FakePlatform::~FakePlatform() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (auto& c : conns_) ::close(c.fd);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void FakePlatform::listen_on(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("fake platform: cannot listen on port " + std::to_string(port));
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  listen_fd_ = fd;
}

void FakePlatform::set_refusing(bool refusing) {
  {
    std::lock_guard lock(mu_);
    if (refusing && listen_fd_ >= 0) {
      ::close(listen_fd_);
      listen_fd_ = -1;
      close_all_ = true;  // the server thread closes its connections (it owns their fds)
    } else if (!refusing && listen_fd_ < 0) {
      listen_on(port_);
    }
  }
  (void)!::write(wake_[1], "x", 1);
}

void FakePlatform::drop_next_writes(int n) { std::lock_guard l(mu_); drop_next_ = n; }
void FakePlatform::reply_code_next(int code, int n) { std::lock_guard l(mu_); code_next_ = code; code_n_ = n; }
void FakePlatform::reply_http_next(int status, int n) { std::lock_guard l(mu_); http_next_ = status; http_n_ = n; }
void FakePlatform::set_delay(std::chrono::milliseconds d) { std::lock_guard l(mu_); delay_ = d; }
void FakePlatform::set_async_pending_polls(int n) { std::lock_guard l(mu_); async_pending_ = n; }
void FakePlatform::reject_id(const std::string& id) { std::lock_guard l(mu_); reject_ids_.insert(id); }
void FakePlatform::set_workers(Json rows) { std::lock_guard l(mu_); workers_ = std::move(rows); }

std::vector<FakeRequest> FakePlatform::requests() const { std::lock_guard l(mu_); return requests_; }
std::vector<FakeAttendance> FakePlatform::attendance() const { std::lock_guard l(mu_); return stored_; }
std::vector<FakeAttendance> FakePlatform::received() const { std::lock_guard l(mu_); return received_; }
std::size_t FakePlatform::duplicates() const { std::lock_guard l(mu_); return duplicates_; }
std::size_t FakePlatform::connections() const { std::lock_guard l(mu_); return connections_; }

bool FakePlatform::wait_for(const std::function<bool(const std::vector<FakeAttendance>&)>& pred,
                            std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(stored_); });
}

bool FakePlatform::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void FakePlatform::run() {
  for (;;) {
    std::vector<pollfd> fds;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      if (close_all_) {
        for (auto& c : conns_) ::close(c.fd);
        conns_.clear();
        close_all_ = false;
      }
      fds.push_back({wake_[0], POLLIN, 0});
      fds.push_back({listen_fd_, POLLIN, 0});  // -1 is ignored by poll
      for (auto& c : conns_) fds.push_back({c.fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
    if (fds[0].revents) {
      char buf[64];
      while (::read(wake_[0], buf, sizeof buf) > 0) {
      }
      continue;  // the fd set may have changed
    }
    std::unique_lock lock(mu_);
    if (fds[1].revents && listen_fd_ == fds[1].fd && listen_fd_ >= 0) {
      const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        conns_.push_back({c, {}});
        ++connections_;
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      auto it = std::find_if(conns_.begin(), conns_.end(), [&](const Conn& c) { return c.fd == fds[i].fd; });
      if (it == conns_.end()) continue;
      const int fd = it->fd;
      char buf[65536];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      bool close_it = n <= 0;
      if (n > 0) it->in.append(buf, static_cast<std::size_t>(n));
      std::vector<std::string> replies;
      bool handled = false;
      while (!close_it) {
        const auto he = it->in.find("\r\n\r\n");
        if (he == std::string::npos) break;
        std::size_t len = 0;
        const std::string head = it->in.substr(0, he);
        const auto cl = head.find("Content-Length: ");
        if (cl != std::string::npos) len = std::stoul(head.substr(cl + 16));
        if (it->in.size() < he + 4 + len) break;
        const std::string body = it->in.substr(he + 4, len);
        it->in.erase(0, he + 4 + len);
        std::string out = handle(body);
        handled = true;
        if (out.empty()) close_it = true;
        else replies.push_back(std::move(out));
      }
      const auto delay = delay_;
      cv_.notify_all();
      // Replies leave without the lock, so the tests can look while the platform is slow.
      lock.unlock();
      if (delay.count() > 0 && handled) std::this_thread::sleep_for(delay);
      for (const auto& out : replies) (void)!::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      lock.lock();
      if (close_it) {
        auto again = std::find_if(conns_.begin(), conns_.end(), [&](const Conn& c) { return c.fd == fd; });
        if (again != conns_.end()) {
          ::close(fd);
          conns_.erase(again);
        }
      }
    }
    cv_.notify_all();
  }
}

std::string FakePlatform::handle(const std::string& body) {
  const auto form = parse_form(body);
  FakeRequest req;
  auto get = [&](const char* k) {
    auto it = form.find(k);
    return it == form.end() ? std::string() : it->second;
  };
  req.method = get("method");
  req.nonce = get("nonce");
  req.timestamp = get("timestamp");
  req.appid = get("appid");
  // The sign, by the rule in SPEC.md, independently of the client's code.
  std::string input = "appid=" + req.appid + "&data=" + get("data") + "&format=" + get("format") +
                      "&method=" + req.method + "&nonce=" + req.nonce + "&timestamp=" + req.timestamp +
                      "&version=" + get("version") + "&appsecret=" + secret_;
  for (auto& c : input) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  req.sign_ok = crypto::sha256_hex(input) == get("sign");
  try {
    req.data = Json::parse(get("data"));
  } catch (const std::exception&) {
    req.data = nullptr;
  }
  bool drop = false;
  int http = 200;
  const Json r = handle_call(req, form, drop, http);
  requests_.push_back(req);
  if (drop) return {};
  return http_reply(http, r.dump());
}

Json FakePlatform::handle_call(FakeRequest& req, const std::map<std::string, std::string>& form, bool& drop,
                               int& http) {
  if (!req.sign_ok) return reply(-2, "sign mismatch");
  if (req.appid != appid_) return reply(-3, "unknown appid");
  if (form.count("format") == 0 || form.at("format") != "json" || form.at("version") != "1.0")
    return reply(-1, "format/version");
  if (req.timestamp.size() != 14) return reply(-1, "timestamp must be yyyyMMddHHmmss");
  const Json& d = req.data;
  if (!d.is_object()) return reply(-1, "data is not a JSON object");

  if (req.method == "AsyncHandleResult.Query") {
    const std::string serial = d.value("requestSerialCode", "");
    auto it = async_polls_.find(serial);
    if (it == async_polls_.end()) return reply(-1, "unknown requestSerialCode");
    if (it->second > 0) {
      --it->second;
      return reply(0, "ok", Json{{"status", 0}, {"result", "processing"}});
    }
    const auto [ok, dup] = async_counts_[serial];
    return reply(0, "ok", Json{{"status", 20}, {"result", Json{{"successCount", ok}, {"duplicateCount", dup}}.dump()}});
  }
  if (req.method == "Project.Query")
    return reply(0, "ok", Json{{"pageIndex", 0}, {"rowTotal", 1}, {"rows", Json::array({{{"projectCode", "P-001"}}})}});
  if (req.method == "ProjectWorker.Query") {
    const int page = d.value("pageIndex", 0), size = d.value("pageSize", 10);
    Json rows = Json::array();
    for (int i = page * size; i < static_cast<int>(workers_.size()) && i < (page + 1) * size; ++i) {
      Json w = workers_[static_cast<std::size_t>(i)];
      w["idCardNumber"] = crypto::base64_encode(crypto::aes256_cbc_encrypt(
          w.value("idCardNumber", ""), secret_, std::string_view(secret_).substr(0, 16)));
      rows.push_back(w);
    }
    return reply(0, "ok", Json{{"pageIndex", page}, {"pageSize", size}, {"rowTotal", workers_.size()}, {"rows", rows}});
  }
  if (req.method != "WorkerAttendance.Add" && req.method != "WorkerEntryExit.Add")
    return reply(-1, "unknown method " + req.method);

  // A write: the misbehaviours apply here.
  if (http_n_ > 0) {
    --http_n_;
    http = http_next_;
    return reply(-1, "server error");
  }
  if (code_n_ > 0) {
    --code_n_;
    return reply(code_next_, "told to reply " + std::to_string(code_next_));
  }
  const bool attendance = req.method == "WorkerAttendance.Add";
  const Json& list = attendance ? d.value("dataList", Json::array()) : d.value("workerList", Json::array());
  if (!list.is_array() || list.empty()) return reply(-1, "empty list");
  std::vector<FakeAttendance> items;
  for (const Json& item : list) {
    FakeAttendance a;
    const std::string field = item.value("idCardNumber", "");
    try {
      a.id = crypto::aes256_cbc_decrypt(crypto::base64_decode(field), secret_, std::string_view(secret_).substr(0, 16));
      a.encrypted = true;
    } catch (const std::exception&) {
      a.id = field;
    }
    a.date = item.value("date", "");
    a.direction = attendance ? item.value("direction", "") : std::to_string(item.value("type", -1));
    a.nonce = req.nonce;
    a.has_image = item.contains("image");
    received_.push_back(a);
    items.push_back(a);
  }
  for (const auto& a : items) {
    if (!a.encrypted) return reply(-1, "idCardNumber is not encrypted");
    if (reject_ids_.count(a.id)) return reply(-1, "worker not in project");
  }
  int ok = 0, dup = 0;
  for (const auto& a : items) {
    if (keys_.insert(a.id + "|" + a.date + "|" + a.direction).second) {
      stored_.push_back(a);
      ++ok;
    } else {
      ++dup;
      ++duplicates_;
    }
  }
  const std::string serial = "S" + std::to_string(next_serial_++);
  async_polls_[serial] = async_pending_;
  async_counts_[serial] = {ok, dup};
  if (drop_next_ > 0) {
    --drop_next_;
    drop = true;  // stored, but the terminal never hears of it
  }
  return reply(0, "ok", Json{{"requestSerialCode", serial}, {"duplicateCount", dup}});
}

}  // namespace gaterig::device::testing
