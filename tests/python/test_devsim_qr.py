"""JX-A.17 on `gaterig devsim`: health/visitor QR codes shown on the virtual monitor, observed from
outside (the Wiegand wire and the platform's store). The presentations come from the fixtures' QR
variant generator (tests/device/devsim_qr_presentation wraps it to pick the payload); the payload
form is fixtures/variants/qr_payload.hpp, the terminal's rules simulator/device/qr_pass.hpp:
a valid green code opens the gate with the visitor card (the one the code names, else the
configured one); a worker's code also leaves a record marked attendType "qr"; red/yellow, corrupted,
damaged and expired codes give nothing; the no-qr profile ignores every code, and the qr-any
profile opens the gate for every code it can read.

That nothing came out is shown by ordering: a sentinel face shown afterwards must be the next frame.
"""
import hashlib
import json
import os
import subprocess
import time

import pytest

from devsim_rig import FACILITY, SynthSet, derived_card, start_rig

VISITOR_CARD = 4321
EXTRA = f"[devsim.face]\nmatch_threshold = 0.65\n[devsim.qr]\nvisitor_card = {VISITOR_CARD}\n"
POLICY = "repeat_window_s = 0"  # every presentation counts (sentinels are shown again and again)


def payload(person, status="green", **fields):
    body = f"GRQR1;id={person};status={status}" + "".join(f";{k}={v}" for k, v in fields.items())
    return body + ";check=" + hashlib.sha256(body.encode()).hexdigest()[:8]


@pytest.fixture(scope="module")
def qr_tool():
    build = os.environ.get("GATERIG_BUILD_DIR", "")
    tool = os.path.join(build, "tests", "device", "devsim_qr_presentation")
    if not os.access(tool, os.X_OK):
        pytest.skip(f"{tool} not built (set GATERIG_BUILD_DIR to a build with gaterig_devsim)")
    return tool


@pytest.fixture(scope="module")
def synth(tmp_path_factory, gaterig):
    return SynthSet(gaterig, tmp_path_factory.mktemp("set"), persons=3, impostors=0, samples=2, seed=11)


@pytest.fixture
def codes(qr_tool, tmp_path, synth):
    """name -> (image path, the fixtures' tags)"""
    worker = synth.enrolled[0]["id_number"]
    specs = {
        "visitor": (payload(483920),),
        "worker": (payload(worker),),
        "card": (payload(771204, card=1234),),
        "red": (payload(483921, "red"),),
        "yellow": (payload(483922, "yellow"),),
        "expired": (payload(483923, until="20200101000000"),),
        "checksum": (payload(483924), "checksum"),
        "truncated": (payload(483925), "truncate"),
        "damaged": (payload(483926), "damage"),
    }
    out = {}
    for name, args in specs.items():
        path = str(tmp_path / f"qr-{name}.png")
        got = subprocess.run([qr_tool, path, *args], check=True, capture_output=True, text=True, timeout=60)
        out[name] = (path, json.loads(got.stdout))
    assert out["checksum"][1]["qr"] == "invalid" and out["visitor"][1]["qr"] == "valid"
    return out


def sentinel_next(rig, synth, k):
    """Shows a plain photo of an enrolled person; its card must be the next frame on the wire."""
    s = synth.enrolled[1 + k % 2]
    rig.show(synth.probes(s)[k % 2])
    f = rig.next_frame()
    assert f["card"] == derived_card(s["id_number"]), ("something came out before the sentinel", f)


def test_qr_codes_open_the_gate_only_when_valid_green_and_current(spawn, gaterig, tmp_path, synth, codes):
    rig = start_rig(spawn, gaterig, tmp_path, synth, synth.enrolled, POLICY, "compliant", EXTRA)
    try:
        for name, card in (("visitor", VISITOR_CARD), ("worker", VISITOR_CARD), ("card", 1234)):
            rig.show(codes[name][0])
            f = rig.next_frame()
            assert (f["facility"], f["card"]) == (FACILITY, card), (name, f)
            assert f["parity_even_ok"] and f["parity_odd_ok"], f
        refused = ["red", "yellow", "expired", "checksum", "truncated", "damaged"]
        for k, name in enumerate(refused):
            rig.show(codes[name][0])
            sentinel_next(rig, synth, k)

        worker = synth.enrolled[0]["id_number"]
        rig.wait_records(lambda r: any(x["attend_type"] == "qr" for x in r), what="the worker's QR record")
        rig.wait_status(lambda s: s["queue"]["pending"] == 0, what="every record uploaded")
        recs = rig.records()
        qr_records = [r for r in recs if r["attend_type"] == "qr"]
        assert [r["id_number"] for r in qr_records] == [worker], recs  # the worker's; no visitor records
        assert all(r["attend_type"] == "01" for r in recs if r not in qr_records)
        decisions = rig.terminal_get("/status")["decisions"]
        print("decisions:", decisions)
        assert decisions.get("qr:visitor") == 2 and decisions.get("qr:worker") == 1, decisions
        for why in ("status-red", "status-yellow", "expired"):
            assert decisions.get(f"qr:refuse:{why}") == 1, decisions
    finally:
        rig.close()


def test_profile_no_qr_ignores_codes(spawn, gaterig, tmp_path, synth, codes):
    rig = start_rig(spawn, gaterig, tmp_path, synth, synth.enrolled, POLICY, "no-qr", EXTRA)
    try:
        for k, name in enumerate(("visitor", "worker")):
            rig.show(codes[name][0])
            sentinel_next(rig, synth, k)
        assert not [k for k in rig.terminal_get("/status")["decisions"] if k.startswith("qr:")]
        rig.wait_status(lambda s: s["queue"]["pending"] == 0 and s["queue"]["uploaded"] >= 2, what="the sentinels' records")
        recs = rig.records()
        assert recs and all(r["attend_type"] == "01" for r in recs), recs
    finally:
        rig.close()


def test_profile_qr_any_opens_the_gate_for_codes_it_must_refuse(spawn, gaterig, tmp_path, synth, codes):
    rig = start_rig(spawn, gaterig, tmp_path, synth, synth.enrolled, POLICY, "qr-any", EXTRA)
    try:
        waved = ["red", "expired", "checksum", "truncated"]
        for name in waved:
            rig.show(codes[name][0])
            f = rig.next_frame()
            assert (f["facility"], f["card"]) == (FACILITY, VISITOR_CARD), (name, f)
        rig.show(codes["visitor"][0])
        assert rig.next_frame()["card"] == VISITOR_CARD
        decisions = rig.terminal_get("/status")["decisions"]
        print("decisions:", decisions)
        assert decisions.get("qr:visitor") == len(waved) + 1, decisions
        assert not [k for k in decisions if k.startswith("qr:refuse:")], decisions
        for why in ("status-red", "expired"):
            assert decisions.get(f"qr:admitted-unchecked:{why}") == 1, decisions
        assert decisions.get("qr:admitted-unchecked:invalid") == 2, decisions
    finally:
        rig.close()
