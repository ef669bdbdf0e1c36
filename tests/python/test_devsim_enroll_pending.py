"""`gaterig devsim` seen from outside while it enrolls: a worker whose photo is still in the face
engine is pending (admin /status "enroll_pending"), never an enrollment failure; only a photo the
engine refused is one. And `gaterig devsim --help` lists every admin route."""
import base64
import json
import struct
import subprocess
import threading
import time
import zlib

from devsim_rig import Rig, SynthSet, terminal_config
from platform_client import PROJECT_1, Http, NationalClient, synthetic_id

ROUTES = ["GET  /status", "GET  /decisions", "GET  /firmware", "POST /firmware", "POST /soak", "GET  /params",
          "PUT  /params", "POST /sync", "POST /restart"]


def test_devsim_help_lists_every_admin_route(gaterig):
    out = subprocess.run([gaterig, "devsim", "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    for route in ROUTES:
        assert route in out.stdout, (route, out.stdout)


def distinct_png(png, n):
    """The same image with a text chunk naming worker n before IEND: other bytes, same pixels (the
    terminal's template cache, keyed by the photo's SHA-256, does not shortcut it)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[-8:-4] == b"IEND", "expected a PNG"
    data = b"Comment\x00worker " + str(n).encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xffffffff)
    return png[:-12] + chunk + png[-12:]


def add_workers(rig, photos, n, start=1):
    """n workers cycling over `photos` (bytes), each with a synthetic ID number."""
    client = NationalClient("127.0.0.1", rig.platform_port, PROJECT_1["appid"], PROJECT_1["appsecret"])
    try:
        for first in range(0, n, 25):
            workers = [{"workerName": f"W{start + k}", "idCardType": "01",
                        "idCardNumber": client.enc(synthetic_id(start + k)), "workType": "010",
                        "headImage": base64.b64encode(photos[k % len(photos)]).decode()}
                       for k in range(first, min(n, first + 25))]
            status, reply = client.call("ProjectWorker.Add", {"projectCode": PROJECT_1["code"],
                                                              "teamSysNo": PROJECT_1["team"], "workerList": workers})
            assert status == 200 and reply["code"] == 0, reply
    finally:
        client.close()


def test_enrollments_in_progress_are_pending_not_failures(spawn, gaterig, tmp_path):
    synth = SynthSet(gaterig, tmp_path / "set", persons=4, impostors=0, samples=1, seed=5)
    photos = []
    for p in synth.enrolled:
        with open(synth.path(p["enrollment"]), "rb") as f:
            photos.append(f.read())
    rig = Rig(spawn, gaterig, tmp_path)
    rig.start_platform()
    ready = rig.start_terminal(terminal_config(rig.platform_port), wait_camera=False)
    assert ready["enrolled"] == 0
    n = 120
    # distinct files: every photo goes through the engine, so the sync lasts long enough to watch
    add_workers(rig, [distinct_png(photos[k % len(photos)], k) for k in range(n)], n)
    # One sync on the admin's request (the sync loop is off: interval_s = 0), watched from outside.
    report = {}
    own = Http("127.0.0.1", ready["admin_port"], 300.0)  # the sync's own connection: it answers when done

    def run_sync():
        status, body = own.request("POST", "/sync", "", {"Content-Type": "application/json"})
        report.update(json.loads(body), http_status=status)

    sync = threading.Thread(target=run_sync, daemon=True)
    sync.start()
    seen_pending, statuses = [], []
    deadline = time.monotonic() + 300
    while sync.is_alive():
        s = rig.terminal_get("/status")
        statuses.append(s)
        assert s["enroll_failures"] == [], ("a photo still in the engine was reported as a failure",
                                            s["enroll_failures"][:5])
        if s["enroll_pending"]["count"] > 0:
            seen_pending.append(s["enroll_pending"])
        assert time.monotonic() < deadline, "the sync of 120 photos took more than 300 s"
        time.sleep(0.02)  # polling the admin endpoint while the sync runs, with a deadline
    sync.join(timeout=10)
    own.close()
    assert report.get("ok") and report["enrolled"] == n and report["failed"] == 0 and report["pending"] == 0, report
    assert seen_pending, f"never saw the sync in progress in {len(statuses)} polls"
    assert all(p["in_sync"] is not None and p["in_sync"]["listed"] == n for p in seen_pending), seen_pending[:3]
    assert max(p["count"] for p in seen_pending) <= n
    done = rig.terminal_get("/status")
    assert done["enrolled"] == n and done["enroll_failures"] == [], done["enroll_failures"][:5]
    assert done["enroll_pending"] == {"count": 0, "in_sync": None}, done["enroll_pending"]


def test_workers_sharing_a_photo_are_each_enrolled_or_each_refused(spawn, gaterig, tmp_path):
    """The engine's template cache (the same photo bytes give the same template) must still give
    every worker their own gallery row, and every worker with a refused photo their own failure."""
    synth = SynthSet(gaterig, tmp_path / "set", persons=2, impostors=0, samples=1, seed=5)
    photos = []
    for p in synth.enrolled:
        with open(synth.path(p["enrollment"]), "rb") as f:
            photos.append(f.read())
    rig = Rig(spawn, gaterig, tmp_path)
    rig.start_platform()
    add_workers(rig, photos, 60)
    add_workers(rig, [grey_png(160, 160, 90)], 5, start=900)
    ready = rig.start_terminal(terminal_config(rig.platform_port), wait_camera=False)
    assert ready["enrolled"] == 60, ready
    s = rig.terminal_get("/status")
    assert len(s["enroll_failures"]) == 5 and all(f["status"] == "no-face" for f in s["enroll_failures"]), \
        s["enroll_failures"]
    assert s["sync"]["enrolled"] == 60 and s["sync"]["failed"] == 5, s["sync"]


def grey_png(w, h, grey):
    """A photo with no face in it: a flat grey PNG."""
    raw = b"".join(b"\x00" + bytes([grey]) * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_refused_photo_is_a_failure_not_pending(spawn, gaterig, tmp_path):
    rig = Rig(spawn, gaterig, tmp_path)
    rig.start_platform()
    add_workers(rig, [grey_png(200, 200, 128)], 1, start=500)
    ready = rig.start_terminal(terminal_config(rig.platform_port), wait_camera=False)
    assert ready["enrolled"] == 0
    s = rig.terminal_get("/status")
    assert len(s["enroll_failures"]) == 1 and s["enroll_failures"][0]["status"] not in ("", None), s["enroll_failures"]
    assert s["enroll_pending"]["count"] == 0, s["enroll_pending"]
    json.dumps(s)  # the whole status is JSON
