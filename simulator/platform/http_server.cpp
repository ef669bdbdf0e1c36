// Every Boost.Beast/Asio template of the platform endpoint lives in this one translation unit
// (they cost 10+ s per file to compile).
#include "simulator/platform/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log.hpp"

namespace gaterig::platform {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string error_body(long code, const std::string& message) {
  return Json{{"code", code}, {"message", message}, {"data", nullptr}}.dump();
}

class Session;

constexpr const char* kRequestReceived = "platform.request_received";
constexpr const char* kReplySent = "platform.reply_sent";

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions o, RequestHandler& h, EventSink* e, FaultSwitch* f, TrafficStats* s)
      : opt(std::move(o)), handler(h), events(e), faults(f), stats(s) {}

  HttpServerOptions opt;
  RequestHandler& handler;
  EventSink* events;
  FaultSwitch* faults;
  TrafficStats* stats;

  // Declared before the io_context: sessions destroyed with its pending handlers unregister here.
  mutable std::mutex mu;
  std::condition_variable cv;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
  std::atomic<std::uint64_t> next_connection{1};
  std::atomic<bool> stopping{false};
  std::atomic<bool> is_listening{false};
  std::atomic<std::uint16_t> bound_port{0};
  bool started = false;
  bool stopped = false;
  tcp::endpoint endpoint;

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  asio::strand<asio::io_context::executor_type> accept_strand = asio::make_strand(ioc);
  tcp::acceptor acceptor{accept_strand};
  std::unique_ptr<asio::thread_pool> pool;
  std::vector<std::thread> io_threads;

  void publish(const char* kind, Json payload) {
    if (events) events->publish(Event{mono_now(), opt.name, kind, std::move(payload)});
  }
  void open_listener();   // on accept_strand
  void close_listener();  // on accept_strand
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  std::vector<std::shared_ptr<Session>> live_sessions();
  void on_fault_changed(const FaultMode& mode);
  void unregister(std::uint64_t id) {
    {
      std::lock_guard lock(mu);
      sessions.erase(id);
    }
    cv.notify_all();
  }
};

namespace {

// One connection. Owns itself through its pending operations (shared_from_this); everything it
// does runs on its strand, except handle(), which runs on the worker pool.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket, std::uint64_t id)
      : server_(server), stream_(std::move(socket)), id_(id), delay_timer_(stream_.get_executor()) {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  }
  ~Session() { server_.unregister(id_); }

