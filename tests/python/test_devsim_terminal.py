"""`gaterig devsim` as a separate process, observed from outside: what the virtual Wiegand wire
carries and what the platform stores, compared with the faces shown on the virtual monitor.

No test reads the terminal's internals; its ready line and /status only say when it is up. That
nothing came out for a presentation is shown by ordering: a genuine person shown afterwards must
be the next frame on the wire.
"""
import time

import pytest

from devsim_rig import FACILITY, SynthSet, derived_card, start_rig, terminal_config
from platform_client import civil

THRESHOLD = 'match_threshold = 0.65'  # the synthetic set separates weakly (EER ~6 %): keep impostors out


@pytest.fixture(scope="module")
def synth(tmp_path_factory, gaterig):
    return SynthSet(gaterig, tmp_path_factory.mktemp("set"), persons=3, impostors=3, samples=3, seed=11)


@pytest.fixture
def rig_factory(spawn, gaterig, tmp_path, synth):
    rigs = []

    def make(policy="", profile="compliant", extra="", persons=None):
        extra = "[devsim.face]\n" + THRESHOLD + "\n" + extra
        rig = start_rig(spawn, gaterig, tmp_path, synth, persons or synth.enrolled, policy, profile, extra)
        rigs.append(rig)
        return rig

    yield make
    for r in rigs:
        r.close()


def expect_card(frame, person, bits=26):
    assert frame["bit_count"] == bits, frame
    assert frame["parity_even_ok"] and frame["parity_odd_ok"], frame
    assert frame["facility"] == FACILITY and frame["card"] == derived_card(person["id_number"]), frame


def test_genuine_accepted_card_on_wire_and_record_at_platform(rig_factory, synth):
    rig = rig_factory()
    assert rig.terminal_ready["enrolled"] == len(synth.enrolled)
    assert rig.terminal_ready["enroll_failures"] == 0
    a, b = synth.enrolled[0], synth.enrolled[1]
    before = time.time()
    rig.show(synth.probes(a)[0])
    expect_card(rig.next_frame(), a)
    rig.show(synth.probes(b)[0])
    expect_card(rig.next_frame(), b)
    after = time.time()

    recs = rig.wait_records(lambda r: len(r) >= 2, what="2 records")
    assert [r["id_number"] for r in recs] == [a["id_number"], b["id_number"]]
    for r in recs:
        assert r["direction"] == "01"
        assert civil(before - 1) <= r["date"] <= civil(after + 1), r
        assert r["channel"] == "SIM-TEST"


def test_impostor_gets_nothing(rig_factory, synth):
    rig = rig_factory()
    for impostor in synth.impostors:
        rig.show(synth.probes(impostor)[0])
    a = synth.enrolled[0]
    rig.show(synth.probes(a)[0])
    expect_card(rig.next_frame(), a)  # the first frame after the impostors is the genuine one's
    recs = rig.wait_records(lambda r: len(r) >= 1)
    assert [r["id_number"] for r in recs] == [a["id_number"]]


def test_same_face_not_accepted_twice_within_repeat_window(rig_factory, synth):
    rig = rig_factory(policy="repeat_window_s = 30")
    a, b = synth.enrolled[0], synth.enrolled[1]
    rig.show(synth.probes(a)[0])
    expect_card(rig.next_frame(), a)
    rig.show(synth.probes(a)[1])  # the same person again, well within 30 s
    rig.show(synth.probes(b)[0])
    expect_card(rig.next_frame(), b)
    recs = rig.wait_records(lambda r: len(r) >= 2)
    assert [r["id_number"] for r in recs] == [a["id_number"], b["id_number"]]


def test_cut_off_passes_queued_then_backfilled_with_original_times(rig_factory, synth):
    rig = rig_factory()
    rig.set_fault("refuse")
    passes = []
    for p in synth.enrolled[:2]:
        rig.show(synth.probes(p)[0])
        expect_card(rig.next_frame(), p)  # offline, the gate still opens
        passes.append((p, time.time()))
    # The outage is the stimulus: long enough that an upload time differs from the pass time.
    time.sleep(2.5)
    assert rig.records() == []
    restored = time.time()
    rig.set_fault("up")
    recs = rig.wait_records(lambda r: len(r) >= 2, what="2 backfilled records")
    assert [r["id_number"] for r in recs] == [p["id_number"] for p, _ in passes]
    for r, (_, at) in zip(recs, passes):
        assert civil(at - 2) <= r["date"] <= civil(at + 1), (r, civil(at))
        assert r["date"] < civil(restored), r
    assert len(rig.admin.all_records()) == 2  # nothing duplicated


