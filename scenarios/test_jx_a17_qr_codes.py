"""JX-A.17 QR codes on the monitor: well-formed green codes must open the gate (a read is the
terminal's accept output), malformed ones must not. A code is a permit, not a face: its card is a
visitor card, so every QR trial is run as a refusal and the gate opening is read as the answer.

The set's `qr` variants (fixtures/variants/distance_qr.cpp) are well-formed green, yellow and red
health codes and codes a gate must refuse, tagged qr_valid false with their kind
(derived_from.params.qr_corruption): a bad checksum (forged or altered), expired, another
issuer's or version's format, a truncated text, and a code cut off, smeared or blotted beyond
what its error correction recovers. qr_invalid_accepted is counted over those; yellow and red
codes are shown too (a few) and reported, since which health-code service decides them is the
vendor's."""
import collections

import pytest

from conftest import GATE_OPENED, decided, note_repeats, planned, record_count, require, select


def green(tags):
    return tags.get("qr_valid") is True and ";status=green;" in (tags.get("qr") or "")


def corruption(set_tags, presentation_id):
    entry = set_tags.of(presentation_id)
    params = (entry.get("derived_from") or {}).get("params") or {}
    return params.get("qr_corruption") or entry.get("tags", {}).get("qr_corruption") or "?"


def spread(presentations, n, kind_of):
    """`n` of them taken kind by kind in turn (every kind's first, then every kind's second, ...),
    so a short plan still shows every kind; all of them when there are no more than `n`."""
    if len(presentations) <= n:
        return presentations
    by_kind = collections.defaultdict(list)
    for p in presentations:
        by_kind[kind_of(p)].append(p)
    queues = [by_kind[k] for k in sorted(by_kind)]
    out = []
    while len(out) < n:
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def tally(items):
    return ", ".join(f"{k} {n}" for k, n in sorted(collections.Counter(items).items())) or "none"


@pytest.mark.clause("JX-A.17")
def test_jx_a17_qr_codes(rig, standard, fixture_set, set_tags, gallery, trial_book, clause):
    codes = require(select(fixture_set, set_tags, qr=True, kind="qr", condition="qr", expected="refuse"),
                    "QR code presentations", clause)
    valid = [p for p in codes if green(set_tags.tags(p))]
    malformed = [p for p in codes if set_tags.tags(p).get("qr_valid") is False]
    other = [p for p in codes if p not in valid and p not in malformed]
    clause.note(f"the set's codes: {len(valid)} well-formed green, {len(other)} well-formed yellow/red, "
                f"{len(malformed)} a gate must refuse ({tally(corruption(set_tags, p.id) for p in malformed)})")
    if valid:
        out = trial_book.run(valid, planned(standard, rig, "JX-A.17", "qr_read_rate", "qr"), "JX-A.17/valid")
        rows = decided(out.rows())
        clause.record_rate("qr_read_rate", sum(o["outcome"] in GATE_OPENED for o in rows), len(rows),
                           condition="qr", errors=len(out) - len(rows))
        note_repeats(clause, "qr_read_rate (qr)", rows, GATE_OPENED, by_person=False)
    else:
        clause.note("the fixture set has no well-formed green QR codes")
    if malformed:
        n = planned(standard, rig, "JX-A.17", "qr_invalid_accepted")
        shown_codes = spread(malformed, n, lambda p: corruption(set_tags, p.id))
        out = trial_book.run(shown_codes, n, "JX-A.17/refused")
        shown = [o for o in out.rows() if o["outcome"] != "error"]
        opened = [o for o in shown if o["outcome"] in GATE_OPENED]
        record_count(clause, "qr_invalid_accepted", len(opened), len(shown))
        clause.note(f"codes a gate must refuse, shown: {tally(corruption(set_tags, o['presentation']) for o in shown)}; "
                    f"opened the gate: {tally(corruption(set_tags, o['presentation']) for o in opened)}")
        for o in opened:
            clause.note(f"{o['trial']}: a code a gate must refuse ({corruption(set_tags, o['presentation'])}) opened the gate")
    else:
        clause.note("the fixture set has no codes a gate must refuse (qr_valid false): rebuild its qr variants")
    if other:
        # A few: not a measurement of the standard, a check of what the terminal does with them.
        n = min(len(other), max(2, planned(standard, rig, "JX-A.17", "qr_invalid_accepted") // 5))
        out = trial_book.run(other, n, "JX-A.17/not-green")
        opened = [o for o in out.rows() if o["outcome"] in GATE_OPENED]
        clause.note(f"{len(decided(out.rows()))} well-formed yellow/red codes shown, {len(opened)} opened the gate")
        for o in opened:
            clause.note(f"{o['trial']}: a well-formed but not green code opened the gate")
