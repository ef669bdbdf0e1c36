#include "rigs/rig/rig.hpp"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <unordered_set>

#include <opencv2/imgcodecs.hpp>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/resident_id.hpp"
#include "rigs/display/monitor_display.hpp"
#include "rigs/rig/devsim_config.hpp"
#include "rigs/rig/devsim_terminal.hpp"
#include "rigs/rig/external_terminal.hpp"
#include "rigs/rig/gaterig_executable.hpp"
#include "rigs/rig/rig_parts.hpp"
#include "rigs/rig/stop_wait.hpp"
#include "rigs/rig/wiegand_probe.hpp"
#include "simulator/device/http_client.hpp"
#include "simulator/platform/platform_service.hpp"

namespace gaterig::rig {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

Rig::Rig(RigDescription description, RigOptions options)
    : description_(std::move(description)), options_(std::move(options)), parts_(std::make_unique<Parts>()) {
  if (options_.work_dir.empty()) throw std::invalid_argument("Rig: RigOptions.work_dir is required");
}

Rig::~Rig() { stop(); }

std::string Rig::socket_path(const std::string& configured, const char* name) {
  fs::path p = configured.empty() ? fs::path(name) : fs::path(configured);
  if (p.is_relative()) p = options_.work_dir / p;
  p = fs::absolute(p).lexically_normal();
  if (p.string().size() < 100) {
    // A fixed path outside the work dir (an external terminal finds the rig there) may be new.
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    return p.string();
  }
  // sun_path holds 108 bytes; a deep work dir (pytest's tmp_path) gets its sockets in /tmp.
  if (short_socket_dir_.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "gaterig-rig-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot make a socket folder in /tmp");
    short_socket_dir_ = tmpl;
  }
  return (short_socket_dir_ / p.filename()).string();
}

void Rig::start_platform() {
  platform::PlatformConfig pc;
  platform::ServerConfig sc;
  const auto& w = description_.platform;
  if (!w.config.empty()) {
    const Config t = Config::load_file(w.config).table("platform");
    pc = platform::PlatformConfig::from_config(t);
    sc = platform::ServerConfig::from_config(t);
    if (pc.projects.empty() || pc.projects.front().teams.empty())
      t.fail("projects", "the rig's terminal needs a project with a team ([[platform.projects]] with [[...teams]])");
  } else {
    const RigProject d;
    pc.projects.push_back({d.code, "gaterig rig site", d.appid, d.appsecret, {{d.team, "Rig team"}}, "", ""});
    // The synthetic enrollment photos are PNGs of ~80 KB; the attendance image limit (50 KB) is
    // not an enrollment station's.
    pc.image_limit_bytes = 400'000;
  }
  // One store per run, in the work dir, whatever the platform file says.
  pc.store_path = options_.work_dir / "platform" / "store.db";
  fs::create_directories(pc.store_path.parent_path());
  pc.validate();
  sc.platform.bind_address = w.bind;
  sc.platform.port = static_cast<std::uint16_t>(w.port);
  sc.admin.bind_address = "127.0.0.1";
  sc.admin.port = static_cast<std::uint16_t>(w.admin_port);
  parts_->platform_config = pc;
  team_ = pc.projects.front().teams.front().sys_no;
  parts_->platform = std::make_unique<platform::PlatformService>(pc, sc, &timeline_);
  parts_->platform->start();
  enrollment_ = std::make_unique<Enrollment>(parts_->platform->platform(), pc.projects.front(), team_, timeline_);
}

