#pragma once
// Who a card belongs to and whose ID number a platform record carries: the rig builds it from
// the fixture set (fixtures::Person::card and id_number) with the terminal's card mapping.
// Platform events carry ID numbers only masked (mask_id), so records are matched on the masked
// form; two persons whose masked numbers collide make those records ambiguous, and an ambiguous
// record is never attributed to anyone (it shows up as unmatched instead).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gaterig::trial {

class CardBook {
 public:
  // `id_number` may be the full number or its masked form; "" when the person has none.
  // Throws std::invalid_argument when the card already belongs to another person.
  void add(const std::string& person, std::optional<std::uint32_t> card, std::string_view id_number);

  std::optional<std::string> owner_of_card(std::uint32_t card) const;
  std::optional<std::uint32_t> card_of(const std::string& person) const;
  // By full or masked ID number; nullopt when unknown or when several persons share the mask.
  std::optional<std::string> person_of_id(std::string_view id_or_masked) const;
  std::optional<std::string> masked_id_of(const std::string& person) const;
  bool knows(const std::string& person) const { return persons_.count(person) != 0; }
  std::size_t size() const { return persons_.size(); }

 private:
  struct Entry {
    std::optional<std::uint32_t> card;
    std::string masked_id;
  };
  std::map<std::string, Entry> persons_;
  std::map<std::uint32_t, std::string> card_owner_;
  std::map<std::string, std::string> masked_owner_;  // "" value: ambiguous
};

}  // namespace gaterig::trial
