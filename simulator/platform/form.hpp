#pragma once
// application/x-www-form-urlencoded, as browsers and Java clients write it: fields split on '&',
// name and value on the first '=', '+' is a space, %XX a byte; the bytes must be UTF-8.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaterig::platform {

struct FormField {
  std::string name, value;
};

struct FormParse {
  std::vector<FormField> fields;  // in body order
  std::optional<std::string> error;  // what is wrong with the body (then `fields` is partial)
};

FormParse parse_form(std::string_view body);
// Decodes one component ('+' and %XX); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace gaterig::platform
