"""JX-A.11 real-time upload: first Wiegand edge to the platform's receipt of the record, for every
accepted pass of the session made with the platform link up."""
import pytest

from conftest import record_count

OFFLINE_GROUPS = ("JX-A.1/",)     # the link was cut on purpose
NO_RECORD_GROUPS = ("JX-A.17/",)  # visitors' QR codes make no attendance record


@pytest.mark.after_trials
@pytest.mark.clause("JX-A.11")
def test_jx_a11_upload_latency(trial_book, genuine_normal, clause):
    passes = [o for o in trial_book.outcomes()
              if not o["group"].startswith(OFFLINE_GROUPS + NO_RECORD_GROUPS)
              and o["frame_at"] is not None and o["card_person"]]
    raw = [o["record_latency_ns"] / 1e6 for o in passes if o["record_latency_ns"] is not None]
    # A terminal may upload while its frame is going out, so a record can reach the platform before
    # the first Wiegand edge the rig sees: no upload delay at all, counted as 0 ms (a latency
    # sample cannot be negative), and said.
    early = [ms for ms in raw if ms < 0]
    samples = [max(0.0, ms) for ms in raw]
    missing = [o for o in passes if o["record"] is None]
    clause.record_latency("upload_latency", samples)
    if early:
        clause.note(f"{len(early)} records reached the platform before the pass's first Wiegand edge (up to "
                    f"{-min(early):.1f} ms before): upload latency 0 ms")
    record_count(clause, "records_missing_online", len(missing), len(passes))
    for o in missing[:50]:
        clause.note(f"{o['group']} {o['trial']}: pass of {o['card_person']} with no platform record")
    groups = sorted({o["group"] for o in passes})
    clause.note(f"{len(passes)} passes with the link up, from groups {', '.join(groups)}; the link type is the "
                f"vendor's declaration (the rig uses the terminal's Ethernet)")
