// Field judgement and form decoding, one rule at a time.
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/form.hpp"
#include "simulator/platform/validation.hpp"

using namespace gaterig;
using namespace gaterig::platform;

namespace {
const UtcOffset kCst = UtcOffset::china();
WallNs at(const char* civil) { return *parse_civil(civil, kCst, "yyyy-MM-dd HH:mm:ss"); }
std::string rule(const Verdict& v) { return v ? v->rule : "ok"; }
}  // namespace

TEST(Validation, DatesMustParseAndNotLieInTheFuture) {
  const WallNs now = at("2024-05-01 12:00:00");
  const auto tol = std::chrono::seconds(60);
  EXPECT_EQ(rule(check_datetime("2024-05-01 11:59:59", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "ok");
  EXPECT_EQ(rule(check_datetime("2024-05-01 12:01:00", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "ok");
  EXPECT_EQ(rule(check_datetime("2024-05-01 12:01:01", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "date-in-future");
  EXPECT_EQ(rule(check_datetime("2024-05-01T11:00:00", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "date-format");
  EXPECT_EQ(rule(check_datetime("2024-02-30 11:00:00", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "date-format");
  EXPECT_EQ(rule(check_datetime("2024-05-01 11:00", "yyyy-MM-dd HH:mm:ss", now, tol, kCst)), "date-format");
  EXPECT_EQ(rule(check_day("2024-05-01", now, kCst)), "ok");
  EXPECT_EQ(rule(check_day("2024-05-02", now, kCst)), "date-in-future");
  EXPECT_EQ(rule(check_day("2024-5-1", now, kCst)), "date-format");
}

TEST(Validation, RequestTimestampMustBeInsideTheWindow) {
  const WallNs now = at("2024-05-01 12:00:00");
  const auto w = std::chrono::seconds(300);
  EXPECT_EQ(rule(check_request_time("20240501120500", "yyyyMMddHHmmss", now, w, kCst)), "ok");
  EXPECT_EQ(rule(check_request_time("20240501115500", "yyyyMMddHHmmss", now, w, kCst)), "ok");
  EXPECT_EQ(rule(check_request_time("20240501120502", "yyyyMMddHHmmss", now, w, kCst)), "timestamp-window");
  EXPECT_EQ(rule(check_request_time("20240501115458", "yyyyMMddHHmmss", now, w, kCst)), "timestamp-window");
  EXPECT_EQ(rule(check_request_time("2024050112", "yyyyMMddHHmmss", now, w, kCst)), "timestamp-format");
  // A client writing UTC instead of the platform's +08:00 is told so.
  const auto utc = check_request_time("20240501040010", "yyyyMMddHHmmss", now, w, kCst);
  ASSERT_TRUE(utc);
  EXPECT_NE(utc->message.find("about -8 h"), std::string::npos) << utc->message;
}

TEST(Validation, CodesForDirectionAndIdCardType) {
  EXPECT_EQ(rule(check_direction("01")), "ok");
  EXPECT_EQ(rule(check_direction("02")), "ok");
  EXPECT_EQ(rule(check_direction("00")), "direction-code");
  EXPECT_EQ(rule(check_direction("in")), "direction-code");
  EXPECT_EQ(rule(check_id_card_type("01")), "ok");
  EXPECT_EQ(rule(check_id_card_type("08")), "ok");
  EXPECT_EQ(rule(check_id_card_type("99")), "ok");
  EXPECT_EQ(rule(check_id_card_type("26")), "id-card-type");
  EXPECT_EQ(rule(check_id_card_type("")), "id-card-type");
  EXPECT_EQ(id_card_type_name("08"), "passport");
}

TEST(Validation, ResidentIdsAreCheckedForType01Only) {
  const std::string good = synthetic_resident_id(7);
  std::string bad = good;
  bad[17] = bad[17] == '0' ? '1' : '0';
  EXPECT_EQ(rule(check_id_number("01", good)), "ok");
  EXPECT_EQ(rule(check_id_number("01", bad)), "id-invalid");
  EXPECT_EQ(rule(check_id_number("01", "12345")), "id-invalid");
  EXPECT_EQ(rule(check_id_number("08", "E12345678")), "ok");
  EXPECT_EQ(rule(check_id_number("08", "")), "id-invalid");
  // The message names the number masked only.
  EXPECT_EQ(check_id_number("01", bad)->message.find(bad), std::string::npos);
  EXPECT_TRUE(looks_like_clear_id(good));
  EXPECT_FALSE(looks_like_clear_id(crypto::base64_encode(good)));
}

TEST(Validation, ImagesAreBase64JpegOrPngWithinTheLimit) {
  std::string jpeg("\xFF\xD8\xFF\xE0rest", 8), png("\x89PNG\r\n\x1a\nrest", 12);
  std::string out;
  EXPECT_EQ(rule(check_image(crypto::base64_encode(jpeg), 100, &out)), "ok");
  EXPECT_EQ(out, jpeg);
  EXPECT_EQ(rule(check_image(crypto::base64_encode(png), 100)), "ok");
  EXPECT_EQ(rule(check_image(crypto::base64_encode("GIF89a"), 100)), "image-format");
  EXPECT_EQ(rule(check_image("@@@@", 100)), "image-base64");
  std::string big = jpeg;
  big.resize(101, 'x');
  EXPECT_EQ(rule(check_image(crypto::base64_encode(big), 100)), "image-too-large");
  big.resize(100);
  EXPECT_EQ(rule(check_image(crypto::base64_encode(big), 100)), "ok");
  EXPECT_EQ(rule(check_image(std::string(100000, 'A'), 100)), "image-too-large");
}

TEST(Validation, CoordinatesAndTextFields) {
  EXPECT_EQ(rule(check_longitude(Json(113.5))), "ok");
  EXPECT_EQ(rule(check_longitude(Json("113.5"))), "ok");
  EXPECT_EQ(rule(check_longitude(Json(-180.1))), "lng-range");
  EXPECT_EQ(rule(check_latitude(Json(90.5))), "lat-range");
  EXPECT_EQ(rule(check_latitude(Json("12abc"))), "lat-range");
  EXPECT_EQ(rule(check_latitude(Json::array())), "lat-range");
  const Json o{{"a", "x"}, {"n", 5}, {"e", ""}, {"o", Json::object()}};
  std::string out;
  EXPECT_EQ(rule(check_text(o, "a", &out)), "ok");
  EXPECT_EQ(rule(check_text(o, "n", &out)), "ok");
  EXPECT_EQ(out, "5");
  EXPECT_EQ(rule(check_text(o, "e", &out)), "field-missing");
  EXPECT_EQ(rule(check_text(o, "z", &out)), "field-missing");
  EXPECT_EQ(rule(check_text(o, "o", &out)), "field-type");
  EXPECT_EQ(rule(check_text(o, "a", &out, 0)), "field-format");
  EXPECT_EQ(rule(check_optional_text(o, "z", &out)), "ok");
  EXPECT_EQ(out, "");
  std::int64_t index = 0, size = 0;
  EXPECT_EQ(rule(check_paging(Json{{"pageIndex", "2"}, {"pageSize", 20}}, &index, &size, 100)), "ok");
  EXPECT_EQ(index, 2);
  EXPECT_EQ(size, 20);
  EXPECT_EQ(rule(check_paging(Json{{"pageSize", 0}}, &index, &size, 100)), "page-range");
  EXPECT_EQ(rule(check_paging(Json{{"pageIndex", -1}}, &index, &size, 100)), "page-range");
  EXPECT_EQ(rule(check_paging(Json{{"pageIndex", "x"}}, &index, &size, 100)), "page-range");
}

TEST(Form, DecodesPlusPercentAndUtf8) {
  auto p = parse_form("a=1+2&b=%E5%B7%A5%E4%BA%BA&c=&d&e=%2B%26%3D");
  ASSERT_FALSE(p.error);
  ASSERT_EQ(p.fields.size(), 5u);
  EXPECT_EQ(p.fields[0].value, "1 2");
  EXPECT_EQ(p.fields[1].value, "\xE5\xB7\xA5\xE4\xBA\xBA");  // 工人
  EXPECT_EQ(p.fields[2].value, "");
  EXPECT_EQ(p.fields[3].name, "d");
  EXPECT_EQ(p.fields[4].value, "+&=");
  EXPECT_TRUE(parse_form("a=%4").error);
  EXPECT_TRUE(parse_form("a=%zz").error);
  EXPECT_TRUE(parse_form("a=%FF%FE").error);  // not UTF-8
  EXPECT_TRUE(parse_form("").fields.empty());
  EXPECT_EQ(parse_form("&&a=1&&").fields.size(), 1u);
}

TEST(Form, Utf8Sanitising) {
  EXPECT_TRUE(is_utf8("plain \xE5\xB7\xA5"));
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_utf8("\xE5\xB7"));          // cut short
  EXPECT_EQ(valid_utf8("a\xFF" "b\xE5\xB7"), "a?b??");
}
