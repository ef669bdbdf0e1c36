#pragma once
// Whom the terminal admits: the project's workers as the platform lists them (ProjectWorker.Query,
// page by page, with headImage), enrolled through the face engine. Runs at start, every sync
// interval and on the admin's POST /sync.
//
// The terminal keeps a worker directory beside the gallery (data_dir/workers.json: ID number ->
// team, name, SHA-256 of the photo, enrollment status), so a restart or a re-sync enrolls only
// new or changed photos, and removes persons the platform no longer lists. A photo the engine
// cannot enroll is an enrollment failure (no photo, no face, several faces, too small, store full,
// unreadable): counted, reported (event "device.enroll_failed", /status) and not retried until
// the platform's photo changes or the store has room again.
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "simulator/device/access_policy.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "simulator/device/national_client.hpp"

namespace gaterig::device {

struct WorkerEntry {
  std::string team;
  std::string name;
  std::string photo_sha256;  // hex; empty when the platform sent no photo
  std::string status;        // EnrollStatus text, or "no-photo"; empty: not enrolled yet (pending)
  std::string reason;
  bool enrolled() const { return status == "enrolled" || status == "replaced"; }
  // Listed but not through the engine yet (this sync's page in progress, or the gallery lost it
  // and the next sync enrolls it again): neither enrolled nor a failure.
  bool pending() const { return status.empty(); }
  bool failed() const { return !enrolled() && !pending(); }
};

struct SyncReport {
  bool ok = false;
  std::string error;           // why the listing failed (the gallery is then left as it was)
  std::size_t workers = 0;     // listed by the platform
  std::size_t enrolled = 0;    // new or changed photos enrolled in this run
  std::size_t unchanged = 0;
  std::size_t removed = 0;
  std::size_t failed = 0;      // workers whose photo could not be enrolled (now)
  std::size_t pending = 0;     // workers listed and not enrolled yet (the gallery lost them)
  std::size_t new_failures = 0;  // ... of which failed in this run
  WallNs at = 0;
  std::chrono::milliseconds elapsed{0};
  // Where the time went (tests/bench/device/README.md): listing (ProjectWorker.Query: HTTP, JSON,
  // ID decryption, Base64), hashing the photos, the face engine (decode, detect, embed, gallery),
  // saving (gallery file and worker directory).
  std::chrono::nanoseconds query_time{0}, hash_time{0}, engine_time{0}, save_time{0};
  Json to_json() const;
};

class EnrollmentSync {
 public:
  EnrollmentSync(NationalClient& client, FaceEngine& engine, AccessPolicy& policy, std::filesystem::path data_dir,
                 int page_size, EventSink& events);

  // One full sync. Never throws for platform trouble (see SyncReport::error).
  SyncReport run();
  void abort() { client_.abort(); }

  SyncReport last() const;
  // Every worker's enrollment failure now: [{id (masked), status, reason}]. Enrollments still in
  // progress are not failures (see pending()).
  Json failures() const;
  // Workers not enrolled yet and not failed: {"count": new or changed photos in the engine now plus
  // workers the gallery lost, "in_sync": null, or the running sync's {"listed": the platform's row
  // total, "done": rows it has been through}} (rows it has not reached are not counted: most of
  // them are usually enrolled already).
  Json pending() const;
  std::size_t directory_size() const;

 private:
  void save_directory() const;
  void load_directory();

  NationalClient& client_;
  FaceEngine& engine_;
  AccessPolicy& policy_;
  std::filesystem::path file_;
  int page_size_;
  EventSink& events_;
  std::mutex run_mu_;      // one sync at a time
  mutable std::mutex mu_;  // directory_ and last_
  std::map<std::string, WorkerEntry> directory_;
  SyncReport last_;
  bool running_ = false;       // a sync is under way (mu_)
  std::size_t run_total_ = 0;  // ... the platform's row total
  std::size_t run_done_ = 0;   // ... rows it has been through so far
  std::set<std::string> in_engine_;  // ... the photos in the engine now (new or changed)
};

}  // namespace gaterig::device
