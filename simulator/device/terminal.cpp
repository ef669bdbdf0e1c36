#include "simulator/device/terminal.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/resident_id.hpp"

namespace gaterig::device {
namespace {

std::string hash_of_executable() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  if (!in) return "";
  std::ostringstream all;
  all << in.rdbuf();
  return crypto::sha256_hex(all.str());
}

NationalClientOptions client_options(const TerminalConfig& c, bool degraded) {
  NationalClientOptions o;
  o.endpoint = HttpEndpoint{c.platform.host, c.platform.port};
  o.timeouts.connect = c.platform.connect_timeout;
  o.timeouts.read = c.platform.read_timeout;
  o.path = c.platform.path;
  o.credentials = NationalCredentials{c.platform.appid, c.platform.appsecret};
  o.project_code = c.platform.project_code;
  o.team_sys_no = c.platform.team_sys_no;
  // The signing and ID-number knobs of a degraded profile act on the uploads (what the platform
  // must catch); the worker sync stays intact so the terminal still learns whom to admit.
  if (degraded) {
    o.plain_id = c.degraded.plain_id;
    o.bad_sign = c.degraded.bad_sign;
  }
  return o;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

Terminal::Terminal(TerminalConfig config)
    : config_(std::move(config)),
      policy_(PolicyRules::from(config_.policy, config_.degraded.ignore_windows)),
      upload_client_(client_options(config_, true)),
      sync_client_(client_options(config_, false)),
      uplink_(upload_client_),
      rng_(config_.seed) {
  if (config_.data_dir.empty()) throw std::runtime_error("devsim: no data directory (data_dir or --data)");
  std::filesystem::create_directories(config_.data_dir);
  firmware_hash_ = config_.identity.firmware_hash.empty() ? hash_of_executable() : config_.identity.firmware_hash;
  if (config_.policy.channel.empty()) config_.policy.channel = config_.identity.serial;

  timeline_.add_listener([](const Event& e) {
    if (e.kind.rfind("device.queue_put", 0) == 0) return;  // one per pass: the decision line says it
    LOG_INFO("devsim", e.kind << " " << e.payload.dump());
  });

  load_params();  // remotely changed parameters win over the file
  engine_ = FaceEngine::open(config_.face, config_.data_dir);

  UploadQueueOptions q;
  q.data_dir = config_.data_dir;
  q.capacity = config_.record_capacity;
  q.batch_size = config_.platform.batch_size;
  q.backoff_base = config_.platform.backoff_base;
  q.backoff_cap = config_.platform.backoff_cap;
  q.seed = config_.seed;
  q.degraded = config_.degraded.upload;
  q.source = "device";
  queue_ = std::make_unique<UploadQueue>(q, uplink_, timeline_);

  sync_ = std::make_unique<EnrollmentSync>(sync_client_, *engine_, policy_, config_.data_dir, config_.sync_page_size,
                                           timeline_);
  sink_ = std::make_unique<SharedSink>(open_gate_sink(config_.wiegand));
  wiegand_ = std::make_unique<WiegandOut>(config_.wiegand, config_.degraded, *sink_);
  door_ = std::make_unique<Door>(*sink_, config_.wiegand.relay_hold);
  camera_ = open_camera(config_.camera);
}

Terminal::~Terminal() { stop(); }

void Terminal::start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
  }
  started_mono_ = mono_now();
  const SyncReport first = sync_->run();
  if (!first.ok) LOG_WARN("devsim", "first worker sync failed (working from the stored gallery): " << first.error);
  queue_->start();
  camera_thread_ = std::thread([this] { camera_loop(); });
  sync_thread_ = std::thread([this] { sync_loop(); });
}

void Terminal::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  sync_->abort();
  if (camera_thread_.joinable()) camera_thread_.join();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (!queue_->stop(std::chrono::seconds(10))) LOG_WARN("devsim", "the uploader did not stop within 10 s");
}

