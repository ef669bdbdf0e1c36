// The fast JSON reader used for request bodies: it must read exactly what Json::parse reads.
#include <gtest/gtest.h>

#include "simulator/platform/json_text.hpp"
#include "simulator/platform/validation.hpp"
#include "core/crypto.hpp"

using namespace gaterig;
using namespace gaterig::platform;

namespace {
void same(const std::string& text) {
  const auto mine = parse_json_text(text);
  const Json ref = Json::parse(text, nullptr, false);
  ASSERT_EQ(mine.has_value(), !ref.is_discarded()) << text;
  if (mine) {
    EXPECT_EQ(*mine, ref) << text;
    EXPECT_EQ(mine->dump(), ref.dump()) << text;  // same types, not only equal values
  }
}
}  // namespace

TEST(JsonText, ReadsWhatJsonParseReads) {
  for (const char* t : {
           "{}", "[]", "0", "-0", "12", "-12", "1.5", "-1.5e3", "1E+2", "1e-400", "18446744073709551615",
           "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "true", "false", "null",
           "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u5de5\"", "\"\\ud83d\\ude00\"",
           " { \"a\" : [1, 2, {\"b\": null}], \"c\": \"x\" } ", "{\"k\":1,\"k\":2}", "\xEF\xBB\xBF{}",
           "\"\xE5\xB7\xA5\xE4\xBA\xBA\"",
           // not JSON:
           "", " ", "{", "}", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "1e999", "NaN",
           "\"\\ud83d\"", "\"\\ude00\"", "\"\\x\"", "\"a\nb\"", "\"\xFF\"", "\"\xC0\xAF\"", "tru", "nul",
           "{\"a\" 1}", "[1 2]", "{} {}", "\"abc", "{'a':1}", "// c\n{}", "[1]x"}) {
    same(t);
  }
}

TEST(JsonText, RefusesNestingDeeperThanItsLimit) {
  std::string deep(kMaxJsonDepth, '[');
  deep += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json_text(deep));
  std::string deeper(kMaxJsonDepth + 1, '[');
  deeper += std::string(kMaxJsonDepth + 1, ']');
  EXPECT_FALSE(parse_json_text(deeper));
}

TEST(JsonText, FastBase64MatchesCore) {
  for (std::string s : {"", "Zg", "Zg==", "Zm8=", "Zm9v", "Zm9vYmFy", "Zm9v\r\nYmFy", "Z", "Zm9v=Zm9v",
                        "Zm9v!", "Zm=9", "Zm9vYg===", "////", "++++"}) {
    std::optional<std::string> core;
    try {
      core = crypto::base64_decode(s);
    } catch (const crypto::CryptoError&) {
    }
    EXPECT_EQ(decode_base64(s), core) << s;
  }
  const std::string bytes = crypto::random_bytes(30000);
  EXPECT_EQ(decode_base64(crypto::base64_encode(bytes)), bytes);
}
