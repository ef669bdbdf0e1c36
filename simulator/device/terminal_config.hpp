#pragma once
// Everything a simulated terminal is told by its configuration file: who it is, which platform it
// talks to, where its Wiegand wire and camera are, its face engine, its access policy, its
// capacities and its behaviour profile. `gaterig devsim --config FILE` reads the [devsim] table;
// simulator/device/devsim.example.toml documents every key.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "simulator/device/attendance_record.hpp"
#include "simulator/device/face/engine_config.hpp"
#include "simulator/device/upload_queue.hpp"

namespace gaterig::device {

struct TerminalIdentity {
  std::string vendor = "gaterig-sim";
  std::string model = "GR-SIM-1";
  std::string firmware_version = "0.1.0";
  std::string firmware_hash;  // empty: SHA-256 of the running executable, computed at start
  std::string serial = "SIM-0001";
};

struct PlatformLink {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/open.api";
  std::string appid, appsecret;  // appsecret: the 32-character AES key
  std::string project_code, team_sys_no;
  std::chrono::milliseconds connect_timeout{2000}, read_timeout{10000};
  std::size_t batch_size = 10;
  // A backfill (补传) batch: up to this many records (capped by the dialect: national 500) and
  // this many KiB of photos (upload_queue.hpp).
  std::size_t backfill_batch_size = 500;
  std::size_t batch_image_kib = 2048;
  std::chrono::milliseconds backoff_base{1000}, backoff_cap{60'000};
};

struct WiegandOutConfig {
  std::string format = "wg26";  // wg26 | wg34
  std::uint32_t facility = 1;   // WG26: 0-255; WG34: 0-65535
  std::chrono::microseconds pulse_width{50}, pulse_interval{2000};
  std::chrono::milliseconds relay_hold{300};  // the door relay's line stays low this long
  // Sink: the virtual wire (default path when both are empty), or GPIO outputs.
  std::string virtual_wire;
  std::string gpio_chip;
  int gpio_d0 = -1, gpio_d1 = -1, gpio_relay = -1;
  // Cards from a fixtures set (its manifest's persons: id_number -> card); persons not in it get
  // the derived card (wiegand_out.hpp).
  std::filesystem::path cards_from;
  // "hardware": the terminal times its pulses with a hardware timer, as real terminals do; on the
  // virtual wire each edge carries its planned time (written when due). "software": a terminal that
  // bit-bangs its lines from a thread; each edge carries the moment it was driven, so load on the
  // machine stretches pulses (what the rig's JX-A.10 pulse-width check is there to catch). On GPIO
  // the lines' own timing is what the thread achieves, either way.
  std::string timing = "hardware";
  // The simulation raises the sending thread to SCHED_FIFO for the length of each frame (when
  // permitted), so load delays and stretches it less.
  bool realtime = true;
};

struct ScreenRegion {
  int x = 0, y = 0, width = 0, height = 0;  // width/height 0: the whole screen
};

struct CameraConfig {
  std::string monitor;            // the virtual monitor link's socket path
  std::string x11_display;        // or watch an X display (":99"), e.g. a real window under Xvfb
  ScreenRegion region;
  std::chrono::milliseconds x11_interval{100};  // between screen grabs
};

// Time-of-day windows (platform civil time, UTC+8) when a person or a group may pass.
struct AccessWindow {
  std::string person;  // an ID number, or
  std::string group;   // a team sys no
  int from_minute = 0, to_minute = 24 * 60;  // [from, to); to < from wraps past midnight
};

struct PolicyConfig {
  std::chrono::milliseconds repeat_window{5000};  // no second accept of one person within it
  bool helmet_required = true;
  std::string mask_policy = "allow";  // allow: masked faces are recognised | deny: masked faces are refused
  std::vector<AccessWindow> windows;  // persons and groups without a window may pass at any time
  Direction direction = Direction::in;
  std::string channel;                    // empty: the terminal's serial
  std::string attend_type = "01";         // accepted pass
  std::string no_helmet_attend_type = "01-no-helmet";  // the flagged record of a no-helmet refusal
  bool upload_image = false;              // attach the face snapshot (JPEG <= 50 KB)
};

// QR codes in view (JX-A.17, qr_pass.hpp says what the terminal does with them).
struct QrConfig {
  bool enabled = true;
  std::optional<std::uint32_t> visitor_facility;  // unset: the Wiegand facility
  std::uint32_t visitor_card = 65535;             // when the code names no card
  std::string attend_type = "qr";                 // the record of a worker admitted on a code
};

// What a degraded behaviour profile changes outside the face engine (profile.hpp sets them).
struct DegradedTerminal {
  double slow_probability = 0;                    // share of recognitions delayed
  std::chrono::milliseconds slow_until{3200};     // ... until this long after the frame was shown
  bool bad_parity = false;                        // flips the trailing parity bit
  bool wrong_format = false;                      // WG34 when WG26 is configured (and back)
  bool ignore_windows = false;                    // access windows not enforced
  bool plain_id = false, bad_sign = false;        // platform client knobs
  DegradedUpload upload;                          // offline queue knobs
  // Not a lowered spec but a measuring aid: the first Wiegand edge of an accept goes out exactly
  // this long after the decision (0: as soon as the record is stored). A benchmark compares the
  // rig's photon -> edge latency with it (issue #6: "within 1 ms of injected delays").
  std::chrono::nanoseconds decision_delay{0};
  bool ignore_qr = false;                         // no-qr: QR codes in view are not scanned
  bool admit_any_qr = false;                      // qr-any: every code it can read opens the gate
  std::size_t small_store_faces = 2000, small_store_records = 20'000;  // what small-store keeps
};

struct TerminalConfig {
  TerminalIdentity identity;
  PlatformLink platform;
  WiegandOutConfig wiegand;
  CameraConfig camera;
  FaceEngineConfig face;
  PolicyConfig policy;
  QrConfig qr;
  std::size_t face_capacity = 10'000;
  std::size_t record_capacity = 100'000;
  std::chrono::milliseconds sync_interval{300'000};  // re-sync workers; 0 = only at start and on /sync
  int sync_page_size = 100;
  std::string admin_bind = "127.0.0.1";
  std::uint16_t admin_port = 0;
  std::filesystem::path data_dir;
  std::string profile = "compliant";  // comma-separated profile names (profile.hpp)
  DegradedTerminal degraded;          // filled from `profile`
  // [devsim.degraded]: exact knob values over the profiles' presets (a test wanting every upload
  // duplicated sets duplicate_upload = 1.0). Keys: slow_probability, slow_until_ms, lossy_offline,
  // duplicate_upload, backdating (none|rewrite_to_now|invent), bad_parity, wrong_format,
  // ignore_windows, plain_id, bad_sign, ignore_qr, decision_delay_ms (a number, fractions allowed),
  // small_store_faces and small_store_records (the capacities small-store keeps, so a test can
  // show its losses at a scale that takes seconds).
  std::optional<Config> degraded_overrides;
  std::uint64_t seed = 1;

  // Reads the [devsim] table of a file. Unknown keys and bad values are ConfigErrors naming
  // file, line and key. The profile is NOT applied here (apply_profiles, profile.hpp).
  static TerminalConfig from(const Config& devsim);
};

// "07:30" -> 450; throws std::invalid_argument naming the text.
int parse_time_of_day(const std::string& text);

}  // namespace gaterig::device