def test_kill_9_while_offline_loses_nothing(rig_factory, synth):
    rig = rig_factory()
    rig.set_fault("refuse")
    a = synth.enrolled[0]
    rig.show(synth.probes(a)[0])
    expect_card(rig.next_frame(), a)
    shown_at = time.time()
    rig.kill_terminal()  # power cut
    rig.set_fault("up")
    assert rig.records() == []
    ready = rig.start_terminal()  # power on, same data directory
    assert ready["enrolled"] == len(synth.enrolled)
    recs = rig.wait_records(lambda r: len(r) >= 1, what="the record accepted before the power cut")
    assert [r["id_number"] for r in recs] == [a["id_number"]]
    assert civil(shown_at - 2) <= recs[0]["date"] <= civil(shown_at + 1)


def test_admin_status_params_and_restart(rig_factory, synth):
    rig = rig_factory()
    status = rig.terminal_get("/status")
    assert status["enrolled"] == len(synth.enrolled)
    assert status["identity"]["vendor"] == "gaterig-sim" and len(status["identity"]["firmware_hash"]) == 64
    code, reply = rig.terminal_call("PUT", "/params", {"no_such_knob": 1})
    assert code == 400 and "no_such_knob" in reply["error"]
    code, reply = rig.terminal_call("PUT", "/params", {"match_threshold": 0.99, "direction": "out"})
    assert code == 200 and reply["match_threshold"] == 0.99

    # Restart on the same data: a new ready line from the same process id, the params kept.
    pid = rig.terminal_ready["pid"]
    code, reply = rig.terminal_call("POST", "/restart")
    assert code == 200 and reply["restarting"]
    ready = rig.terminal.wait_json_line(lambda o: o.get("event") == "ready", timeout=60)
    assert ready["pid"] == pid and ready["enrolled"] == len(synth.enrolled)
    rig.terminal_admin.close()
    from platform_client import Http
    rig.terminal_admin = Http("127.0.0.1", ready["admin_port"], 30.0)
    assert rig.terminal_get("/params")["match_threshold"] == 0.99

    # Threshold 0.99: even a genuine face is refused. Back to 0.65: accepted, direction "out".
    a = synth.enrolled[0]
    rig.show(synth.probes(a)[0])
    rig.terminal_call("PUT", "/params", {"match_threshold": 0.65})
    rig.show(synth.probes(a)[1])
    expect_card(rig.next_frame(), a)
    recs = rig.wait_records(lambda r: len(r) >= 1)
    assert len(recs) == 1 and recs[0]["direction"] == "02"


def test_enrollment_sync_picks_up_new_workers(rig_factory, synth):
    rig = rig_factory(persons=synth.enrolled[:1])
    assert rig.terminal_ready["enrolled"] == 1
    b = synth.enrolled[1]
    rig.show(synth.probes(b)[0])  # not enrolled yet: refused
    rig.enroll([b], synth)
    code, report = rig.terminal_call("POST", "/sync")
    assert code == 200 and report["ok"] and report["enrolled"] == 1 and report["workers"] == 2
    rig.show(synth.probes(b)[1])
    expect_card(rig.next_frame(), b)


def test_access_window_denies_outside_hours(rig_factory, synth):
    a, b = synth.enrolled[0], synth.enrolled[1]
    # A window that is certainly not now (platform time, UTC+8): two hours from now, one hour long.
    start = time.gmtime(time.time() + 8 * 3600 + 2 * 3600)
    end = time.gmtime(time.time() + 8 * 3600 + 3 * 3600)
    window = (f'[[devsim.policy.windows]]\nperson = "{a["id_number"]}"\n'
              f'from = "{start.tm_hour:02d}:{start.tm_min:02d}"\nto = "{end.tm_hour:02d}:{end.tm_min:02d}"\n')
    rig = rig_factory(policy=window)
    rig.show(synth.probes(a)[0])
    rig.show(synth.probes(b)[0])
    expect_card(rig.next_frame(), b)  # a was refused: b's card is the first frame
    recs = rig.wait_records(lambda r: len(r) >= 1)
    assert [r["id_number"] for r in recs] == [b["id_number"]]
