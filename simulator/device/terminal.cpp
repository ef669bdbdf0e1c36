#include "simulator/device/terminal.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
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

constexpr std::ptrdiff_t kStatusDecisions = 20;  // in /status; GET /decisions has up to 1000

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

Terminal::Terminal(TerminalConfig config)
    : config_(std::move(config)),
      firmware_(config_.data_dir),
      policy_(PolicyRules::from(config_.policy, config_.degraded.ignore_windows)),
      upload_client_(client_options(config_, true)),
      sync_client_(client_options(config_, false)),
      uplink_(upload_client_),
      rng_(config_.seed) {
  decision_delay_ns_ = config_.degraded.decision_delay.count();
  if (config_.data_dir.empty()) throw std::runtime_error("devsim: no data directory (data_dir or --data)");
  std::filesystem::create_directories(config_.data_dir);
  firmware_hash_ = config_.identity.firmware_hash.empty() ? hash_of_executable() : config_.identity.firmware_hash;
  if (config_.policy.channel.empty()) config_.policy.channel = config_.identity.serial;
  try {
    if (auto f = firmware_.install_staged())
      LOG_INFO("devsim", "firmware " << f->version << " (" << f->sha256 << ") installed");
  } catch (const std::exception& e) {
    LOG_ERROR("devsim", "firmware update: " << e.what());
  }
  installed_ = firmware_.active();
  if (installed_) {
    config_.identity.firmware_version = installed_->version;
    firmware_hash_ = installed_->sha256;
  }

  timeline_.add_listener([](const Event& e) {
    if (e.kind == "device.queue_put") return;  // one per pass: the decision line says it
    // A backfill or soak batch of hundreds: its first and last seqs and dates say enough (100 full
    // dates are 3 KB a line, every retry of an outage).
    Json p = e.payload;
    for (const char* key : {"seqs", "dates"})
      if (p.contains(key) && p[key].is_array() && p[key].size() > 4)
        p[key] = Json::array({p[key].front(), "... " + std::to_string(p[key].size() - 2) + " more", p[key].back()});
    LOG_INFO("devsim", e.kind << " " << p.dump());
  });

  load_params();  // remotely changed parameters win over the file
  engine_ = FaceEngine::open(config_.face, config_.data_dir);

  UploadQueueOptions q;
  q.data_dir = config_.data_dir;
  q.capacity = config_.record_capacity;
  q.batch_size = config_.platform.batch_size;
  q.backfill_batch_size = config_.platform.backfill_batch_size;
  q.batch_image_bytes = config_.platform.batch_image_kib * 1024;
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

void Terminal::count(const Decision& d) { count(d.accept ? "accept" : std::string("deny:") + to_string(d.reason)); }

void Terminal::count(const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++decisions_[outcome];
}

MonoNs Terminal::gate_time(MonoNs decided) {
  const std::int64_t delay = decision_delay_ns_.load();
  if (delay <= 0) return 0;
  const MonoNs at = decided + delay;
  // This thread runs at ordinary priority; the transmitter's own real-time wait covers the last
  // stretch. 2 ms was too short on a loaded machine: a late wake-up here delayed the first edge
  // (2.45 ms once at load 4.7, tests/bench/certify/README.md).
  constexpr MonoNs kSpin = 20'000'000;
  if (at - mono_now() > kSpin && !wait_until(at - kSpin)) return 0;  // stopping: out at once
  return at;
}

void Terminal::remember(const CameraFrame& frame, MonoNs decided, std::optional<MonoNs> first_edge,
                        std::string outcome, std::optional<GateCard> card) {
  auto ms = [](MonoNs d) { return static_cast<double>(d) / 1e6; };
  Json j{{"frame", frame.seq},
         {"shown_ns", frame.shown},
         {"received_ns", frame.received},
         {"decided_ns", decided},
         {"first_edge_ns", first_edge ? Json(*first_edge) : Json(nullptr)},
         {"outcome", std::move(outcome)},
         {"card", card ? Json{{"facility", card->facility}, {"number", card->number}} : Json(nullptr)},
         {"injected_delay_ms", ms(decision_delay_ns_.load())},
         {"decision_to_edge_ms", first_edge ? Json(ms(*first_edge - decided)) : Json(nullptr)},
         {"shown_to_edge_ms", first_edge ? Json(ms(*first_edge - frame.shown)) : Json(nullptr)}};
  std::lock_guard lock(mu_);
  recent_.push_back(std::move(j));
  if (recent_.size() > 1000) recent_.pop_front();
}

Json Terminal::recent_decisions(std::size_t last) const {
  std::lock_guard lock(mu_);
  Json out = Json::array();
  const std::size_t n = std::min(last, recent_.size());
  for (auto it = recent_.end() - static_cast<std::ptrdiff_t>(n); it != recent_.end(); ++it) out.push_back(*it);
  return out;
}

bool Terminal::handle_qr(const CameraFrame& frame, WallNs wall, MonoNs decided) {
  if (!config_.qr.enabled || config_.degraded.ignore_qr) return false;
  const auto text = qr_scanner_.scan(frame.image);
  if (!text) return false;
  // A code stays in view for many frames: one answer per code and repeat window.
  const MonoNs now = mono_now();
  const auto window = std::chrono::nanoseconds(policy_.rules().repeat_window).count();
  {
    std::lock_guard lock(mu_);
    if (*text == last_qr_ && now - last_qr_at_ < window) return true;
    last_qr_ = *text;
    last_qr_at_ = now;
  }
  const QrCode code = read_qr_code(*text);
  const QrDecision q = decide_qr(code, wall);
  if (q.verdict == QrVerdict::refuse) {
    if (!config_.degraded.admit_any_qr) {
      count("qr:refuse:" + q.why);
      remember(frame, decided, std::nullopt, "qr:refuse:" + q.why);
      LOG_INFO("devsim", "frame " << frame.seq << ": QR code refused (" << q.why
                                  << (code.problem.empty() ? "" : ": " + code.problem) << ")");
      return true;
    }
    // qr-any reads the code and checks nothing: it goes through as a visitor, and /status counts
    // it under the reason a compliant reader would have refused it.
    count("qr:admitted-unchecked:" + q.why);
  }
  const bool worker = policy_.knows(code.person);  // listed by the platform as a worker of the project
  std::string stored;
  if (worker) {
    // A worker on a code: on file before the gate opens, like any pass, but not as a face pass.
    AttendanceRecord r = AttendanceRecord::at(code.person, wall, config_.policy.direction);
    r.channel = config_.policy.channel;
    r.attend_type = config_.qr.attend_type;
    const PutResult put = queue_->put(r);
    if (!put.stored) {
      count("qr:refuse:store_full");
      remember(frame, decided, std::nullopt, "qr:refuse:store_full");
      LOG_WARN("devsim", "frame " << frame.seq << ": QR code of a worker refused: " << put.error);
      return true;
    }
    stored = ", record #" + std::to_string(put.seq);
  }
  const GateCard card{config_.qr.visitor_facility.value_or(config_.wiegand.facility),
                      code.card.value_or(config_.qr.visitor_card)};
  const std::string outcome = worker ? "qr:worker" : "qr:visitor";
  const GateOutput gate = wiegand_->send(card, gate_time(decided));
  door_->open();
  count(outcome);
  remember(frame, decided, gate.report.first_edge, outcome, card);
  LOG_INFO("devsim", "frame " << frame.seq << ": QR code admitted (" << outcome << " " << mask_ids_in(code.person)
                              << ") card " << card << stored);
  return true;
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
  const MonoNs decided = mono_now();
  if (!d.accept && !d.flagged_record &&
      (d.reason == DenyReason::no_face || d.reason == DenyReason::not_acquired || d.reason == DenyReason::unknown) &&
      handle_qr(frame, wall, decided))
    return;

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
      remember(frame, decided, std::nullopt, "deny:store_full");
      LOG_WARN("devsim", "frame " << frame.seq << ": " << d);
      timeline_.publish(Event{mono_now(), "device", "device.decision",
                              Json{{"accept", false}, {"reason", to_string(d.reason)}, {"id", mask_id(d.person)},
                                   {"frame", frame.seq}, {"error", put.error}}, 0});
      return;
    }
    const GateOutput gate = wiegand_->send_card(d.person, gate_time(decided));
    door_->open();
    remember(frame, decided, gate.report.first_edge, "accept", gate.card);
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
  if (d.reason != DenyReason::no_face) remember(frame, decided, std::nullopt, std::string("deny:") + to_string(d.reason));
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

namespace {

// The pass-time windows set remotely, in the shape of [[devsim.policy.windows]]: they replace the
// config file's (an empty list: everyone may pass at any time).
std::vector<AccessWindow> windows_param(const Json& list) {
  if (!list.is_array()) throw std::invalid_argument("params.windows: expected a list of {person|group, from, to}");
  std::vector<AccessWindow> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& w = list[i];
    const std::string at = "params.windows[" + std::to_string(i) + "]";
    if (!w.is_object()) throw std::invalid_argument(at + ": expected {person|group, from, to}");
    for (const auto& [key, value] : w.items()) {
      if (key != "person" && key != "group" && key != "from" && key != "to")
        throw std::invalid_argument(at + "." + key + ": unknown (expected person or group, from, to)");
      if (!value.is_string()) throw std::invalid_argument(at + "." + key + ": expected text");
    }
    AccessWindow a;
    a.person = w.value("person", "");
    a.group = w.value("group", "");
    if (a.person.empty() == a.group.empty())
      throw std::invalid_argument(at + ": expected exactly one of person (ID number) or group (team)");
    for (const char* key : {"from", "to"}) {
      if (!w.contains(key)) throw std::invalid_argument(at + "." + key + ": missing (HH:MM)");
      try {
        (std::string_view(key) == "from" ? a.from_minute : a.to_minute) = parse_time_of_day(w[key].get<std::string>());
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(at + "." + key + ": " + e.what());
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string time_of_day(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 24, minute % 60);
  return buf;
}

}  // namespace

void Terminal::apply_params_locked(const Json& p) {
  if (!p.is_object()) throw std::invalid_argument("params: expected a JSON object");
  FaceEngineConfig face = engine_ ? engine_->config() : config_.face;
  PolicyRules rules = policy_.rules();
  Direction direction = config_.policy.direction;
  std::int64_t delay_ns = decision_delay_ns_.load();
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
    } else if (key == "decision_delay_ms") {
      const double ms = number("decision_delay_ms");
      if (ms < 0 || ms > 60'000) throw std::invalid_argument("params.decision_delay_ms: expected 0..60000");
      delay_ns = static_cast<std::int64_t>(ms * 1e6 + 0.5);
    } else if (key == "windows") {
      rules.windows = windows_param(value);
    } else {
      throw std::invalid_argument("params." + key +
                                  ": unknown (known: match_threshold, repeat_window_s, helmet_required, "
                                  "check_liveness, check_helmet, check_mask, mask_policy, direction, "
                                  "decision_delay_ms, windows)");
    }
  }
  if (engine_) engine_->reconfigure(face);
  else config_.face = face;
  policy_.set_rules(rules);
  config_.policy.direction = direction;
  decision_delay_ns_ = delay_ns;
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
  LOG_INFO("devsim", "parameters changed remotely: " << mask_ids_in(p.dump()));
  return params_;
}

Json Terminal::params() const {
  const FaceEngineConfig face = engine_->config();
  const PolicyRules rules = policy_.rules();
  Json windows = Json::array();
  for (const auto& w : rules.windows) {
    Json j{{"from", time_of_day(w.from_minute)}, {"to", time_of_day(w.to_minute)}};
    if (!w.person.empty()) j["person"] = mask_id(w.person);
    else j["group"] = w.group;
    windows.push_back(std::move(j));
  }
  std::lock_guard lock(mu_);
  return Json{{"match_threshold", face.match_threshold},
              {"repeat_window_s", static_cast<double>(rules.repeat_window.count()) / 1000.0},
              {"helmet_required", rules.helmet_required},
              {"check_liveness", face.check_liveness},
              {"check_helmet", face.check_helmet},
              {"check_mask", face.check_mask},
              {"mask_policy", rules.deny_masked ? "deny" : "allow"},
              {"direction", config_.policy.direction == Direction::in ? "in" : "out"},
              {"decision_delay_ms", static_cast<double>(decision_delay_ns_.load()) / 1e6},
              {"windows", windows},
              // ID numbers only masked outside the terminal's own store (status goes into logs).
              {"changed_remotely", Json::parse(mask_ids_in(params_.dump()))}};
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
              {"qr", Json{{"scanning", config_.qr.enabled && !config_.degraded.ignore_qr},
                          {"decoder", QrScanner::decoder()}}},
              {"sync", sync_->last().to_json()},
              {"queue", Json{{"pending", q.pending}, {"uploaded", q.uploaded}, {"rejected", q.rejected},
                             {"lost", q.lost}}}};
}

Json Terminal::status() const {
  Json s = ready();
  s.erase("event");
  s["params"] = params();
  s["enroll_failures"] = sync_->failures();
  s["enroll_pending"] = sync_->pending();
  s["online"] = queue_->online();
  s["capacity"] = Json{{"faces", engine_->config().capacity}, {"records", config_.record_capacity}};
  s["camera_stats"] = camera_->stats();
  s["door_openings"] = door_->openings();
  std::lock_guard lock(mu_);
  s["frames"] = frames_;
  s["decisions"] = decisions_;
  s["slowed"] = slowed_;
  s["records_refused"] = records_refused_;
  s["soak_passes"] = soak_passes_;
  s["firmware"] = Json{{"installed", installed_ ? installed_->to_json() : Json(nullptr)}};
  const std::vector<double> lat(latencies_ms_.begin(), latencies_ms_.end());
  s["latency_ms"] = Json{{"count", lat.size()}, {"p50", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                         {"max", lat.empty() ? 0.0 : *std::max_element(lat.begin(), lat.end())}};
  s["uptime_s"] = static_cast<double>(mono_now() - started_mono_) / 1e9;
  Json recent = Json::array();
  for (auto it = recent_.size() > kStatusDecisions ? recent_.end() - kStatusDecisions : recent_.begin();
       it != recent_.end(); ++it)
    recent.push_back(*it);
  s["recent_decisions"] = std::move(recent);
  return s;
}

Json Terminal::firmware() const {
  const auto& id = config_.identity;
  const auto staged = firmware_.staged();
  return Json{{"vendor", id.vendor},
              {"model", id.model},
              {"serial", id.serial},
              {"firmware_version", id.firmware_version},
              {"firmware_hash", firmware_hash_},
              {"installed", installed_ ? installed_->to_json() : Json(nullptr)},
              {"staged", staged ? staged->to_json() : Json(nullptr)}};
}

Json Terminal::stage_firmware(std::string_view image, std::string_view sha256_hex, const std::string& version) {
  const FirmwareImage f = firmware_.stage(image, sha256_hex, version);
  LOG_INFO("devsim", "firmware " << f.version << " (" << f.sha256 << ", " << f.bytes
                                 << " bytes) verified and staged: installed at the next start");
  return Json{{"staged", f.to_json()}, {"restart_required", true}};
}

Json Terminal::soak(std::size_t passes, const std::optional<std::string>& person) {
  std::vector<std::string> persons;
  if (person) persons.push_back(*person);
  else
    for (auto& w : policy_.workers())
      if (engine_->is_enrolled(w)) persons.push_back(std::move(w));
  if (persons.empty()) throw std::invalid_argument("soak: nobody to pass (no person given, no worker enrolled)");
  const MonoNs started = mono_now();
  constexpr WallNs kSecond = 1'000'000'000;
  WallNs now;
  {
    // Whole seconds strictly before this one (a live pass now keeps its second), and before any
    // earlier soak's: a second soak must not repeat a person's second (the platform would take it
    // as a duplicate).
    std::lock_guard lock(mu_);
    now = (wall_now() / kSecond - 1) * kSecond;
    if (soak_floor_ != 0) now = std::min(now, soak_floor_ - kSecond);
  }
  const std::size_t slots = (passes + persons.size() - 1) / persons.size();
  PutManyResult total;
  std::vector<AttendanceRecord> chunk;
  constexpr std::size_t kChunk = 5000;  // one transaction each: the uploader gets the store in between
  for (std::size_t i = 0; i < passes; ++i) {
    const std::size_t slot = i / persons.size();
    const WallNs wall = now - static_cast<WallNs>(slots - 1 - slot) * kSecond;
    AttendanceRecord r = AttendanceRecord::at(persons[i % persons.size()], wall, config_.policy.direction);
    r.channel = config_.policy.channel;
    r.attend_type = config_.policy.attend_type;
    chunk.push_back(std::move(r));
    if (chunk.size() == kChunk || i + 1 == passes) {
      const PutManyResult got = queue_->put_many(chunk);
      total.made += got.made, total.stored += got.stored, total.refused += got.refused, total.lost += got.lost;
      total.offline = total.offline || got.offline;
      if (got.stored && !total.first_seq) total.first_seq = got.first_seq;
      if (got.stored) total.last_seq = got.last_seq;
      chunk.clear();
    }
  }
  {
    std::lock_guard lock(mu_);
    soak_passes_ += passes;
    records_refused_ += total.refused;
    soak_floor_ = now - static_cast<WallNs>(slots - 1) * kSecond;
  }
  Json out = total.to_json();
  out["persons"] = persons.size();
  out["first_date"] = passes ? format_civil(now - static_cast<WallNs>(slots - 1) * kSecond, UtcOffset::china(),
                                            "yyyy-MM-dd HH:mm:ss")
                             : "";
  out["last_date"] = passes ? format_civil(now, UtcOffset::china(), "yyyy-MM-dd HH:mm:ss") : "";
  out["elapsed_ms"] = static_cast<double>(mono_now() - started) / 1e6;
  LOG_INFO("devsim", "soak: " << out.dump());
  return out;
}

Json Terminal::summary() const {
  Json s = status();
  s["event"] = "summary";
  return s;
}

}  // namespace gaterig::device
