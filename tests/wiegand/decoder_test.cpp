// The decoder, fed synthesized edge lists: every case of issue 3 (noise, glitches, truncated
// frames, swapped lines, bad parity, back-to-back frames, rates) and every finding rule.
#include "probes/wiegand/decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "probes/wiegand/encoder.hpp"
#include "probes/wiegand/layout.hpp"

using namespace gaterig;
using namespace gaterig::wiegand;
using namespace std::chrono_literals;

namespace {
constexpr MonoNs kT0 = 1'000'000'000;  // 1 s

std::vector<Edge> frame_edges(const std::string& bits, MonoNs start = kT0,
                              PulseTiming t = {50us, 2000us}) {
  return WiegandEncoder(t).edges(bits, start);
}

// Feeds everything, then finishes: the frames the decoder saw.
std::vector<WiegandFrame> decode_all(const std::vector<Edge>& edges, DecoderConfig cfg = {}) {
  WiegandDecoder d(cfg);
  std::vector<WiegandFrame> out;
  for (const auto& e : edges)
    if (auto f = d.feed(e)) out.push_back(*f);
  if (auto f = d.finish()) out.push_back(*f);
  return out;
}

std::vector<std::string> rules(const WiegandFrame& f) {
  std::vector<std::string> r;
  for (const auto& x : f.findings) r.push_back(x.rule);
  std::sort(r.begin(), r.end());
  return r;
}

using Rules = std::vector<std::string>;
}  // namespace

TEST(Layout, Wg26MatchesAHandComputedFrame) {
  // facility 1 = 00000001, card 1 = 0000000000000001.
  // even half (bits 2-13): 00000001 0000 -> one '1' -> even parity bit 1.
  // odd half (bits 14-25): 000000000001 -> one '1' -> odd parity bit 0.
  EXPECT_EQ(wg26_bits(1, 1), "1" "00000001" "0000000000000001" "0");
  EXPECT_EQ(wg26_bits(0, 0), "0" "000000000000000000000000" "1");
}

TEST(Layout, Wg34PlacesParityOverSixteenBitHalves) {
  EXPECT_EQ(wg34_bits(0u), "0" + std::string(32, '0') + "1");
  EXPECT_EQ(wg34_bits(0xFFFFFFFFu), "0" + std::string(32, '1') + "1");
  EXPECT_EQ(wg34_bits(1, 2), wg34_bits((1u << 16) | 2u));
}

TEST(Layout, RejectsFieldsThatDoNotFit) {
  EXPECT_THROW(wg26_bits(256, 0), std::invalid_argument);
  EXPECT_THROW(wg26_bits(0, 65536), std::invalid_argument);
  EXPECT_THROW(wg34_bits(65536u, 0u), std::invalid_argument);
}

TEST(Decoder, DecodesAWg26Frame) {
  const auto frames = decode_all(frame_edges(wg26_bits(123, 45678)));
  ASSERT_EQ(frames.size(), 1u);
  const auto& f = frames[0];
  EXPECT_EQ(f.format, Format::wg26);
  EXPECT_EQ(f.facility, 123u);
  EXPECT_EQ(f.card, 45678u);
  EXPECT_EQ(f.data, (123u << 16) | 45678u);
  EXPECT_EQ(f.parity_even_ok, true);
  EXPECT_EQ(f.parity_odd_ok, true);
  EXPECT_TRUE(f.ok()) << describe_long(f);
  EXPECT_EQ(f.index, 1u);
  EXPECT_EQ(f.edge_count, 52u);
  EXPECT_EQ(f.first_edge, kT0);
  EXPECT_EQ(f.last_edge, kT0 + 25 * 2'000'000 + 50'000);
  EXPECT_EQ(f.width_min_ns, 50'000);
  EXPECT_EQ(f.width_max_ns, 50'000);
  EXPECT_EQ(f.interval_min_ns, 2'000'000);
  EXPECT_EQ(f.interval_max_ns, 2'000'000);
}

TEST(Decoder, DecodesAWg34FrameAsFacilityCardAndData) {
  const auto frames = decode_all(frame_edges(wg34_bits(0xDEADBEEFu)));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].format, Format::wg34);
  EXPECT_EQ(frames[0].data, 0xDEADBEEFu);
  EXPECT_EQ(frames[0].facility, 0xDEADu);
  EXPECT_EQ(frames[0].card, 0xBEEFu);
  EXPECT_TRUE(frames[0].ok()) << describe_long(frames[0]);
}

TEST(Decoder, AcceptsTheLimitsThemselves) {
  for (PulseTiming t : {PulseTiming{20us, 200us}, PulseTiming{100us, 20ms}}) {
    const auto frames = decode_all(frame_edges(wg26_bits(7, 7), kT0, t));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].ok()) << t << "\n" << describe_long(frames[0]);
  }
}

