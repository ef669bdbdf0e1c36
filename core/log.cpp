#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "core/clock.hpp"

namespace gaterig::log {
namespace {
Level initial_level() {
  if (const char* env = std::getenv("GATERIG_LOG")) {
    try {
      return parse_level(env);
    } catch (const std::invalid_argument&) {
    }
  }
  return Level::info;
}
std::atomic<Level> g_level{initial_level()};
std::mutex g_mu;
const MonoNs g_start = mono_now();
constexpr const char* kNames[] = {"debug", "info", "warn", "error", "off"};
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

Level parse_level(std::string_view text) {
  for (int i = 0; i <= 4; ++i)
    if (text == kNames[i]) return static_cast<Level>(i);
  throw std::invalid_argument("log level '" + std::string(text) +
                              "': expected debug, info, warn, error or off");
}

void write(Level l, std::string_view tag, std::string_view message) {
  const double secs = static_cast<double>(mono_now() - g_start) / 1e9;
  std::lock_guard lock(g_mu);
  std::fprintf(stderr, "%9.3f %-5s %.*s: %.*s\n", secs, kNames[static_cast<int>(l)],
               static_cast<int>(tag.size()), tag.data(), static_cast<int>(message.size()),
               message.data());
}

}  // namespace gaterig::log
