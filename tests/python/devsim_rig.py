"""A small simulated rig around `gaterig devsim`, for the test_devsim_*.py files.

Everything runs as separate processes, and the terminal is observed only from outside:
    platform  `gaterig platform`         records read back through its admin endpoint
    display   `gaterig display`          shows a chosen image on the virtual monitor link
    wire      `gaterig probe wiegand`    decodes the virtual Wiegand wire (--json, one frame a line)
    terminal  `gaterig devsim`           the device under test; its ready line and /status only
                                         tell the test when it is up and how many it enrolled

Persons and photos come from `gaterig fixtures synth` (synthetic identities, no personal data).
The card the terminal sends for a person is the derived card of simulator/device/wiegand_out.hpp:
facility from the config, number = first two bytes of SHA-256(ID number).
"""
import base64
import hashlib
import json
import os
import collections
import signal
import subprocess
import threading
import time

from conftest import Process

from platform_client import PROJECT_1, TEST_CONFIG, AdminClient, Http, NationalClient

FACILITY = 7

# The platform of the tests, with head photos up to 400 KB (the synthetic PNGs are ~80 KB).
PLATFORM_CONFIG = TEST_CONFIG.replace('dialects = ["national", "jiangmen"]',
                                      'dialects = ["national", "jiangmen"]\nimage_limit_bytes = 400000')


def derived_card(id_number):
    return int.from_bytes(hashlib.sha256(id_number.encode()).digest()[:2], "big")


def decode_wiegand(bits):
    """WG26/WG34 fields and parity of a bit string, as probes/wiegand/layout decodes them (SPEC.md
    "The Wiegand wire"); None fields for another length."""
    n = len(bits)
    out = {"bits": bits, "bit_count": n, "format": "raw", "facility": None, "card": None,
           "parity_even_ok": None, "parity_odd_ok": None}
    if n not in (26, 34):
        return out
    half = (n - 2) // 2  # data bits under each parity bit: 12 (WG26) or 16 (WG34)
    data = bits[1:n - 1]
    out["format"] = f"wg{n}"
    out["parity_even_ok"] = bits[:1 + half].count("1") % 2 == 0
    out["parity_odd_ok"] = bits[1 + half:].count("1") % 2 == 1
    out["facility"] = int(data[:len(data) - 16], 2)
    out["card"] = int(data[-16:], 2)
    return out


def whole_frame(next_piece, bits=26):
    """The next Wiegand frame, joined again when the virtual wire split it.

    The terminal's transmitter stamps each edge when it drives it; on a loaded machine a stall of
    more than 25 ms between two bits ends the frame for the probe, which then reports the frame as
    two (or more) pieces whose bits, in order, are the frame's bits (a stall inside a pulse leaves
    the bit in the first piece: "still low when the frame ended"). A piece shorter than `bits` is
    joined with the pieces after it until they add up to `bits`, and the joined bits are decoded
    here; such a frame says "pieces": n and keeps the first piece's first edge. A frame of `bits`
    bits or more comes back as the probe reported it ("pieces": 1). If pieces overshoot `bits`,
    the frame is returned with card None ("whole": False): the caller's outcome is unknown.
    """
    first = next_piece()
    first["pieces"], first["whole"] = 1, True
    if first["bit_count"] >= bits:
        return first
    pieces = [first]
    while sum(p["bit_count"] for p in pieces) < bits:
        pieces.append(next_piece())
    joined = decode_wiegand("".join(p["bits"] for p in pieces))
    findings = []
    if joined["parity_even_ok"] is False:
        findings.append({"rule": "parity-even-bad", "message": "joined pieces"})
    if joined["parity_odd_ok"] is False:
        findings.append({"rule": "parity-odd-bad", "message": "joined pieces"})
    joined.update(first_edge_ns=pieces[0]["first_edge_ns"], last_edge_ns=pieces[-1]["last_edge_ns"],
                  findings=findings, ok=not findings, pieces=len(pieces), whole=joined["bit_count"] == bits)
    if not joined["whole"]:
        joined["card"] = None
    return joined


def terminal_config(platform_port, extra_policy="", profile="compliant", extra="", batch_size=5):
    defaults = "".join(line + "\n" for line in ("repeat_window_s = 2", "helmet_required = false")
                       if line.split(" = ")[0] not in extra_policy)
    return f"""
[devsim]
profile = "{profile}"
seed = 3

[devsim.identity]
serial = "SIM-TEST"

[devsim.platform]
port = {platform_port}
appid = "{PROJECT_1['appid']}"
appsecret = "{PROJECT_1['appsecret']}"
project_code = "{PROJECT_1['code']}"
team = "{PROJECT_1['team']}"
connect_timeout_ms = 500
read_timeout_ms = 3000
batch_size = {batch_size}
backoff_base_ms = 100
backoff_cap_ms = 500

[devsim.wiegand]
format = "wg26"
facility = {FACILITY}
relay_hold_ms = 50

[devsim.policy]
{defaults}{extra_policy}

[devsim.sync]
interval_s = 0
{extra}
"""


