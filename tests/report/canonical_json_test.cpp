#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reports/report/canonical_json.hpp"

namespace gaterig::report {
namespace {

using testing::built;
using testing::slurp;

TEST(CanonicalNumber, IsTheShortestTextThatReadsBackToTheSameDouble) {
  EXPECT_EQ(canonical_number(0.00995), "0.00995");
  EXPECT_EQ(canonical_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(canonical_number(1019.2), "1019.2");
  EXPECT_EQ(canonical_number(-0.15), "-0.15");
  EXPECT_EQ(canonical_number(1e-7), "1e-7");
  EXPECT_EQ(canonical_number(0.000001), "0.000001");
  EXPECT_EQ(canonical_number(1.5e21), "1.5e+21");
  EXPECT_EQ(canonical_number(123456789012.0), "123456789012");
}

TEST(CanonicalNumber, WritesAnIntegralDoubleAsAnIntegerAndMinusZeroAsZero) {
  EXPECT_EQ(canonical_number(500.0), "500");
  EXPECT_EQ(canonical_number(-0.0), "0");
  EXPECT_EQ(canonical_json(Json::parse("[500.0, 500, -0.0]")), "[500,500,0]");
}

TEST(CanonicalNumber, RejectsWhatHasNoJsonForm) {
  EXPECT_THROW(canonical_number(std::nan("")), CanonicalJsonError);
  EXPECT_THROW(canonical_json(Json(std::numeric_limits<double>::infinity())), CanonicalJsonError);
  EXPECT_THROW(canonical_json(Json(std::uint64_t{1} << 60)), CanonicalJsonError);
}

TEST(CanonicalJson, SortsKeysByBytesAndDropsWhitespace) {
  const Json v = Json::parse(R"({ "b": 1, "a": { "z": [1, 2, {"y": null, "x": true}], "B": "é" }, "A": false })");
  EXPECT_EQ(canonical_json(v), R"({"A":false,"a":{"B":"é","z":[1,2,{"x":true,"y":null}]},"b":1})");
}

TEST(CanonicalJson, EscapesOnlyWhatJsonRequires) {
  EXPECT_EQ(canonical_json(Json("a\"b\\c\n\t\x01/中文")), "\"a\\\"b\\\\c\\n\\t\\u0001/中文\"");
}

TEST(CanonicalJson, RejectsInvalidUtf8NamingThePath) {
  Json v = {{"clauses", {{{"title", std::string("bad \xC3(")}}}}};
  try {
    canonical_json(v);
    FAIL() << "expected CanonicalJsonError";
  } catch (const CanonicalJsonError& e) {
    EXPECT_NE(std::string(e.what()).find("$.clauses[0].title"), std::string::npos) << e.what();
  }
}

TEST(CanonicalJson, ParseCanonicalRefusesAnyOtherSpellingOfTheSameValue) {
  EXPECT_NO_THROW(parse_canonical(R"({"a":[1,0.5]})", "x"));
  EXPECT_THROW(parse_canonical(R"({"a": [1,0.5]})", "x"), CanonicalJsonError);     // whitespace
  EXPECT_THROW(parse_canonical(R"({"a":[1,5e-1]})", "x"), CanonicalJsonError);     // number spelling
  EXPECT_THROW(parse_canonical(R"({"b":1,"a":2})", "x"), CanonicalJsonError);      // key order
  EXPECT_THROW(parse_canonical(R"({"a":"\u0041"})", "x"), CanonicalJsonError);     // needless escape
  EXPECT_THROW(parse_canonical(R"({"a":1})" "\n", "x"), CanonicalJsonError);       // trailing newline
}

TEST(CanonicalJson, TheBuiltReportIsCanonicalAndReadsBackToTheSameBytes) {
  const std::string text = slurp(built().compliant / "report.json");
  const Json v = parse_canonical(text, "report.json");
  EXPECT_EQ(canonical_json(v), text);
  EXPECT_EQ(canonical_json(Json::parse(canonical_json(v))), text);
}

}  // namespace
}  // namespace gaterig::report
