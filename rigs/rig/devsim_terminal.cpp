#include "rigs/rig/devsim_terminal.hpp"

#include <fstream>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "rigs/rig/stop_wait.hpp"
#include "simulator/device/http_client.hpp"

namespace gaterig::rig {
namespace {
using namespace std::chrono_literals;

// Longest a power job (a kill and reap, or a fork) may take before the rig calls it a fault.
constexpr auto kPowerJobDeadline = 30s;

}  // namespace

DevsimTerminal::DevsimTerminal(DevsimSettings settings, EventSink& events, PowerSwitch relay)
    : settings_(std::move(settings)), events_(events), relay_(std::move(relay)), mode_(settings_.mode) {
  std::filesystem::create_directories(settings_.work_dir);
  power_thread_ = std::thread([this] { power_loop(); });
  power_thread_id_ = power_thread_.get_id();
}

DevsimTerminal::~DevsimTerminal() {
  stop();
  {
    std::lock_guard lock(jobs_mu_);
    stopping_ = true;
  }
  jobs_cv_.notify_all();
  power_thread_.join();
}

void DevsimTerminal::power_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(jobs_mu_);
      jobs_cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) break;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
  // The last child dies with this thread at the latest (PR_SET_PDEATHSIG); reap it properly.
  if (child_) child_->kill_now();
  child_.reset();
}

void DevsimTerminal::on_power_thread(std::function<void()> job, bool wait) {
  if (std::this_thread::get_id() == power_thread_id_) {
    job();
    return;
  }
  if (!wait) {
    {
      std::lock_guard lock(jobs_mu_);
      jobs_.push_back(std::move(job));
    }
    jobs_cv_.notify_all();
    return;
  }
  struct Done {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::exception_ptr error;
  };
  auto done = std::make_shared<Done>();
  {
    std::lock_guard lock(jobs_mu_);
    jobs_.push_back([job = std::move(job), done] {
      try {
        job();
      } catch (...) {
        done->error = std::current_exception();
      }
      {
        std::lock_guard l(done->mu);
        done->done = true;
      }
      done->cv.notify_all();
    });
  }
  jobs_cv_.notify_all();
  std::unique_lock lock(done->mu);
  if (!done->cv.wait_for(lock, kPowerJobDeadline, [&] { return done->done; }))
    throw TerminalError("simulated terminal: the power supply did not switch within 30 s");
  if (done->error) std::rethrow_exception(done->error);
}

void DevsimTerminal::publish(const std::string& kind, Json payload) {
  events_.publish(Event{mono_now(), "terminal", kind, std::move(payload)});
}

void DevsimTerminal::spawn() {
  if (child_) {
    bool exited;
    {
      std::lock_guard lock(mu_);
      exited = exited_ == generation_;
    }
    if (!exited && child_->running()) return;  // already powered
    child_->wait_exit(5s);  // a dead one is being reaped: its reader reports before it is done
    child_.reset();         // joins the old reader
  }
  {
    std::ofstream out(config_path(), std::ios::trunc);
    out << settings_.config_text;
    if (!out) throw TerminalError("simulated terminal: cannot write " + config_path().string());
  }
  std::uint64_t generation;
  {
    std::lock_guard lock(mu_);
    generation = ++generation_;
    state_ = State::starting;
    admin_port_ = 0;
  }
  ChildOptions o;
  o.executable = settings_.exe.path;
  o.args = {"devsim", "--config", config_path().string()};
  o.stderr_log = log_path();
  o.on_line = [this, generation](const std::string& line) { on_line(line, generation); };
  o.on_exit = [this, generation](const ChildExit& e) { on_exit(e, generation); };
  child_ = std::make_unique<ChildProcess>(std::move(o));
  publish("terminal.power", Json{{"on", true}, {"how", "on"}, {"pid", child_->pid()}});
  LOG_INFO("rig", "simulated terminal started: pid " << child_->pid() << ", " << settings_.exe.path.string()
                                                     << " devsim --config " << config_path().string());
}

void DevsimTerminal::kill_child(const char* how) {
  if (!child_) return;
  const int pid = child_->pid();
  if (child_->running()) {
    {
      std::lock_guard lock(mu_);
      expected_exit_ = generation_;
    }
    const bool graceful = std::string_view(how) == "stopped";
    if (!(graceful ? child_->terminate(5s) : child_->kill_now(5s)))
      throw TerminalError("simulated terminal: pid " + std::to_string(pid) + " did not end after SIGKILL");
    publish("terminal.power", Json{{"on", false}, {"how", how}, {"pid", pid}});
  }
  {
    std::lock_guard lock(mu_);
    state_ = State::off;
  }
  cv_.notify_all();
  child_.reset();
}