TEST(Decoder, FlagsPulsesOutsideTheWidthLimits) {
  auto f = decode_all(frame_edges(wg26_bits(1, 2), kT0, {19us, 2ms}))[0];
  EXPECT_EQ(rules(f), Rules{"pulse-too-short"});
  EXPECT_EQ(f.card, 2u);  // still a bit, still decoded
  f = decode_all(frame_edges(wg26_bits(1, 2), kT0, {101us, 2ms}))[0];
  EXPECT_EQ(rules(f), Rules{"pulse-too-long"});
  EXPECT_NE(f.findings[0].message.find("101.0 us"), std::string::npos) << f.findings[0].message;
}

TEST(Decoder, FlagsIntervalsOutsideTheLimits) {
  auto f = decode_all(frame_edges(wg26_bits(1, 2), kT0, {50us, 199us}))[0];
  EXPECT_EQ(rules(f), Rules{"interval-too-short"});
  f = decode_all(frame_edges(wg26_bits(1, 2), kT0, {50us, 21ms}))[0];
  EXPECT_EQ(rules(f), Rules{"interval-too-long"});
  EXPECT_EQ(f.card, 2u);
}

TEST(Decoder, OneLongIntervalIsNamedWithItsBit) {
  auto edges = frame_edges(wg26_bits(1, 2));
  for (std::size_t i = 20; i < edges.size(); ++i) edges[i].at += 20'000'000;  // bit 11 comes 22 ms after bit 10
  const auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), Rules{"interval-too-long"});
  EXPECT_NE(f.findings[0].message.find("before bit 11"), std::string::npos) << f.findings[0].message;
}

TEST(Decoder, FlagsOverlapOnDifferentLinesOnly) {
  // Bit 1 on D0 and bit 2 on D1, overlapping by 20 us.
  std::vector<Edge> e = {{Line::d0, false, kT0}, {Line::d1, false, kT0 + 40'000},
                         {Line::d0, true, kT0 + 60'000}, {Line::d1, true, kT0 + 100'000}};
  const auto f = decode_all(e)[0];
  EXPECT_EQ(f.bits, "01");
  EXPECT_TRUE(f.has(rule::both_lines_low));
  EXPECT_TRUE(f.has(rule::interval_too_short));
}

TEST(Decoder, IgnoresAGlitchAndStillDecodesTheCard) {
  auto edges = frame_edges(wg26_bits(9, 999));
  // A 3 us spike on D1 half-way between bits 4 and 5.
  const MonoNs at = edges[6].at + 1'000'000;
  edges.push_back({Line::d1, false, at});
  edges.push_back({Line::d1, true, at + 3'000});
  const auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), Rules{"glitch"});
  EXPECT_EQ(f.bit_count(), 26u);
  EXPECT_EQ(f.facility, 9u);
  EXPECT_EQ(f.card, 999u);
}

TEST(Decoder, AGlitchAloneMakesAFrameWithoutBits) {
  const auto frames = decode_all({{Line::d0, false, kT0}, {Line::d0, true, kT0 + 2'000}});
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].bit_count(), 0u);
  EXPECT_EQ(frames[0].format, Format::raw);
  EXPECT_EQ(rules(frames[0]), Rules{"glitch"});
}

TEST(Decoder, NoiseBecomesARawFrameWithFindingsNotACard) {
  std::mt19937 rng(42);  // seeded: the same noise every run
  std::vector<Edge> edges;
  MonoNs t = kT0;
  for (int i = 0; i < 13; ++i) {
    const Line l = rng() % 2 ? Line::d0 : Line::d1;
    t += 300'000 + static_cast<MonoNs>(rng() % 3'000'000);
    edges.push_back({l, false, t});
    edges.push_back({l, true, t + 1'000 + static_cast<MonoNs>(rng() % 200'000)});
  }
  const auto frames = decode_all(edges);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].format, Format::raw);
  EXPECT_FALSE(frames[0].card.has_value());
  EXPECT_TRUE(frames[0].has(rule::unknown_length));
}

