#!/usr/bin/python3
"""A face-recognition attendance terminal gaterig has never seen: written from SPEC.md and
docs/external-terminal.md only, sharing no code with gaterig or its simulated terminal. It

- syncs the team's workers from the platform (ProjectWorker.Query, headImage) every --sync-s,
- watches the rig's virtual monitor (its camera), recognises faces (face.py),
- opens the gate with the worker's card on the virtual Wiegand wire (wire.py),
- uploads each pass (WorkerAttendance.Add), queueing it on disk while the platform fails and
  re-uploading it later with its original time,
- serves a small admin endpoint (--admin HOST:PORT; "none" for a terminal without one):
  GET /status, GET /firmware, PUT /params, POST /restart, POST /sync.

    tools/foreign_terminal/terminal.py --platform http://127.0.0.1:18480 --monitor /tmp/gaterig-external/monitor.sock \
        --wire /tmp/gaterig-external/wiegand.sock --cards /tmp/gaterig-external/cards.json --admin 127.0.0.1:18481

Logs to stderr; ID numbers only masked.
"""
import argparse
import datetime
import hashlib
import http.server
import json
import os
import pathlib
import signal
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from face import FaceEngine, Gallery, NoFace  # noqa: E402
from monitor import Camera  # noqa: E402
from national import CHINA, NationalClient, PlatformDown, PlatformRefused, china_now  # noqa: E402
from wire import INTERVAL_NS, WiegandOut, frame_bits  # noqa: E402

VERSION = "1.4.2-foreign"
REPO = pathlib.Path(__file__).resolve().parents[2]


def masked(id_number):
    return id_number[:4] + "*" * max(0, len(id_number) - 8) + id_number[-4:] if len(id_number) > 8 else "****"


def log(msg):
    sys.stderr.write(f"{datetime.datetime.now().strftime('%H:%M:%S.%f')[:-3]} foreign: {msg}\n")
    sys.stderr.flush()


class CardBook:
    """The cards the lab issued: {"format", "cards": [{"id_sha256", "facility", "number"}]}, re-read
    when the file changes (the rig writes it when it starts, maybe after us)."""

    def __init__(self, path):
        self.path = pathlib.Path(path) if path else None
        self._stamp = None
        self.format = "wg26"
        self.by_digest = {}

    def card(self, id_number):
        self._reload()
        return self.by_digest.get(hashlib.sha256(id_number.encode()).hexdigest())

    def _reload(self):
        if self.path is None:
            return
        try:
            st = self.path.stat()
        except OSError:
            return
        if (st.st_mtime_ns, st.st_size) == self._stamp:
            return
        try:
            book = json.loads(self.path.read_text())
            self.format = book.get("format", "wg26")
            self.by_digest = {c["id_sha256"]: (int(c["facility"]), int(c["number"])) for c in book["cards"]}
            self._stamp = (st.st_mtime_ns, st.st_size)
            log(f"cards: {len(self.by_digest)} from {self.path} ({self.format})")
        except (OSError, ValueError, KeyError) as e:
            log(f"cards: cannot read {self.path}: {e}")