void DevsimTerminal::on_line(const std::string& line, std::uint64_t generation) {
  if (line.empty() || line.front() != '{') return;
  Json j;
  try {
    j = Json::parse(line);
  } catch (const std::exception&) {
    return;
  }
  if (j.value("event", "") != "ready") return;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) return;
    ready_ = j;
    admin_port_ = j.value("admin_port", 0);
    ++ready_count_;
    state_ = State::ready;
  }
  cv_.notify_all();
  Json p{{"pid", j.value("pid", 0)}, {"admin_port", j.value("admin_port", 0)}, {"enrolled", j.value("enrolled", 0)},
         {"enroll_failures", j.value("enroll_failures", 0)}, {"profile", j.value("profile", "")},
         {"engine", j.value("engine", "")}, {"identity", j.value("identity", Json::object())}};
  publish("terminal.ready", std::move(p));
}

void DevsimTerminal::on_exit(const ChildExit& e, std::uint64_t generation) {
  bool unexpected;
  {
    std::lock_guard lock(mu_);
    if (generation == generation_) exited_ = generation;
    unexpected = generation == generation_ && expected_exit_ != generation;
    if (unexpected) state_ = State::dead;
  }
  cv_.notify_all();
  if (!unexpected) return;
  const std::string tail = log_tail(log_path(), 600);
  LOG_WARN("rig", "simulated terminal died: " << e.describe() << "; log " << log_path().string());
  publish("terminal.power", Json{{"on", false}, {"how", "died"}, {"exit", e.describe()}, {"log_tail", tail}});
}

void DevsimTerminal::start() {
  power_on();
  // In slices, so SIGINT stops a slow start (a big gallery to enroll) promptly.
  const auto deadline = std::chrono::steady_clock::now() + settings_.ready_timeout;
  bool ready = false;
  while (!(ready = wait_ready(100ms))) {
    {
      std::lock_guard lock(mu_);
      if (state_ != State::starting) break;
    }
    if (stop_requested()) throw TerminalError("simulated terminal: start interrupted by a stop request");
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  if (!ready) {
    std::string why;
    {
      std::lock_guard lock(mu_);
      why = state_ == State::dead ? "it exited" : "no ready line within " + std::to_string(settings_.ready_timeout.count()) + " ms";
    }
    throw TerminalError("simulated terminal did not start (" + why + "); " + log_path().string() + " ends:\n" +
                        log_tail(log_path()));
  }
  if (mode_ == "liveness" || mode_ == "test") set_mode(mode_);
}

void DevsimTerminal::stop() {
  on_power_thread([this] { kill_child("stopped"); }, true);
}

void DevsimTerminal::power_cut() {
  if (relay_) relay_(false);  // the bench reports the outlet change back: supply_changed(false)
  else supply_changed(false);
  // Whatever path the relay took, the process is gone once this returns.
  on_power_thread([this] { kill_child("cut"); }, true);
}

void DevsimTerminal::power_on() {
  {
    std::lock_guard lock(mu_);
    if (state_ == State::off || state_ == State::dead) state_ = State::starting;
  }
  if (relay_) relay_(true);
  else supply_changed(true);
  on_power_thread([this] { spawn(); }, true);
}

void DevsimTerminal::supply_changed(bool on) {
  // Called on the bench's server thread: a kill waits (the power is off when the relay write
  // returns); a start does not (forking is the power thread's, the ready line comes later).
  if (on) {
    {
      std::lock_guard lock(mu_);  // wait_ready() from now on waits for the ready line
      if (state_ == State::off || state_ == State::dead) state_ = State::starting;
    }
    on_power_thread([this] { spawn(); }, false);
  } else on_power_thread([this] { kill_child("relay"); }, true);
}

bool DevsimTerminal::wait_ready(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return state_ != State::starting; });
  return state_ == State::ready;
}

int DevsimTerminal::pid() const {
  std::lock_guard lock(mu_);
  return child_ && state_ != State::dead && state_ != State::off ? child_->pid() : -1;
}

Json DevsimTerminal::ready_line() const {
  std::lock_guard lock(mu_);
  return ready_;
}

