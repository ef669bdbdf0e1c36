#include "simulator/device/terminal_config.hpp"

#include <stdexcept>

namespace gaterig::device {

int parse_time_of_day(const std::string& text) {
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() == 5 && digit(0) && digit(1) && text[2] == ':' && digit(3) && digit(4)) {
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h <= 24 && m < 60 && !(h == 24 && m != 0)) return h * 60 + m;
  }
  throw std::invalid_argument("'" + text + "': expected a time of day HH:MM (00:00-24:00)");
}

namespace {

std::chrono::milliseconds ms(const Config& t, std::string_view key, std::chrono::milliseconds fallback, std::int64_t min = 0) {
  const auto v = t.get_int(key, fallback.count());
  if (v < min) t.fail(key, "expected at least " + std::to_string(min) + " ms");
  return std::chrono::milliseconds(v);
}

void read_identity(const Config& t, TerminalIdentity& id) {
  t.reject_unknown({"vendor", "model", "firmware_version", "firmware_hash", "serial"});
  id.vendor = t.get_string("vendor", id.vendor);
  id.model = t.get_string("model", id.model);
  id.firmware_version = t.get_string("firmware_version", id.firmware_version);
  id.firmware_hash = t.get_string("firmware_hash", id.firmware_hash);
  id.serial = t.get_string("serial", id.serial);
}

void read_platform(const Config& t, PlatformLink& p) {
  t.reject_unknown({"host", "port", "path", "appid", "appsecret", "project_code", "team", "connect_timeout_ms",
                    "read_timeout_ms", "batch_size", "backfill_batch_size", "batch_image_kib", "backoff_base_ms",
                    "backoff_cap_ms"});
  p.host = t.get_string("host", p.host);
  const auto port = t.get_int("port", 0);
  if (port < 0 || port > 65535) t.fail("port", "expected 0..65535 (0: given with --platform)");
  p.port = static_cast<std::uint16_t>(port);
  p.path = t.get_string("path", p.path);
  p.appid = t.get_string("appid");
  p.appsecret = t.get_string("appsecret");
  if (p.appsecret.size() != 32) t.fail("appsecret", "expected 32 characters (the AES-256 key)");
  p.project_code = t.get_string("project_code");
  p.team_sys_no = t.get_string("team");
  p.connect_timeout = ms(t, "connect_timeout_ms", p.connect_timeout, 1);
  p.read_timeout = ms(t, "read_timeout_ms", p.read_timeout, 1);
  const auto batch = t.get_int("batch_size", static_cast<std::int64_t>(p.batch_size));
  if (batch < 1 || batch > 500) t.fail("batch_size", "expected 1..500");
  p.batch_size = static_cast<std::size_t>(batch);
  const auto backfill = t.get_int("backfill_batch_size", static_cast<std::int64_t>(p.backfill_batch_size));
  if (backfill < batch || backfill > 500) t.fail("backfill_batch_size", "expected batch_size..500");
  p.backfill_batch_size = static_cast<std::size_t>(backfill);
  // The platform refuses a body over 8 MiB: photos stay well under it with the batch's JSON.
  const auto kib = t.get_int("batch_image_kib", static_cast<std::int64_t>(p.batch_image_kib));
  if (kib < 1 || kib > 6144) t.fail("batch_image_kib", "expected 1..6144 (the platform's body limit is 8 MiB)");
  p.batch_image_kib = static_cast<std::size_t>(kib);
  p.backoff_base = ms(t, "backoff_base_ms", p.backoff_base, 1);
  p.backoff_cap = ms(t, "backoff_cap_ms", p.backoff_cap, 1);
  if (p.backoff_cap < p.backoff_base) t.fail("backoff_cap_ms", "expected at least backoff_base_ms");
}

void read_wiegand(const Config& t, WiegandOutConfig& w) {
  t.reject_unknown({"format", "facility", "pulse_width_us", "pulse_interval_us", "relay_hold_ms", "virtual_wire",
                    "gpio_chip", "gpio_d0", "gpio_d1", "gpio_relay", "cards_from", "realtime", "timing"});
  w.format = t.get_string("format", w.format);
  if (w.format != "wg26" && w.format != "wg34") t.fail("format", "expected wg26 or wg34");
  const auto facility = t.get_int("facility", w.facility);
  if (facility < 0 || facility > (w.format == "wg26" ? 255 : 65535))
    t.fail("facility", w.format == "wg26" ? "expected 0..255 for WG26" : "expected 0..65535 for WG34");
  w.facility = static_cast<std::uint32_t>(facility);
  w.pulse_width = std::chrono::microseconds(t.get_int("pulse_width_us", w.pulse_width.count()));
  w.pulse_interval = std::chrono::microseconds(t.get_int("pulse_interval_us", w.pulse_interval.count()));
  if (w.pulse_width.count() <= 0 || w.pulse_width >= w.pulse_interval)
    t.fail("pulse_width_us", "expected a positive width shorter than pulse_interval_us");
  w.relay_hold = ms(t, "relay_hold_ms", w.relay_hold, 1);
  if (t.has("virtual_wire")) w.virtual_wire = t.resolve(t.get_string("virtual_wire")).string();
  w.gpio_chip = t.get_string("gpio_chip", "");
  w.gpio_d0 = static_cast<int>(t.get_int("gpio_d0", -1));
  w.gpio_d1 = static_cast<int>(t.get_int("gpio_d1", -1));
  w.gpio_relay = static_cast<int>(t.get_int("gpio_relay", -1));
  if (!w.gpio_chip.empty() && (w.gpio_d0 < 0 || w.gpio_d1 < 0)) t.fail("gpio_chip", "needs gpio_d0 and gpio_d1");
  if (!w.gpio_chip.empty() && !w.virtual_wire.empty()) t.fail("gpio_chip", "give either gpio_chip or virtual_wire");
  if (t.has("cards_from")) w.cards_from = t.resolve(t.get_string("cards_from"));
  w.realtime = t.get_bool("realtime", w.realtime);
  w.timing = t.get_string("timing", w.timing);
  if (w.timing != "hardware" && w.timing != "software") t.fail("timing", "expected hardware or software");
}

void read_camera(const Config& t, CameraConfig& c) {
  t.reject_unknown({"monitor", "x11_display", "region", "x11_interval_ms"});
  if (t.has("monitor")) c.monitor = t.resolve(t.get_string("monitor")).string();
  c.x11_display = t.get_string("x11_display", "");
  if (t.has("region")) {
    const auto r = t.get_ints("region");
    if (r.size() != 4 || r[2] < 0 || r[3] < 0) t.fail("region", "expected [x, y, width, height]");
    c.region = {static_cast<int>(r[0]), static_cast<int>(r[1]), static_cast<int>(r[2]), static_cast<int>(r[3])};
  }
  c.x11_interval = ms(t, "x11_interval_ms", c.x11_interval, 1);
  if (!c.monitor.empty() && !c.x11_display.empty()) t.fail("x11_display", "give either monitor or x11_display");
}

void read_policy(const Config& t, PolicyConfig& p) {
  t.reject_unknown({"repeat_window_s", "helmet_required", "mask_policy", "windows", "direction", "channel",
                    "attend_type", "no_helmet_attend_type", "upload_image"});
  const double repeat = t.get_double("repeat_window_s", static_cast<double>(p.repeat_window.count()) / 1000.0);
  if (repeat < 0) t.fail("repeat_window_s", "expected at least 0");
  p.repeat_window = std::chrono::milliseconds(static_cast<std::int64_t>(repeat * 1000));
  p.helmet_required = t.get_bool("helmet_required", p.helmet_required);
  p.mask_policy = t.get_string("mask_policy", p.mask_policy);
  if (p.mask_policy != "allow" && p.mask_policy != "deny") t.fail("mask_policy", "expected allow or deny");
  const std::string dir = t.get_string("direction", "in");
  if (dir != "in" && dir != "out") t.fail("direction", "expected in or out");
  p.direction = dir == "in" ? Direction::in : Direction::out;
  p.channel = t.get_string("channel", p.channel);
  p.attend_type = t.get_string("attend_type", p.attend_type);
  p.no_helmet_attend_type = t.get_string("no_helmet_attend_type", p.no_helmet_attend_type);
  p.upload_image = t.get_bool("upload_image", p.upload_image);
  for (const Config& w : t.tables("windows")) {
    w.reject_unknown({"person", "group", "from", "to"});
    AccessWindow a;
    a.person = w.get_string("person", "");
    a.group = w.get_string("group", "");
    if (a.person.empty() == a.group.empty()) w.fail("person", "expected exactly one of person (ID number) or group (team)");
    try {
      a.from_minute = parse_time_of_day(w.get_string("from"));
    } catch (const std::invalid_argument& e) {
      w.fail("from", e.what());
    }
    try {
      a.to_minute = parse_time_of_day(w.get_string("to"));
    } catch (const std::invalid_argument& e) {
      w.fail("to", e.what());
    }
    p.windows.push_back(a);
  }
}

void read_qr(const Config& t, QrConfig& q, const WiegandOutConfig& w) {
  t.reject_unknown({"enabled", "visitor_facility", "visitor_card", "attend_type"});
  q.enabled = t.get_bool("enabled", q.enabled);
  if (t.has("visitor_facility")) {
    const auto f = t.get_int("visitor_facility");
    if (f < 0 || f > (w.format == "wg26" ? 255 : 65535))
      t.fail("visitor_facility", w.format == "wg26" ? "expected 0..255 for WG26" : "expected 0..65535 for WG34");
    q.visitor_facility = static_cast<std::uint32_t>(f);
  }
  const auto card = t.get_int("visitor_card", q.visitor_card);
  if (card < 0 || card > 65535) t.fail("visitor_card", "expected 0..65535");
  q.visitor_card = static_cast<std::uint32_t>(card);
  q.attend_type = t.get_string("attend_type", q.attend_type);
  if (q.attend_type.empty() || q.attend_type.size() > 64) t.fail("attend_type", "expected 1..64 characters");
}

}  // namespace

