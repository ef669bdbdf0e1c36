"""Degraded behaviour profiles of `gaterig devsim`, each observed from outside (the Wiegand wire,
the platform's records, findings and events), next to what a compliant terminal does there.

Profiles covered here: bad-parity, wrong-format, plain-id, bad-sign, duplicate-upload,
backdating, inventing, lossy-offline, no-helmet, ignores-access-window (test_devsim_terminal.py
holds the compliant side of windows), loose, slow. no-liveness, no-mask and
light-sensitive are tested from outside with the fixtures' variants in
test_devsim_profiles_faces.py; small-store here at a scale that takes seconds (its capacities
scaled down through [devsim.degraded] small_store_faces / small_store_records): the effect — records
beyond the capacity never reach the platform, persons enrolled beyond it are not recognised — is
the one the certification run shows at 100,000 records and 10,000 faces.
Knob values are made exact through [devsim.degraded] where a profile's preset is a probability.
"""
import os
import time

import pytest

from devsim_rig import FACILITY, SynthSet, derived_card, start_rig, whole_frame
from platform_client import PROJECT_1, civil

THRESHOLD = "match_threshold = 0.65"


@pytest.fixture(scope="module")
def synth(tmp_path_factory, gaterig):
    return SynthSet(gaterig, tmp_path_factory.mktemp("set"), persons=3, impostors=12, samples=3, seed=11)


@pytest.fixture
def rig_factory(spawn, gaterig, tmp_path, synth):
    rigs = []

    def make(profile, policy="", degraded="", face=THRESHOLD):
        extra = "[devsim.face]\n" + face + "\n"
        if degraded:
            extra += "[devsim.degraded]\n" + degraded + "\n"
        rig = start_rig(spawn, gaterig, tmp_path, synth, synth.enrolled, policy, profile, extra)
        rigs.append(rig)
        return rig

    yield make
    for r in rigs:
        r.close()


def show_and_frame(rig, synth, person, probe=0, bits=26):
    """Shows a probe photo and returns the frame it caused, whole even when the virtual wire split
    it under load (devsim_rig.whole_frame)."""
    rig.show(synth.probes(person)[probe])
    return rig.next_frame(bits=bits)


def test_bad_parity_flips_a_parity_bit(rig_factory, synth):
    rig = rig_factory("bad-parity")
    f = show_and_frame(rig, synth, synth.enrolled[0])
    assert f["bit_count"] == 26 and f["parity_even_ok"] and not f["parity_odd_ok"], f
    assert any(x["rule"] == "parity-odd-bad" for x in f["findings"]), f


def test_wrong_format_sends_wg34_when_wg26_is_configured(rig_factory, synth):
    rig = rig_factory("wrong-format")
    a = synth.enrolled[0]
    f = show_and_frame(rig, synth, a, bits=34)
    assert f["bit_count"] == 34 and f["format"] == "wg34", f
    assert f["card"] == derived_card(a["id_number"]) and f["facility"] == FACILITY


def test_plain_id_is_a_finding_and_never_a_record(rig_factory, synth):
    rig = rig_factory("plain-id")
    a = synth.enrolled[0]
    show_and_frame(rig, synth, a)
    finding = rig.admin.wait_event(lambda e: e["payload"].get("rule") == "id-not-encrypted", kind="platform.finding",
                                   timeout=30)
    assert finding["payload"]["method"] == "WorkerAttendance.Add"
    assert rig.records() == []


def test_bad_sign_is_refused_by_the_platform(rig_factory, synth):
    rig = rig_factory("bad-sign")
    show_and_frame(rig, synth, synth.enrolled[0])
    rig.admin.wait_event(lambda e: e["payload"].get("rule") == "sign-mismatch", kind="platform.finding", timeout=30)
    assert rig.records() == []


def test_duplicate_upload_sends_an_accepted_batch_again(rig_factory, synth):
    rig = rig_factory("duplicate-upload", degraded="duplicate_upload = 1.0")
    a = synth.enrolled[0]
    show_and_frame(rig, synth, a)
    dup = rig.admin.wait_event(kind="platform.duplicate", timeout=30)
    assert dup["payload"]["table"] == "attendance"
    assert [r["id_number"] for r in rig.records()] == [a["id_number"]]  # the platform de-duplicated it


def outage(rig, synth, persons, seconds=3.0):
    """Cuts the platform off, passes `persons`, keeps it down `seconds` (the stimulus), restores it.
    Returns the wall times of the passes."""
    rig.set_fault("refuse")
    times = []
    for p in persons:
        f = show_and_frame(rig, synth, p)
        assert f["card"] == derived_card(p["id_number"])
        times.append(time.time())
    time.sleep(seconds)
    rig.set_fault("up")
    return times


def test_backdating_rewrites_backfilled_times(rig_factory, synth):
    rig = rig_factory("backdating")
    a = synth.enrolled[0]
    (passed,) = outage(rig, synth, [a])
    recs = rig.wait_records(lambda r: len(r) >= 1)
    assert recs[0]["id_number"] == a["id_number"]
    assert recs[0]["date"] >= civil(passed + 2.5), (recs[0], civil(passed))  # not the pass time