class UploadQueue:
    """Passes not yet accepted by the platform, kept on disk (one JSON file, replaced atomically)."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self._lock = threading.Condition()
        self.items = []
        if self.path.exists():
            try:
                self.items = json.loads(self.path.read_text())
            except ValueError:
                log(f"queue: {self.path} unreadable, starting empty")
        self.uploaded = 0
        self.online = True

    def _save(self):
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.items))
        os.replace(tmp, self.path)

    def put(self, record):
        with self._lock:
            self.items.append(record)
            self._save()
            self._lock.notify_all()

    def peek(self, n, timeout_s):
        """Up to n records due for upload (oldest first), waiting up to timeout_s for one."""
        end = time.monotonic() + timeout_s
        with self._lock:
            while True:
                now = time.monotonic_ns()
                # (a ready time far ahead is from before a reboot: the clock restarted)
                due = [r for r in self.items if not 0 < r.get("ready_ns", 0) - now < 1_000_000_000][:n]
                left = end - time.monotonic()
                if due or left <= 0:
                    return due
                waits = [r["ready_ns"] - now for r in self.items if 0 < r.get("ready_ns", 0) - now < 1_000_000_000]
                self._lock.wait(min([left] + [w / 1e9 for w in waits]))

    def done(self, records):
        with self._lock:
            keys = {r["key"] for r in records}
            self.items = [r for r in self.items if r["key"] not in keys]
            self.uploaded += len(records)
            self._save()

    def __len__(self):
        with self._lock:
            return len(self.items)


def in_window(rule, now):
    t = now.strftime("%H:%M")
    a, b = rule["from"], rule["to"]
    return a <= t < b if a <= b else (t >= a or t < b)


class Terminal:
    def __init__(self, a):
        self.a = a
        self.data = pathlib.Path(a.data_dir)
        self.data.mkdir(parents=True, exist_ok=True)
        models = pathlib.Path(a.models)
        self.engine = FaceEngine(a.yunet, models / "fr_feature.onnx")
        self.gallery = Gallery()
        self.failures = []
        self.client = NationalClient(a.platform, a.appid, a.appsecret)
        self.cards = CardBook(a.cards)
        self.queue = UploadQueue(self.data / "queue.json")
        self.params = {"match_threshold": a.threshold, "repeat_window_s": a.repeat_window_s,
                       "check_liveness": False, "helmet_required": False, "windows": []}
        self.lock = threading.Lock()
        self.sync_now = threading.Event()
        self.stop = threading.Event()
        self.last_pass = {}
        self.decisions = {"accepted": 0, "refused": 0, "repeat": 0, "no_card": 0, "outside_window": 0}
        self.frames = 0
        self.boots = 1
        self.last_sync = {}
        self.wire = WiegandOut(a.wire, realtime=not a.no_realtime)
        self.camera = Camera(a.monitor, log)

    # ---- enrollment: the platform's workers ----------------------------------------------------
    def sync_once(self):
        t0 = time.monotonic()
        workers = self.client.workers(self.a.project, self.a.team)
        entries, failures = {}, []
        for id_number, _name, photo in workers:
            digest = hashlib.sha256(photo).hexdigest()
            if self.gallery.digest(id_number) == digest:
                entries[id_number] = (digest, self.gallery.embedding(id_number))
                continue
            image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR) if photo else None
            if image is None:
                failures.append({"person": masked(id_number), "status": "photo-unreadable"})
                continue
            try:
                entries[id_number] = (digest, self.engine.embed(image))
            except NoFace as e:
                failures.append({"person": masked(id_number), "status": f"no-face: {e}"})
        self.gallery.replace(entries)
        with self.lock:
            self.failures = failures
            self.last_sync = {"ok": True, "workers": len(workers), "enrolled": len(entries), "failed": len(failures),
                              "seconds": round(time.monotonic() - t0, 3), "at": china_now("%Y-%m-%d %H:%M:%S")}

    def sync_loop(self):
        while not self.stop.is_set():
            try:
                self.sync_once()
            except (PlatformDown, PlatformRefused) as e:
                with self.lock:
                    self.last_sync = {"ok": False, "error": str(e)}
            self.sync_now.wait(self.a.sync_s)
            self.sync_now.clear()

    # ---- recognition and the gate --------------------------------------------------------------
    def decide(self, image):
        try:
            v = self.engine.embed(image)
        except NoFace:
            return
        who, sim = self.gallery.best(v)
        with self.lock:
            threshold = float(self.params["match_threshold"])
            repeat = float(self.params["repeat_window_s"])
            windows = list(self.params["windows"])
        if who is None or sim < threshold:
            self.decisions["refused"] += 1
            return
        now = time.monotonic()
        if now - self.last_pass.get(who, -1e9) < repeat:
            self.decisions["repeat"] += 1
            return
        rules = [w for w in windows if w.get("person") == who]
        if rules and not any(in_window(r, datetime.datetime.now(CHINA)) for r in rules):
            self.decisions["outside_window"] += 1
            self.last_pass[who] = now
            log(f"{masked(who)}: outside the pass-time window, refused")
            return
        card = self.cards.card(who)
        if card is None:
            self.decisions["no_card"] += 1
            log(f"{masked(who)} recognised ({sim:.2f}) but no card issued: gate stays shut")
            return
        bits = frame_bits(self.cards.format, *card)
        self.wire.send(bits)
        self.last_pass[who] = now
        self.decisions["accepted"] += 1
        date = china_now("%Y-%m-%d %H:%M:%S")
        # The gate first, then the record: uploaded once the frame is out (unless --upload-first).
        ready = time.monotonic_ns() + (0 if self.a.upload_first else len(bits) * INTERVAL_NS + 10_000_000)
        self.queue.put({"key": f"{who}|{date}|{time.monotonic_ns()}", "id": who, "date": date, "ready_ns": ready})
        log(f"{masked(who)} admitted ({sim:.2f}), card {card[0]}/{card[1]}")

    def camera_loop(self):
        last = None
        while not self.stop.is_set():
            f = self.camera.next(last, 0.5)
            if f is None:
                continue
            last = (f[0], f[3])
            self.frames += 1
            image = f[1]
            # A neutral grey frame between presentations: nobody at the gate.
            if float(image[::8, ::8].std()) < 2.0:
                continue
            self.decide(image)

    # ---- upload --------------------------------------------------------------------------------
    def upload_loop(self):
        backoff = 0.1
        while not self.stop.is_set():
            batch = self.queue.peek(50, 0.5)
            if not batch:
                continue
            data = {"projectCode": self.a.project, "teamSysNo": self.a.team,
                    "dataList": [{"idCardType": "01", "idCardNumber": self.client.encrypt_id(r["id"]),
                                  "date": r["date"], "direction": "01", "channel": "foreign-gate-1",
                                  "attendType": "face"} for r in batch]}
            try:
                self.client.write("WorkerAttendance.Add", data)
                self.queue.done(batch)
                self.queue.online = True
                backoff = 0.1
            except PlatformDown as e:
                if self.queue.online:
                    log(f"platform down ({e}): {len(self.queue)} pass(es) queued")
                self.queue.online = False
                self.stop.wait(backoff)
                backoff = min(2.0, backoff * 2)
            except PlatformRefused as e:
                # Refused for what it is (a bad field): retrying would not help. Kept in a file, not lost silently.
                log(f"platform refused {len(batch)} record(s): {e}")
                with open(self.data / "refused.jsonl", "a") as out:
                    for r in batch:
                        out.write(json.dumps({"id": masked(r["id"]), "date": r["date"], "error": str(e)}) + "\n")
                self.queue.done(batch)

    # ---- admin ---------------------------------------------------------------------------------
    def firmware(self):
        return {"vendor": "Foreign Gate Works", "model": "FG-1 (python test double)",
                "firmware_version": VERSION, "firmware_hash": hashlib.sha256(
                    b"".join(p.read_bytes() for p in sorted(pathlib.Path(__file__).parent.glob("*.py")))).hexdigest(),
                "serial": self.a.serial}

    def status(self):
        with self.lock:
            params = dict(self.params)
            params["windows"] = [dict(w, person=masked(w["person"])) for w in params["windows"]]
            return {"enrolled": len(self.gallery), "enroll_failures": list(self.failures), "params": params,
                    "wiegand": {"format": self.cards.format}, "identity": self.firmware(),
                    "online": self.queue.online, "queued": len(self.queue), "uploaded": self.queue.uploaded,
                    "camera": {"connected": self.camera.connected, "frames": self.camera.received},
                    "frames_examined": self.frames, "decisions": dict(self.decisions), "sync": self.last_sync,
                    "boots": self.boots}

    def set_params(self, body):
        known = {"match_threshold": float, "repeat_window_s": float, "check_liveness": bool,
                 "helmet_required": bool, "windows": list}
        for k, v in body.items():
            if k not in known:
                raise ValueError(f"unknown parameter {k!r} (known: {', '.join(known)})")
            if not isinstance(v, known[k]) and not (known[k] is float and isinstance(v, int)):
                raise ValueError(f"parameter {k!r}: expected {known[k].__name__}")
        with self.lock:
            self.params.update(body)
        log(f"params set: {', '.join(sorted(body))}")
        return self.status()["params"]

    def restart(self):
        """A soft restart: the gallery is dropped and fetched again, like a reboot on the same data."""
        self.gallery.replace({})
        self.boots += 1
        self.sync_now.set()

    def serve_admin(self):
        term = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def reply(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def body(self):
                n = int(self.headers.get("Content-Length", 0))
                return json.loads(self.rfile.read(n) or b"{}") if n else {}

            def do_GET(self):
                if self.path == "/status":
                    return self.reply(200, term.status())
                if self.path == "/firmware":
                    return self.reply(200, term.firmware())
                self.reply(404, {"error": f"no {self.path}"})

            def do_PUT(self):
                if self.path != "/params":
                    return self.reply(404, {"error": f"no {self.path}"})
                try:
                    body = self.body()
                    if not isinstance(body, dict):
                        raise ValueError("expected a JSON object")
                    self.reply(200, term.set_params(body))
                except ValueError as e:
                    self.reply(400, {"error": str(e)})

            def do_POST(self):
                if self.path == "/sync":
                    term.sync_now.set()
                    return self.reply(200, {"sync": "requested"})
                if self.path == "/restart":
                    term.restart()
                    return self.reply(200, {"restarting": True})
                self.reply(404, {"error": f"no {self.path} on this terminal"})

        host, port = self.a.admin.rsplit(":", 1)
        server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
        server.daemon_threads = True
        log(f"admin on http://{host}:{server.server_address[1]}")
        threading.Thread(target=server.serve_forever, name="admin", daemon=True).start()
        return server

    def run(self):
        server = self.serve_admin() if self.a.admin != "none" else None
        threads = [threading.Thread(target=f, name=f.__name__, daemon=True)
                   for f in (self.sync_loop, self.camera_loop, self.upload_loop)]
        for t in threads:
            t.start()
        log(f"running: platform {self.a.platform}, monitor {self.a.monitor}, wire {self.a.wire}")
        self.stop.wait()
        log(f"stopping: {self.decisions}, {len(self.queue)} queued")
        if server:
            server.shutdown()
        self.camera.stop()
        self.wire.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--platform", default="http://127.0.0.1:18480", help="the platform's base URL (/open.api is appended)")
    p.add_argument("--appid", default="gaterig-rig")
    p.add_argument("--appsecret", default="RigSim0123456789abcdefGHIJKLMNOP")
    p.add_argument("--project", default="360100202611210001")
    p.add_argument("--team", default="1000000001")
    p.add_argument("--monitor", default="/tmp/gaterig-external/monitor.sock")
    p.add_argument("--wire", default="/tmp/gaterig-external/wiegand.sock")
    p.add_argument("--cards", default="/tmp/gaterig-external/cards.json", help="the card book the lab issued")
    p.add_argument("--admin", default="127.0.0.1:18481", help="HOST:PORT of the admin endpoint, or none")
    p.add_argument("--data-dir", default="/tmp/gaterig-external/foreign-data")
    p.add_argument("--yunet", default=os.environ.get("GATERIG_SHARED", "/work/shared") + "/models/yunet-static.onnx")
    p.add_argument("--models", default=str(REPO / "third_party/npm/node_modules/faceplugin-face-recognition-js/model"),
                   help="folder with fr_feature.onnx")
    p.add_argument("--threshold", type=float, default=0.45, help="cosine similarity that admits")
    p.add_argument("--repeat-window-s", type=float, default=2.0, help="anti-passback: one person once per window")
    p.add_argument("--sync-s", type=float, default=1.0, help="worker sync interval")
    p.add_argument("--serial", default="FG1-0001")
    p.add_argument("--no-realtime", action="store_true", help="do not ask SCHED_FIFO for the Wiegand transmitter")
    p.add_argument("--upload-first", action="store_true",
                   help="upload a pass as soon as it is decided, even before its Wiegand frame is out")
    a = p.parse_args()
    for f in (a.yunet, pathlib.Path(a.models) / "fr_feature.onnx"):
        if not pathlib.Path(f).is_file():
            p.error(f"model not found: {f}")
    term = Terminal(a)
    signal.signal(signal.SIGTERM, lambda *_: term.stop.set())
    signal.signal(signal.SIGINT, lambda *_: term.stop.set())
    term.run()


if __name__ == "__main__":
    main()
