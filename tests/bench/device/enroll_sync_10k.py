#!/usr/bin/env python3
"""Enrollment sync time of the simulated terminal (JX-A.1: >= 10,000 enrolled face photos).

Enrolls N synthetic persons with head photos on `gaterig platform` (ProjectWorker.Add, in
batches), then starts `gaterig devsim` against it with an empty data folder and times from the
start of the process to its ready line (which comes after the first full worker sync: listing
every page of ProjectWorker.Query with headImage and enrolling each photo in the face engine).
Reports the ready line's enrolled count and enrollment failures, the sync's own elapsed time (its
device.sync log line) and the load average.

Photos: `gaterig fixtures synth` makes --identities synthetic persons (enrollment photo and one
probe each, so 2 x identities distinct PNGs of ~80-115 KB); the N platform workers cycle over them
(each has its own synthetic ID number), and each worker's file is made distinct: a PNG text chunk
naming the worker goes in before IEND (same pixels, different bytes, so a terminal that caches
templates by the photo's SHA-256 still decodes, detects and embeds every one). The time is that
of N distinct photo files; the gallery then holds look-alike rows, which does not matter to the
sync time. --same-bytes sends the cycled files unchanged (what a capacity test that reuses a
set's photos sends). PNGs are bigger than field
JPEG head photos (the platform's 50 KB limit is raised here as in tests/python/devsim_rig.py),
so the transfer part is on the heavy side.

    tests/bench/device/enroll_sync_10k.py --gaterig build-d3/gaterig [--persons 10000] [--json]
"""
import argparse
import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

from conftest import Process  # noqa: E402  (line reader with deadlines, no pytest needed to use it)
from platform_client import PROJECT_1, TEST_CONFIG, NationalClient, synthetic_id  # noqa: E402

PLATFORM_CONFIG = TEST_CONFIG.replace('dialects = ["national", "jiangmen"]',
                                      'dialects = ["national", "jiangmen"]\nimage_limit_bytes = 400000')


def terminal_config(platform_port, page_size):
    return f"""
[devsim]
profile = "compliant"
seed = 3

[devsim.identity]
serial = "SIM-BENCH"

[devsim.platform]
port = {platform_port}
appid = "{PROJECT_1['appid']}"
appsecret = "{PROJECT_1['appsecret']}"
project_code = "{PROJECT_1['code']}"
team = "{PROJECT_1['team']}"
connect_timeout_ms = 2000
read_timeout_ms = 120000

[devsim.wiegand]
format = "wg26"
facility = 7

[devsim.sync]
interval_s = 0
page_size = {page_size}
"""


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def make_photos(gaterig, folder, identities, jobs):
    subprocess.run([gaterig, "fixtures", "synth", "--out", folder, "--persons", str(identities), "--impostors", "0",
                    "--samples", "1", "--seed", "21", "--jobs", str(jobs), "--replace"],
                   check=True, capture_output=True, timeout=3600)
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    paths = [p["enrollment"]["path"] for p in manifest["persons"]]
    paths += [p["frames"][0]["path"] for p in manifest["presentations"] if not p.get("derived_from")]
    photos = []
    for rel in paths:
        with open(os.path.join(folder, rel), "rb") as f:
            photos.append(f.read())
    return photos