class SynthSet:
    """A synthetic fixtures set: enrolled persons with an enrollment photo and probe photos."""

    def __init__(self, gaterig, folder, persons=3, impostors=2, samples=3, seed=11):
        self.folder = str(folder)
        subprocess.run([gaterig, "fixtures", "synth", "--out", self.folder, "--persons", str(persons),
                        "--impostors", str(impostors), "--samples", str(samples), "--seed", str(seed),
                        "--jobs", "2", "--replace"], check=True, capture_output=True, timeout=300)
        with open(os.path.join(self.folder, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.enrolled = [p for p in self.manifest["persons"] if p["role"] == "enrolled"]
        self.impostors = [p for p in self.manifest["persons"] if p["role"] == "impostor"]

    def path(self, ref):
        return os.path.join(self.folder, ref["path"])

    def probes(self, person):
        """Plain probe photos of a person (no variant)."""
        return [self.path(p["frames"][0]) for p in self.manifest["presentations"]
                if p["person"] == person["id"] and not p.get("derived_from")]


def drain_stderr(process, keep=300):
    """Reads a process's stderr on a thread of its own and keeps the last `keep` lines (returned
    deque): a process that logs freely must never stall on a full pipe nobody reads (the terminal
    logs every decision and upload; a long soak fills 64 KB in seconds)."""
    tail = collections.deque(maxlen=keep)
    fd = process.proc.stderr.fileno()

    def run():
        rest = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            *lines, rest = (rest + chunk).split(b"\n")
            tail.extend(l.decode(errors="replace") for l in lines)

    threading.Thread(target=run, daemon=True).start()
    return tail


class Rig:
    def __init__(self, spawn, gaterig, folder):
        self.spawn, self.gaterig, self.folder = spawn, gaterig, str(folder)
        self.wire_path = os.path.join(self.folder, "w.sock")
        self.monitor_path = os.path.join(self.folder, "m.sock")
        self.data = os.path.join(self.folder, "data")
        self.platform = self.wire = self.display = self.terminal = None
        self.terminal_ready = None
        self.devsim_args = None

    # ---- the platform --------------------------------------------------------------------------
    def start_platform(self, fault=None):
        config = os.path.join(self.folder, "platform.toml")
        with open(config, "w") as f:
            f.write(PLATFORM_CONFIG)
        args = [self.gaterig, "platform", "--config", config, "--store", os.path.join(self.folder, "store.db")]
        if fault:
            args += ["--fault", fault]
        self.platform = self.spawn(*args)
        self.platform_log = drain_stderr(self.platform)
        ready = self.platform.wait_json_line(lambda o: o.get("event") == "ready", timeout=30)
        self.platform_port, self.admin_port = ready["port"], ready["admin_port"]
        self.admin = AdminClient("127.0.0.1", self.admin_port)
        return ready

    def enroll(self, persons, synth):
        """ProjectWorker.Add with each person's enrollment photo as headImage."""
        client = NationalClient("127.0.0.1", self.platform_port, PROJECT_1["appid"], PROJECT_1["appsecret"])
        workers = []
        for p in persons:
            with open(synth.path(p["enrollment"]), "rb") as f:
                photo = base64.b64encode(f.read()).decode()
            workers.append({"workerName": p["name"], "idCardType": "01", "idCardNumber": client.enc(p["id_number"]),
                            "workType": "010", "headImage": photo})
        status, reply = client.call("ProjectWorker.Add", {"projectCode": PROJECT_1["code"], "teamSysNo": PROJECT_1["team"],
                                                          "workerList": workers})
        client.close()
        assert status == 200 and reply["code"] == 0, reply

    def set_fault(self, mode, **params):
        return self.admin.set_fault(mode, **params)

    def records(self):
        return self.admin.all_records(with_id=True)

    def wait_records(self, predicate, timeout=30.0, what="records"):
        deadline = time.monotonic() + timeout
        while True:
            recs = self.records()
            if predicate(recs):
                return recs
            if time.monotonic() > deadline:
                raise TimeoutError(f"platform never had the expected {what} within {timeout}s; has {recs}")
            # The platform publishes an event per stored record: wait for the next one, not a sleep.
            try:
                self.admin.wait_event(kind="platform.", timeout=min(2.0, max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                pass

    # ---- the rig's wire probe and display ------------------------------------------------------
    def start_wire(self):
        self.wire = self.spawn(self.gaterig, "probe", "wiegand", "--virtual-wire", self.wire_path, "--json")
        self.wire.wait_line(lambda l: "capturing from" in l, timeout=20, stream="stderr")

    def next_frame(self, timeout=15.0, bits=26):
        """The next frame the terminal sent, whole: see whole_frame()."""
        return whole_frame(lambda: self.wire.wait_json_line(lambda o: "bits" in o, timeout=timeout), bits)

    def start_display(self):
        self.display = DisplayProcess([self.gaterig, "display", "--monitor", self.monitor_path])
        self.display.wait_json_line(lambda o: o.get("event") == "ready", timeout=20)

    def command(self, line):
        self.display.proc.stdin.write(line + "\n")
        self.display.proc.stdin.flush()

    def close(self):
        """Ends the display (the other processes belong to the spawn fixture)."""
        if self.display is not None and self.display.proc.poll() is None:
            self.display.proc.kill()
            self.display.proc.communicate()

    def show(self, image, decided=True, timeout=30.0):
        """Shows an image; with `decided`, returns once the terminal has decided on it (its
        /status frame count went up), so the next image cannot overwrite it unseen."""
        before = self.terminal_get("/status")["frames"] if decided else 0
        self.command(f"show {image}")
        shown = self.display.wait_json_line(lambda o: o.get("event") in ("shown", "error"), timeout=20)
        assert shown["event"] == "shown", shown
        deadline = time.monotonic() + timeout
        while decided and self.terminal_get("/status")["frames"] <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the terminal decided nothing on {image} within {timeout}s")
            time.sleep(0.02)  # polling the admin endpoint, with a deadline
        return shown

    # ---- the terminal --------------------------------------------------------------------------
    def start_terminal(self, config_text=None, profile=None, wait_camera=True):
        if config_text is not None:
            self.config_path = os.path.join(self.folder, "devsim.toml")
            with open(self.config_path, "w") as f:
                f.write(config_text)
        args = [self.gaterig, "devsim", "--config", self.config_path, "--data", self.data,
                "--platform", f"127.0.0.1:{self.platform_port}", "--monitor", self.monitor_path,
                "--wire", self.wire_path]
        if profile:
            args += ["--profile", profile]
        self.terminal = self.spawn(*args)
        self.terminal_log = drain_stderr(self.terminal)
        self.terminal_ready = self.terminal.wait_json_line(lambda o: o.get("event") == "ready", timeout=120)
        self.terminal_admin = Http("127.0.0.1", self.terminal_ready["admin_port"], 30.0)
        if wait_camera and self.display is not None:
            self.command("wait 1 10000")
            got = self.display.wait_json_line(lambda o: o.get("event") == "subscribers", timeout=20)
            assert got["ok"], got
        return self.terminal_ready

    def wait_status(self, predicate, timeout=30.0, what="the expected state"):
        """Polls the terminal's /status (its admin endpoint) until `predicate` holds."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.terminal_get("/status")
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                raise TimeoutError(f"the terminal's /status never showed {what} within {timeout}s: {status}")
            time.sleep(0.05)  # polling the admin endpoint, with a deadline

    def restart_terminal(self):
        """POST /restart; returns the new ready line once the terminal is up again (same process,
        re-executed on the same data) and its camera is watching the monitor again."""
        code, reply = self.terminal_call("POST", "/restart")
        assert code == 200 and reply["restarting"], (code, reply)
        ready = self.terminal.wait_json_line(lambda o: o.get("event") == "ready", timeout=120)
        self.terminal_admin.close()
        self.terminal_ready = ready
        self.terminal_admin = Http("127.0.0.1", ready["admin_port"], 30.0)
        if self.display is not None:
            self.command("wait 1 10000")
            got = self.display.wait_json_line(lambda o: o.get("event") == "subscribers", timeout=20)
            assert got["ok"], got
        return ready

    def terminal_get(self, path):
        status, body = self.terminal_admin.request("GET", path)
        assert status == 200, (status, body)
        return json.loads(body)

    def terminal_call(self, method, path, body=None):
        data = json.dumps(body) if body is not None else ""
        status, reply = self.terminal_admin.request(method, path, data, {"Content-Type": "application/json"})
        return status, json.loads(reply)

    def kill_terminal(self):
        self.terminal_admin.close()
        self.terminal.proc.send_signal(signal.SIGKILL)
        self.terminal.proc.wait(timeout=20)

    def stop_terminal(self):
        self.terminal_admin.close()
        code, out, err = self.terminal.stop()
        summary = None
        for line in out.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if obj.get("event") == "summary":
                summary = obj
        return code, summary, err


def start_rig(spawn, gaterig, folder, synth, persons, config_extra_policy="", profile="compliant", extra="",
              batch_size=5):
    """Platform with `persons` enrolled, wire probe, display, then the terminal (synced)."""
    rig = Rig(spawn, gaterig, folder)
    rig.start_platform()
    rig.enroll(persons, synth)
    rig.start_wire()
    rig.start_display()
    rig.start_terminal(terminal_config(rig.platform_port, config_extra_policy, profile, extra, batch_size))
    return rig


class DisplayProcess(Process):
    """`gaterig display` with a pipe on its stdin for the show/blank/wait commands."""

    def __init__(self, args):
        self.args = [str(a) for a in args]
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.stdout_lines, self.stderr_lines = [], []
        self._pending = {"stdout": b"", "stderr": b""}