Json DevsimTerminal::admin(const std::string& method, const std::string& path, const Json* body,
                           std::chrono::milliseconds read_timeout) {
  int port;
  {
    std::lock_guard lock(mu_);
    port = admin_port_;
    if (state_ != State::ready || port == 0)
      throw TerminalError("simulated terminal: not ready, no admin endpoint for " + method + " " + path);
  }
  device::HttpClient http({"127.0.0.1", static_cast<std::uint16_t>(port)}, {1000ms, 5000ms, read_timeout});
  const auto r = http.request(method, path, body ? "application/json" : "", body ? body->dump() : "");
  if (!r.ok())
    throw TerminalError("simulated terminal admin " + method + " " + path + " on port " + std::to_string(port) +
                        ": " + to_string(r.failure) + (r.detail.empty() ? "" : " (" + r.detail + ")"));
  Json j;
  try {
    j = Json::parse(r.body);
  } catch (const std::exception&) {
    throw TerminalError("simulated terminal admin " + method + " " + path + ": HTTP " + std::to_string(r.status) +
                        ", not JSON: " + r.body.substr(0, 200));
  }
  if (r.status != 200)
    throw TerminalError("simulated terminal admin " + method + " " + path + ": HTTP " + std::to_string(r.status) +
                        ": " + j.value("error", r.body));
  return j;
}

Json DevsimTerminal::status() { return admin("GET", "/status", nullptr, 10s); }
Json DevsimTerminal::firmware() { return admin("GET", "/firmware", nullptr, 10s); }
Json DevsimTerminal::set_params(const Json& params) { return admin("PUT", "/params", &params, 10s); }

Json DevsimTerminal::soak(std::size_t passes, const std::optional<std::string>& person,
                          std::chrono::milliseconds timeout) {
  Json body{{"passes", passes}};
  if (person && !person->empty()) body["person"] = id_number_of(*person);
  return admin("POST", "/soak", &body, timeout);
}

Json DevsimTerminal::update_firmware(const std::filesystem::path& image, const std::string& version) {
  std::ifstream in(image, std::ios::binary);
  if (!in) throw std::invalid_argument("firmware image " + image.string() + ": cannot be read");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::invalid_argument("firmware image " + image.string() + ": read failed");
  const Json body{{"version", version}, {"sha256", crypto::sha256_hex(bytes)},
                  {"image_base64", crypto::base64_encode(bytes)}};
  Json reply = admin("POST", "/firmware", &body, 60s);
  publish("terminal.firmware", Json{{"staged", version}, {"bytes", bytes.size()}, {"sha256", body["sha256"]}});
  return reply;
}

bool DevsimTerminal::request_sync() {
  admin("POST", "/sync", nullptr, 300s);
  return true;
}

void DevsimTerminal::restart(std::chrono::milliseconds timeout) {
  std::uint64_t before;
  {
    std::lock_guard lock(mu_);
    before = ready_count_;
  }
  admin("POST", "/restart", nullptr, 10s);
  publish("terminal.power", Json{{"on", true}, {"how", "restart"}, {"pid", pid()}});
  std::unique_lock lock(mu_);
  // The devsim execs itself in place: same pid, a new ready line on the same stdout.
  if (!cv_.wait_for(lock, timeout, [&] { return ready_count_ > before || state_ == State::dead; }) ||
      state_ == State::dead)
    throw TerminalError("simulated terminal did not come back from POST /restart within " +
                        std::to_string(timeout.count()) + " ms");
}

void DevsimTerminal::set_mode(std::string_view mode) {
  if (mode != "test" && mode != "liveness")
    throw std::invalid_argument("terminal mode: expected \"test\" or \"liveness\", found \"" + std::string(mode) + "\"");
  set_params(Json{{"check_liveness", mode == "liveness"}});
  {
    std::lock_guard lock(mu_);
    mode_ = std::string(mode);
  }
  publish("terminal.mode", Json{{"mode", std::string(mode)}});
}

std::string DevsimTerminal::mode() const {
  std::lock_guard lock(mu_);
  return mode_;
}

TerminalIdentity DevsimTerminal::identity() { return TerminalIdentity::from_json(firmware()); }

std::string DevsimTerminal::describe() const {
  std::lock_guard lock(mu_);
  std::string s = "simulated terminal (" + settings_.exe.path.string() + " devsim, found by " + settings_.exe.found_by + ")";
  if (state_ == State::ready) s += ", pid " + std::to_string(ready_.value("pid", 0)) + ", admin 127.0.0.1:" + std::to_string(admin_port_);
  return s;
}

}  // namespace gaterig::rig
