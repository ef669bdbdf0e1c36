#pragma once
// Levelled logging to stderr: one line per message, monotonic seconds since start, level, tag.
// Set the level from the command line (--log-level) or GATERIG_LOG=debug|info|warn|error.
// Never log a resident ID number unmasked: pass it through mask_id() (core/resident_id.hpp).
#include <sstream>
#include <string>
#include <string_view>

namespace gaterig::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level);
Level level();
// "debug", "info", "warn", "error", "off"; throws std::invalid_argument naming the text.
Level parse_level(std::string_view text);
void write(Level level, std::string_view tag, std::string_view message);
inline bool enabled(Level l) { return l >= level(); }

}  // namespace gaterig::log

// Streams only when the level is on, so arguments are not formatted for nothing.
#define GR_LOG(lvl, tag, expr)                                                          \
  do {                                                                                  \
    if (::gaterig::log::enabled(::gaterig::log::Level::lvl)) {                          \
      std::ostringstream gr_log_os_;                                                    \
      gr_log_os_ << expr;                                                               \
      ::gaterig::log::write(::gaterig::log::Level::lvl, tag, gr_log_os_.str());         \
    }                                                                                   \
  } while (0)
#define LOG_DEBUG(tag, expr) GR_LOG(debug, tag, expr)
#define LOG_INFO(tag, expr) GR_LOG(info, tag, expr)
#define LOG_WARN(tag, expr) GR_LOG(warn, tag, expr)
#define LOG_ERROR(tag, expr) GR_LOG(error, tag, expr)