def test_inventing_adds_a_record_nobody_made(rig_factory, synth):
    rig = rig_factory("inventing")
    a = synth.enrolled[0]
    outage(rig, synth, [a], seconds=1.0)
    recs = rig.wait_records(lambda r: len(r) >= 2, what="the pass and the invented record")
    assert {r["direction"] for r in recs} == {"01", "02"}  # one pass was made, inwards
    assert all(r["id_number"] == a["id_number"] for r in recs)


def test_lossy_offline_drops_queued_passes_and_comes_back_online(rig_factory, synth):
    rig = rig_factory("lossy-offline", degraded="lossy_offline = 1.0")
    outage(rig, synth, synth.enrolled[:2], seconds=1.0)
    # A compliant terminal backfills within about a second here (back-off capped at 0.5 s, see
    # test_devsim_terminal.py); this one never does.
    with pytest.raises(TimeoutError):
        rig.wait_records(lambda r: len(r) >= 1, timeout=6.0)
    # With nothing left to send it still notices the platform is back (it asks, on its back-off),
    # so a pass after the outage is uploaded live, not dropped as if still offline.
    rig.wait_status(lambda s: s["online"], timeout=10.0, what="online after the outage")
    later = synth.enrolled[2]
    assert show_and_frame(rig, synth, later)["card"] == derived_card(later["id_number"])
    recs = rig.wait_records(lambda r: len(r) >= 1, what="the pass after the outage")
    assert [r["id_number"] for r in recs] == [later["id_number"]], recs


def test_no_helmet_denies_and_flags_but_profile_no_helmet_admits(rig_factory, synth):
    a, sentinel = synth.enrolled[0], synth.enrolled[2]
    rig = rig_factory("compliant", policy="helmet_required = true")
    rig.show(synth.probes(a)[0])  # a plain photo: no helmet
    rig.terminal_call("PUT", "/params", {"helmet_required": False})
    f = show_and_frame(rig, synth, sentinel)
    flagged = rig.wait_records(lambda r: len(r) >= 2)
    if f["card"] == derived_card(a["id_number"]):
        pytest.skip("the helmet cue saw a helmet on this synthetic face (hair): pick another identity")
    assert f["card"] == derived_card(sentinel["id_number"])  # nothing on the wire for a
    no_helmet = [r for r in flagged if r["id_number"] == a["id_number"]]
    assert len(no_helmet) == 1 and no_helmet[0]["attend_type"] == "01-no-helmet", flagged


def test_profile_no_helmet_admits_without_helmet(rig_factory, synth):
    rig = rig_factory("no-helmet", policy="helmet_required = true")
    a = synth.enrolled[0]
    f = show_and_frame(rig, synth, a)
    assert f["card"] == derived_card(a["id_number"])
    recs = rig.wait_records(lambda r: len(r) >= 1)
    assert recs[0]["attend_type"] == "01"


def test_ignores_access_window_admits_outside_hours(rig_factory, synth):
    a = synth.enrolled[0]
    start = time.gmtime(time.time() + 10 * 3600)  # UTC+8, two hours from now
    end = time.gmtime(time.time() + 11 * 3600)
    window = (f'[[devsim.policy.windows]]\nperson = "{a["id_number"]}"\n'
              f'from = "{start.tm_hour:02d}:{start.tm_min:02d}"\nto = "{end.tm_hour:02d}:{end.tm_min:02d}"\n')
    rig = rig_factory("ignores-access-window", policy=window)
    f = show_and_frame(rig, synth, a)
    assert f["card"] == derived_card(a["id_number"])


def test_loose_accepts_impostors(rig_factory, synth):
    # The profile's threshold, not the tests' 0.65; every impostor counts (no repeat window).
    rig = rig_factory("loose", policy="repeat_window_s = 0", face="")
    for impostor in synth.impostors:
        for probe in synth.probes(impostor):
            rig.show(probe)
    sentinel = synth.enrolled[2]
    show_and_frame(rig, synth, sentinel, probe=1)
    recs = rig.wait_records(lambda r: any(x["id_number"] == sentinel["id_number"] for x in r))
    # Only impostors were shown before the sentinel: every record before its is a false accept.
    false_accepts = recs[:[r["id_number"] for r in recs].index(sentinel["id_number"])]
    assert false_accepts, "the loose profile accepted none of the impostors"


def test_slow_decides_after_more_than_3_s(rig_factory, synth):
    rig = rig_factory("slow", degraded="slow_probability = 1.0")
    a = synth.enrolled[0]
    shown = rig.show(synth.probes(a)[0])
    f = rig.next_frame()
    latency_s = (f["first_edge_ns"] - shown["published_mono"]) / 1e9
    assert latency_s > 3.0, latency_s