  void start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }
  // Server-wide requests, posted onto this session's strand.
  void post_stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(); });
  }
  void post_force_close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->do_close(); });
  }
  void post_fault_changed(FaultMode mode) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), mode] { self->on_fault_changed(mode); });
  }

 private:
  enum class State { reading, handling, writing, held, closed };
  enum class Pending { none, slow, ack_lost };

  void do_read() {
    if (server_.stopping || close_after_write_) return do_close();
    if (state_ != State::held) state_ = State::reading;
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    // Checked against Content-Length after the header (so we can answer 413 at once) and
    // enforced by the parser while reading a chunked body.
    parser_->body_limit(server_.opt.body_limit);
    if (state_ == State::held)
      stream_.expires_never();  // a black hole holds the connection as long as the peer does
    else
      stream_.expires_after(server_.opt.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    if (const auto expect = req[http::field::expect]; beast::iequals(expect, "100-continue")) {
      // libcurl waits up to a second for this before sending a body over 1 KB.
      if (parser_->content_length() && *parser_->content_length() > server_.opt.body_limit)
        return on_read_error(http::error::body_limit);
      continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(server_.opt.write_timeout);
      return http::async_write(stream_, *continue_,
                               [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                 self->continue_.reset();
                                 if (wec) return self->do_close();
                                 self->read_body();
                               });
    }
    // Usually the whole request came in with the header: parse the rest from the buffer here
    // rather than through another asynchronous operation.
    while (!parser_->is_done() && buffer_.size() > 0) {
      beast::error_code pec;
      const std::size_t used = parser_->put(buffer_.data(), pec);
      buffer_.consume(used);
      if (pec == http::error::need_more) break;
      if (pec) return on_read_error(pec);
      if (used == 0) break;
    }
    if (parser_->is_done()) return on_read({}, 0);
    // Beast reads into the buffer's spare capacity (at least 512 bytes): left as it came from
    // the header, a 300 KB attendance upload took ~500 reads. Room for the body (up to 256 KiB)
    // makes that a handful; connections sending small requests keep small buffers.
    if (const auto length = parser_->content_length(); length && *length > buffer_.capacity())
      buffer_.reserve(std::min<std::size_t>(*length, 256 * 1024));
    read_body();
  }

  void read_body() {
    if (state_ != State::held) stream_.expires_after(server_.opt.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (state_ == State::closed) return;
    if (ec == http::error::body_limit) {
      return write_local(413, error_body(-1, "request body larger than " +
                                                 std::to_string(server_.opt.body_limit) + " bytes"),
                         /*close=*/true);
    }
    if (ec == http::error::header_limit) {
      return write_local(431, error_body(-1, "request header larger than 64 KiB"), true);
    }
    if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted &&
        ec != asio::error::eof && ec != asio::error::connection_reset &&
        ec != beast::error::timeout && ec != http::error::partial_message) {
      LOG_DEBUG(server_.opt.name, "connection " << id_ << " from " << peer_ << ": read: " << ec.message());
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return write_local(400, error_body(-1, "malformed HTTP request: " + ec.message()), true);
    }
    do_close();
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    if (state_ == State::closed) return;
    auto& msg = parser_->get();
    HttpRequest req;
    req.received_mono = mono_now();  // the last byte has just been read
    req.received_wall = wall_now();
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.headers.reserve(8);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      req.headers.set(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.peer = peer_;
    keep_alive_ = msg.keep_alive();
    received_mono_ = req.received_mono;
    api_method_ = api_method_of(req);

    if (server_.stats) server_.stats->request(api_method_, req.body.size());
    if (server_.opt.traffic_events) {
      // Built key by key: a braced Json{{k, v}, ...} makes a two-element array per pair and
      // copies it into the object (~4 allocations a key); this is one map node a key plus the
      // string values, on every request.
      Json payload(Json::value_t::object);
      auto& o = payload.get_ref<Json::object_t&>();
      o.emplace("connection", id_);
      o.emplace("peer", peer_);
      o.emplace("http_method", req.method);
      o.emplace("target", req.target);
      o.emplace("api_method", api_method_);
      o.emplace("bytes", req.body.size());
      server_.publish(kRequestReceived, std::move(payload));
    }

    pending_ = Pending::none;
    if (const auto fault = server_.faults ? server_.faults->fire(req, id_) : std::nullopt) {
      switch (fault->kind) {
        case FaultKind::up:
          break;
        case FaultKind::refuse:
          if (server_.stats) server_.stats->no_reply(api_method_);
          return do_close();
        case FaultKind::blackhole:
          if (server_.stats) server_.stats->no_reply(api_method_);
          state_ = State::held;
          return do_read();
        case FaultKind::error:
          return write_local(fault->http_status,
                             error_body(-5, "rate limited (injected fault: error)"), false);
        case FaultKind::slow:
          pending_ = Pending::slow;
          delay_ = fault->delay;
          break;
        case FaultKind::ack_lost:
          pending_ = Pending::ack_lost;
          break;
      }
    }
    if (state_ == State::held) {
      // The fault has been lifted since this connection was held: the held connection is
      // closed (see on_fault_changed), so this request is not answered either.
      if (server_.stats) server_.stats->no_reply(api_method_);
      return do_close();
    }
    if (!server_.opt.health_path.empty() &&
        std::string_view(req.target).substr(0, req.target.find('?')) == server_.opt.health_path) {
      return write_local(200, R"({"code":0,"message":"up","data":{"server":"gaterig-platform"}})", false);
    }
    dispatch_to_handler(std::move(req));
  }

  HttpResponse call_handler(const HttpRequest& req) {
    HttpResponse response;
    try {
      response = server_.handler.handle(req);
    } catch (const std::exception& e) {
      LOG_ERROR(server_.opt.name, "handler failed on " << req.target << ": " << e.what());
      response.status = 500;
      response.body = error_body(-1, std::string("internal error: ") + e.what());
    }
    return response;
  }

  void dispatch_to_handler(HttpRequest req) {
    state_ = State::handling;
    // What will not wait (a query) is answered right here: the pool and the post back to this
    // strand cost two context switches per request, more than the query itself.
    if (!server_.handler.may_block(req)) return on_handled(call_handler(req));
    asio::post(*server_.pool, [self = shared_from_this(), req = std::move(req)]() {
      HttpResponse response = self->call_handler(req);
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response)]() mutable { self->on_handled(std::move(response)); });
    });
  }

  void on_handled(HttpResponse response) {
    if (state_ == State::closed) {
      if (server_.stats) server_.stats->no_reply(api_method_);
      return;
    }
    if (pending_ == Pending::ack_lost) {
      if (server_.stats) server_.stats->no_reply(api_method_);
      return do_close();
    }
    if (pending_ == Pending::slow) {
      delay_timer_.expires_after(delay_);
      return delay_timer_.async_wait(
          [self = shared_from_this(), response = std::move(response)](beast::error_code ec) mutable {
            if (ec || self->state_ == State::closed) {
              if (self->server_.stats) self->server_.stats->no_reply(self->api_method_);
              return self->do_close();
            }
            self->write(std::move(response), false);
          });
    }
    write(std::move(response), false);
  }

  void write_local(int status, std::string body, bool close) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    if (received_mono_ == 0) received_mono_ = mono_now();
    write(std::move(r), close);
  }

  void write(HttpResponse response, bool close) {
    state_ = State::writing;
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(response.status));
    res_.set(http::field::server, "gaterig-platform");
    res_.set(http::field::content_type, response.content_type);
    code_ = reply_code_of(response.body);
    res_.body() = std::move(response.body);
    res_.keep_alive(keep_alive_ && !close && !close_after_write_ && !server_.stopping);
    res_.prepare_payload();
    stream_.expires_after(server_.opt.write_timeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    const int status = static_cast<int>(res_.result_int());
    if (ec) {
      LOG_DEBUG(server_.opt.name, "connection " << id_ << ": write: " << ec.message());
      if (server_.stats) server_.stats->no_reply(api_method_);
      return do_close();
    }
    if (server_.stats) server_.stats->reply(api_method_, status, code_);
    if (server_.opt.traffic_events) {
      Json payload(Json::value_t::object);
      auto& o = payload.get_ref<Json::object_t&>();
      o.emplace("connection", id_);
      o.emplace("status", status);
      o.emplace("api_method", api_method_);
      o.emplace("latency_us", (mono_now() - received_mono_) / 1000);
      o.emplace("code", code_ ? Json(*code_) : Json(nullptr));
      server_.publish(kReplySent, std::move(payload));
    }
    received_mono_ = 0;
    // close_after_write_ may have been set while this reply was already on its way.
    if (!res_.keep_alive() || close_after_write_ || server_.stopping) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return do_close();
    }
    do_read();
  }

  void on_stop() {
    if (state_ == State::reading || state_ == State::held) return do_close();
    close_after_write_ = true;  // handling or writing: finish this request, then close
  }

  void on_fault_changed(const FaultMode& mode) {
    if (state_ == State::held && mode.kind != FaultKind::blackhole) return do_close();
    if (mode.kind == FaultKind::refuse) {
      if (state_ == State::reading) return do_close();
      close_after_write_ = true;
    }
  }

  void do_close() {
    if (state_ == State::closed) return;
    state_ = State::closed;
    beast::error_code ignored;
    delay_timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  std::uint64_t id_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::empty_body>> continue_;
  http::response<http::string_body> res_;
  asio::steady_timer delay_timer_;
  State state_ = State::reading;
  Pending pending_ = Pending::none;
  std::chrono::milliseconds delay_{0};
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  MonoNs received_mono_ = 0;
  std::string api_method_;
  std::optional<long> code_;
};

}  // namespace

