"""JX-A.2 speed and accuracy: genuine and impostor presentations in normal light, test mode."""
import pytest

from conftest import planned, record_rate, select


@pytest.mark.clause("JX-A.2")
def test_jx_a02_speed_and_accuracy(rig, standard, fixture_set, set_tags, trial_book, genuine_normal, clause):
    genuine = genuine_normal.rows()
    record_rate(clause, "pass_rate", genuine, ("true_accept",))
    clause.record_latency("recognition_time", genuine_normal.latencies_ms("true_accept"),
                          errors=genuine_normal.errors())

    impostors = select(fixture_set, set_tags, role="impostor", light="normal", mask=False, kind="")
    if not impostors:
        clause.note("the fixture set has no impostors: the false-accept rate is not tested")
        return
    out = trial_book.run(impostors, planned(standard, rig, "JX-A.2", "false_accept_rate"), "JX-A.2/impostor")
    record_rate(clause, "false_accept_rate", out.rows(), ("false_accept_unenrolled",))
    clause.note(f"refusal called after {trial_book.refusal_window_ms()} ms of silence (twice the slowest "
                f"genuine accept, within 1-3 s); output up to the next photon still counts")
