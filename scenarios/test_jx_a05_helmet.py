"""JX-A.5 safety helmet: enrolled persons without a helmet, the terminal set to require one:
no Wiegand output, and the flagged refusal record uploaded."""
import pytest

from conftest import GATE_OPENED, note_repeats, planned, require, select


@pytest.mark.clause("JX-A.5")
def test_jx_a05_no_helmet_refused_and_recorded(rig, standard, terminal, fixture_set, set_tags, gallery, trial_book,
                                               clause):
    bare = require(select(fixture_set, set_tags, role="enrolled", light="normal", mask=False, helmet=False, kind="",
                          condition="no-helmet", expected="refuse_with_record"),
                   "photos of enrolled persons without a helmet", clause)
    before = terminal.status().get("params", {}).get("helmet_required")
    terminal.set_params({"helmet_required": True})
    clause.note("terminal parameter helmet_required set to true for this group "
                f"(was {before}; restored afterwards)")
    try:
        out = trial_book.run(bare, planned(standard, rig, "JX-A.5", "no_helmet_admitted_rate", "no-helmet"),
                             "JX-A.5/no-helmet")
    finally:
        if before is not None:
            terminal.set_params({"helmet_required": before})
    rows = [o for o in out.rows() if o["outcome"] != "error"]
    errors = len(out) - len(rows)
    admitted = sum(o["outcome"] in GATE_OPENED for o in rows)
    clause.record_rate("no_helmet_admitted_rate", admitted, len(rows), len({o["person"] for o in rows}),
                       condition="no-helmet", errors=errors)
    note_repeats(clause, "no_helmet_admitted_rate (no-helmet)", rows, GATE_OPENED, by_person=False)
    refused = [o for o in rows if o["outcome"] not in GATE_OPENED]
    recorded = sum(o["outcome"] == "correct_refusal" for o in refused)
    clause.record_rate("no_helmet_record_rate", recorded, len(refused), len({o["person"] for o in refused}),
                       condition="no-helmet")
