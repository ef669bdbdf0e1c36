#include "simulator/device/profile.hpp"

#include <algorithm>
#include <stdexcept>

namespace gaterig::device {

const std::vector<ProfileInfo>& known_profiles() {
  static const std::vector<ProfileInfo> profiles = {
      {"compliant", "nothing"},
      {"slow", "JX-A.2: 30 % of recognitions take over 3 s"},
      {"loose", "JX-A.2: match threshold lowered (false accepts)"},
      {"no-liveness", "JX-A.9: no liveness check"},
      {"no-helmet", "JX-A.5: no helmet check"},
      {"no-mask", "JX-A.4: masked faces not recognised"},
      {"light-sensitive", "JX-A.6: fails under strong or back light"},
      {"small-store", "JX-A.1: 2,000 faces / 20,000 records"},
      {"lossy-offline", "JX-A.1: drops 30 % of its offline queue"},
      {"backdating", "JX-A.1: backfilled records carry the upload time"},
      {"inventing", "JX-A.1: backfill invents records"},
      {"bad-parity", "JX-A.10: Wiegand parity bit flipped"},
      {"wrong-format", "JX-A.10: WG34 when WG26 is configured"},
      {"plain-id", "JX-A.18: ID numbers unencrypted"},
      {"bad-sign", "JX-A.18: signatures corrupted"},
      {"duplicate-upload", "JX-A.1: accepted batches uploaded twice"},
      {"ignores-access-window", "JX-A.15: pass windows not enforced"},
      {"no-qr", "JX-A.17: QR codes not scanned"},
      {"qr-any", "JX-A.17: forged, expired and red codes open the gate"},
  };
  return profiles;
}

std::vector<std::string> parse_profiles(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string name(text.substr(start, comma - start));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    const auto& known = known_profiles();
    if (std::none_of(known.begin(), known.end(), [&](const ProfileInfo& p) { return p.name == name; })) {
      std::string list;
      for (const auto& p : known) list += (list.empty() ? "" : ", ") + std::string(p.name);
      throw std::invalid_argument("unknown profile '" + name + "' (known: " + list + ")");
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

void apply_profiles(TerminalConfig& c) {
  DegradedTerminal& d = c.degraded;
  if (c.degraded_overrides) {
    // Read before the presets: small-store keeps these.
    const Config& t = *c.degraded_overrides;
    auto count = [&](const char* key, std::size_t fallback) {
      const auto v = t.get_int(key, static_cast<std::int64_t>(fallback));
      if (v < 1) t.fail(key, "expected at least 1");
      return static_cast<std::size_t>(v);
    };
    d.small_store_faces = count("small_store_faces", d.small_store_faces);
    d.small_store_records = count("small_store_records", d.small_store_records);
  }
  for (const std::string& p : parse_profiles(c.profile)) {
    if (p == "compliant") continue;
    if (p == "slow") d.slow_probability = 0.3, d.slow_until = std::chrono::milliseconds(3200);
    else if (p == "loose" || p == "no-liveness" || p == "no-helmet" || p == "no-mask" || p == "light-sensitive")
      apply_face_profile(c.face, p);
    else if (p == "small-store") {
      c.face_capacity = std::min(c.face_capacity, d.small_store_faces);
      c.record_capacity = std::min(c.record_capacity, d.small_store_records);
      c.face.capacity = c.face_capacity;
    } else if (p == "lossy-offline") d.upload.lossy_offline = 0.3;
    else if (p == "backdating") d.upload.backdating = Backdating::rewrite_to_now;
    else if (p == "inventing") d.upload.backdating = Backdating::invent;
    else if (p == "bad-parity") d.bad_parity = true;
    else if (p == "wrong-format") d.wrong_format = true;
    else if (p == "plain-id") d.plain_id = true;
    else if (p == "bad-sign") d.bad_sign = true;
    else if (p == "duplicate-upload") d.upload.duplicate_upload = 0.3;
    else if (p == "ignores-access-window") d.ignore_windows = true;
    else if (p == "no-qr") d.ignore_qr = true;
    else if (p == "qr-any") d.admit_any_qr = true;
  }
  if (!c.degraded_overrides) return;
  const Config& t = *c.degraded_overrides;
  auto probability = [&](const char* key, double fallback) {
    const double v = t.get_double(key, fallback);
    if (v < 0 || v > 1) t.fail(key, "expected a probability 0..1");
    return v;
  };
  d.slow_probability = probability("slow_probability", d.slow_probability);
  d.slow_until = std::chrono::milliseconds(t.get_int("slow_until_ms", d.slow_until.count()));
  d.upload.lossy_offline = probability("lossy_offline", d.upload.lossy_offline);
  d.upload.duplicate_upload = probability("duplicate_upload", d.upload.duplicate_upload);
  if (t.has("backdating")) {
    try {
      d.upload.backdating = parse_backdating(t.get_string("backdating"));
    } catch (const std::invalid_argument& e) {
      t.fail("backdating", e.what());
    }
  }
  d.bad_parity = t.get_bool("bad_parity", d.bad_parity);
  d.wrong_format = t.get_bool("wrong_format", d.wrong_format);
  d.ignore_windows = t.get_bool("ignore_windows", d.ignore_windows);
  d.plain_id = t.get_bool("plain_id", d.plain_id);
  d.bad_sign = t.get_bool("bad_sign", d.bad_sign);
  d.ignore_qr = t.get_bool("ignore_qr", d.ignore_qr);
  d.admit_any_qr = t.get_bool("admit_any_qr", d.admit_any_qr);
  const double delay_ms = t.get_double("decision_delay_ms", static_cast<double>(d.decision_delay.count()) / 1e6);
  if (delay_ms < 0 || delay_ms > 60'000) t.fail("decision_delay_ms", "expected 0..60000 ms");
  d.decision_delay = std::chrono::nanoseconds(static_cast<std::int64_t>(delay_ms * 1e6 + 0.5));
}

}  // namespace gaterig::device
