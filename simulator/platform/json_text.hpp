#pragma once
// A strict RFC 8259 JSON reader for request bodies. nlohmann's lexer copies every character of
// a string twice (value and diagnostic buffers); attendance uploads are mostly long Base64
// strings, and this reader appends whole runs instead, several times faster. It accepts exactly
// what Json::parse accepts (a leading UTF-8 BOM, any top-level value, last duplicate key wins,
// no NaN/Infinity, no comments) except nesting deeper than kMaxJsonDepth and a NUL byte after
// the value (Json::parse stops reading there; this reader refuses it). The fuzz target checks
// the two agree on every input.
#include <optional>
#include <string_view>

#include "core/event.hpp"

namespace gaterig::platform {

inline constexpr int kMaxJsonDepth = 128;

// The value, or nullopt when the text is not JSON (or nests deeper than kMaxJsonDepth).
std::optional<Json> parse_json_text(std::string_view text);

}  // namespace gaterig::platform
