#pragma once
// Reading the trial part's own JSON (plans, journal lines) with errors that name the object and
// the field: "presentation.role: expected enrolled, ..., got 'x'". Internal to rigs/trial.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace gaterig::trial {

class JsonFields {
 public:
  JsonFields(const Json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j_.is_object()) throw std::invalid_argument(what_ + ": expected a JSON object");
  }
  [[noreturn]] void fail(const std::string& field, const std::string& expected) const {
    throw std::invalid_argument(what_ + "." + field + ": expected " + expected);
  }
  bool has(const char* k) const { return j_.contains(k) && !j_.at(k).is_null(); }
  const Json& at(const char* k) const {
    if (!j_.contains(k)) fail(k, "a value (missing)");
    return j_.at(k);
  }
  std::string string(const char* k) const {
    const Json& v = at(k);
    if (!v.is_string()) fail(k, "a string");
    return v.get<std::string>();
  }
  std::string string(const char* k, const std::string& dflt) const { return has(k) ? string(k) : dflt; }
  std::int64_t i64(const char* k) const {
    const Json& v = at(k);
    if (!v.is_number_integer()) fail(k, "an integer");
    return v.get<std::int64_t>();
  }
  std::uint64_t u64(const char* k) const {
    const Json& v = at(k);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
      fail(k, "a non-negative integer");
    return v.get<std::uint64_t>();
  }
  std::optional<std::int64_t> optional_i64(const char* k) const {
    return has(k) ? std::optional<std::int64_t>(i64(k)) : std::nullopt;
  }
  std::optional<std::uint32_t> optional_u32(const char* k) const {
    if (!has(k)) return std::nullopt;
    const std::uint64_t v = u64(k);
    if (v > 0xFFFFFFFFu) fail(k, "a 32-bit card value");
    return static_cast<std::uint32_t>(v);
  }
  bool boolean(const char* k, bool dflt) const {
    if (!has(k)) return dflt;
    if (!j_.at(k).is_boolean()) fail(k, "true or false");
    return j_.at(k).get<bool>();
  }
  std::vector<std::string> strings(const char* k) const {
    const Json& v = at(k);
    if (!v.is_array()) fail(k, "an array of strings");
    std::vector<std::string> out;
    for (const auto& s : v) {
      if (!s.is_string()) fail(k, "an array of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }

 private:
  const Json& j_;
  std::string what_;
};

}  // namespace gaterig::trial
