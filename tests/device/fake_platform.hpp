#pragma once
// A tiny national open.api platform for the terminal-side tests: a loopback server on port 0
// that checks the sign and decrypts ID numbers with its own code (not the client's), stores
// attendance de-duplicated by (person, date, direction), and can misbehave on request:
// refuse connections, drop the connection after reading a write (ack lost), reply a code,
// reply an HTTP status, be slow, keep async results pending.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace gaterig::device::testing {

using Json = nlohmann::json;

struct FakeRequest {
  std::string method, nonce, timestamp, appid;
  bool sign_ok = false;
  Json data;
};

struct FakeAttendance {
  std::string id;          // decrypted (or as sent when it was not encrypted)
  bool encrypted = false;  // decrypting the field gave a valid-looking ID
  std::string date, direction, nonce;
  bool has_image = false;
};

class FakePlatform {
 public:
  FakePlatform(std::string appid, std::string appsecret);
  ~FakePlatform();

  std::uint16_t port() const { return port_; }

  // --- misbehaviour ---
  void set_refusing(bool refusing);           // close/reopen the listening socket (same port)
  void drop_next_writes(int n);               // store, then close without a reply
  void reply_code_next(int code, int n);      // answer the next n writes with this code
  void reply_http_next(int status, int n);    // answer the next n writes with this HTTP status
  void set_delay(std::chrono::milliseconds d);
  void set_async_pending_polls(int n);        // AsyncHandleResult says 0 this many times first
  void reject_id(const std::string& id);      // -1 for any batch that contains it
  void set_workers(Json rows);                // for ProjectWorker.Query (idCardNumber plain here)

  // --- what it saw ---
  std::vector<FakeRequest> requests() const;
  std::vector<FakeAttendance> attendance() const;  // stored, in arrival order
  std::vector<FakeAttendance> received() const;    // every item of every write, duplicates too
  std::size_t duplicates() const;
  std::size_t connections() const;
  // Waits until `pred` holds over the stored attendance, or the timeout.
  bool wait_for(const std::function<bool(const std::vector<FakeAttendance>&)>& pred,
                std::chrono::milliseconds timeout) const;
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Conn {
    int fd;
    std::string in;
  };
  void listen_on(std::uint16_t port);
  void run();
  // Returns the reply to send; empty string = close without replying.
  std::string handle(const std::string& body);
  Json handle_call(FakeRequest& req, const std::map<std::string, std::string>& form, bool& drop, int& http);

  std::string appid_, secret_;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  bool stop_ = false;
  bool close_all_ = false;
  std::vector<Conn> conns_;
  std::thread thread_;

  int drop_next_ = 0, code_next_ = 0, code_n_ = 0, http_next_ = 0, http_n_ = 0, async_pending_ = 0;
  std::chrono::milliseconds delay_{0};
  std::set<std::string> reject_ids_;
  Json workers_ = Json::array();
  std::vector<FakeRequest> requests_;
  std::vector<FakeAttendance> stored_, received_;
  std::set<std::string> keys_;
  std::size_t duplicates_ = 0, connections_ = 0;
  std::map<std::string, int> async_polls_;  // serial -> polls left before status 20
  std::map<std::string, std::pair<int, int>> async_counts_;  // serial -> success, duplicate
  std::uint64_t next_serial_ = 1;
};

}  // namespace gaterig::device::testing
