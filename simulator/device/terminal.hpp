#pragma once
// The simulated attendance terminal as one running thing, composed of the parts that do the work:
//   Camera (camera.hpp) -> FaceEngine (face/face_engine.hpp) -> AccessPolicy (access_policy.hpp)
//   -> on accept: AttendanceRecord queued durably (UploadQueue), THEN the card on Wiegand
//      (wiegand_out.hpp) and the door relay edge (door.hpp);
//   -> on a no-helmet refusal: no Wiegand, a flagged record queued (attendType no_helmet_attend_type);
//   EnrollmentSync keeps the gallery in step with the platform's workers; UploadQueue uploads
//   records in real time and backfills them (补传) with their original dates after an outage.
// Its data directory holds everything that survives a power cut: the gallery, the worker
// directory, the offline queue, the remotely changed parameters (params.json).
//
// Threads: the camera loop (one decision per frame handed out), the sync loop, the uploader
// (UploadQueue), the door relay; the admin endpoint (terminal_admin.hpp) calls in from its own.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "core/event.hpp"
#include "simulator/device/access_policy.hpp"
#include "simulator/device/camera.hpp"
#include "simulator/device/door.hpp"
#include "simulator/device/enrollment_sync.hpp"
#include "simulator/device/face/face_engine.hpp"
#include "simulator/device/firmware_store.hpp"
#include "simulator/device/national_client.hpp"
#include "simulator/device/qr_pass.hpp"
#include "simulator/device/terminal_config.hpp"
#include "simulator/device/upload_queue.hpp"
#include "simulator/device/wiegand_out.hpp"

namespace gaterig::device {

class Terminal {
 public:
  // Opens the data directory, the face engine (with its persisted gallery), the offline queue,
  // the gate sink and the camera. `config` has its profiles applied already (apply_profiles).
  // Throws std::runtime_error (or ConfigError, GalleryFileError, QueueStoreError) naming what failed.
  explicit Terminal(TerminalConfig config);
  ~Terminal();  // stop()
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // First worker sync (bounded by the platform client's timeouts; a platform that is down leaves
  // the persisted gallery as it was), then the camera loop, the sync loop and the uploader.
  void start();
  // Stops every thread; records still pending stay in the queue for the next start. Idempotent.
  void stop();

  // {"event":"ready","pid","data_dir","profile","engine","enrolled","camera","wiegand","identity",
  //  "sync","queue", "admin_port" (added by the caller that serves it)}
  Json ready() const;
  // Everything /status reports: identity and firmware, profile, params, enrolled count and
  // enrollment failures, last sync, queue counts and online state, decision counts, latencies.
  Json status() const;
  Json summary() const;  // {"event":"summary", ...status}
  // The terminal's own timing of its latest decisions, newest last (at most `last`, up to 1000
  // kept; refusals of frames without a face are left out): [{"frame","shown_ns" (the frame's
  // publish time), "received_ns","decided_ns","first_edge_ns" (null: no Wiegand),"outcome",
  // "card","injected_delay_ms","decision_to_edge_ms","shown_to_edge_ms"}], CLOCK_MONOTONIC ns.
  Json recent_decisions(std::size_t last) const;

  // Remote management. set_params takes {"match_threshold":..,"repeat_window_s":..,
  // "helmet_required":..,"check_liveness":..,"check_helmet":..,"check_mask":..,"mask_policy":..,
  // "direction":"in"|"out","decision_delay_ms":..}; applies them at once and keeps them in data_dir/params.json (they
  // survive a restart). Throws std::invalid_argument naming a bad or unknown key.
  Json set_params(const Json& params);
  Json params() const;
  void request_sync();  // from the sync loop, soon
  SyncReport sync_now();  // on the caller's thread, now (one sync at a time)
  // The admin's POST /restart: the owner stops the terminal and starts it again on the same data
  // (`gaterig devsim` re-executes itself). `on_restart` is called once, from the admin's thread.
  void request_restart();
  bool restart_requested() const { return restart_.load(); }
  void on_restart(std::function<void()> callback) { on_restart_ = std::move(callback); }