def distinct_png(png, n):
    """The same image with a tEXt chunk naming worker n before IEND: other bytes, same pixels."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[-12:-8] != struct.pack(">I", 0) or png[-8:-4] != b"IEND":
        raise ValueError("expected a PNG ending in an empty IEND chunk")
    data = b"Comment\x00gaterig bench worker " + str(n).encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xffffffff)
    return png[:-12] + chunk + png[-12:]


def enroll(port, persons, photos, batch, same_bytes):
    client = NationalClient("127.0.0.1", port, PROJECT_1["appid"], PROJECT_1["appsecret"], timeout=120.0)
    cycled = [base64.b64encode(p).decode() for p in photos] if same_bytes else None

    def head_image(n):
        return cycled[n % len(cycled)] if same_bytes else base64.b64encode(distinct_png(photos[n % len(photos)], n)).decode()

    for start in range(0, persons, batch):
        workers = [{"workerName": f"Bench Worker {n}", "idCardType": "01", "idCardNumber": client.enc(synthetic_id(n)),
                    "workType": "010", "headImage": head_image(n)}
                   for n in range(start, min(persons, start + batch))]
        status, reply = client.call("ProjectWorker.Add", {"projectCode": PROJECT_1["code"],
                                                          "teamSysNo": PROJECT_1["team"], "workerList": workers})
        if status != 200 or reply.get("code") != 0:
            raise RuntimeError(f"ProjectWorker.Add of workers {start}..: HTTP {status} {str(reply)[:300]}")
    client.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gaterig", default=os.environ.get("GATERIG_BIN", "build/gaterig"))
    ap.add_argument("--persons", type=int, default=10000)
    ap.add_argument("--identities", type=int, default=250, help="synthetic identities (2 photos each)")
    ap.add_argument("--batch", type=int, default=25, help="workers per ProjectWorker.Add (platform max 100)")
    ap.add_argument("--page-size", type=int, default=100, help="the terminal's ProjectWorker.Query page size")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", help="working folder (default: a temporary one, removed afterwards)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed for the terminal's ready line")
    ap.add_argument("--json", action="store_true", help="print only the result as JSON")
    ap.add_argument("--same-bytes", action="store_true",
                    help="send the cycled photo files unchanged (default: each worker's file made distinct)")
    a = ap.parse_args()

    work = a.work or tempfile.mkdtemp(prefix="gaterig-enroll-sync-")
    os.makedirs(work, exist_ok=True)
    procs = []
    say = (lambda *x: None) if a.json else (lambda *x: print(*x, file=sys.stderr, flush=True))
    try:
        t = time.monotonic()
        photos = make_photos(a.gaterig, os.path.join(work, "set"), a.identities, a.jobs)
        say(f"{len(photos)} distinct images ({sum(len(p) for p in photos) // len(photos) // 1024} KB average) "
            f"in {time.monotonic() - t:.1f} s")

        config = os.path.join(work, "platform.toml")
        with open(config, "w") as f:
            f.write(PLATFORM_CONFIG)
        platform = Process([a.gaterig, "platform", "--config", config, "--store", os.path.join(work, "store.db")])
        procs.append(platform)
        port = platform.wait_json_line(lambda o: o.get("event") == "ready", timeout=60)["port"]

        t = time.monotonic()
        enroll(port, a.persons, photos, a.batch, a.same_bytes)
        add_s = time.monotonic() - t
        say(f"ProjectWorker.Add of {a.persons} workers in batches of {a.batch}: {add_s:.1f} s")

        devsim_config = os.path.join(work, "devsim.toml")
        with open(devsim_config, "w") as f:
            f.write(terminal_config(port, a.page_size))
        data = os.path.join(work, "data")
        shutil.rmtree(data, ignore_errors=True)
        load_before = loadavg()
        t = time.monotonic()
        terminal = Process([a.gaterig, "devsim", "--config", devsim_config, "--data", data,
                            "--monitor", os.path.join(work, "m.sock"), "--wire", os.path.join(work, "w.sock")])
        procs.append(terminal)
        ready = terminal.wait_json_line(lambda o: o.get("event") == "ready", timeout=a.timeout)
        ready_s = time.monotonic() - t
        load_after = loadavg()
        sync = next((json.loads(m.group(1)) for line in terminal.stderr_lines
                     if (m := re.search(r"device\.sync (\{.*\})", line))), None)
        if sync is None:  # the log line is on stderr, read only up to where the ready line came
            try:
                line = terminal.wait_line(lambda l: "device.sync" in l, timeout=5, stream="stderr")
                sync = json.loads(re.search(r"device\.sync (\{.*\})", line).group(1))
            except (TimeoutError, AttributeError):
                sync = {}
        result = {"schema": "gaterig.bench.enroll_sync/1", "persons": a.persons, "distinct_images": len(photos),
                  "distinct_files": len(photos) if a.same_bytes else a.persons,
                  "sync_phases_ms": sync.get("phases_ms"),
                  "add_batch": a.batch, "add_s": round(add_s, 1), "page_size": a.page_size,
                  "ready_s": round(ready_s, 1), "enrolled": ready.get("enrolled"),
                  "enroll_failures": ready.get("enroll_failures"), "sync_elapsed_ms": sync.get("elapsed_ms"),
                  "engine": ready.get("engine"), "loadavg_before": load_before, "loadavg_after": load_after,
                  "rate_per_s": round(ready.get("enrolled", 0) / ready_s, 1) if ready_s else None}
        print(json.dumps(result))
        say(f"devsim ready after {ready_s:.1f} s: {result['enrolled']} enrolled, {result['enroll_failures']} failures "
            f"(sync {result['sync_elapsed_ms']} ms); load average {load_before} -> {load_after}")
        return 0 if result["enrolled"] is not None else 3
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.kill()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