void HttpServer::Impl::open_listener() {
  if (stopping || acceptor.is_open()) return;
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    throw std::runtime_error(opt.name + ": cannot listen on " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
  }
  endpoint = acceptor.local_endpoint();
  bound_port = endpoint.port();
  is_listening = true;
  publish("platform.listening", Json{{"address", endpoint.address().to_string()}, {"port", endpoint.port()}});
  do_accept();
}

void HttpServer::Impl::close_listener() {
  if (!acceptor.is_open()) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  is_listening = false;
  publish("platform.listener_closed", Json{{"address", endpoint.address().to_string()}, {"port", endpoint.port()}});
}

void HttpServer::Impl::do_accept() {
  // Handlers capture `this`: they live in ioc, which dies with *this and never runs them after.
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    LOG_WARN(opt.name, "accept: " << ec.message());
    // Out of descriptors and the like: keep accepting rather than go deaf.
    return do_accept();
  }
  if (stopping) return;  // the socket closes here
  socket.set_option(tcp::no_delay(true), ec);
  const std::uint64_t id = next_connection++;
  auto session = std::make_shared<Session>(*this, std::move(socket), id);
  {
    std::lock_guard lock(mu);
    sessions[id] = session;
  }
  if (stats) stats->connection_opened();
  session->start();
  do_accept();
}