  // OTA (firmware_store.hpp): {"vendor","model","serial","firmware_version","firmware_hash",
  // "installed": image|null, "staged": image|null}; stage_firmware verifies and stages an image
  // for the next start (throws std::invalid_argument naming what is wrong).
  Json firmware() const;
  Json stage_firmware(std::string_view image, std::string_view sha256_hex, const std::string& version);

  // The admin's soak (JX-A.1's 100,000 records): `passes` records made as if that many accepts had
  // just happened, through the same queue and uploader as real passes (capacity, offline backfill,
  // degraded knobs). Persons: `person`, else every worker the platform listed, in turn; each
  // person's passes one second apart in the seconds before now, each soak before the previous
  // one's (the platform keeps one record per person, second and direction, and takes no future
  // dates). No Wiegand, no door. Throws std::invalid_argument when there is nobody.
  Json soak(std::size_t passes, const std::optional<std::string>& person);

  const TerminalConfig& config() const { return config_; }
  Timeline& timeline() { return timeline_; }
  const std::string& firmware_hash() const { return firmware_hash_; }

 private:
  void camera_loop();
  void sync_loop();
  void handle(const CameraFrame& frame);
  bool wait_until(MonoNs deadline);  // false when stopping
  void load_params();
  void apply_params_locked(const Json& p);
  AttendanceRecord record_for(const std::string& person, WallNs wall, const std::string& attend_type,
                              const CameraFrame& frame, const FrameAnalysis& a) const;
  void count(const Decision& d);
  void count(const std::string& outcome);
  // A QR code in view decides the frame (qr_pass.hpp); false when there is none.
  bool handle_qr(const CameraFrame& frame, WallNs wall, MonoNs decided);
  // When the first edge of an accept decided at `decided` must go out (0: at once); waits out
  // all but the last 2 ms of an injected decision delay (the transmitter spins the rest).
  MonoNs gate_time(MonoNs decided);
  void remember(const CameraFrame& frame, MonoNs decided, std::optional<MonoNs> first_edge, std::string outcome,
                std::optional<GateCard> card = std::nullopt);

  TerminalConfig config_;
  std::string firmware_hash_;
  FirmwareStore firmware_;
  std::optional<FirmwareImage> installed_;
  Timeline timeline_{10'000};
  std::unique_ptr<FaceEngine> engine_;
  AccessPolicy policy_;
  NationalClient upload_client_;
  NationalClient sync_client_;
  NationalUplink uplink_;
  std::unique_ptr<UploadQueue> queue_;
  std::unique_ptr<EnrollmentSync> sync_;
  std::unique_ptr<SharedSink> sink_;
  std::unique_ptr<WiegandOut> wiegand_;
  std::unique_ptr<Door> door_;
  std::unique_ptr<Camera> camera_;

  mutable std::mutex mu_;  // params_, counters, stopping_/sync_kick_
  std::condition_variable cv_;
  bool started_ = false, stopping_ = false, stopped_ = false, sync_kick_ = false;
  Json params_ = Json::object();
  std::map<std::string, std::uint64_t> decisions_;  // "accept", "deny:<reason>"
  std::uint64_t frames_ = 0, slowed_ = 0, records_refused_ = 0, soak_passes_ = 0;
  WallNs soak_floor_ = 0;  // the earliest second an earlier soak used
  std::deque<double> latencies_ms_;                 // shown -> first Wiegand edge, last 1000
  std::deque<Json> recent_;                         // recent_decisions(), last 1000
  std::atomic<std::int64_t> decision_delay_ns_{0};
  QrScanner qr_scanner_;                            // camera thread only
  std::string last_qr_;
  MonoNs last_qr_at_ = 0;
  std::string last_deny_key_;
  MonoNs last_deny_at_ = 0;
  std::mt19937_64 rng_;
  std::atomic<bool> restart_{false};
  std::function<void()> on_restart_;
  std::thread camera_thread_, sync_thread_;
  MonoNs started_mono_ = 0;
};

}  // namespace gaterig::device