TEST(Decoder, ATruncatedFrameHasUnknownLength) {
  auto edges = frame_edges(wg26_bits(1, 2));
  edges.resize(40);  // 20 bits
  const auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), Rules{"unknown-length"});
  EXPECT_EQ(f.bit_count(), 20u);
  EXPECT_FALSE(f.facility.has_value());
}

TEST(Decoder, AFrameCutMidPulseIsUnpaired) {
  auto edges = frame_edges(wg26_bits(1, 2));
  edges.pop_back();  // the last pulse never rises
  auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), Rules{"unpaired-edge"});
  EXPECT_EQ(f.card, 2u);  // the falling edge counts the bit, as a receiver would
  edges = frame_edges(wg26_bits(1, 2));
  edges.erase(edges.begin());  // capture started inside the first pulse
  f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), (Rules{"unknown-length", "unpaired-edge"}));
  EXPECT_EQ(f.bit_count(), 25u);
}

TEST(Decoder, SwappedLinesFailBothParitiesAndSayWhy) {
  auto edges = frame_edges(wg26_bits(12, 3456));
  for (auto& e : edges) e.line = e.line == Line::d0 ? Line::d1 : Line::d0;
  const auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), (Rules{"parity-even-bad", "parity-odd-bad"}));
  EXPECT_NE(f.findings[0].message.find("facility 12 card 3456"), std::string::npos) << f.findings[0].message;
}

TEST(Decoder, FlagsEachBadParityOnItsOwn) {
  std::string bits = wg26_bits(12, 3456);
  bits[3] = bits[3] == '1' ? '0' : '1';  // a facility bit: even half
  auto f = decode_all(frame_edges(bits))[0];
  EXPECT_EQ(rules(f), Rules{"parity-even-bad"});
  EXPECT_EQ(f.parity_odd_ok, true);
  bits = wg34_bits(0x12345678u);
  bits[33] = bits[33] == '1' ? '0' : '1';  // the odd parity bit itself
  f = decode_all(frame_edges(bits))[0];
  EXPECT_EQ(rules(f), Rules{"parity-odd-bad"});
  EXPECT_EQ(f.format, Format::wg34);
}

TEST(Decoder, ForcedFormatRejectsOtherLengths) {
  DecoderConfig cfg;
  cfg.expect = Format::wg34;
  const auto f = decode_all(frame_edges(wg26_bits(1, 1)), cfg)[0];
  EXPECT_EQ(f.format, Format::raw);
  EXPECT_EQ(rules(f), Rules{"unknown-length"});
  EXPECT_NE(f.findings[0].message.find("--format wg34"), std::string::npos);
}

TEST(Decoder, AnyBitCountIsKept) {
  const auto f = decode_all(frame_edges("1011001110001111"))[0];
  EXPECT_EQ(f.bits, "1011001110001111");
  EXPECT_EQ(f.format, Format::raw);
}

TEST(Decoder, DetectsLostEdgesFromTheirPattern) {
  auto edges = frame_edges(wg26_bits(1, 2));
  // Remove the rising edge of bit 6 and the falling edge of bit 9 (each line's pairing breaks).
  edges.erase(edges.begin() + 17);  // bit 9 falling
  edges.erase(edges.begin() + 11);  // bit 6 rising
  const auto f = decode_all(edges)[0];
  EXPECT_TRUE(f.has(rule::lost_edges)) << describe_long(f);
  EXPECT_FALSE(f.has(rule::both_lines_low)) << describe_long(f);
}

