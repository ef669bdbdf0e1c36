"""JX-A.6 light: the same genuine presentations under strong and back light, compared with
JX-A.2's normal-light group (non-inferiority with the standard's margins)."""
import pytest

from conftest import decided, planned, select

VARIANT = {"strong": "strong-light", "back": "backlight"}


@pytest.mark.clause("JX-A.6")
def test_jx_a06_light_conditions(rig, standard, fixture_set, set_tags, gallery, trial_book, genuine_normal, clause):
    base = decided(genuine_normal.rows())
    base_pass = (sum(o["outcome"] == "true_accept" for o in base), len(base))
    base_ms = genuine_normal.latencies_ms("true_accept")
    bench = rig.bench() if rig.has_bench else None
    if bench is not None:
        clause.environment_lux("normal", bench.set_light("normal"))
    else:
        clause.deviation("no bench lighting: light conditions are the fixture set's light variants")
    try:
        # Low light is not named by the notice and not required by the standard: left out, which
        # saves a whole group of trials.
        for condition in ("strong", "back"):
            if bench is not None:
                # The same photos as the normal-light group; the bench's lamps change the light.
                presentations = select(fixture_set, set_tags, role="enrolled", light="normal", mask=False, kind="",
                                       condition=condition)
                clause.environment_lux(condition, bench.set_light(condition))
            else:
                presentations = select(fixture_set, set_tags, role="enrolled", light=condition,
                                       kind=VARIANT[condition], condition=condition)
                if not presentations:
                    clause.note(f"{condition} light: the fixture set has no {VARIANT[condition]} variants")
                    continue
            out = trial_book.run(presentations, planned(standard, rig, "JX-A.6", "pass_rate_vs_normal", condition),
                                 f"JX-A.6/{condition}")
            rows = decided(out.rows())
            clause.record_comparison("pass_rate_vs_normal", base_pass,
                                     (sum(o["outcome"] == "true_accept" for o in rows), len(rows)),
                                     condition=condition, kind="rate")
            clause.record_comparison("recognition_time_vs_normal", base_ms, out.latencies_ms("true_accept"),
                                     condition=condition, kind="latency")
    finally:
        if bench is not None:
            bench.set_light("normal")
    clause.note(f"baseline: trial group {genuine_normal.group} (normal light)")
