"""Section 二 (JX-B.5) enrollment synchronisation: persons enrolled one at a time through the
rig's platform; the time until the terminal holds each (its own sync schedule, not asked)."""
import pytest


@pytest.mark.runs_last  # its extra samples are workers beyond the set: after every face trial
@pytest.mark.clause("JX-B.5")
def test_jx_b05_enrollment_sync_time(gallery, enrollment_sync, clause):
    clause.record_latency("enrollment_sync_time", enrollment_sync["ms"], condition="",
                          errors=len(enrollment_sync["errors"]))
    for e in enrollment_sync["errors"]:
        clause.note(f"enrollment not synchronised: {e}")
    persons = len(enrollment_sync["ms"]) + len(enrollment_sync["errors"])
    extra = enrollment_sync["extra"]
    clause.note(f"{persons} persons enrolled one at a time (ProjectWorker.Add), time from the platform's "
                f"acceptance until the terminal's status listed them (polled every 100 ms)"
                + (f"; {extra} of them capacity workers beyond the set's {persons - extra} persons (the set's "
                   f"photos cycled under new ID numbers), enrolled after every face trial" if extra else ""))
    if enrollment_sync["already"]:
        clause.note(f"{enrollment_sync['already']} capacity workers were already on the terminal (an earlier "
                    f"run): not timed")
