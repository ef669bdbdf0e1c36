"""Runs in file order: JX-A.10 runs trials (its verdict depends on the terminal's wire), JX-A.13
records figures that pass (PASS), JX-A.15 is the long group a test interrupts, JX-A.18 breaks the
way a rig breaks (ERROR). Every other clause of the profile stays NOT TESTED."""
import os

import gaterig
import pytest

from conftest import genuine_plan


@pytest.mark.clause("JX-A.10")
def test_wire_counts(rig, fixture_set, enrolled, clause):
    out = rig.run_trials(genuine_plan(rig, fixture_set, 6), group="JX-A.10/genuine", mode="test")
    rows = out.rows()
    malformed = sum(any("malformed" in f for f in o.get("findings", [])) for o in rows)
    clause.record_count("malformed_frames", malformed, examined=len(rows))
    clause.record_count("wrong_card_frames", out.count("false_accept_wrong_person"), examined=len(rows))
    clause.record_count("unverified_openings",
                        out.count(["false_accept_unenrolled", "false_accept_policy", "attack_accepted"]),
                        examined=len(rows))
    clause.note(f"{len(rows)} genuine trials, {out.count('true_accept')} true accepts")
    # A clause may run trials in both terminal modes: the results must still be written.
    rig.run_trials(genuine_plan(rig, fixture_set, 2), group="JX-A.10/liveness", mode="liveness")


@pytest.mark.clause("JX-A.13")
def test_figures_that_pass(clause):
    clause.record_count("parameter_change_failures", 0, examined=1)
    clause.record_count("restart_failures", 0, examined=1)


@pytest.mark.clause("JX-A.15")
def test_long_group(rig, fixture_set, enrolled, clause):
    trials = int(os.environ.get("GATERIG_PYPLUGIN_LONG", "8"))
    out = rig.run_trials(genuine_plan(rig, fixture_set, trials), group="JX-A.15/long", mode="test")
    clause.record_count("outside_window_admissions", 0, examined=len(out))
    clause.record_rate("in_window_pass_rate", out.count("true_accept"), out.count_decided(), out.subjects())


@pytest.mark.clause("JX-A.18")
def test_rig_breaks(clause):
    clause.note("this scenario stands for one whose instrument stopped answering")
    raise gaterig.RigError("bench relay unit 3: no answer within 500 ms (raised on purpose by the test)")
