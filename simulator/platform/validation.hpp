#pragma once
// Field judgement: the checks the real platforms make on what a terminal sends, and a few more.
// Each check returns the violation (a rule id and a message) or nothing; the dialects turn a
// violation into a conformance finding and an error reply.
//
// Rule ids (stable: scenarios and reports match on them):
//   form-encoding          body is not valid application/x-www-form-urlencoded (bad %XX, not UTF-8)
//   content-type           Content-Type is not what the dialect expects
//   http-method            not a POST
//   field-missing          a required field is absent or empty
//   field-type             a field has the wrong JSON type (e.g. an object where text belongs)
//   field-duplicated       a form field appears twice
//   field-format           a field does not have the expected shape (length, characters, enumeration)
//   json-syntax            data / requestJson is not valid JSON (or not an object)
//   format-value           format is not "json"
//   version-value          version is not "1.0"
//   method-unknown         a method (or path) the platform does not offer
//   appid-unknown          no project has this appid / token
//   sign-mismatch          the signature does not verify
//   timestamp-format       timestamp is not yyyyMMddHHmmss (Jiangmen: date not yyyy-MM-dd HH:mm:ss)
//   timestamp-window       timestamp further from the platform's clock than the replay window
//   nonce-reused           a nonce seen before within the replay memory
//   date-format            a date is not in the pattern the method requires
//   date-in-future         a date later than now (+ tolerance); the platform's "[date]不能大于当天!"
//   direction-code         direction not "01"/"02" (Jiangmen type not 1/0; entry/exit type not 1/0)
//   id-card-type           idCardType not in the table below
//   id-not-encrypted       an ID number sent in clear instead of encrypted
//   id-decrypt             the encrypted ID number does not decrypt with the project's key
//   id-invalid             a resident ID that fails GB 11643 (length, region, birth date, check digit)
//   image-base64           an image that is not Base64
//   image-format           an image that is neither JPEG nor PNG (magic bytes)
//   image-too-large        an image larger than the limit (50 KB decoded by default)
//   lng-range, lat-range   longitude outside -180..180, latitude outside -90..90 (or not a number)
//   project-unknown        a projectCode the platform does not know
//   project-not-permitted  a projectCode that belongs to another appid
//   team-unknown           a teamSysNo not in the project
//   worker-not-enrolled    a person not enrolled in the project (attendance, entry/exit, update)
//   page-range             pageIndex/pageSize out of range
//   serial-unknown         AsyncHandleResult.Query for a requestSerialCode never issued (to this appid)
//   batch-size             a dataList/workerList that is empty or longer than the platform takes
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/event.hpp"

namespace gaterig::platform {

struct Violation {
  std::string rule;
  std::string message;
};
using Verdict = std::optional<Violation>;

// idCardType codes of the national platform (GB/T 2261.x based table):
//   01 resident ID card, 02 military officer, 03 armed police officer, 04 soldier,
//   05 retired military cadre, 06 disability certificate, 07 disabled soldier, 08 passport,
//   09 Hong Kong/Macao home-return permit, 10 HK/Macao residents' mainland travel permit,
//   11 mainland residents' HK/Macao travel permit, 12 Taiwan residents' mainland travel permit,
//   13 mainland residents' Taiwan travel permit, 14 diplomat, 15 consular, 16 seafarer,
//   17 Hong Kong ID, 18 Taiwan ID, 19 Macao ID, 20 foreigner's ID, 21 graduate entrepreneur,
//   22 employment registration, 23 Taiwan compatriot permit, 24 retirement, 25 retired cadre,
//   99 other.
// Only "01" numbers are checked as resident IDs; the others must be 1..32 printable characters.
bool is_known_id_card_type(std::string_view code);
std::string_view id_card_type_name(std::string_view code);  // "" when unknown

// "yyyy-MM-dd HH:mm:ss" (or another pattern) and not later than now + tolerance.
// On success `parsed` (if given) receives the instant.
Verdict check_datetime(std::string_view text, std::string_view pattern, WallNs now,
                       std::chrono::seconds tolerance, UtcOffset off, WallNs* parsed = nullptr);
// "yyyy-MM-dd", not a day after today (platform civil time).
Verdict check_day(std::string_view text, WallNs now, UtcOffset off);
// The request timestamp: `pattern` and |t - now| <= window.
Verdict check_request_time(std::string_view text, std::string_view pattern, WallNs now,
                           std::chrono::seconds window, UtcOffset off);
Verdict check_direction(std::string_view code);  // "01" / "02"
Verdict check_id_card_type(std::string_view code);
// An ID number once decrypted, for the given idCardType.
Verdict check_id_number(std::string_view id_card_type, std::string_view plain);
// True when the text looks like an ID number sent in clear (17 digits + digit/X, any type's
// plausible clear form) rather than Base64 ciphertext.
bool looks_like_clear_id(std::string_view text);

// A Base64 image: decodes, is JPEG (FF D8 FF) or PNG (89 50 4E 47 0D 0A 1A 0A), within the limit.
// A `data:image/...;base64,` prefix is refused (image-base64): client code strips it before
// sending, so the platform is taken not to accept it.
// On success `decoded` (if given) receives the bytes.
Verdict check_image(std::string_view base64, std::size_t limit_bytes, std::string* decoded = nullptr);

// Base64 (standard alphabet, padding optional, line breaks ignored) as crypto::base64_decode
// accepts it, without its per-byte appends: images are most of an upload's bytes.
std::optional<std::string> decode_base64(std::string_view text);

Verdict check_longitude(const Json& value, double* out = nullptr);
Verdict check_latitude(const Json& value, double* out = nullptr);

// A text field: present, a string (or a number, converted), non-empty; `max_len` in bytes.
// On success `out` receives the text.
Verdict check_text(const Json& object, std::string_view key, std::string* out, std::size_t max_len = 256);
// An optional text field: absent or null is fine (out = ""), otherwise as check_text.
Verdict check_optional_text(const Json& object, std::string_view key, std::string* out,
                            std::size_t max_len = 256);
// pageIndex (>= 0) and pageSize (1..max), numbers or numeric strings; defaults 0 / 10.
Verdict check_paging(const Json& object, std::int64_t* index, std::int64_t* size, std::int64_t max_size);

// Valid UTF-8 (no overlongs, no surrogates).
bool is_utf8(std::string_view text);
// The text with every byte that is not part of valid UTF-8 replaced by '?', so a finding or an
// event that echoes client input always serialises as JSON.
std::string valid_utf8(std::string_view text);

}  // namespace gaterig::platform