void Rig::start_terminal() {
  const auto& tw = description_.terminal;
  Terminal::PowerSwitch relay;
  // The simulated bench's relay switches the devsim it spawned; a lab's own terminal program
  // beside a simulated bench is not on that outlet, so it has no power control (TerminalError).
  if (bench_ && (tw.kind == "devsim" || !bench_->simulated()))
    relay = [this](bool on) { on ? bench_->power_on() : bench_->power_cut(); };
  const auto ready_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(tw.ready_timeout_s * 1000));
  if (tw.kind == "devsim") {
    const auto& project = parts_->platform_config.projects.front();
    DevsimConfigInputs in;
    in.devsim_table_toml = tw.devsim_table_toml;
    in.profile = options_.profile_override.value_or(tw.profile);
    in.seed = options_.seed;
    in.data_dir = fs::absolute(options_.work_dir / "devsim-data");
    const std::string bind = description_.platform.bind;
    in.platform_host = bind == "0.0.0.0" || bind.empty() ? "127.0.0.1" : bind;
    in.platform_port = parts_->platform->port();
    in.appid = project.appid;
    in.appsecret = project.appsecret;
    in.project_code = project.code;
    in.team = team_;
    in.wire_path = parts_->wire_path;
    in.monitor_path = parts_->monitor_path;
    in.cards_from = parts_->fixtures->dir;
    const auto& persons = parts_->fixtures->set.persons;
    if (!persons.empty()) in.card_format = std::string(fixtures::to_string(persons.front().card.format));
    in.liveness = tw.mode == "liveness";
    DevsimSettings s;
    s.exe = find_gaterig_executable(options_.gaterig_exe);
    s.work_dir = fs::absolute(options_.work_dir);
    s.config_text = devsim_config_text(in);
    s.ready_timeout = ready_timeout;
    s.mode = tw.mode;
    // On a simulated bench the relay's outlet change (reported by the bench) kills and restarts
    // the process; without a simulated bench the driver switches its own supply.
    auto devsim = std::make_unique<DevsimTerminal>(std::move(s), timeline_,
                                                   bench_ && bench_->simulated() ? relay : Terminal::PowerSwitch{});
    terminal_ = std::move(devsim);
  } else {
    if (!tw.card_book.empty()) {
      fs::path book = tw.card_book;
      if (book.is_relative()) book = options_.work_dir / book;
      write_card_book(book, fixture_set().persons);
      LOG_INFO("rig", "card book for the external terminal: " << book.string());
    }
    terminal_ = std::make_unique<ExternalTerminal>(tw.address, tw.admin, tw.mode, ready_timeout, timeline_, relay);
  }
  if (bench_) bench_->on_terminal_power([t = terminal_.get()](bool on) { t->supply_changed(on); });
  // Calls that name persons (windows, a soak) take the set's ids; the terminal knows ID numbers.
  terminal_->set_person_lookup([this](const std::string& person) {
    const auto* p = fixture_set().find_person(person);
    return p ? p->id_number : std::string();
  });
  terminal_->start();
  // The camera on the monitor link (the devsim's, or an external program's) must be looking
  // before the first presentation, or it is missed.
  if (auto* monitor = dynamic_cast<display::MonitorDisplay*>(display_.get())) {
    const auto deadline = std::chrono::steady_clock::now() + (tw.kind == "devsim" ? 20000ms : ready_timeout);
    while (!monitor->publisher().wait_for_subscribers(1, 100ms)) {
      if (stop_requested()) throw std::runtime_error("rig start interrupted by a stop request");
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("the " + std::string(tw.kind == "devsim" ? "simulated" : "external") +
                                 " terminal's camera did not connect to the monitor link " + parts_->monitor_path +
                                 " within " + std::to_string(tw.kind == "devsim" ? 20 : static_cast<int>(tw.ready_timeout_s)) + " s");
    }
  }
}

void Rig::start() {
  if (started_) return;
  try {
    fs::create_directories(options_.work_dir);
    event_log_ = std::make_unique<EventLog>(timeline_, options_.work_dir / "events.jsonl", /*append=*/false,
                                            timeline_.last_seq());
    parts_->wire_path = socket_path(description_.wiegand.path, "wiegand.sock");
    parts_->monitor_path = socket_path(description_.display.monitor_path, "monitor.sock");

    start_platform();
    LOG_INFO("rig", "platform on " << description_.platform.bind << ":" << parts_->platform->port());

    if (description_.bench.present) {
      bench_ = std::make_unique<Bench>(description_.bench, description_.terminal.power_outlet, timeline_, options_.seed);
      bench_->read_lux();  // the bench answers, or the rig does not start
    }

    display::DisplayConfig dc = description_.display;
    dc.monitor_path = parts_->monitor_path;
    display_ = display::make_display(dc, &timeline_, bench_ ? bench_->light_function() : std::function<BenchLight()>{});

    wiegand_ = std::make_unique<WiegandProbe>(description_.wiegand, parts_->wire_path, timeline_);

    // After the instruments, so a bench that does not answer fails before a set is made.
    parts_->fixtures = resolve_fixtures(description_.fixtures, options_.cache_dir, [] { return stop_requested(); });
    LOG_INFO("rig", "fixtures: " << parts_->fixtures->dir.string() << " (" << parts_->fixtures->origin << ")");

    if (options_.enroll_before_terminal) {
      const auto r = enroll(enrolled_persons());
      if (r.refused > 0) LOG_WARN("rig", "enrollment: " << r.refused << " refused by the platform");
    }
    if (stop_requested()) throw std::runtime_error("rig start interrupted by a stop request");
    start_terminal();
    started_ = true;
    timeline_.publish(Event{mono_now(), "rig", "rig.started", wiring()});
  } catch (const std::exception& e) {
    timeline_.publish(Event{mono_now(), "rig", "rig.error", Json{{"what", std::string("start: ") + e.what()}}});
    stop();
    throw;
  }
}

