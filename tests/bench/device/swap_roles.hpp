#pragma once
// The other fold of a built set, for the face benches (devsim_face_separation,
// devsim_face_conditions: --swap-roles): enrolled persons become impostors (their enrollment photo
// one more probe), impostors become enrolled with their first original photo as enrollment.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fixtures/manifest.hpp"

namespace gaterig::bench {

inline void swap_roles(fixtures::FixtureSet& set) {
  namespace fs = std::filesystem;
  std::vector<fixtures::Presentation> kept, added;
  std::map<std::string, bool> taken;  // persons whose first original became their enrollment
  for (auto& p : set.persons) {
    if (p.role == fixtures::Role::enrolled) {
      p.role = fixtures::Role::impostor;
      if (p.enrollment) {
        fixtures::Presentation pr;
        pr.id = p.id + "-" + fs::path(p.enrollment->path).stem().string();
        pr.person = p.id;
        pr.frames.push_back(*p.enrollment);
        added.push_back(std::move(pr));
      }
      p.enrollment.reset();
      p.enrollment_extra.clear();
    } else {
      p.role = fixtures::Role::enrolled;
    }
  }
  for (auto& pr : set.presentations) {
    auto* p = const_cast<fixtures::Person*>(set.find_person(pr.person));
    if (!pr.derived_from && p->role == fixtures::Role::enrolled && !taken[p->id]) {
      p->enrollment = pr.frames.front();
      taken[p->id] = true;
      continue;
    }
    kept.push_back(std::move(pr));
  }
  for (auto& pr : added) kept.push_back(std::move(pr));
  set.presentations = std::move(kept);
}

}  // namespace gaterig::bench