bool Terminal::wait_until(MonoNs deadline) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const MonoNs now = mono_now();
    if (now >= deadline) return true;
    cv_.wait_for(lock, std::chrono::nanoseconds(deadline - now));
  }
  return false;
}

void Terminal::sync_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (config_.sync_interval.count() > 0)
      cv_.wait_for(lock, config_.sync_interval, [&] { return stopping_ || sync_kick_; });
    else
      cv_.wait(lock, [&] { return stopping_ || sync_kick_; });
    if (stopping_) return;
    sync_kick_ = false;
    lock.unlock();
    sync_->run();
    lock.lock();
  }
}

void Terminal::request_sync() {
  {
    std::lock_guard lock(mu_);
    sync_kick_ = true;
  }
  cv_.notify_all();
}

SyncReport Terminal::sync_now() { return sync_->run(); }

void Terminal::request_restart() {
  if (restart_.exchange(true)) return;
  LOG_INFO("devsim", "restart requested through the admin endpoint");
  if (on_restart_) on_restart_();
}

void Terminal::camera_loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    auto frame = camera_->next(std::chrono::milliseconds(100));
    if (!frame) continue;
    try {
      handle(*frame);
    } catch (const std::exception& e) {
      LOG_ERROR("devsim", "frame " << frame->seq << ": " << e.what());
    }
    std::lock_guard lock(mu_);
    ++frames_;  // decided: a rig may wait for this count on /status before it shows the next face
  }
}

