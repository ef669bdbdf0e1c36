"""JX-A.10 gate linkage: every Wiegand frame of the session decoded and checked (length, parity,
bit timing, the format the terminal is set to), cards against the presented person's, and no
output without a verification. Reads the trials of the other clauses; runs JX-A.2's groups
itself when it runs alone."""
import pytest

from conftest import GATE_OPENED, planned, record_count, select


def expected_format(rig, terminal):
    fmt = (rig.description.to_json().get("wiegand") or {}).get("format", "auto")
    if fmt in ("", "auto"):
        try:
            fmt = terminal.status().get("wiegand", {}).get("format", "")
        except Exception:  # an external terminal may not say: any valid format then
            fmt = ""
    return fmt.lower()


@pytest.mark.after_trials
@pytest.mark.clause("JX-A.10")
def test_jx_a10_wiegand_frames(rig, standard, terminal, fixture_set, set_tags, trial_book, genuine_normal, clause):
    if not any(o["role"] in ("impostor", "attack") for o in trial_book.outcomes()):
        impostors = select(fixture_set, set_tags, role="impostor", light="normal", mask=False, kind="")
        if impostors:
            trial_book.run(impostors, planned(standard, rig, "JX-A.10", "unverified_openings"), "JX-A.10/impostor")

    outcomes = trial_book.outcomes()
    start = min(o["photon_mono"] for o in outcomes if o["photon_mono"])
    frames = [e["payload"] for e in rig.events(kind="wiegand.frame") if e["at_ns"] >= start]
    fmt = expected_format(rig, terminal)
    malformed = []
    for f in frames:
        problems = [x["rule"] for x in f.get("findings", [])]
        if fmt and f.get("format", "").lower() != fmt:
            problems.append(f"format {f.get('format')} where the terminal is set to {fmt}")
        if problems:
            malformed.append(f"frame {f.get('index')} ({f.get('bit_count')} bits): {'; '.join(problems)}")
    record_count(clause, "malformed_frames", len(malformed), len(frames))
    for line in malformed[:50]:
        clause.note(line)

    # QR codes open the gate with a visitor card, not a face: not a verification of the person.
    faces = [o for o in outcomes if not o["group"].startswith("JX-A.17")]
    genuine_accepted = [o for o in faces if o["expected"] == "accept" and o["outcome"] in GATE_OPENED]
    wrong = [o for o in genuine_accepted if o["outcome"] == "false_accept_wrong_person"]
    record_count(clause, "wrong_card_frames", len(wrong), len(genuine_accepted))
    for o in wrong[:50]:
        clause.note(f"{o['group']} {o['trial']}: {o['person']} shown, card {o['card']} of "
                    f"{o['card_person'] or 'nobody'} sent")

    charged = sum(o["frames"] for o in outcomes)
    unverified = max(0, len(frames) - charged)
    windows = sum(o["outcome"] not in GATE_OPENED for o in outcomes)
    record_count(clause, "unverified_openings", unverified, windows)
    refused_opened = [o for o in faces if o["expected"] != "accept" and o["outcome"] in GATE_OPENED]
    clause.note(f"{len(frames)} frames since the first trial, {charged} charged to trials, {len(genuine_accepted)} "
                f"accepted genuine trials; {len(refused_opened)} refusal trials opened the gate (counted as "
                f"false accepts by their clauses); expected format: {fmt or 'any valid'}")