TEST(Decoder, ReportsLossTheSourceSaw) {
  auto edges = frame_edges(wg26_bits(1, 2));
  edges[10].after_loss = true;
  const auto f = decode_all(edges)[0];
  EXPECT_EQ(rules(f), Rules{"lost-edges"});
}

TEST(Decoder, SplitsBackToBackFramesAtExactlyTheSilence) {
  const WiegandEncoder enc({50us, 200us});
  const auto a = enc.edges(wg26_bits(1, 100), kT0);
  const auto b = enc.edges(wg26_bits(2, 200), a.back().at + 25'000'000);
  std::vector<Edge> all(a);
  all.insert(all.end(), b.begin(), b.end());
  const auto frames = decode_all(all);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].card, 100u);
  EXPECT_EQ(frames[1].card, 200u);
  EXPECT_TRUE(frames[0].ok());
  EXPECT_TRUE(frames[1].ok());
  EXPECT_EQ(frames[1].index, 2u);
}

TEST(Decoder, JoinsFramesCloserThanTheSilence) {
  const WiegandEncoder enc({50us, 200us});
  auto all = enc.edges(wg26_bits(1, 100), kT0);
  const auto b = enc.edges(wg26_bits(2, 200), all.back().at + 24'999'999);
  all.insert(all.end(), b.begin(), b.end());
  const auto frames = decode_all(all);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].bit_count(), 52u);
  EXPECT_TRUE(frames[0].has(rule::interval_too_long));
}

TEST(Decoder, SilenceIsConfigurable) {
  DecoderConfig cfg;
  cfg.silence = 5ms;
  const WiegandEncoder enc({50us, 2ms});
  auto all = enc.edges(wg26_bits(1, 100), kT0);
  const auto b = enc.edges(wg26_bits(2, 200), all.back().at + 6'000'000);
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(decode_all(all, cfg).size(), 2u);
  EXPECT_EQ(decode_all(all).size(), 1u);
}

TEST(Decoder, DecodesEveryFrameAtRatesFromOneHertzToTheFastestLegal) {
  // Fastest legal: 200 us intervals, 25 ms silence between frames; slowest here: 1 Hz.
  for (MonoNs gap : {MonoNs{25'000'000}, MonoNs{100'000'000}, MonoNs{1'000'000'000}}) {
    const WiegandEncoder enc({20us, 200us});
    std::vector<Edge> all;
    MonoNs t = kT0;
    for (std::uint32_t card = 0; card < 50; ++card) {
      const auto e = enc.edges(wg26_bits(card % 256, card * 1000), t);
      all.insert(all.end(), e.begin(), e.end());
      t = e.back().at + gap;
    }
    const auto frames = decode_all(all);
    ASSERT_EQ(frames.size(), 50u) << "gap " << gap;
    for (std::uint32_t card = 0; card < 50; ++card) {
      EXPECT_EQ(frames[card].card, card * 1000);
      EXPECT_TRUE(frames[card].ok()) << describe_long(frames[card]);
    }
  }
}

TEST(Decoder, FlushClosesAFrameOnlyAfterTheSilence) {
  WiegandDecoder d;
  for (const auto& e : frame_edges(wg26_bits(3, 4))) EXPECT_FALSE(d.feed(e).has_value());
  const MonoNs deadline = *d.silence_deadline();
  EXPECT_EQ(deadline, kT0 + 25 * 2'000'000 + 50'000 + 25'000'000);
  EXPECT_FALSE(d.flush(deadline - 1).has_value());
  const auto f = d.flush(deadline);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->card, 4u);
  EXPECT_FALSE(d.silence_deadline().has_value());
  EXPECT_FALSE(d.finish().has_value());
}

TEST(Decoder, IgnoresPhotodiodeAndRelayEdges) {
  auto edges = frame_edges(wg26_bits(3, 4));
  edges.insert(edges.begin() + 5, Edge{Line::photodiode, true, edges[4].at + 10});
  edges.push_back(Edge{Line::relay, false, edges.back().at + 100'000'000});
  const auto frames = decode_all(edges);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].ok());
  EXPECT_EQ(frames[0].edge_count, 52u);
}

