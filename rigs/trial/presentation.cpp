#include "rigs/trial/presentation.hpp"

#include <stdexcept>

#include "rigs/trial/json_fields.hpp"

namespace gaterig::trial {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::enrolled: return "enrolled";
    case Role::impostor: return "impostor";
    case Role::unenrolled: return "unenrolled";
    case Role::attack: return "attack";
  }
  return "?";
}

std::string_view to_string(Expectation e) {
  switch (e) {
    case Expectation::accept: return "accept";
    case Expectation::refuse: return "refuse";
    case Expectation::refuse_with_record: return "refuse_with_record";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view t) {
  for (Role r : {Role::enrolled, Role::impostor, Role::unenrolled, Role::attack})
    if (t == to_string(r)) return r;
  return std::nullopt;
}

std::optional<Expectation> parse_expectation(std::string_view t) {
  for (Expectation e : {Expectation::accept, Expectation::refuse, Expectation::refuse_with_record})
    if (t == to_string(e)) return e;
  return std::nullopt;
}

Json Presentation::to_json() const {
  Json j{{"id", id},
         {"person", person},
         {"role", to_string(role)},
         {"attack", attack},
         {"condition", condition},
         {"images", images},
         {"expected", to_string(expected)},
         {"expected_card", expected_card ? Json(*expected_card) : Json(nullptr)},
         {"masked_id", masked_id}};
  return j;
}

Presentation Presentation::from_json(const Json& j) {
  const JsonFields f(j, "presentation");
  Presentation p;
  p.id = f.string("id");
  p.person = f.string("person");
  const std::string role = f.string("role");
  auto r = parse_role(role);
  if (!r) f.fail("role", "enrolled, impostor, unenrolled or attack, got '" + role + "'");
  p.role = *r;
  p.attack = f.string("attack", "");
  p.condition = f.string("condition");
  p.images = f.strings("images");
  const std::string expected = f.string("expected");
  auto e = parse_expectation(expected);
  if (!e) f.fail("expected", "accept, refuse or refuse_with_record, got '" + expected + "'");
  p.expected = *e;
  p.expected_card = f.optional_u32("expected_card");
  p.masked_id = f.string("masked_id", "");
  if (p.id.empty()) f.fail("id", "a non-empty presentation id");
  return p;
}

std::ostream& operator<<(std::ostream& os, const Presentation& p) {
  return os << p.person << "/" << p.id << " (" << to_string(p.role) << (p.attack.empty() ? "" : " " + p.attack)
            << ", " << to_string(p.expected) << ")";
}

std::string card_text(std::uint32_t data) {
  return std::to_string(data >> 16) + ":" + std::to_string(data & 0xFFFFu);
}

}  // namespace gaterig::trial
