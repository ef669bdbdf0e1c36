#pragma once
// The canonical JSON form every signed gaterig document is written in (docs/report-schema.md,
// "Canonical form"): object keys sorted by their UTF-8 bytes, no insignificant whitespace, strings
// as UTF-8 with only the mandatory escapes, numbers in the shortest form that reads back to the
// same double (ECMAScript / RFC 8785 notation). One value has exactly one text, so a digest or a
// signature over the text is a digest of the value.
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gaterig::report {

using Json = nlohmann::json;

// A value that has no canonical form (NaN, infinity, invalid UTF-8, an integer beyond 2^53) or a
// text that is not canonical. The message names the JSON path.
class CanonicalJsonError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string canonical_json(const Json& value);

// The number alone, as canonical_json writes it: 0.00995, 1e-7, 1.5e+21, 500 (an integral double
// is written as an integer).
std::string canonical_number(double d);

// Parses `text` and checks that it is already canonical (byte for byte); throws naming `what`
// (a file name) and the first differing offset otherwise.
Json parse_canonical(std::string_view text, std::string_view what);

}  // namespace gaterig::report
