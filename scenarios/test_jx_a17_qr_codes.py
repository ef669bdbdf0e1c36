"""JX-A.17 QR codes on the monitor: well-formed green codes must open the gate (a read is the
terminal's accept output), malformed ones must not. A code is a permit, not a face: its card is a
visitor card, so every QR trial is run as a refusal and the gate opening is read as the answer."""
import pytest

from conftest import GATE_OPENED, decided, planned, record_count, require, select


def green(tags):
    return tags.get("qr_valid") is True and ";status=green;" in (tags.get("qr") or "")


@pytest.mark.clause("JX-A.17")
def test_jx_a17_qr_codes(rig, standard, fixture_set, set_tags, gallery, trial_book, clause):
    codes = require(select(fixture_set, set_tags, qr=True, kind="qr", condition="qr", expected="refuse"),
                    "QR code presentations", clause)
    valid = [p for p in codes if green(set_tags.tags(p))]
    malformed = [p for p in codes if set_tags.tags(p).get("qr_valid") is False]
    other = [p for p in codes if p not in valid and p not in malformed]
    if valid:
        out = trial_book.run(valid, planned(standard, rig, "JX-A.17", "qr_read_rate", "qr"), "JX-A.17/valid")
        rows = decided(out.rows())
        clause.record_rate("qr_read_rate", sum(o["outcome"] in GATE_OPENED for o in rows), len(rows),
                           condition="qr", errors=len(out) - len(rows))
    else:
        clause.note("the fixture set has no well-formed green QR codes")
    refusals = malformed + other
    if refusals:
        out = trial_book.run(refusals, planned(standard, rig, "JX-A.17", "qr_invalid_accepted"), "JX-A.17/refused")
        opened = [o for o in out.rows() if o["outcome"] in GATE_OPENED]
        bad = [o for o in opened if set_tags.of(o["presentation"]).get("tags", {}).get("qr_valid") is False]
        shown_malformed = sum(set_tags.of(o["presentation"]).get("tags", {}).get("qr_valid") is False
                              for o in out.rows() if o["outcome"] != "error")
        record_count(clause, "qr_invalid_accepted", len(bad), shown_malformed)
        for o in opened:
            t = set_tags.of(o["presentation"]).get("tags", {})
            what = (f"malformed ({t.get('qr_corruption', '?')})" if t.get("qr_valid") is False
                    else "well-formed but not green")
            clause.note(f"{o['trial']}: {what} code opened the gate")
        clause.note(f"{len(malformed)} malformed codes and {len(other)} well-formed non-green (yellow/red) codes "
                    f"shown as refusals")