TEST(Decoder, SortsSlightlyReorderedEdgesWithinAFrame) {
  auto edges = frame_edges(wg26_bits(3, 4));
  std::swap(edges[10], edges[12]);  // a merge of two per-line buffers delivered out of order
  const auto frames = decode_all(edges);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].ok()) << describe_long(frames[0]);
}

TEST(Decoder, PrintsItselfAndItsConfig) {
  WiegandDecoder d;
  std::ostringstream os;
  os << d;
  EXPECT_EQ(os.str(),
            "WiegandDecoder(0 frames, 0 edges open, DecoderConfig(silence 25000.0 us, format auto, "
            "width 20.0 us..100.0 us, interval 200.0 us..20000.0 us, glitch below 10.0 us))");
}

TEST(Frame, PrintsOneLineAndALongForm) {
  auto f = decode_all(frame_edges(wg26_bits(12, 345)))[0];
  std::ostringstream os;
  os << f;
  EXPECT_EQ(os.str(), "#1 WG26 facility 12 card 345 (26 bits, first edge 1.000000000 s) OK");
  std::string bits = wg26_bits(12, 345);
  bits[25] = bits[25] == '1' ? '0' : '1';
  f = decode_all(frame_edges(bits))[0];
  os.str("");
  os << f;
  EXPECT_EQ(os.str(), "#1 WG26 facility 12 card 345 (26 bits, first edge 1.000000000 s); findings: parity-odd-bad");
  const auto text = describe_long(f);
  EXPECT_NE(text.find("parity even ok odd BAD"), std::string::npos) << text;
  EXPECT_NE(text.find("! parity-odd-bad: odd parity fails over bits 14-26"), std::string::npos) << text;
}

TEST(Frame, RoundTripsThroughJsonAndEvents) {
  auto edges = frame_edges(wg26_bits(12, 345));
  edges.pop_back();
  const auto f = decode_all(edges)[0];
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(WiegandFrame::from_json(f.to_json()), f);
  const Event e = f.to_event();
  EXPECT_EQ(e.kind, "wiegand.frame");
  EXPECT_EQ(e.source, "wiegand");
  EXPECT_EQ(e.at, f.first_edge);
  EXPECT_EQ(WiegandFrame::from_event(e), f);
  EXPECT_EQ(WiegandFrame::from_event(Event::from_json(e.to_json())), f);
  Event other = e;
  other.kind = "wiegand.edge";
  EXPECT_THROW(WiegandFrame::from_event(other), std::invalid_argument);
}

TEST(Frame, JsonSchemaIsStable) {
  const auto j = decode_all(frame_edges(wg26_bits(1, 2)))[0].to_json();
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "bit_count", "bits", "card", "data", "edge_count", "facility", "findings",
                      "first_edge_ns", "format", "index", "interval_max_ns", "interval_min_ns",
                      "last_edge_ns", "ok", "parity_even_ok", "parity_odd_ok", "width_max_ns",
                      "width_min_ns"}));
  EXPECT_THROW(WiegandFrame::from_json(Json{{"index", 1}}), std::invalid_argument);
}

TEST(Encoder, RejectsImpossibleTimingAndBits) {
  EXPECT_THROW(WiegandEncoder({200us, 200us}), std::invalid_argument);
  EXPECT_THROW(WiegandEncoder({0us, 200us}), std::invalid_argument);
  EXPECT_THROW(WiegandEncoder().edges("01x", 0), std::invalid_argument);
  EXPECT_EQ(WiegandEncoder({50us, 200us}).duration(26), 25 * 200us + 50us);
  std::ostringstream os;
  os << WiegandEncoder({50us, 200us});
  EXPECT_EQ(os.str(), "WiegandEncoder(PulseTiming(width 50 us, interval 200 us))");
}

TEST(EdgeTypes, PrintThemselves) {
  std::ostringstream os;
  os << Edge{Line::d1, false, 12'000'050'000} << " | " << Edge{Line::relay, true, 5, true};
  EXPECT_EQ(os.str(), "d1 falling at 12.000050000 s | relay rising at 0.000000005 s after loss");
  EXPECT_EQ(parse_line("photodiode"), Line::photodiode);
  EXPECT_FALSE(parse_line("D0").has_value());
}
