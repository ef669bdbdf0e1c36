#include "simulator/bench/modbus_bench.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "core/log.hpp"

namespace gaterig {
namespace {
namespace lmap = bench_map::light;
namespace xmap = bench_map::lux;
namespace rmap = bench_map::relay;

constexpr int kUnitByte = 6;  // MBAP header: transaction 2, protocol 2, length 2, unit 1
constexpr int kFunction = 7;
constexpr auto kMaxIdle = std::chrono::milliseconds(1000);  // longest poll: bounds every wait

int be16(const std::uint8_t* p) { return (p[0] << 8) | p[1]; }

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error("simulated bench: " + what + ": " + std::strerror(errno));
}
}  // namespace

ModbusBench::ModbusBench(ModbusBenchOptions options)
    : options_(std::move(options)), lux_rng_(options_.seed), fault_rng_(options_.seed ^ 0x9e3779b97f4a7c15ULL) {
  light_map_ = modbus_mapping_new_start_address(0, 0, 0, 0, 0, lmap::kHoldingCount, 0, 0);
  lux_map_ = modbus_mapping_new_start_address(0, 0, 0, 0, 0, 0, 0, xmap::kInputCount);
  relay_map_ = modbus_mapping_new_start_address(0, rmap::kOutlets, 0, 0, 0, rmap::kHoldingCount, 0, 0);
  ctx_ = modbus_new_tcp(options_.host.c_str(), options_.port);
  if (!light_map_ || !lux_map_ || !relay_map_ || !ctx_) throw std::runtime_error("simulated bench: out of memory");
  for (int c = 0; c < lmap::kChannels; ++c)
    light_map_->tab_registers[lmap::kLevelBase + c] =
        static_cast<std::uint16_t>(std::clamp(options_.initial_levels[static_cast<std::size_t>(c)], 0, 1000));
  light_map_->tab_registers[lmap::kMasterEnable] = 1;
  for (int o = 0; o < rmap::kOutlets; ++o) {
    relay_map_->tab_bits[o] = options_.initial_outlets[static_cast<std::size_t>(o)] ? 1 : 0;
    last_outlets_[static_cast<std::size_t>(o)] = options_.initial_outlets[static_cast<std::size_t>(o)];
  }
  relay_map_->tab_registers[rmap::kPulseMs] = rmap::kDefaultPulseMs;
  refresh_lux_locked();
  lux_samples_ = 0;
  lux_map_->tab_input_registers[xmap::kSampleCounter] = 0;

  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw sys_error("pipe");
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw sys_error("socket");
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(options_.port));
  if (inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1)
    throw std::invalid_argument("simulated bench: host '" + options_.host + "' is not an IPv4 address");
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw sys_error("bind " + where);
  if (listen(listen_fd_, 16) != 0) throw sys_error("listen " + where);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
  LOG_INFO("bench", "simulated bench serving Modbus TCP on " << options_.host << ":" << port_
                        << " (light unit " << options_.light_unit << ", lux unit " << options_.lux_unit
                        << ", relay unit " << options_.relay_unit << ", seed " << options_.seed << ")");
}

ModbusBench::~ModbusBench() {
  stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  for (int fd : wake_)
    if (fd >= 0) close(fd);
  modbus_free(ctx_);
  modbus_mapping_free(light_map_);
  modbus_mapping_free(lux_map_);
  modbus_mapping_free(relay_map_);
}

void ModbusBench::stop() {
  if (!stopping_.exchange(true)) {
    char b = 1;
    [[maybe_unused]] auto n = write(wake_[1], &b, 1);
  }
  if (thread_.joinable()) thread_.join();
}

void ModbusBench::inject(Fault fault) {
  LOG_INFO("bench", "fault armed: " << fault.describe() << " (seed " << options_.seed << ")");
  std::lock_guard lock(mu_);
  faults_.push_back(std::move(fault));
}

void ModbusBench::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

std::vector<Fault> ModbusBench::faults() const {
  std::lock_guard lock(mu_);
  return faults_;
}

LightLevels ModbusBench::light() const {
  std::lock_guard lock(mu_);
  LightLevels l;
  for (int c = 0; c < lmap::kChannels; ++c)
    l.permille[static_cast<std::size_t>(c)] = light_map_->tab_registers[lmap::kLevelBase + c];
  l.enabled = light_map_->tab_registers[lmap::kMasterEnable] != 0;
  return l;
}

std::array<bool, rmap::kOutlets> ModbusBench::outlets() const {
  std::lock_guard lock(mu_);
  return last_outlets_;
}

