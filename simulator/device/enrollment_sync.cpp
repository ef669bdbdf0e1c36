#include "simulator/device/enrollment_sync.hpp"

#include <fstream>
#include <set>
#include <span>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/resident_id.hpp"

namespace gaterig::device {

namespace {
std::int64_t ms(std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }
}  // namespace

Json SyncReport::to_json() const {
  return Json{{"ok", ok},           {"error", error},     {"workers", workers}, {"enrolled", enrolled},
              {"unchanged", unchanged}, {"removed", removed}, {"failed", failed},   {"new_failures", new_failures},
              {"pending", pending},
              {"phases_ms", Json{{"query", ms(query_time)}, {"hash", ms(hash_time)},
                                 {"engine", ms(engine_time)}, {"save", ms(save_time)}}},
              {"at", at ? format_iso_utc(at) : ""}, {"elapsed_ms", elapsed.count()}};
}

EnrollmentSync::EnrollmentSync(NationalClient& client, FaceEngine& engine, AccessPolicy& policy,
                               std::filesystem::path data_dir, int page_size, EventSink& events)
    : client_(client), engine_(engine), policy_(policy), file_(data_dir / "workers.json"), page_size_(page_size),
      events_(events) {
  load_directory();
}

void EnrollmentSync::load_directory() {
  std::ifstream in(file_);
  if (!in) return;
  Json doc;
  try {
    doc = Json::parse(in);
  } catch (const std::exception& e) {
    // A torn directory only costs a re-enrollment: the next sync rebuilds it.
    LOG_WARN("devsim", file_.string() << ": unreadable worker directory (" << e.what() << "), re-enrolling on sync");
    return;
  }
  const Json workers = doc.value("workers", Json::object());
  for (const auto& [id, w] : workers.items()) {
    WorkerEntry e{w.value("team", ""), w.value("name", ""), w.value("photo", ""), w.value("status", ""),
                  w.value("reason", "")};
    if (e.enrolled() && !engine_.is_enrolled(id)) e.status.clear();  // the gallery lost it: enroll again
    policy_.set_group(id, e.team);
    directory_[id] = std::move(e);
  }
}

void EnrollmentSync::save_directory() const {
  Json workers = Json::object();
  for (const auto& [id, e] : directory_)
    workers[id] = Json{{"team", e.team}, {"name", e.name}, {"photo", e.photo_sha256}, {"status", e.status},
                       {"reason", e.reason}};
  const auto tmp = file_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << Json{{"schema", "gaterig.devsim.workers/1"}, {"workers", workers}}.dump();
    if (!out) throw std::runtime_error(tmp + ": cannot write the worker directory");
  }
  std::filesystem::rename(tmp, file_);
}

