"""Section 二 (JX-B.5) enrollment synchronisation: persons enrolled one at a time through the
rig's platform; the time until the terminal holds each (its own sync schedule, not asked)."""
import pytest


@pytest.mark.clause("JX-B.5")
def test_jx_b05_enrollment_sync_time(gallery, clause):
    clause.record_latency("enrollment_sync_time", gallery.sync_ms, condition="", errors=len(gallery.sync_errors))
    for e in gallery.sync_errors:
        clause.note(f"enrollment not synchronised: {e}")
    clause.note(f"{len(gallery.sync_ms)} persons enrolled one at a time (ProjectWorker.Add), time from the "
                f"platform's acceptance until the terminal's status listed them (polled every 100 ms)")
