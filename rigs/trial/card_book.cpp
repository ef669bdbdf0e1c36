#include "rigs/trial/card_book.hpp"

#include <stdexcept>

#include "core/resident_id.hpp"
#include "rigs/trial/presentation.hpp"

namespace gaterig::trial {

void CardBook::add(const std::string& person, std::optional<std::uint32_t> card, std::string_view id_number) {
  if (card) {
    auto [it, fresh] = card_owner_.emplace(*card, person);
    if (!fresh && it->second != person)
      throw std::invalid_argument("card book: card " + card_text(*card) + " of " + person + " already belongs to " +
                                  it->second);
  }
  Entry& e = persons_[person];
  if (card) e.card = card;
  if (!id_number.empty()) {
    e.masked_id = mask_id(id_number);
    auto [it, fresh] = masked_owner_.emplace(e.masked_id, person);
    if (!fresh && it->second != person) it->second.clear();
  }
}

std::optional<std::string> CardBook::owner_of_card(std::uint32_t card) const {
  auto it = card_owner_.find(card);
  return it == card_owner_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::uint32_t> CardBook::card_of(const std::string& person) const {
  auto it = persons_.find(person);
  return it == persons_.end() ? std::nullopt : it->second.card;
}

std::optional<std::string> CardBook::person_of_id(std::string_view id) const {
  if (id.empty()) return std::nullopt;
  auto it = masked_owner_.find(mask_id(id));
  if (it == masked_owner_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CardBook::masked_id_of(const std::string& person) const {
  auto it = persons_.find(person);
  if (it == persons_.end() || it->second.masked_id.empty()) return std::nullopt;
  return it->second.masked_id;
}

}  // namespace gaterig::trial
