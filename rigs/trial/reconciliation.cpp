#include "rigs/trial/reconciliation.hpp"


#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/resident_id.hpp"
#include "rigs/trial/record_date.hpp"

namespace gaterig::trial {
namespace {

constexpr const char* kDatePattern = "yyyy-MM-dd HH:mm:ss";

std::string wall_text(WallNs w, UtcOffset off) { return format_civil(w, off, kDatePattern); }

std::string seconds_text(std::int64_t ms) {
  std::ostringstream os;
  os.precision(3);
  os << std::fixed << ms / 1000.0 << " s";
  return os.str();
}

struct RecordRef {
  std::size_t index;
  std::optional<WallNs> date;
};

}  // namespace

std::string_view to_string(ItemKind k) {
  switch (k) {
    case ItemKind::matched: return "matched";
    case ItemKind::time_shifted: return "time_shifted";
    case ItemKind::duplicated: return "duplicated";
    case ItemKind::lost: return "lost";
    case ItemKind::invented: return "invented";
  }
  return "?";
}

Reconciliation reconcile(const std::vector<Pass>& passes, const std::vector<PlatformRecord>& records,
                         const ReconciliationOptions& options) {
  Reconciliation out;
  out.options = options;
  out.passes = passes.size();
  out.records = records.size();
  const std::int64_t tol = std::chrono::duration_cast<std::chrono::nanoseconds>(options.tolerance).count();
  const std::int64_t max_shift = std::chrono::duration_cast<std::chrono::nanoseconds>(options.max_shift).count();

  // Group by masked ID number: all the platform tells us.
  std::map<std::string, std::vector<std::size_t>> pass_groups, record_groups;
  std::map<std::string, std::set<std::string>> persons_of_mask;
  for (std::size_t i = 0; i < passes.size(); ++i) {
    const std::string key = passes[i].id_number.empty() ? "" : mask_id(passes[i].id_number);
    pass_groups[key].push_back(i);
    if (!key.empty()) persons_of_mask[key].insert(passes[i].person);
  }
  for (const auto& [mask, persons] : persons_of_mask)
    if (persons.size() > 1) {
      std::string names;
      for (const auto& p : persons) names += (names.empty() ? "" : ", ") + p;
      out.warnings.push_back("persons " + names + " share the masked ID number " + mask +
                             ": their records cannot be told apart");
    }
  std::vector<std::optional<WallNs>> dates(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    dates[i] = parse_civil(records[i].date, options.offset, kDatePattern);
    if (!dates[i])
      out.warnings.push_back("record " + std::to_string(records[i].record_id) + ": date '" + records[i].date +
                             "' is not yyyy-MM-dd HH:mm:ss");
    record_groups[mask_id(records[i].id_number)].push_back(i);
  }

  std::vector<std::optional<std::size_t>> record_of_pass(passes.size());  // the pass's own record
  std::vector<ItemKind> record_kind(records.size(), ItemKind::invented);
  std::vector<std::optional<std::size_t>> pass_of_record(records.size());
  std::vector<std::string> record_evidence(records.size());

  for (auto& [mask, pidx] : pass_groups) {
    if (mask.empty()) continue;
    auto rg = record_groups.find(mask);
    if (rg == record_groups.end()) continue;
    const std::vector<std::size_t>& ridx = rg->second;
    auto distance = [&](std::size_t p, std::size_t r) {
      return dates[r] ? record_date_distance(passes[p].wall, *dates[r]) : std::numeric_limits<std::int64_t>::max();
    };
    // Closest pairs first, within `limit`: each pass takes one record, each record one pass.
    auto pair_up = [&](std::int64_t limit, ItemKind kind) {
      std::vector<std::tuple<std::int64_t, MonoNs, std::size_t, std::size_t>> pairs;
      for (std::size_t p : pidx)
        if (!record_of_pass[p])
          for (std::size_t r : ridx)
            if (!pass_of_record[r] && distance(p, r) <= limit)
              pairs.emplace_back(distance(p, r), records[r].received, p, r);
      std::sort(pairs.begin(), pairs.end());
      for (const auto& [d, rcv, p, r] : pairs) {
        if (record_of_pass[p] || pass_of_record[r]) continue;
        record_of_pass[p] = r;
        pass_of_record[r] = p;
        record_kind[r] = kind;
      }
    };
    pair_up(tol, ItemKind::matched);
    // A further record of a pass that has one, same direction, within tolerance of that record
    // or of the pass: the same record stored twice.
    for (std::size_t r : ridx) {
      if (pass_of_record[r] || !dates[r]) continue;
      for (std::size_t p : pidx) {
        if (!record_of_pass[p]) continue;
        const PlatformRecord& first = records[*record_of_pass[p]];
        const bool near = distance(p, r) <= tol || (dates[*record_of_pass[p]] &&
                                                    std::llabs(*dates[r] - *dates[*record_of_pass[p]]) <= tol);
        if (near && first.direction == records[r].direction) {
          pass_of_record[r] = p;
          record_kind[r] = ItemKind::duplicated;
          record_evidence[r] = "a second record of the pass (first: record " + std::to_string(first.record_id) + ")";
          break;
        }
      }
    }
    pair_up(max_shift, ItemKind::time_shifted);
  }

  for (std::size_t p = 0; p < passes.size(); ++p) {
    ReconciliationItem item;
    item.pass = passes[p];
    const std::string who = passes[p].person + " (" + (passes[p].id_number.empty() ? "no ID number" : mask_id(passes[p].id_number)) + ")";
    if (!record_of_pass[p]) {
      item.kind = ItemKind::lost;
      ++out.lost;
      item.evidence = "pass of " + who + " at " + wall_text(passes[p].wall, options.offset) +
                      (passes[p].trial.empty() ? "" : " (trial " + passes[p].trial + ")") + ": no record on the platform";
    } else {
      const std::size_t r = *record_of_pass[p];
      item.record = records[r];
      item.kind = record_kind[r];
      const std::int64_t shift = (*dates[r] - passes[p].wall) / 1'000'000;
      item.shift_ms = shift;
      if (item.kind == ItemKind::matched) {
        ++out.matched;
        item.evidence = "record " + std::to_string(records[r].record_id) + " dated " + records[r].date + " for the pass at " +
                        wall_text(passes[p].wall, options.offset);
      } else {
        ++out.time_shifted;
        item.evidence = "record " + std::to_string(records[r].record_id) + " dated " + records[r].date +
                        " but the pass of " + who + " was at " + wall_text(passes[p].wall, options.offset) + " (" +
                        (shift > 0 ? "+" : "") + seconds_text(shift) + ", tolerance " +
                        seconds_text(options.tolerance.count()) + ")";
      }
    }
    out.items.push_back(std::move(item));
  }
  for (std::size_t r = 0; r < records.size(); ++r) {
    if (record_kind[r] == ItemKind::matched || record_kind[r] == ItemKind::time_shifted) continue;
    ReconciliationItem item;
    item.kind = record_kind[r];
    item.record = records[r];
    if (item.kind == ItemKind::duplicated) {
      ++out.duplicated;
      item.pass = passes[*pass_of_record[r]];
      item.evidence = "record " + std::to_string(records[r].record_id) + " dated " + records[r].date + ": " + record_evidence[r];
    } else {
      ++out.invented;
      item.evidence = "record " + std::to_string(records[r].record_id) + " of " + mask_id(records[r].id_number) +
                      " dated " + records[r].date + " (direction " + records[r].direction +
                      "): no pass of that person " +
                      (pass_groups.count(mask_id(records[r].id_number)) ? "within " + std::to_string(options.max_shift.count()) + " h of it"
                                                                        : "in the run");
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

Json Reconciliation::to_json() const {
  Json list = Json::array();
  for (const auto& it : items) {
    Json j{{"kind", to_string(it.kind)}, {"evidence", mask_ids_in(it.evidence)}};
    j["trial"] = it.pass ? Json(it.pass->trial) : Json(nullptr);
    j["person"] = it.pass ? Json(it.pass->person) : Json(nullptr);
    j["pass_wall"] = it.pass ? Json(format_iso_utc(it.pass->wall)) : Json(nullptr);
    j["pass_mono"] = it.pass ? Json(it.pass->at) : Json(nullptr);
    const std::string id = it.pass ? it.pass->id_number : it.record ? it.record->id_number : "";
    j["id_masked"] = id.empty() ? Json(nullptr) : Json(mask_id(id));
    j["record_id"] = it.record ? Json(it.record->record_id) : Json(nullptr);
    j["date"] = it.record ? Json(it.record->date) : Json(nullptr);
    j["direction"] = it.record ? Json(it.record->direction) : Json(nullptr);
    j["received_mono"] = it.record ? Json(it.record->received) : Json(nullptr);
    j["shift_ms"] = it.shift_ms ? Json(*it.shift_ms) : Json(nullptr);
    list.push_back(std::move(j));
  }
  return Json{{"schema", kReconciliationSchema},
              {"tolerance_ms", options.tolerance.count()},
              {"max_shift_h", options.max_shift.count()},
              {"utc_offset_minutes", options.offset.minutes},
              {"passes", passes},
              {"records", records},
              {"counts",
               {{"matched", matched}, {"time_shifted", time_shifted}, {"duplicated", duplicated}, {"lost", lost},
                {"invented", invented}}},
              {"clean", clean()},
              {"items", list},
              {"warnings", warnings}};
}

std::vector<PlatformRecord> records_from_events(const std::vector<Event>& events) {
  std::vector<PlatformRecord> out;
  for (const Event& e : events) {
    if (e.kind != "platform.record_accepted" || !e.payload.is_object()) continue;
    const Json& pl = e.payload;
    auto str = [&](const char* k) { return pl.contains(k) && pl[k].is_string() ? pl[k].get<std::string>() : std::string(); };
    PlatformRecord r;
    r.record_id = pl.contains("record_id") && pl["record_id"].is_number_integer() ? pl["record_id"].get<std::int64_t>() : 0;
    r.id_number = !str("id_number").empty() ? str("id_number") : str("id_masked");
    r.date = str("date");
    r.direction = str("direction");
    r.attend_type = !str("attend_type").empty() ? str("attend_type") : str("attendType");
    r.received = pl.contains("received_mono") && pl["received_mono"].is_number_integer() ? pl["received_mono"].get<MonoNs>() : e.at;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Pass> passes_from_outcomes(const std::vector<TrialOutcome>& outcomes, const CardBook& book) {
  std::vector<Pass> out;
  for (const auto& o : outcomes) {
    if (o.outcome == OutcomeClass::error) continue;
    if (opened_gate(o.outcome) && !o.card_person.empty() && o.frame_at) {
      out.push_back(Pass{o.trial, o.card_person, book.masked_id_of(o.card_person).value_or(""), *o.frame_at,
                         o.photon_wall + (*o.frame_at - o.photon)});
    } else if (o.expected == Expectation::refuse_with_record && o.frames == 0) {
      out.push_back(Pass{o.trial, o.person, book.masked_id_of(o.person).value_or(""), o.photon, o.photon_wall});
    }
  }
  return out;
}

}  // namespace gaterig::trial
