"""A terminal's side of the platform interface, written from SPEC.md ("The platform interface")
independently of gaterig's C++ code, so the simulated platform is checked against the spec and
not against itself. Also a small client for the platform's admin endpoint.

    from platform_client import NationalClient, AdminClient, synthetic_id
    c = NationalClient("127.0.0.1", port, appid, appsecret)
    status, reply = c.call("Project.Query", {"pageIndex": 0, "pageSize": 10})
    c.call("WorkerAttendance.Add", {"projectCode": ..., "teamSysNo": ...,
           "dataList": [c.attendance(id_number, when)]})

Only the standard library and python3-cryptography (AES-256-CBC, DES-CBC).
"""
import base64
import datetime
import hashlib
import http.client
import itertools
import json
import os
import socket
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:  # cryptography >= 43 keeps (Triple)DES among the decrepit algorithms
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES as _TripleDES
except ImportError:  # Debian bookworm's 38
    _TripleDES = algorithms.TripleDES

CHINA = datetime.timezone(datetime.timedelta(hours=8))

# ---- formats and keys ---------------------------------------------------------------------------


def civil(when=None, pattern="%Y-%m-%d %H:%M:%S", tz=CHINA):
    """Platform civil time (China Standard Time) of a Unix time (default now)."""
    when = time.time() if when is None else when
    return datetime.datetime.fromtimestamp(when, tz).strftime(pattern)


def timestamp(when=None):
    """The open.api request timestamp, yyyyMMddHHmmss."""
    return civil(when, "%Y%m%d%H%M%S")


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_char(first17):
    """GB 11643 check character (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def synthetic_id(n, region="360102"):
    """A valid resident ID number, distinct for each n < 365*40*1000."""
    day = datetime.date(1965, 1, 1) + datetime.timedelta(days=(n // 1000) % (365 * 40))
    first17 = f"{region}{day:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def nonce():
    return os.urandom(16).hex()


def tiny_jpeg(size=600):
    """Bytes that start and end like a JPEG (SOI/APP0 ... EOI), `size` long."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    body = bytes((i * 7 + 3) % 256 for i in range(max(0, size - len(head) - 2)))
    return head + body + b"\xff\xd9"


def aes_encrypt(plain, secret):
    """AES-256-CBC, PKCS#7, key = the 32-character appsecret, IV = its first 16, Base64."""
    key = secret.encode()
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def aes_decrypt(text, secret):
    key = secret.encode()
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    data = dec.update(base64.b64decode(text)) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode()


def des_encrypt(plain, key):
    """DES-CBC, key = IV = the 8-character key, PKCS#5, Base64 (the Jiangmen dialect)."""
    k = key.encode()
    padder = padding.PKCS7(64).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    enc = Cipher(_TripleDES(k * 3), modes.CBC(k)).encryptor()  # K1=K2=K3 is single DES
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def des_decrypt(text, key):
    k = key.encode()
    dec = Cipher(_TripleDES(k * 3), modes.CBC(k)).decryptor()
    data = dec.update(base64.b64decode(text)) + dec.finalize()
    unpadder = padding.PKCS7(64).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode()


def national_sign(fields, secret):
    """sha256(lowercase("appid=..&data=..&format=json&method=..&nonce=..&timestamp=..&version=1.0&appsecret=S"))."""
    keys = ["appid", "data", "format", "method", "nonce", "timestamp", "version"]
    text = "&".join(f"{k}={fields[k]}" for k in sorted(keys)) + f"&appsecret={secret}"
    return hashlib.sha256(text.lower().encode("utf-8")).hexdigest()


def jiangmen_sign(token, key, date):
    return hashlib.md5((token + key + date).encode("utf-8")).hexdigest()


# ---- HTTP ---------------------------------------------------------------------------------------


