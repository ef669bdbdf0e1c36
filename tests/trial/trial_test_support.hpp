#pragma once
// Synthetic timeline events and presentations for the trial tests.
#include <string>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/resident_id.hpp"
#include "probes/wiegand/frame.hpp"
#include "probes/wiegand/layout.hpp"
#include "rigs/trial/card_book.hpp"
#include "rigs/trial/presentation.hpp"

namespace gaterig::trial::test {

inline constexpr MonoNs kMs = 1'000'000;
inline constexpr MonoNs kS = 1'000'000'000;

inline std::uint32_t card_of(std::uint32_t facility, std::uint32_t number) { return facility << 16 | number; }

// A WG26 frame whose first edge is at `at`; bad_parity flips the last (odd parity) bit.
inline Event frame_event(MonoNs at, std::uint32_t facility, std::uint32_t number, bool bad_parity = false) {
  wiegand::WiegandFrame f;
  f.index = 1;
  f.bits = wiegand::wg26_bits(facility, number);
  if (bad_parity) f.bits.back() = f.bits.back() == '0' ? '1' : '0';
  wiegand::decode_layout(f, wiegand::Format::wg26);
  f.first_edge = at;
  f.last_edge = at + 26 * 2 * kMs;
  f.edge_count = 52;
  return f.to_event();
}

inline Event raw_frame_event(MonoNs at, const std::string& bits) {
  wiegand::WiegandFrame f;
  f.bits = bits;
  wiegand::decode_layout(f, wiegand::Format::raw);
  f.first_edge = f.last_edge = at;
  return f.to_event();
}

// "P" + number (written out: GCC 12 warns falsely (-Wrestrict) on "P" + std::to_string(i)).
inline std::string pid(int n, const char* prefix = "P") {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

inline std::string id_number_of(int person) { return synthetic_resident_id(1000 + static_cast<std::uint64_t>(person)); }

// platform.record_accepted as the simulated platform publishes it (ID masked).
inline Event record_event(MonoNs received, const std::string& id_number, const std::string& date,
                          std::int64_t record_id = 1, const std::string& attend_type = "") {
  Json p{{"table", "attendance"}, {"record_id", record_id}, {"id_masked", mask_id(id_number)},
         {"date", date},          {"direction", "01"},      {"received_mono", received},
         {"received_wall", 0}};
  if (!attend_type.empty()) p["attend_type"] = attend_type;
  return Event{received + kMs, "platform", "platform.record_accepted", p};
}

inline Presentation presentation(const std::string& id, const std::string& person, Role role,
                                 Expectation expected, const std::string& condition = "normal",
                                 const std::string& attack = "") {
  Presentation p;
  p.id = id;
  p.person = person;
  p.role = role;
  p.expected = expected;
  p.condition = condition;
  p.attack = attack;
  p.images = {"faces/" + id + ".png"};
  return p;
}

// P1..P3 enrolled with cards 1:101..1:103, P9 an impostor with card 1:109 (never enrolled).
inline CardBook small_book() {
  CardBook b;
  for (int i : {1, 2, 3, 9}) b.add(pid(i), card_of(1, 100 + i), id_number_of(i));
  return b;
}

}  // namespace gaterig::trial::test
