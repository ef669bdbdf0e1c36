#pragma once
// What one trial shows the terminal and what the terminal ought to do about it. A Presentation
// is plain data built from a fixture set by the rig (or by a scenario); the trial part never
// reads manifests itself, so a lab can hand-write a presentation list too.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace gaterig::trial {

// Who stands in front of the camera. impostor: a person of the set who was never enrolled;
// unenrolled: someone from outside the set; attack: a spoof (print, screen replay, video).
enum class Role { enrolled, impostor, unenrolled, attack };
// accept: the gate opens with the person's card. refuse: nothing on the wire.
// refuse_with_record: nothing on the wire, and a flagged record uploaded (no helmet, JX-A.5).
enum class Expectation { accept, refuse, refuse_with_record };

std::string_view to_string(Role r);
std::string_view to_string(Expectation e);
std::optional<Role> parse_role(std::string_view text);
std::optional<Expectation> parse_expectation(std::string_view text);

struct Presentation {
  std::string id;                   // unique in a plan (the fixture presentation id)
  std::string person;               // the person shown: an opaque id ("P0007"), never an ID number
  Role role = Role::enrolled;
  std::string attack;               // attack species ("print", "screen", "video"), "" otherwise
  std::string condition = "normal"; // what the group varies: "normal", "strong", "mask", "no-helmet"
  std::vector<std::string> images;  // one still, or the frames of a video in order
  Expectation expected = Expectation::accept;
  // The card data the terminal sends for this person (facility << 16 | number, as
  // fixtures::Card::code() and WiegandFrame::data); absent: looked up in the CardBook.
  std::optional<std::uint32_t> expected_card;
  std::string masked_id;            // mask_id() of the person's ID number; "" when none

  Json to_json() const;
  // Throws std::invalid_argument naming the field and what was expected.
  static Presentation from_json(const Json& j);
  friend bool operator==(const Presentation&, const Presentation&) = default;
};

std::ostream& operator<<(std::ostream& os, const Presentation& p);  // "P0007/normal-1 (enrolled, accept)"

// "12:34567": the facility and the card number of card data (facility << 16 | number).
std::string card_text(std::uint32_t data);

}  // namespace gaterig::trial