SyncReport EnrollmentSync::run() {
  std::lock_guard run_lock(run_mu_);
  const MonoNs started = mono_now();  // after the lock: the time of this sync, not of waiting for another
  SyncReport r;
  r.at = wall_now();
  std::set<std::string> listed;
  {
    std::lock_guard lock(mu_);
    running_ = true;
    run_total_ = run_done_ = 0;
  }
  using std::chrono::nanoseconds;
  // summed in nanoseconds: one photo's hash is well under a millisecond
  const auto since = [](MonoNs t0) { return nanoseconds(mono_now() - t0); };
  for (int page = 0;; ++page) {
    const MonoNs q0 = mono_now();
    WorkerPage p = client_.query_workers(page, page_size_);
    r.query_time += since(q0);
    if (!p.reply.ok()) {
      r.error = "ProjectWorker.Query page " + std::to_string(page) + ": " + p.reply.describe();
      break;
    }
    {
      std::lock_guard lock(mu_);
      run_total_ = p.row_total > 0 ? static_cast<std::size_t>(p.row_total) : 0;
    }
    // The page's new or changed photos are enrolled in one batch (the engine decodes, detects
    // and embeds them on several threads); the directory is then updated row by row in order.
    std::vector<WorkerEntry> entries(p.rows.size());
    std::vector<bool> changed(p.rows.size(), false);
    std::vector<std::size_t> to_enroll;
    std::vector<FaceEngine::EnrollItem> items;
    for (std::size_t k = 0; k < p.rows.size(); ++k) {
      const WorkerRow& w = p.rows[k];
      if (w.id_card_number.empty()) continue;
      listed.insert(w.id_card_number);
      policy_.set_group(w.id_card_number, w.team_sys_no);
      WorkerEntry& e = entries[k];
      {
        // find, not []: an empty entry in the directory while the page is enrolled would read as
        // a failure in /status
        std::lock_guard lock(mu_);
        if (const auto it = directory_.find(w.id_card_number); it != directory_.end()) e = it->second;
      }
      e.team = w.team_sys_no;
      e.name = w.worker_name;
      const MonoNs h0 = mono_now();
      const std::string sha = w.head_image.empty() ? "" : crypto::sha256_hex(w.head_image);
      r.hash_time += since(h0);
      const bool retry_full = e.status == "store-full" && engine_.enrolled() < engine_.config().capacity;
      if (!e.status.empty() && e.photo_sha256 == sha && !retry_full) {
        ++r.unchanged;
        continue;
      }
      e.photo_sha256 = sha;
      changed[k] = true;
      if (w.head_image.empty()) {
        e.status = "no-photo";
        e.reason = "the platform sent no headImage";
        engine_.remove(w.id_card_number);
        continue;
      }
      to_enroll.push_back(k);
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(w.head_image.data());
      items.push_back({w.id_card_number, std::span<const std::uint8_t>(bytes, w.head_image.size())});
    }
    {
      std::lock_guard lock(mu_);
      for (const auto& item : items) in_engine_.insert(item.person);
    }
    const MonoNs e0 = mono_now();
    const std::vector<EnrollResult> results = engine_.enroll_batch(items);
    r.engine_time += since(e0);
    for (std::size_t i = 0; i < to_enroll.size(); ++i) {
      WorkerEntry& e = entries[to_enroll[i]];
      e.status = to_string(results[i].status);
      e.reason = results[i].reason;
      if (results[i].ok()) ++r.enrolled;
    }
    for (std::size_t k = 0; k < p.rows.size(); ++k) {
      const WorkerRow& w = p.rows[k];
      if (w.id_card_number.empty()) continue;
      WorkerEntry& e = entries[k];
      if (changed[k] && !e.enrolled()) {
        ++r.new_failures;
        events_.publish(Event{mono_now(), "device", "device.enroll_failed",
                              Json{{"id", mask_id(w.id_card_number)}, {"status", e.status}, {"reason", e.reason}}, 0});
        LOG_WARN("devsim", "enrollment failed for " << mask_id(w.id_card_number) << ": " << e.status << " (" << e.reason
                                                    << ")");
      }
      std::lock_guard lock(mu_);
      directory_[w.id_card_number] = std::move(e);
    }
    {
      std::lock_guard lock(mu_);
      run_done_ += p.rows.size();
      in_engine_.clear();
    }
    const auto seen = static_cast<std::int64_t>(page + 1) * page_size_;
    if (p.rows.empty() || seen >= p.row_total) {
      r.ok = true;
      break;
    }
  }
  std::lock_guard lock(mu_);
  if (r.ok) {
    for (auto it = directory_.begin(); it != directory_.end();) {
      if (listed.count(it->first)) {
        ++it;
        continue;
      }
      engine_.remove(it->first);
      ++r.removed;
      it = directory_.erase(it);
    }
  }
  r.workers = listed.size();
  for (const auto& [id, e] : directory_) {
    r.failed += e.failed();
    r.pending += e.pending();
  }
  running_ = false;
  in_engine_.clear();
  const MonoNs s0 = mono_now();
  try {
    engine_.flush();  // the gallery first: the directory must not claim an enrollment the gallery lost
    save_directory();
  } catch (const std::exception& e) {
    LOG_WARN("devsim", e.what());
  }
  r.save_time = since(s0);
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(mono_now() - started));
  last_ = r;
  events_.publish(Event{mono_now(), "device", "device.sync", r.to_json(), 0});
  return r;
}

SyncReport EnrollmentSync::last() const {
  std::lock_guard lock(mu_);
  return last_;
}

Json EnrollmentSync::failures() const {
  std::lock_guard lock(mu_);
  Json out = Json::array();
  for (const auto& [id, e] : directory_)
    if (e.failed()) out.push_back(Json{{"id", mask_id(id)}, {"status", e.status}, {"reason", e.reason}});
  return out;
}

Json EnrollmentSync::pending() const {
  std::lock_guard lock(mu_);
  std::size_t n = in_engine_.size();
  for (const auto& [id, e] : directory_) n += e.pending() && !in_engine_.count(id);
  Json in_sync = nullptr;
  if (running_) in_sync = Json{{"listed", run_total_}, {"done", run_done_}};
  return Json{{"count", n}, {"in_sync", in_sync}};
}

std::size_t EnrollmentSync::directory_size() const {
  std::lock_guard lock(mu_);
  return directory_.size();
}

}  // namespace gaterig::device
