"""The camera: frames from the rig's virtual monitor link (docs/external-terminal.md). A Unix stream
socket the rig listens on; per frame a 32-byte header in native byte order
    u32 magic 0x464d5247 | u16 version 1 | u16 channels 3 | u32 rows | u32 cols | u64 seq | i64 publish_mono
then rows*cols*3 bytes of 8-bit BGR. Keeps only the newest frame; reconnects when the link goes."""
import socket
import struct
import threading
import time

import numpy as np

HEADER = struct.Struct("=IHHIIQq")
MAGIC = 0x464D5247


def _recv_exact(sock, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise ConnectionError("monitor link closed")
        got += k
    return buf


class Camera:
    def __init__(self, path, log):
        self.path = path
        self.log = log
        self._cv = threading.Condition()
        self._frame = None      # (seq, image, publish_mono, connection)
        self._connection = 0
        self._stop = False
        self.received = 0
        self.connected = False
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(self.path)
            except OSError:
                time.sleep(0.1)
                continue
            self._connection += 1
            self.connected = True
            self.log(f"camera: connected to {self.path}")
            try:
                while not self._stop:
                    magic, version, channels, rows, cols, seq, mono = HEADER.unpack(_recv_exact(sock, HEADER.size))
                    if magic != MAGIC or version != 1 or channels != 3 or not (0 < rows <= 8192 and 0 < cols <= 8192):
                        raise ConnectionError(f"not a monitor frame (magic {magic:#x}, version {version})")
                    pixels = _recv_exact(sock, rows * cols * 3)
                    image = np.frombuffer(pixels, np.uint8).reshape(rows, cols, 3)
                    with self._cv:
                        self._frame = (seq, image, mono, self._connection)
                        self.received += 1
                        self._cv.notify_all()
            except (OSError, ConnectionError, struct.error) as e:
                self.log(f"camera: link lost ({e}); reconnecting")
            finally:
                self.connected = False
                sock.close()

    def next(self, after, timeout_s):
        """The newest frame other than `after` ((seq, connection) of the last one taken), or None."""
        end = time.monotonic() + timeout_s
        with self._cv:
            while True:
                f = self._frame
                if f is not None and (f[0], f[3]) != after:
                    return f
                left = end - time.monotonic()
                if left <= 0 or self._stop:
                    return None
                self._cv.wait(left)

    def stop(self):
        self._stop = True
        with self._cv:
            self._cv.notify_all()