void ModbusBench::on_outlet_change(OutletListener listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

ModbusBenchStats ModbusBench::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void ModbusBench::publish(const char* kind, Json payload) {
  if (options_.sink != nullptr) options_.sink->publish(Event{mono_now(), options_.source, kind, std::move(payload)});
}

modbus_mapping_t* ModbusBench::mapping_for(int unit) const {
  if (unit == options_.light_unit) return light_map_;
  if (unit == options_.lux_unit) return lux_map_;
  if (unit == options_.relay_unit) return relay_map_;
  return nullptr;
}

bool ModbusBench::wait_or_stop(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  for (;;) {
    if (stopping_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{wake_[0], POLLIN, 0};
    poll(&p, 1, static_cast<int>(std::min(left, kMaxIdle).count()));
  }
}

void ModbusBench::run() {
  std::vector<int> clients;
  while (!stopping_) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (int c : clients) fds.push_back({c, POLLIN, 0});
    auto timeout = kMaxIdle;
    {
      std::lock_guard lock(mu_);
      for (const auto& p : pulses_)
        timeout = std::min(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(
                                        p.ends - std::chrono::steady_clock::now()) + std::chrono::milliseconds(1));
    }
    poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(0, timeout.count())));
    if (stopping_) break;
    if (fds[1].revents & POLLIN) {
      int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        clients.push_back(c);
        std::lock_guard lock(mu_);
        ++stats_.connections;
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (!serve_one(fds[i].fd)) {
        close(fds[i].fd);
        clients.erase(std::find(clients.begin(), clients.end(), fds[i].fd));
      }
      if (stopping_) break;
    }
    std::vector<std::pair<int, bool>> changed;
    end_pulses(changed);
    announce(changed, "pulse");
  }
  for (int c : clients) close(c);
}

bool ModbusBench::serve_one(int fd) {
  std::uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(ctx_, fd);
  const int len = modbus_receive(ctx_, req);
  if (len <= 0) return false;  // closed by the client, or a broken frame: drop the connection
  {
    std::lock_guard lock(mu_);
    ++stats_.requests;
  }
  bool answered = false;
  if (!apply_faults(req, answered)) return false;
  if (answered) return true;

  const int unit = req[kUnitByte];
  std::vector<std::pair<int, bool>> changed;
  {
    std::lock_guard lock(mu_);
    modbus_mapping_t* map = mapping_for(unit);
    int rc;
    if (map == nullptr) {
      rc = modbus_reply_exception(ctx_, req, MODBUS_EXCEPTION_GATEWAY_TARGET);
      ++stats_.refused;
    } else if (int code = refusal(unit, req, len); code != 0) {
      rc = modbus_reply_exception(ctx_, req, static_cast<unsigned>(code));
      ++stats_.refused;
    } else {
      if (map == lux_map_ && req[kFunction] == MODBUS_FC_READ_INPUT_REGISTERS) refresh_lux_locked();
      rc = modbus_reply(ctx_, req, len, map);
      if (rc >= 0) after_write_locked(unit, changed);
    }
    if (rc < 0) return false;
    ++stats_.replies;
  }
  announce(changed, "coil");
  return true;
}

bool ModbusBench::apply_faults(const std::uint8_t* req, bool& answered) {
  const int unit = req[kUnitByte];
  const int function = req[kFunction];
  const int address = be16(req + kFunction + 1);
  // At most one delay and one terminal fault (drop, exception, disconnect) fire per request,
  // the first of each kind in the order they were injected.
  std::optional<Fault> delay, terminal;
  {
    std::lock_guard lock(mu_);
    for (auto it = faults_.begin(); it != faults_.end();) {
      const bool is_delay = it->kind == Fault::Kind::delay;
      if ((it->unit && *it->unit != unit) || (is_delay ? delay.has_value() : terminal.has_value()) ||
          (it->kind == Fault::Kind::drop &&
           std::uniform_real_distribution<double>(0.0, 1.0)(fault_rng_) >= it->probability)) {
        ++it;
        continue;
      }
      (is_delay ? delay : terminal) = *it;
      ++stats_.faults_fired;
      if (it->remaining > 0 && --it->remaining == 0)
        it = faults_.erase(it);
      else
        ++it;
    }
  }
  for (const auto* f : {delay ? &*delay : nullptr, terminal ? &*terminal : nullptr}) {
    if (f == nullptr) continue;
    LOG_DEBUG("bench", "fault fired: " << f->describe() << " on unit " << unit << " function " << function
                                       << " address " << address);
    publish("bench.fault", Json{{"fault", f->describe()}, {"kind", to_string(f->kind)}, {"unit", unit},
                                {"function", function}, {"address", address}, {"seed", options_.seed}});
  }
  if (delay && !wait_or_stop(delay->delay_time)) return false;
  if (!terminal) return true;
  switch (terminal->kind) {
    case Fault::Kind::drop:
      answered = true;  // swallowed: the client times out
      return true;
    case Fault::Kind::exception: {
      std::lock_guard lock(mu_);
      answered = true;
      return modbus_reply_exception(ctx_, req, static_cast<unsigned>(terminal->exception_code)) >= 0;
    }
    case Fault::Kind::disconnect:
      return false;
    case Fault::Kind::delay:
      break;
  }
  return true;
}

