"""The scenarios' own logic (scenarios/conftest.py and the clause files), without a rig: trial
counts, per-person tallies, presentation selection by manifest tags, pass-time windows, record
date shifts, and the order scenarios run in.

    /usr/bin/python3 -m pytest tests/scenarios -q
"""
import datetime
import importlib.util
import json
import pathlib
import sys
import types

import pytest

SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "scenarios"


def load(name):
    spec = importlib.util.spec_from_file_location(f"scenario_{name}", SCENARIOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kit():
    # The clause files import their helpers as `conftest`; give them this one.
    module = load("conftest")
    sys.modules["conftest"] = module
    yield module
    sys.modules.pop("conftest", None)


class Recorder:
    def __init__(self):
        self.rates = []
        self.notes = []

    def note(self, text):
        self.notes.append(text)

    def record_rate(self, name, events, trials, subjects=None, **kw):
        self.rates.append((name, events, trials, subjects, kw))


def outcome(person, cls, **kw):
    o = {"person": person, "outcome": cls, "latency_ns": 5_000_000 if cls == "true_accept" else None}
    o.update(kw)
    return o


def test_rates_leave_rig_errors_out_and_tally_by_person(kit):
    rows = [outcome("P1", "true_accept"), outcome("P1", "false_reject"), outcome("P2", "true_accept"),
            outcome("P2", "error")]
    r = Recorder()
    kit.record_rate(r, "pass_rate", rows, ("true_accept",))
    name, events, trials, subjects, kw = r.rates[0]
    assert (name, events, trials, kw["errors"]) == ("pass_rate", 2, 3, 1)
    assert subjects == [{"person": "P1", "events": 1, "attempts": 2}, {"person": "P2", "events": 1, "attempts": 1}]
    assert kit.latencies_ms(rows) == [5.0, 5.0]


def test_a_rate_over_repeated_images_says_so_and_one_shown_once_does_not(kit):
    once = [outcome("P1", "true_accept", presentation="P1-02~mask"),
            outcome("P2", "false_reject", presentation="P2-03~mask")]
    r = Recorder()
    kit.record_rate(r, "masked_pass_rate", once, ("true_accept",), condition="mask")
    assert r.notes == []
    repeated = once + [outcome("P1", "true_accept", presentation="P1-02~mask#2"),
                       outcome("P1", "true_accept", presentation="P1-02~mask#3"),
                       outcome("P2", "error", presentation="P2-03~mask#2")]
    kit.record_rate(r, "masked_pass_rate", repeated, ("true_accept",), condition="mask")
    assert r.notes == ["masked_pass_rate (mask): 4 trials on 2 distinct images of 2 persons, each shown 1-3 times; "
                       "repeats of an image are not independent trials (the by-person bootstrap, whose bound "
                       "decides when it is the stricter, counts each person once)"]
    kit.record_rate(r, "pass_rate", repeated, ("true_accept",), condition="", by_person=False)
    assert r.notes[-1].startswith("pass_rate: 4 trials on 2 distinct images")
    assert r.notes[-1].endswith("(the rate treats them as independent)")
    # No event at all: resampling persons cannot widen the bound, and the note says what it rests on.
    kit.record_rate(r, "false_accept_rate", repeated, ("false_accept_unenrolled",))
    assert "the by-person bootstrap cannot widen the bound" in r.notes[-1], r.notes[-1]


class FakeSet:
    def __init__(self, tmp_path, presentations):
        self.dir = str(tmp_path)
        manifest = {"presentations": presentations}
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))
        self._p = presentations

    def presentations(self, condition=None, expected=None, **filters):
        return [types.SimpleNamespace(id=p["id"], person=p["person"], condition=condition) for p in self._p]


def test_select_tells_photos_from_variants_and_filters_on_tags(kit, tmp_path):
    s = FakeSet(tmp_path, [
        {"id": "P1-1", "person": "P1", "tags": {"light": "normal"}},
        {"id": "P1-1~mask", "person": "P1", "tags": {"mask": True}, "derived_from": {"kind": "mask"}},
        {"id": "P1-1~distance", "person": "P1", "tags": {"distance_m": 2.9}, "derived_from": {"kind": "distance"}},
    ])
    tags = kit.SetTags(s)
    assert [p.id for p in kit.select(s, tags, kind="")] == ["P1-1"]
    assert [p.id for p in kit.select(s, tags, kind="mask")] == ["P1-1~mask"]
    assert len(kit.select(s, tags, kind=None)) == 3
    far = kit.select(s, tags, kind="distance", keep=lambda p, t: abs(t["distance_m"] - 3.0) <= 0.25)
    assert [p.id for p in far] == ["P1-1~distance"]


def test_refusal_window_follows_the_slowest_genuine_accept_within_bounds(kit):
    class Out:
        def __init__(self, ms):
            self.ms = ms

        def latencies_ms(self, cls):
            return self.ms

    book = kit.TrialBook.__new__(kit.TrialBook)
    book.groups = {}
    book.pacing = {"refusal_floor_ms": 700}  # the rig description's [trials]
    assert book.refusal_window_ms() == kit.REFUSAL_CEILING_MS  # nothing measured yet
    book.groups[kit.GENUINE_GROUP] = Out([120.0, 300.0])
    assert book.refusal_window_ms() == 700
    book.groups[kit.GENUINE_GROUP] = Out([120.0, 900.0])
    assert book.refusal_window_ms() == 1800
    book.groups[kit.GENUINE_GROUP] = Out([4000.0])
    assert book.refusal_window_ms() == kit.REFUSAL_CEILING_MS
    # 299 accepts: the 99th percentile (third slowest), not one outlier, sets the window.
    book.groups[kit.GENUINE_GROUP] = Out([60.0] * 296 + [400.0, 450.0, 2000.0])
    assert book.refusal_window_ms() == 800
    # Below 100 accepts the slowest one decides.
    book.groups[kit.GENUINE_GROUP] = Out([60.0] * 29 + [450.0])
    assert book.refusal_window_ms() == 900