def wg26(facility, card, flip_odd=False):
    data = f"{facility:08b}{card:016b}"
    even = str(data[:12].count("1") % 2)
    odd = str((data[12:].count("1") + 1) % 2 ^ flip_odd)
    return even + data + odd


def test_a_frame_the_wire_split_is_joined_again():
    bits = wg26(FACILITY, 40000)
    pieces = [{"bits": bits[:9], "bit_count": 9, "first_edge_ns": 100, "last_edge_ns": 200},
              {"bits": bits[9:], "bit_count": 17, "first_edge_ns": 30_000_300, "last_edge_ns": 30_000_400}]
    f = whole_frame(iter(pieces).__next__)
    assert (f["card"], f["facility"], f["pieces"], f["first_edge_ns"]) == (40000, FACILITY, 2, 100), f
    assert f["parity_even_ok"] and f["parity_odd_ok"] and f["ok"] and f["whole"]
    bad = wg26(FACILITY, 40000, flip_odd=True)
    f = whole_frame(iter([{"bits": bad[:20], "bit_count": 20, "first_edge_ns": 1, "last_edge_ns": 2},
                          {"bits": bad[20:], "bit_count": 6, "first_edge_ns": 3, "last_edge_ns": 4}]).__next__)
    assert not f["parity_odd_ok"] and any(x["rule"] == "parity-odd-bad" for x in f["findings"]), f
    whole = {"bits": bits, "bit_count": 26, "card": 40000}
    assert whole_frame(iter([whole]).__next__)["pieces"] == 1
    over = whole_frame(iter([{"bits": bits[:20], "bit_count": 20, "first_edge_ns": 1, "last_edge_ns": 2},
                             {"bits": bits, "bit_count": 26, "first_edge_ns": 3, "last_edge_ns": 4}]).__next__)
    assert over["card"] is None and not over["whole"]


def test_small_store_loses_the_passes_beyond_its_record_capacity(spawn, gaterig, tmp_path, synth):
    """An outage, a soak of 3,000 passes (POST /soak: the same queue and uploader as real passes),
    the platform back: a compliant terminal delivers all of them, small-store (capacity scaled to
    2,000) only what it could keep."""
    made, delivered = 3000, {}
    for profile in ("compliant", "small-store"):
        folder = tmp_path / profile
        os.makedirs(folder)
        rig = start_rig(spawn, gaterig, folder, synth, synth.enrolled, "", profile,
                        f"[devsim.face]\n{THRESHOLD}\n[devsim.degraded]\nsmall_store_records = 2000\n",
                        batch_size=100)
        try:
            rig.set_fault("refuse")
            code, reply = rig.terminal_call("POST", "/soak", {"passes": made})
            assert code == 200 and reply["made"] == made, reply
            rig.set_fault("up")
            rig.wait_status(lambda s: s["queue"]["pending"] == 0, timeout=180, what="the backlog uploaded")
            recs = rig.records()
            delivered[profile] = len(recs)
            assert len({(r["id_number"], r["date"]) for r in recs}) == len(recs)
        finally:
            rig.close()
            for p in (rig.terminal, rig.wire, rig.platform):
                p.kill()
    print("passes made", made, "records at the platform", delivered)
    assert delivered["compliant"] == made
    assert delivered["small-store"] == 2000


@pytest.fixture(scope="module")
def crowd(tmp_path_factory, gaterig):
    return SynthSet(gaterig, tmp_path_factory.mktemp("crowd"), persons=22, impostors=0, samples=1, seed=13)


def test_small_store_does_not_recognise_persons_enrolled_beyond_its_face_capacity(spawn, gaterig, tmp_path, crowd):
    """Face capacity scaled to 20: 20 persons enrolled, then 2 more; the 2 are reported as
    enrollment failures and their faces open nothing, while an early enrollee still passes."""
    early, late = crowd.enrolled[:20], crowd.enrolled[20:]
    rig = start_rig(spawn, gaterig, tmp_path, crowd, early, "repeat_window_s = 0", "small-store",
                    f"[devsim.face]\n{THRESHOLD}\n[devsim.degraded]\nsmall_store_faces = 20\n")
    assert rig.terminal_ready["enrolled"] == 20 and rig.terminal_ready["enroll_failures"] == 0, rig.terminal_ready
    rig.enroll(late, crowd)
    code, report = rig.terminal_call("POST", "/sync")
    assert code == 200 and report["workers"] == 22 and report["failed"] == 2, report
    failures = rig.terminal_get("/status")["enroll_failures"]
    assert len(failures) == 2 and {f["status"] for f in failures} == {"store-full"}, failures
    for k, person in enumerate(late):
        sentinel = early[k]
        rig.show(crowd.probes(person)[0])
        rig.show(crowd.probes(sentinel)[0])
        cards = []
        while not cards or cards[-1] != derived_card(sentinel["id_number"]):
            cards.append(rig.next_frame()["card"])
        assert derived_card(person["id_number"]) not in cards, ("a person beyond the capacity was admitted", cards)