std::size_t Rig::write_events(const fs::path& path, bool append) {
  if (!event_log_) return 0;
  if (!event_log_->flush(std::chrono::seconds(30)))
    LOG_WARN("rig", "event log " << event_log_->file() << " did not catch up within 30 s; copying what it has");
  std::ifstream in(event_log_->file(), std::ios::binary);
  std::ofstream out(path, append ? std::ios::app | std::ios::binary : std::ios::trunc | std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the event log " + event_log_->file().string());
  if (!out) throw std::runtime_error("cannot write the event log " + path.string());
  std::size_t lines = 0;
  std::string line;
  while (std::getline(in, line)) {
    out << line << '\n';
    ++lines;
  }
  out.flush();
  if (!out) throw std::runtime_error("cannot write the event log " + path.string());
  return lines;
}

void Rig::stop() {
  // Reverse order of start; each part's own stop is bounded.
  if (bench_) bench_->on_terminal_power({});
  if (terminal_) terminal_->stop();
  if (wiegand_) wiegand_->stop();
  display_.reset();
  if (bench_) bench_->stop();
  if (parts_->platform) parts_->platform->stop();
  const bool was = started_;
  started_ = false;
  if (was) timeline_.publish(Event{mono_now(), "rig", "rig.stopped", Json::object()});
  if (event_log_) event_log_->stop();  // writes everything up to rig.stopped
  terminal_.reset();
  wiegand_.reset();
  bench_.reset();
  enrollment_.reset();
  parts_->platform.reset();
  if (!short_socket_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(short_socket_dir_, ec);
    short_socket_dir_.clear();
  }
}

platform::PlatformService& Rig::platform() {
  if (!parts_->platform) throw std::logic_error("rig: not started (no platform)");
  return *parts_->platform;
}

display::Display& Rig::display() {
  if (!display_) throw std::logic_error("rig: not started (no display)");
  return *display_;
}

Bench& Rig::bench() {
  if (!bench_) throw std::logic_error("rig: " + std::string(description_.bench.present ? "not started" : "no [bench] in " + description_.file.string()));
  return *bench_;
}

Terminal& Rig::terminal() {
  if (!terminal_) throw std::logic_error("rig: not started (no terminal)");
  return *terminal_;
}

WiegandProbe& Rig::wiegand() {
  if (!wiegand_) throw std::logic_error("rig: not started (no Wiegand probe)");
  return *wiegand_;
}

const ResolvedFixtures& Rig::fixtures() const {
  if (!parts_->fixtures) throw std::logic_error("rig: not started (no fixtures yet)");
  return *parts_->fixtures;
}

const fixtures::FixtureSet& Rig::fixture_set() const { return fixtures().set; }

const platform::ProjectConfig& Rig::project() const {
  if (parts_->platform_config.projects.empty()) throw std::logic_error("rig: not started (no platform)");
  return parts_->platform_config.projects.front();
}

std::vector<fixtures::Person> Rig::enrolled_persons() const {
  std::vector<fixtures::Person> out;
  for (const auto& p : fixture_set().persons)
    if (p.role == fixtures::Role::enrolled) out.push_back(p);
  return out;
}

EnrollmentReport Rig::enroll(const std::vector<fixtures::Person>& persons) {
  if (!enrollment_) throw std::logic_error("rig: not started (no platform to enroll into)");
  return enrolled(enrollment_->enroll(persons, fixtures().dir));
}

EnrollmentReport Rig::enrolled(EnrollmentReport r) {
  enrolled_seq_ = timeline_.last_seq();
  enrolled_at_ = r.done;
  return r;
}

EnrollmentReport Rig::enroll_capacity(std::size_t count, std::size_t first) {
  if (!enrollment_) throw std::logic_error("rig: not started (no platform to enroll into)");
  std::vector<fixtures::FileRef> photos;
  std::unordered_set<std::string> taken;
  for (const auto& p : fixture_set().persons) {
    taken.insert(p.id_number);
    if (p.role == fixtures::Role::enrolled && p.enrollment) photos.push_back(*p.enrollment);
  }
  if (photos.empty()) throw std::invalid_argument("enroll_capacity: the fixture set has no enrollment photo to cycle");
  std::vector<fixtures::Person> workers;
  workers.reserve(count);
  std::uint64_t seed = 0xCA9AC17E0000ull;  // apart from the seeds synthetic sets use
  for (std::size_t i = 0; i < first + count; ++i) {
    fixtures::Person w;
    do w.id_number = synthetic_resident_id(seed++);
    while (!taken.insert(w.id_number).second);
    if (i < first) continue;  // the same ID numbers whatever `first` is
    char id[32];
    std::snprintf(id, sizeof id, "CAP%05zu", i + 1);
    w.id = id;
    w.name = std::string("Capacity Worker ") + (id + 3);
    w.enrollment = photos[i % photos.size()];
    workers.push_back(std::move(w));
  }
  return enrolled(enrollment_->enroll(workers, fixtures().dir));
}

SyncReport Rig::wait_synced(std::size_t count, std::chrono::milliseconds timeout, bool ask_terminal) {
  if (!enrollment_) throw std::logic_error("rig: not started");
  if (!terminal().has_status()) {
    SyncReport r = wait_fetched(timeout);
    if (r.synced) r.enrolled = count;
    return r;
  }
  return enrollment_->wait_synced(terminal(), count, timeout, ask_terminal);
}

SyncReport Rig::wait_fetched(std::chrono::milliseconds timeout) {
  SyncReport r;
  r.observed = false;
  // A fetch received after the enrollment was done (a query already under way may miss it).
  const MonoNs from = enrolled_at_ != 0 ? enrolled_at_ : mono_now();
  const auto fetch = [from](const Event& e) {
    return e.kind == "platform.request" && e.at >= from && e.payload.value("method", "") == "ProjectWorker.Query" &&
           e.payload.value("code", -1) == 0 && e.payload.value("peer", "").rfind("rig-", 0) != 0;
  };
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint64_t cursor = enrolled_seq_;
  std::optional<Event> first;
  while (!first) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms || stop_requested()) break;
    first = timeline_.wait_for(cursor, fetch, std::min<std::chrono::milliseconds>(left, 200ms));
  }
  if (!first) {
    r.error = "the terminal has no status to ask, and the platform saw no ProjectWorker.Query from it within " +
              std::to_string(timeout.count()) + " ms of the enrollment";
  } else {
    r.synced = true;
    r.seconds = static_cast<double>(std::max<MonoNs>(0, first->at - from)) / 1e9;
    // Its photos are being turned into templates now; its next fetch (a polling terminal's next
    // round) says it is done with these, else 2 s of grace.
    timeline_.wait_for(first->seq, fetch, 2000ms);
    LOG_WARN("rig", "the terminal has no status: assumed synced when it fetched the workers (ProjectWorker.Query "
                        << r.seconds << " s after the enrollment); its enrollment failures are not observable");
  }
  timeline_.publish(Event{mono_now(), "rig", "rig.enrollment_synced",
                          Json{{"synced", r.synced}, {"observed", false}, {"how", "platform fetch (no terminal status)"},
                               {"seconds", r.seconds}, {"error", r.error}}});
  return r;
}

cv::Mat Rig::load_image(const fixtures::FileRef& ref) const {
  const fs::path p = fixtures().dir / ref.path;
  cv::Mat m = cv::imread(p.string(), cv::IMREAD_COLOR);
  if (m.empty()) throw std::runtime_error("cannot read the image " + p.string());
  return m;
}

}  // namespace gaterig::rig
