"""The platform's national "open.api" dialect, client side, written from SPEC.md alone:
form-encoded POST to /open.api, SHA-256 signature over the sorted fields plus the appsecret
(lowercased), ID numbers AES-256-CBC (key = appsecret, IV = its first 16 characters, PKCS#7,
Base64), asynchronous writes polled through AsyncHandleResult.Query."""
import base64
import datetime
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CHINA = datetime.timezone(datetime.timedelta(hours=8))


class PlatformDown(Exception):
    """No answer (connection refused, timeout, HTTP error): the record stays queued."""


class PlatformRefused(Exception):
    """The platform answered with a code other than 0 (or an async status 10)."""

    def __init__(self, code, message):
        super().__init__(f"code {code}: {message}")
        self.code = code


def china_now(fmt):
    return datetime.datetime.now(CHINA).strftime(fmt)


class NationalClient:
    def __init__(self, url, appid, appsecret, timeout_s=3.0):
        if len(appsecret) != 32:
            raise ValueError("appsecret: the AES-256 key must be 32 characters")
        self.url = url.rstrip("/") + "/open.api"
        self.appid = appid
        self.secret = appsecret
        self.timeout_s = timeout_s

    # ---- crypto --------------------------------------------------------------------------------
    def _cipher(self):
        key = self.secret.encode()
        return Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def encrypt_id(self, plain):
        padder = padding.PKCS7(128).padder()
        data = padder.update(plain.encode()) + padder.finalize()
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(data) + enc.finalize()).decode()

    def decrypt_id(self, cipher_b64):
        dec = self._cipher().decryptor()
        data = dec.update(base64.b64decode(cipher_b64)) + dec.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(data) + unpadder.finalize()).decode()

    def sign(self, fields):
        text = "&".join(f"{k}={fields[k]}" for k in sorted(fields)) + "&appsecret=" + self.secret
        return hashlib.sha256(text.lower().encode()).hexdigest()

    # ---- calls ---------------------------------------------------------------------------------
    def call(self, method, data):
        fields = {"appid": self.appid, "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                  "format": "json", "method": method, "nonce": secrets.token_hex(16),
                  "timestamp": china_now("%Y%m%d%H%M%S"), "version": "1.0"}
        fields["sign"] = self.sign(fields)
        body = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.url, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as r:
                reply = json.loads(r.read().decode())
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise PlatformDown(f"{method}: {e}") from e
        if not isinstance(reply, dict):
            raise PlatformDown(f"{method}: reply is not a JSON object")
        if reply.get("code") != 0:
            raise PlatformRefused(reply.get("code"), reply.get("message", ""))
        return reply.get("data") or {}

    def write(self, method, data, deadline_s=10.0):
        """An asynchronous write: the call, then AsyncHandleResult.Query until it is decided."""
        serial = self.call(method, data).get("requestSerialCode")
        if not serial:
            return {}
        end = time.monotonic() + deadline_s
        delay = 0.02
        while True:
            result = self.call("AsyncHandleResult.Query", {"requestSerialCode": serial})
            status = int(result.get("status", 0))
            if status == 20:
                return result
            if status == 10:
                raise PlatformRefused(10, str(result.get("result")))
            if time.monotonic() > end:
                raise PlatformDown(f"{method}: still pending after {deadline_s} s")
            time.sleep(delay)
            delay = min(0.2, delay * 2)

    def workers(self, project, team, page_size=100):
        """Every worker of the team with its face photo: [(id_number, name, photo bytes)]."""
        out, index = [], 0
        while True:
            page = self.call("ProjectWorker.Query", {"projectCode": project, "teamSysNo": team,
                                                     "pageIndex": index, "pageSize": page_size})
            rows = page.get("rows") or []
            for w in rows:
                photo = base64.b64decode(w["headImage"]) if w.get("headImage") else b""
                out.append((self.decrypt_id(w["idCardNumber"]), w.get("workerName", ""), photo))
            index += 1
            if not rows or len(out) >= int(page.get("rowTotal", 0)):
                return out
