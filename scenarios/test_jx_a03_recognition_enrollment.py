"""JX-A.3 recognition rate (first attempt per person) and enrollment failure rate."""
import pytest

from conftest import decided


@pytest.mark.clause("JX-A.3")
def test_jx_a03_first_attempt_recognition(genuine_normal, clause):
    # Each person's first decided presentation of JX-A.2's genuine group: one trial per person,
    # so the trials are independent (the group is shuffled; rows come in plan order).
    first = {}
    for o in decided(genuine_normal.rows()):
        first.setdefault(o["person"], o)
    recognised = sum(o["outcome"] == "true_accept" for o in first.values())
    clause.record_rate("recognition_rate", recognised, len(first), len(first))
    clause.note(f"first attempts taken from trial group {genuine_normal.group} ({len(first)} persons)")


@pytest.mark.runs_last
@pytest.mark.clause("JX-A.3")
def test_jx_a03_enrollment_failures(gallery, capacity, clause):
    if not gallery.observed or (capacity is not None and not capacity.get("observed", True)):
        pytest.skip("the terminal reports no status: its enrollment failures cannot be read")
    # Every enrollment of the session counts: the set's persons and, where the rig filled the
    # terminal for JX-A.1, those too.
    if capacity is not None:
        # The rig enrolls past the terminal's capacity on purpose (JX-A.1): a person refused because
        # the store is full is that capacity, counted there, not a photo the terminal failed to enrol.
        full = capacity.get("store_full", 0)
        enrolled, failed = capacity["requested"] - full, capacity["refused"] + capacity["failures"] - full
        if full:
            clause.note(f"{full} persons refused because the terminal's store was full (its capacity, JX-A.1) "
                        f"are left out of the enrollment failures")
    else:
        enrolled, failed = len(gallery.persons), gallery.enrollment_failures
        clause.note("enrollments: the fixture set's persons only (the rig could not fill the terminal)")
    clause.record_rate("enrollment_failure_rate", failed, enrolled, condition="")
    for f in gallery.failures:
        clause.note(f"enrollment failure reported by the terminal: {f}")
    for p in gallery.problems:
        clause.note(f"enrollment refused by the platform: {p}")
