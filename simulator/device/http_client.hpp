#pragma once
// A small blocking HTTP/1.1 client over POSIX sockets, the way a terminal's firmware talks to
// its platform: one connection kept alive and reused, every phase under its own deadline.
// What went wrong is a value (HttpFailure), because the offline logic decides on it: a refused
// or timed-out connect means the request never left; "closed before the reply" means it may
// have arrived (the acknowledgement was lost), so the retry must be the same record.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace gaterig::device {

struct HttpEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds write{5000};
  std::chrono::milliseconds read{10000};  // from the last byte sent to the end of the reply
};

enum class HttpFailure {
  none,
  resolve_failed,       // the host name does not resolve
  connect_refused,      // nothing listens there (RST): the request never left
  connect_timed_out,    // no answer to SYN within the connect deadline
  connect_failed,       // another connect error (unreachable network, ...)
  write_failed,         // the connection broke while sending: the request may be partial
  write_timed_out,
  closed_before_reply,  // the request was sent, the peer closed before a complete reply
  read_timed_out,       // the request was sent, no complete reply within the read deadline
  bad_status_line,      // the first reply line is not "HTTP/1.x NNN ..."
  bad_reply,            // malformed headers, chunking or length
  aborted,              // abort() was called from another thread
};

const char* to_string(HttpFailure f);
std::ostream& operator<<(std::ostream& os, HttpFailure f);
// True when the request may have reached the server (so a retry may be a duplicate there).
bool request_may_have_arrived(HttpFailure f);

struct HttpReply {
  HttpFailure failure = HttpFailure::none;
  std::string detail;  // the errno text or the offending bytes, for logs
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool reused_connection = false;

  bool ok() const { return failure == HttpFailure::none; }
  std::string header(std::string_view name) const;  // "" when absent
};

std::ostream& operator<<(std::ostream& os, const HttpReply& r);

class HttpClient {
 public:
  explicit HttpClient(HttpEndpoint endpoint, HttpTimeouts timeouts = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads its reply. Never throws for network trouble: see HttpReply.
  HttpReply post(const std::string& path, const std::string& content_type, const std::string& body) {
    return request("POST", path, content_type, body);
  }
  // Any method (the rig's admin endpoints use GET and PUT); an empty content_type sends none.
  HttpReply request(const std::string& method, const std::string& path, const std::string& content_type,
                    const std::string& body);

  // Drops the kept-alive connection.
  void close();
  // From another thread: makes a blocked post() return HttpFailure::aborted promptly, and every
  // later post() too until reset_abort().
  void abort();
  void reset_abort();

  const HttpEndpoint& endpoint() const { return endpoint_; }
  std::uint64_t connections_opened() const { return connections_opened_; }

 private:
  HttpReply connect_socket();
  HttpReply exchange(const std::string& request);

  HttpEndpoint endpoint_;
  HttpTimeouts timeouts_;
  std::mutex call_mu_;  // one request at a time on the connection
  std::atomic<int> fd_{-1};
  std::atomic<bool> aborted_{false};
  std::uint64_t connections_opened_ = 0;
};

}  // namespace gaterig::device