std::vector<std::shared_ptr<Session>> HttpServer::Impl::live_sessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mu);
  for (auto& [_, weak] : sessions)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

void HttpServer::Impl::on_fault_changed(const FaultMode& mode) {
  asio::post(accept_strand, [this, mode] {
    try {
      if (mode.kind == FaultKind::refuse)
        close_listener();
      else
        open_listener();  // same port as before
    } catch (const std::exception& e) {
      LOG_ERROR(opt.name, "reopening the listener after 'refuse': " << e.what());
      publish("platform.listen_failed", Json{{"error", e.what()}});
    }
  });
  for (auto& s : live_sessions()) s->post_fault_changed(mode);
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler, EventSink* events,
                       FaultSwitch* faults, TrafficStats* stats)
    : impl_(std::make_shared<Impl>(std::move(options), handler, events, faults, stats)) {
  if (impl_->opt.io_threads == 0) throw std::invalid_argument("http server: io_threads must be at least 1");
  if (impl_->opt.handler_threads == 0) throw std::invalid_argument("http server: handler_threads must be at least 1");
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.started) throw std::logic_error(s.opt.name + ": start() called twice");
    s.started = true;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.opt.bind_address, ec);
  if (ec)
    throw std::invalid_argument(s.opt.name + ": bind address '" + s.opt.bind_address +
                                "' is not an IPv4 or IPv6 address");
  s.endpoint = tcp::endpoint(address, s.opt.port);
  s.open_listener();  // before any thread runs, so errors reach the caller
  // Starting in `refuse`: bound (so the port is known and kept) but closed before anyone can
  // connect, so the ready line never races the close.
  if (s.faults && s.faults->current().kind == FaultKind::refuse) s.close_listener();
  s.work.emplace(s.ioc.get_executor());
  s.pool = std::make_unique<asio::thread_pool>(s.opt.handler_threads);
  for (unsigned i = 0; i < s.opt.io_threads; ++i) s.io_threads.emplace_back([&s] { s.ioc.run(); });
  if (s.faults) {
    std::weak_ptr<Impl> weak = impl_;
    s.faults->on_change([weak](const FaultMode& mode) {
      if (auto self = weak.lock(); self && !self->stopping) self->on_fault_changed(mode);
    });
  }
  LOG_INFO(s.opt.name, "listening on " << s.endpoint.address().to_string() << ":" << s.endpoint.port());
}

void HttpServer::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (!s.started || s.stopped) return;
    s.stopped = true;
  }
  s.stopping = true;
  asio::post(s.accept_strand, [&s] { s.close_listener(); });
  for (auto& session : s.live_sessions()) session->post_stop();
  {
    std::unique_lock lock(s.mu);
    if (!s.cv.wait_for(lock, s.opt.stop_deadline, [&] { return s.sessions.empty(); })) {
      LOG_WARN(s.opt.name, s.sessions.size() << " connection(s) still busy after "
                                                     << s.opt.stop_deadline.count() << " ms: closing them");
      lock.unlock();
      for (auto& session : s.live_sessions()) session->post_force_close();
      lock.lock();
      s.cv.wait_for(lock, std::chrono::seconds(1), [&] { return s.sessions.empty(); });
    }
  }
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  if (s.pool) s.pool->join();  // handle() calls still running finish; their replies are dropped
  LOG_INFO(s.opt.name, "stopped");
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }
const std::string& HttpServer::bind_address() const { return impl_->opt.bind_address; }
bool HttpServer::listening() const { return impl_->is_listening; }
const HttpServerOptions& HttpServer::options() const { return impl_->opt; }

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

}  // namespace gaterig::platform
