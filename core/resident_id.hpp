#pragma once
// Chinese resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
// sequence (odd = male), 1 check character (ISO 7064 MOD 11-2, 'X' for 10).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gaterig {

// The check character for the first 17 digits; nullopt when they are not 17 digits.
std::optional<char> resident_id_check_char(std::string_view first17);

// Why a text is not a valid resident ID, or nullopt when it is one: length, characters,
// province code, birth date (a real date, not in the future of 2100), check character.
std::optional<std::string> resident_id_problem(std::string_view id);
inline bool is_valid_resident_id(std::string_view id) { return !resident_id_problem(id); }

// A synthetic but valid ID from a seed (deterministic): region 360100 (Nanchang) unless given,
// birth date between 1960 and 2004, sequence from the seed.
std::string synthetic_resident_id(std::uint64_t seed, std::string_view region = "360100");

// "360102199001011234" -> "360***********1234". Anything not 18 characters long is masked
// whole except its last 2 characters, so a malformed ID never leaks either.
std::string mask_id(std::string_view id);
// Masks every run in `text` that looks like an ID number (17 digits then a digit or X).
std::string mask_ids_in(std::string_view text);

}  // namespace gaterig
