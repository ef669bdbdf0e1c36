"""A tiny scenario folder for the gaterig pytest plugin's own tests (tests/python/test_certify_plugin.py):
three clauses of the Jiangxi profile, each showing one thing the plugin must do. Not a certification."""
import pytest

GAP_MS = 300
WINDOW_MS = 3000
REFUSAL_MS = 1000


@pytest.fixture(scope="session")
def enrolled(rig):
    """Every enrolled person of the set in the rig's platform, and synchronised to the terminal."""
    report = rig.enroll()
    sync = rig.wait_synced(report["accepted"] + report["already"], timeout_s=90, ask_terminal=True)
    assert sync["synced"], f"the terminal did not synchronise: {sync}"
    return [p["id"] for p in rig.enrolled_persons()]


def genuine_plan(rig, fixture_set, trials):
    """`trials` genuine presentations in normal light, one photo per person per round."""
    per_person = {}
    for p in fixture_set.presentations(role="enrolled", light="normal", mask=False, attack="none"):
        per_person.setdefault(p.person, p)
    chosen = list(per_person.values())[:trials]  # a set with more persons than trials: the first ones
    rounds = max(1, -(-trials // len(chosen)))
    return rig.plan(chosen, rounds, gap_ms=GAP_MS, window_ms=WINDOW_MS, refusal_window_ms=REFUSAL_MS,
                    repeat_window_ms=2500, person_spacing=max(0, len(chosen) - 1))