class Http:
    """One kept-alive HTTP/1.1 connection that reconnects when the server closed it."""

    def __init__(self, host, port, timeout=10.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def request(self, method, path, body=b"", headers=None):
        """Returns (status, body bytes). Raises OSError / http.client errors on transport faults
        (refused, reset, closed without a reply, timeout) so callers can see which fault it was."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, data
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class NationalClient:
    """The national open.api dialect, as a terminal speaks it."""

    def __init__(self, host, port, appid, secret, timeout=10.0):
        self.appid, self.secret = appid, secret
        self.http = Http(host, port, timeout)

    def enc(self, plain):
        return aes_encrypt(plain, self.secret)

    def form(self, method, data, **override):
        """The form fields of a signed request; override any field (sign is recomputed unless
        given), e.g. form(..., nonce="same", timestamp="20200101000000", sign="bad")."""
        fields = {
            "appid": self.appid,
            "data": data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "format": "json",
            "method": method,
            "nonce": nonce(),
            "timestamp": timestamp(),
            "version": "1.0",
        }
        secret = override.pop("secret", self.secret)
        fields.update({k: v for k, v in override.items() if k != "sign"})
        fields["sign"] = override["sign"] if "sign" in override else national_sign(fields, secret)
        return fields

    def post_form(self, fields, path="/open.api"):
        body = urllib.parse.urlencode(fields)
        status, data = self.http.request("POST", path, body,
                                         {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})
        return status, _json_or_text(data)

    def call(self, method, data, **override):
        """Signs and posts one request; returns (http status, reply JSON)."""
        return self.post_form(self.form(method, data, **override))

    def attendance(self, id_number, when=None, direction="01", image=None, **extra):
        """One dataList entry of WorkerAttendance.Add (ID number encrypted)."""
        rec = {"idCardType": "01", "idCardNumber": self.enc(id_number), "date": civil(when),
               "direction": direction}
        if image is not None:
            rec["image"] = base64.b64encode(image).decode()
        rec.update(extra)
        return rec

    def enroll(self, project, team, id_numbers, name_prefix="Worker"):
        """ProjectWorker.Add in batches of 100; returns the last reply."""
        reply = None
        for start in range(0, len(id_numbers), 100):
            workers = [{"workerName": f"{name_prefix}{start + i}", "idCardType": "01",
                        "idCardNumber": self.enc(n), "workType": "010"}
                       for i, n in enumerate(id_numbers[start:start + 100])]
            status, reply = self.call("ProjectWorker.Add",
                                      {"projectCode": project, "teamSysNo": team, "workerList": workers})
            if status != 200 or reply.get("code") != 0:
                raise RuntimeError(f"ProjectWorker.Add failed: {status} {reply}")
        return reply

    def close(self):
        self.http.close()


class JiangmenClient:
    """The Jiangmen REST dialect: JSON {token, date, sign=md5(token+key+date), serverType, requestJson}."""

    def __init__(self, host, port, token, key, timeout=10.0):
        self.token, self.key = token, key
        self.http = Http(host, port, timeout)

    def enc(self, plain):
        return des_encrypt(plain, self.key)

    def call(self, path, request, server_type="1", date=None, sign=None, token=None):
        date = date or civil()
        token = token or self.token
        body = {"token": token, "date": date,
                "sign": sign if sign is not None else jiangmen_sign(token, self.key, date),
                "serverType": server_type,
                "requestJson": json.dumps(request, ensure_ascii=False, separators=(",", ":"))}
        status, data = self.http.request("POST", path, json.dumps(body),
                                         {"Content-Type": "application/json;charset=UTF-8"})
        return status, _json_or_text(data)

    def attendance(self, id_number, when=None, direction_in=True, image=None, **extra):
        rec = {"identityCode": self.enc(id_number), "type": 1 if direction_in else 0,
               "checkDate": civil(when), "attendType": "011"}
        if image is not None:
            rec["image"] = base64.b64encode(image).decode()
        rec.update(extra)
        return rec

    def close(self):
        self.http.close()


def _json_or_text(data):
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return data.decode("utf-8", "replace")


# ---- the admin endpoint -------------------------------------------------------------------------


class AdminClient:
    """GET/PUT on the platform's admin port (fault switch, events, stats, records, findings)."""

    def __init__(self, host, port, timeout=40.0):
        self.http = Http(host, port, timeout)
        self.cursor = 0

    def _get(self, path):
        status, data = self.http.request("GET", path)
        reply = json.loads(data)
        if status != 200:
            raise RuntimeError(f"admin GET {path}: {status} {reply}")
        return reply

    def fault(self):
        return self._get("/fault")

    def set_fault(self, mode, **params):
        """set_fault("slow", delay_ms=500) -> the mode as applied; raises on 400."""
        status, data = self.http.request("PUT", "/fault", json.dumps({"mode": mode, **params}),
                                         {"Content-Type": "application/json"})
        reply = json.loads(data)
        if status != 200:
            raise ValueError(reply.get("error", reply))
        return reply["fault"]

    def put_fault_raw(self, body):
        status, data = self.http.request("PUT", "/fault", body, {"Content-Type": "application/json"})
        return status, json.loads(data)

    def stats(self):
        return self._get("/stats")

    def records(self, after=0, limit=1000, with_id=False):
        return self._get(f"/records?after={after}&limit={limit}&with_id={int(with_id)}")["records"]

    def all_records(self, with_id=False):
        out, after = [], 0
        while True:
            page = self.records(after, 1000, with_id)
            if not page:
                return out
            out.extend(page)
            after = page[-1]["id"]

    def findings(self, after=0, limit=1000):
        return self._get(f"/findings?after={after}&limit={limit}")["findings"]

    def events(self, after=None, wait_ms=0, kind=None, limit=1000):
        after = self.cursor if after is None else after
        path = f"/events?after={after}&wait_ms={wait_ms}&limit={limit}"
        if kind:
            path += "&kind=" + urllib.parse.quote(kind)
        return self._get(path)

    def mark(self):
        """Moves the cursor to now: later waits only see events after this point."""
        self.cursor = self._get("/events?after=0&limit=0")["last_seq"]
        return self.cursor

    def wait_event(self, predicate=lambda e: True, kind=None, timeout=10.0):
        """The first event after the cursor matching kind (a prefix) and predicate; advances the
        cursor past it. Raises TimeoutError naming what it waited for."""
        deadline = time.monotonic() + timeout
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                raise TimeoutError(f"no event {kind or ''} matching within {timeout}s (cursor {self.cursor})")
            reply = self.events(self.cursor, min(left_ms, 30000), kind)
            for e in reply["events"]:
                self.cursor = e["seq"]
                if predicate(e):
                    return e
            self.cursor = max(self.cursor, reply["next"])

    def close(self):
        self.http.close()


def free_port_is_refused(host, port, timeout=2.0):
    """True when connecting gives ECONNREFUSED."""
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return False
    except ConnectionRefusedError:
        return True
    finally:
        s.close()


_counter = itertools.count(1)
_counter_lock = threading.Lock()


def unique_number():
    with _counter_lock:
        return next(_counter)


# ---- running `gaterig platform` for a test ------------------------------------------------------

PROJECT_1 = {"code": "360100202401010001", "appid": "test-app-1",
             "appsecret": "0123456789abcdef0123456789abcdef", "team": "1000000001",
             "jiangmen_token": "jm-test-1", "jiangmen_key": "k8bytes1"}
PROJECT_2 = {"code": "440700202401010002", "appid": "test-app-2",
             "appsecret": "fedcba9876543210fedcba9876543210", "team": "2000000001"}

TEST_CONFIG = f"""
[platform]
store = "store.db"
dialects = ["national", "jiangmen"]

[[platform.projects]]
code = "{PROJECT_1['code']}"
name = "Test site one"
appid = "{PROJECT_1['appid']}"
appsecret = "{PROJECT_1['appsecret']}"
jiangmen_token = "{PROJECT_1['jiangmen_token']}"
jiangmen_key = "{PROJECT_1['jiangmen_key']}"

[[platform.projects.teams]]
sys_no = "{PROJECT_1['team']}"
name = "Concrete team"

[[platform.projects]]
code = "{PROJECT_2['code']}"
name = "Test site two"
appid = "{PROJECT_2['appid']}"
appsecret = "{PROJECT_2['appsecret']}"

[[platform.projects.teams]]
sys_no = "{PROJECT_2['team']}"
name = "Formwork team"
"""


class RunningPlatform:
    """`gaterig platform` started on ephemeral ports with a store in a temporary folder."""

    def __init__(self, spawn, gaterig, folder, args=(), config_extra="", store=None):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.config = os.path.join(folder, "platform.toml")
        with open(self.config, "w") as f:
            f.write(TEST_CONFIG + config_extra)
        self.store = store or os.path.join(folder, "store.db")
        self.process = spawn(gaterig, "platform", "--config", self.config, "--store", self.store, *args)
        self.ready = self.process.wait_json_line(lambda o: o.get("event") == "ready", timeout=30)
        self.port = self.ready["port"]
        self.admin_port = self.ready["admin_port"]
        self.admin = AdminClient("127.0.0.1", self.admin_port)

    def national(self, project=PROJECT_1, timeout=10.0):
        return NationalClient("127.0.0.1", self.port, project["appid"], project["appsecret"], timeout)

    def jiangmen(self, project=PROJECT_1, timeout=10.0):
        return JiangmenClient("127.0.0.1", self.port, project["jiangmen_token"], project["jiangmen_key"], timeout)

    def stop(self, sig=None):
        """SIGTERM (default) and wait; returns (exit code, summary JSON or None, stderr)."""
        import signal as _signal
        self.admin.close()
        code, out, err = self.process.stop(sig or _signal.SIGTERM)
        summary = None
        for line in out.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.get("event") == "summary":
                summary = obj
        return code, summary, err