AttendanceRecord Terminal::record_for(const std::string& person, WallNs wall, const std::string& attend_type,
                                      const CameraFrame& frame, const FrameAnalysis& a) const {
  AttendanceRecord r = AttendanceRecord::at(person, wall, config_.policy.direction);
  r.channel = config_.policy.channel;
  r.attend_type = attend_type;
  if (config_.policy.upload_image && a.face_found) {
    // The face with some margin, shrunk until the JPEG fits the platform's 50 KB.
    cv::Rect box(a.box);
    box -= cv::Point(box.width / 4, box.height / 4);
    box += cv::Size(box.width / 2, box.height / 2);
    box &= cv::Rect(0, 0, frame.image.cols, frame.image.rows);
    std::vector<std::uint8_t> jpeg;
    for (int quality = 85; quality >= 25; quality -= 20) {
      cv::imencode(".jpg", frame.image(box), jpeg, {cv::IMWRITE_JPEG_QUALITY, quality});
      if (jpeg.size() <= 50'000) break;
    }
    if (jpeg.size() <= 50'000) r.image_jpeg.assign(jpeg.begin(), jpeg.end());
  }
  return r;
}

void Terminal::count(const Decision& d) {
  std::lock_guard lock(mu_);
  ++decisions_[d.accept ? "accept" : std::string("deny:") + to_string(d.reason)];
}

void Terminal::handle(const CameraFrame& frame) {
  const FrameAnalysis a = engine_->analyse(frame.image);
  if (a.face_found && config_.degraded.slow_probability > 0) {
    bool slow;
    {
      std::lock_guard lock(mu_);
      slow = std::uniform_real_distribution<double>(0, 1)(rng_) < config_.degraded.slow_probability;
      slowed_ += slow;
    }
    if (slow && !wait_until(frame.shown + std::chrono::nanoseconds(config_.degraded.slow_until).count())) return;
  }
  const WallNs wall = wall_now();  // the record's time: when the decision was made
  Decision d = policy_.decide(a, wall, mono_now());

  if (d.accept) {
    // The record is stored before the gate opens: a pass the terminal cannot record is refused.
    const AttendanceRecord r = record_for(d.person, wall, config_.policy.attend_type, frame, a);
    const PutResult put = queue_->put(r);
    if (!put.stored) {
      policy_.forget_accept(d.person);
      d.accept = false;
      d.reason = DenyReason::store_full;
      d.detail = put.error;
      {
        std::lock_guard lock(mu_);
        ++records_refused_;
      }
      count(d);
      LOG_WARN("devsim", "frame " << frame.seq << ": " << d);
      timeline_.publish(Event{mono_now(), "device", "device.decision",
                              Json{{"accept", false}, {"reason", to_string(d.reason)}, {"id", mask_id(d.person)},
                                   {"frame", frame.seq}, {"error", put.error}}, 0});
      return;
    }
    const GateOutput gate = wiegand_->send_card(d.person);
    door_->open();
    const double latency_ms = static_cast<double>(gate.report.first_edge - frame.shown) / 1e6;
    {
      std::lock_guard lock(mu_);
      latencies_ms_.push_back(latency_ms);
      if (latencies_ms_.size() > 1000) latencies_ms_.pop_front();
    }
    count(d);
    LOG_INFO("devsim", "frame " << frame.seq << ": " << d << " card " << gate.card << " (" << gate.bits.size()
                                << " bits) record #" << put.seq << " " << r.date << ", " << latency_ms
                                << " ms from shown to first edge");
    return;
  }

  count(d);
  if (d.flagged_record) {
    const AttendanceRecord r = record_for(d.person, wall, config_.policy.no_helmet_attend_type, frame, a);
    const PutResult put = queue_->put(r);
    LOG_INFO("devsim", "frame " << frame.seq << ": " << d << (put.stored ? ", record #" + std::to_string(put.seq)
                                                                         : ", record NOT stored: " + put.error));
    return;
  }
  if (d.reason == DenyReason::no_face) return;
  // A refusal is logged once per presentation: the same refusal of the same face repeats on
  // every frame the face stays in view.
  const std::string key = std::string(to_string(d.reason)) + "/" + d.person;
  const MonoNs now = mono_now();
  {
    std::lock_guard lock(mu_);
    if (key == last_deny_key_ && now - last_deny_at_ < std::chrono::nanoseconds(config_.policy.repeat_window).count())
      return;
    last_deny_key_ = key;
    last_deny_at_ = now;
  }
  LOG_INFO("devsim", "frame " << frame.seq << ": " << d);
}

// ---- parameters ---------------------------------------------------------------------------------

void Terminal::load_params() {
  std::ifstream in(config_.data_dir / "params.json");
  if (!in) return;
  try {
    const Json p = Json::parse(in);
    std::lock_guard lock(mu_);
    apply_params_locked(p);
    params_ = p;
  } catch (const std::exception& e) {
    LOG_WARN("devsim", (config_.data_dir / "params.json").string() << ": ignored (" << e.what() << ")");
  }
}

void Terminal::apply_params_locked(const Json& p) {
  if (!p.is_object()) throw std::invalid_argument("params: expected a JSON object");
  FaceEngineConfig face = engine_ ? engine_->config() : config_.face;
  PolicyRules rules = policy_.rules();
  Direction direction = config_.policy.direction;
  auto number = [&](const char* key) {
    if (!p.at(key).is_number()) throw std::invalid_argument(std::string("params.") + key + ": expected a number");
    return p.at(key).get<double>();
  };
  auto boolean = [&](const char* key) {
    if (!p.at(key).is_boolean()) throw std::invalid_argument(std::string("params.") + key + ": expected true or false");
    return p.at(key).get<bool>();
  };
  for (const auto& [key, value] : p.items()) {
    if (key == "match_threshold") face.match_threshold = number("match_threshold");
    else if (key == "repeat_window_s") {
      const double s = number("repeat_window_s");
      if (s < 0) throw std::invalid_argument("params.repeat_window_s: expected at least 0");
      rules.repeat_window = std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000));
    } else if (key == "helmet_required") rules.helmet_required = boolean("helmet_required");
    else if (key == "check_liveness") face.check_liveness = boolean("check_liveness");
    else if (key == "check_helmet") face.check_helmet = boolean("check_helmet");
    else if (key == "check_mask") face.check_mask = boolean("check_mask");
    else if (key == "mask_policy") {
      if (value != "allow" && value != "deny") throw std::invalid_argument("params.mask_policy: expected allow or deny");
      rules.deny_masked = value == "deny";
    } else if (key == "direction") {
      if (value != "in" && value != "out") throw std::invalid_argument("params.direction: expected in or out");
      direction = value == "in" ? Direction::in : Direction::out;
    } else {
      throw std::invalid_argument("params." + key +
                                  ": unknown (known: match_threshold, repeat_window_s, helmet_required, "
                                  "check_liveness, check_helmet, check_mask, mask_policy, direction)");
    }
  }
  if (engine_) engine_->reconfigure(face);
  else config_.face = face;
  policy_.set_rules(rules);
  config_.policy.direction = direction;
}