int ModbusBench::refusal(int unit, const std::uint8_t* req, int len) const {
  const int function = req[kFunction];
  const int address = be16(req + kFunction + 1);
  // Values each register accepts; anything else is refused as a real controller would.
  auto bad_value = [&](int reg, int value) {
    if (unit == options_.light_unit) {
      if (reg >= lmap::kLevelBase && reg < lmap::kLevelBase + lmap::kChannels) return value > lmap::kMaxPermille;
      if (reg == lmap::kMasterEnable) return value > 1;
    }
    if (unit == options_.relay_unit) {
      if (reg == rmap::kPulseMs) return value == 0;
      if (reg == rmap::kPulseTrigger) return value > rmap::kOutlets;
    }
    return false;
  };
  if (function == MODBUS_FC_WRITE_SINGLE_REGISTER && len >= kFunction + 5)
    return bad_value(address, be16(req + kFunction + 3)) ? MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE : 0;
  if (function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS && len >= kFunction + 6) {
    const int count = be16(req + kFunction + 3);
    for (int i = 0; i < count && kFunction + 6 + 2 * i + 1 < len; ++i)
      if (bad_value(address + i, be16(req + kFunction + 6 + 2 * i))) return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
  }
  return 0;
}

void ModbusBench::refresh_lux_locked() {
  LightLevels l;
  for (int c = 0; c < lmap::kChannels; ++c)
    l.permille[static_cast<std::size_t>(c)] = light_map_->tab_registers[lmap::kLevelBase + c];
  l.enabled = light_map_->tab_registers[lmap::kMasterEnable] != 0;
  double lux = options_.lux_model.sample(l, lux_rng_);
  std::uint16_t status = xmap::kStatusValid;
  if (lux > xmap::kMaxLux) {
    lux = xmap::kMaxLux;
    status |= xmap::kStatusOverRange;
  }
  const auto tenths = static_cast<std::uint32_t>(std::lround(lux * 10.0));
  lux_map_->tab_input_registers[xmap::kValueHigh] = static_cast<std::uint16_t>(tenths >> 16);
  lux_map_->tab_input_registers[xmap::kValueLow] = static_cast<std::uint16_t>(tenths & 0xFFFF);
  lux_map_->tab_input_registers[xmap::kStatus] = status;
  lux_map_->tab_input_registers[xmap::kSampleCounter] = ++lux_samples_;
}

void ModbusBench::after_write_locked(int unit, std::vector<std::pair<int, bool>>& changed) {
  if (unit != options_.relay_unit) return;
  const int trigger = relay_map_->tab_registers[rmap::kPulseTrigger];
  if (trigger >= 1 && trigger <= rmap::kOutlets) {
    const int outlet = trigger - 1;
    relay_map_->tab_bits[outlet] = 0;
    const auto ends = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(relay_map_->tab_registers[rmap::kPulseMs]);
    pulses_.erase(std::remove_if(pulses_.begin(), pulses_.end(), [&](const Pulse& p) { return p.outlet == outlet; }),
                  pulses_.end());
    pulses_.push_back({outlet, ends});
    relay_map_->tab_registers[rmap::kPulseTrigger] = 0;
  }
  for (int o = 0; o < rmap::kOutlets; ++o) {
    const bool on = relay_map_->tab_bits[o] != 0;
    if (on != last_outlets_[static_cast<std::size_t>(o)]) {
      last_outlets_[static_cast<std::size_t>(o)] = on;
      changed.emplace_back(o, on);
    }
  }
}

void ModbusBench::end_pulses(std::vector<std::pair<int, bool>>& changed) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = pulses_.begin(); it != pulses_.end();) {
    if (it->ends > now) {
      ++it;
      continue;
    }
    relay_map_->tab_bits[it->outlet] = 1;
    it = pulses_.erase(it);
  }
  for (int o = 0; o < rmap::kOutlets; ++o) {
    const bool on = relay_map_->tab_bits[o] != 0;
    if (on != last_outlets_[static_cast<std::size_t>(o)]) {
      last_outlets_[static_cast<std::size_t>(o)] = on;
      changed.emplace_back(o, on);
    }
  }
}

void ModbusBench::announce(const std::vector<std::pair<int, bool>>& changed, const char* cause) {
  if (changed.empty()) return;
  std::vector<OutletListener> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (auto [outlet, on] : changed) {
    LOG_INFO("bench", "outlet " << outlet << (on ? " on" : " off") << " (" << cause << ")");
    publish("bench.outlet_changed", Json{{"outlet", outlet}, {"on", on}, {"cause", cause}});
    for (auto& l : listeners) l(outlet, on);
  }
}

}  // namespace gaterig