TerminalConfig TerminalConfig::from(const Config& t) {
  t.reject_unknown({"identity", "platform", "wiegand", "camera", "face", "policy", "qr", "capacity", "sync",
                    "admin", "data_dir", "profile", "seed", "degraded"});
  TerminalConfig c;
  if (auto s = t.find_table("identity")) read_identity(*s, c.identity);
  read_platform(t.table("platform"), c.platform);
  if (auto s = t.find_table("wiegand")) read_wiegand(*s, c.wiegand);
  if (auto s = t.find_table("camera")) read_camera(*s, c.camera);
  if (auto s = t.find_table("face")) c.face = FaceEngineConfig::from(*s);
  if (auto s = t.find_table("policy")) read_policy(*s, c.policy);
  if (auto s = t.find_table("qr")) read_qr(*s, c.qr, c.wiegand);
  if (auto s = t.find_table("capacity")) {
    s->reject_unknown({"faces", "records"});
    const auto faces = s->get_int("faces", static_cast<std::int64_t>(c.face_capacity));
    const auto records = s->get_int("records", static_cast<std::int64_t>(c.record_capacity));
    if (faces < 1) s->fail("faces", "expected at least 1");
    if (records < 1) s->fail("records", "expected at least 1");
    c.face_capacity = static_cast<std::size_t>(faces);
    c.record_capacity = static_cast<std::size_t>(records);
  }
  if (auto s = t.find_table("sync")) {
    s->reject_unknown({"interval_s", "page_size"});
    const double interval = s->get_double("interval_s", static_cast<double>(c.sync_interval.count()) / 1000.0);
    if (interval < 0) s->fail("interval_s", "expected at least 0 (0: only at start and on /sync)");
    c.sync_interval = std::chrono::milliseconds(static_cast<std::int64_t>(interval * 1000));
    c.sync_page_size = static_cast<int>(s->get_int("page_size", c.sync_page_size));
    if (c.sync_page_size < 1 || c.sync_page_size > 1000) s->fail("page_size", "expected 1..1000");
  }
  if (auto s = t.find_table("admin")) {
    s->reject_unknown({"bind", "port"});
    c.admin_bind = s->get_string("bind", c.admin_bind);
    const auto port = s->get_int("port", 0);
    if (port < 0 || port > 65535) s->fail("port", "expected 0..65535 (0: ephemeral)");
    c.admin_port = static_cast<std::uint16_t>(port);
  }
  if (t.has("data_dir")) c.data_dir = t.resolve(t.get_string("data_dir"));
  c.profile = t.get_string("profile", c.profile);
  c.seed = static_cast<std::uint64_t>(t.get_int("seed", 1));
  if (auto s = t.find_table("degraded")) {
    s->reject_unknown({"slow_probability", "slow_until_ms", "lossy_offline", "duplicate_upload", "backdating",
                       "bad_parity", "wrong_format", "ignore_windows", "plain_id", "bad_sign", "ignore_qr",
                       "admit_any_qr", "decision_delay_ms", "small_store_faces", "small_store_records"});
    c.degraded_overrides = *s;
  }
  c.face.capacity = c.face_capacity;
  return c;
}

}  // namespace gaterig::device