Json Terminal::set_params(const Json& p) {
  std::lock_guard lock(mu_);
  apply_params_locked(p);
  for (const auto& [k, v] : p.items()) params_[k] = v;
  const auto file = config_.data_dir / "params.json";
  {
    std::ofstream out(file.string() + ".tmp", std::ios::trunc);
    out << params_.dump();
  }
  std::filesystem::rename(file.string() + ".tmp", file);
  LOG_INFO("devsim", "parameters changed remotely: " << p.dump());
  return params_;
}

Json Terminal::params() const {
  const FaceEngineConfig face = engine_->config();
  const PolicyRules rules = policy_.rules();
  std::lock_guard lock(mu_);
  return Json{{"match_threshold", face.match_threshold},
              {"repeat_window_s", static_cast<double>(rules.repeat_window.count()) / 1000.0},
              {"helmet_required", rules.helmet_required},
              {"check_liveness", face.check_liveness},
              {"check_helmet", face.check_helmet},
              {"check_mask", face.check_mask},
              {"mask_policy", rules.deny_masked ? "deny" : "allow"},
              {"direction", config_.policy.direction == Direction::in ? "in" : "out"},
              {"changed_remotely", params_}};
}

// ---- reports ------------------------------------------------------------------------------------

Json Terminal::ready() const {
  const QueueCounts q = queue_->counts();
  return Json{{"event", "ready"},
              {"pid", ::getpid()},
              {"data_dir", config_.data_dir.string()},
              {"profile", config_.profile},
              {"engine", engine_->name()},
              {"enrolled", engine_->enrolled()},
              {"enroll_failures", sync_->last().failed},
              {"camera", camera_->describe()},
              {"wiegand", Json{{"format", config_.wiegand.format}, {"facility", config_.wiegand.facility},
                               {"sink", sink_->describe()}, {"cards_listed", wiegand_->cards().listed()}}},
              {"identity", Json{{"vendor", config_.identity.vendor}, {"model", config_.identity.model},
                                {"serial", config_.identity.serial},
                                {"firmware_version", config_.identity.firmware_version},
                                {"firmware_hash", firmware_hash_}}},
              {"sync", sync_->last().to_json()},
              {"queue", Json{{"pending", q.pending}, {"uploaded", q.uploaded}, {"rejected", q.rejected},
                             {"lost", q.lost}}}};
}

Json Terminal::status() const {
  Json s = ready();
  s.erase("event");
  s["params"] = params();
  s["enroll_failures"] = sync_->failures();
  s["online"] = queue_->online();
  s["capacity"] = Json{{"faces", engine_->config().capacity}, {"records", config_.record_capacity}};
  s["camera_stats"] = camera_->stats();
  s["door_openings"] = door_->openings();
  std::lock_guard lock(mu_);
  s["frames"] = frames_;
  s["decisions"] = decisions_;
  s["slowed"] = slowed_;
  s["records_refused"] = records_refused_;
  const std::vector<double> lat(latencies_ms_.begin(), latencies_ms_.end());
  s["latency_ms"] = Json{{"count", lat.size()}, {"p50", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                         {"max", lat.empty() ? 0.0 : *std::max_element(lat.begin(), lat.end())}};
  s["uptime_s"] = static_cast<double>(mono_now() - started_mono_) / 1e9;
  return s;
}

Json Terminal::summary() const {
  Json s = status();
  s["event"] = "summary";
  return s;
}

}  // namespace gaterig::device