def test_scenarios_that_read_or_change_the_session_run_after_the_others(kit):
    class Item:
        def __init__(self, name, marker=None):
            self.name, self.marker = name, marker

        def get_closest_marker(self, m):
            return object() if m == self.marker else None

    items = [Item("cap", "runs_last"), Item("a10", "after_trials"), Item("a02"), Item("a18", "after_trials"),
             Item("a05")]
    kit.pytest_collection_modifyitems(None, None, items)
    assert [i.name for i in items] == ["a02", "a05", "a10", "a18", "cap"]


def in_window(w, minute):
    f, t = w["from"], w["to"]
    return f <= minute < t if f <= t else (minute >= f or minute < t)


def test_pass_windows_hold_their_state_for_the_whole_group(kit):
    a15 = load("test_jx_a15_access_policy")
    before, inside, after = a15.windows_now(60)
    now = datetime.datetime.now(a15.CHINA)
    for s in range(0, a15.RUN_ALLOWANCE_S + 1, 30):
        t = now + datetime.timedelta(seconds=s)
        m = t.hour * 60 + t.minute
        assert in_window(inside, m)
        assert not in_window(before, m)
        assert not in_window(after, m)
    # the edges are at least the offset away from now
    t = now + datetime.timedelta(seconds=60)
    assert not in_window(before, t.hour * 60 + t.minute)
    t = now - datetime.timedelta(seconds=60)
    assert not in_window(after, t.hour * 60 + t.minute)


def test_record_shift_is_measured_against_the_pass_second(kit):
    a18 = load("test_jx_a18_protocol")
    pass_s = datetime.datetime(2026, 11, 21, 10, 0, 5, 700000, tzinfo=a18.CHINA).timestamp()
    o = {"photon_wall": int(pass_s * 1e9) - 400_000_000, "latency_ns": 400_000_000,
         "record": {"date": "2026-11-21 10:00:05"}}
    assert a18.record_shift_ms(o) == 0
    o["record"]["date"] = "2026-11-21 10:00:09"
    assert a18.record_shift_ms(o) == 4000
    o["latency_ns"] = None  # a refused pass: the photon's second
    o["record"]["date"] = "2026-11-21 10:00:05"
    assert a18.record_shift_ms(o) == 0


def test_green_qr_codes_only_are_expected_to_open(kit):
    a17 = load("test_jx_a17_qr_codes")
    assert a17.green({"qr_valid": True, "qr": "GRQR1;id=12;status=green;check=0a1b2c3d"})
    assert not a17.green({"qr_valid": True, "qr": "GRQR1;id=12;status=red;check=0a1b2c3d"})
    assert not a17.green({"qr_valid": False, "qr": "GRQR1;id=12;status=green;check=00000000"})


def test_a_short_plan_of_invalid_codes_shows_every_kind(kit):
    a17 = load("test_jx_a17_qr_codes")
    codes = [("c1", "cut"), ("c2", "cut"), ("c3", "cut"), ("k1", "checksum"), ("e1", "expired"), ("e2", "expired")]
    kind = dict(codes)
    picked = a17.spread([c for c, _ in codes], 4, kind.get)
    assert len(picked) == 4 and {kind[c] for c in picked} == {"cut", "checksum", "expired"}
    assert a17.spread(["a", "b"], 6, kind.get) == ["a", "b"]  # no more than there are: all of them
    set_tags = types.SimpleNamespace(of=lambda pid: {"derived_from": {"params": {"qr_corruption": "smear"}}})
    assert a17.corruption(set_tags, "P0001-01~qr#2") == "smear"


def test_matrix_keywords_select_one_clause_file():
    a = {p.name for p in SCENARIOS.glob("test_jx_a01_*.py")}
    assert a and all("jx_a01" in n for n in a)
    assert not any("jx_a01" in p.name for p in SCENARIOS.glob("test_jx_a1[0-9]_*.py"))


def test_exactly_covers_persons_first_then_repeats_as_copies(kit, monkeypatch):
    class P:
        def __init__(self, id, person):
            self.id, self.person = id, person

        def to_json(self):
            return {"id": self.id, "person": self.person}

    fake = types.ModuleType("gaterig")
    fake.Presentation = lambda j: P(j["id"], j["person"])
    monkeypatch.setitem(sys.modules, "gaterig", fake)
    ps = [P("A-1", "A"), P("A-2", "A"), P("B-1", "B"), P("C-1", "C")]
    assert [p.id for p in kit.exactly(ps, 3)] == ["A-1", "B-1", "C-1"]
    got = [p.id for p in kit.exactly(ps, 6)]
    assert got == ["A-1", "B-1", "C-1", "A-2", "A-1#2", "B-1#2"]
    assert len(set(got)) == 6
