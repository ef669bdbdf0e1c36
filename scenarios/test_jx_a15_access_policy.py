"""JX-A.15 access policy: persons given pass-time windows, presented before, inside and after
them: outside the gate stays shut, inside the person passes."""
import datetime
import math

import pytest

from conftest import GATE_OPENED, parameter, planned, record_count, record_rate, select

CHINA = datetime.timezone(datetime.timedelta(hours=8))
RUN_ALLOWANCE_S = 600   # the windows hold their state this long (the group takes far less)


def windows_now(edge_s):
    """(before, inside, after) windows in minutes of the day (UTC+8) such that, for the next
    RUN_ALLOWANCE_S, now is at least edge_s before `before`, inside `inside`, at least edge_s
    after `after`."""
    now = datetime.datetime.now(CHINA)
    minute = now.hour * 60 + now.minute
    ahead = math.ceil((edge_s + RUN_ALLOWANCE_S) / 60) + 1
    behind = math.ceil(edge_s / 60) + 1
    day = 24 * 60
    return ({"from": (minute + ahead) % day, "to": (minute + ahead + 60) % day},
            {"from": (minute - 60) % day, "to": (minute + ahead) % day},
            {"from": (minute - behind - 60) % day, "to": (minute - behind) % day})


def hhmm(minute):
    return f"{minute // 60:02d}:{minute % 60:02d}"


@pytest.mark.clause("JX-A.15")
def test_jx_a15_pass_windows(rig, standard, terminal, fixture_set, set_tags, gallery, trial_book, clause):
    persons = sorted({p["id"] for p in rig.enrolled_persons()})
    if len(persons) < 3:
        pytest.skip("JX-A.15 needs at least 3 enrolled persons (before, inside, after their window)")
    edge_s = parameter(standard, "JX-A.15", "window_edge_offset_s", 60)
    before, inside, after = windows_now(edge_s)
    role_of = {p: ("before", "inside", "after")[i % 3] for i, p in enumerate(persons)}
    window = {"before": before, "inside": inside, "after": after}
    terminal.set_access_windows([{"person": p, "from": hhmm(window[r]["from"]), "to": hhmm(window[r]["to"])}
                                 for p, r in role_of.items()])
    try:
        plain = dict(role="enrolled", light="normal", mask=False, kind="")
        outside = select(fixture_set, set_tags, condition="outside-window", expected="refuse",
                         keep=lambda p, t: role_of.get(p.person) != "inside", **plain)
        within = select(fixture_set, set_tags, condition="inside-window",
                        keep=lambda p, t: role_of.get(p.person) == "inside", **plain)
        out_o = trial_book.run(outside, planned(standard, rig, "JX-A.15", "outside_window_admissions"),
                               "JX-A.15/outside")
        out_i = trial_book.run(within, planned(standard, rig, "JX-A.15", "in_window_pass_rate"), "JX-A.15/inside")
    finally:
        terminal.set_access_windows([])
    admitted = [o for o in out_o.rows() if o["outcome"] in GATE_OPENED]
    record_count(clause, "outside_window_admissions", len(admitted), len(out_o))
    for o in admitted[:30]:
        clause.note(f"{o['trial']}: {o['person']} admitted outside their window")
    record_rate(clause, "in_window_pass_rate", out_i.rows(), ("true_accept",), condition="")
    span = {r: f"{hhmm(w['from'])}-{hhmm(w['to'])}" for r, w in window.items()}
    clause.note(f"windows (UTC+8), set at {datetime.datetime.now(CHINA):%H:%M}: persons before theirs "
                f"{span['before']}, inside {span['inside']}, after {span['after']}; edges at least {edge_s} s away; "
                f"{sum(r != 'inside' for r in role_of.values())} of {len(role_of)} persons outside")
