"""Shared pytest fixtures for gaterig's integration tests.

The tests run the built `gaterig` binary as a separate process, as a user would. Paths come from
the environment ctest sets (GATERIG_BIN, GATERIG_SHARED); run by hand with e.g.
    GATERIG_BIN=build/gaterig python3 -m pytest tests/python
"""
import json
import os
import pathlib
import select
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def gaterig_bin() -> str:
    path = os.environ.get("GATERIG_BIN") or str(ROOT / "build" / "gaterig")
    if not os.path.exists(path):
        pytest.skip(f"gaterig binary not found at {path}: build first (./setup.sh) or set GATERIG_BIN")
    return path


@pytest.fixture(scope="session")
def gaterig() -> str:
    """Path of the gaterig executable."""
    return gaterig_bin()


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    """../shared (face sets, models); skips the test when it is not there."""
    path = pathlib.Path(os.environ.get("GATERIG_SHARED") or ROOT.parent / "shared")
    if not path.is_dir():
        pytest.skip(f"../shared not found at {path}: this test needs the shared face sets/models")
    return path


class Process:
    """A gaterig subcommand running in the background, read line by line with deadlines."""

    def __init__(self, args, cwd=None, env=None):
        self.args = [str(a) for a in args]
        self.proc = subprocess.Popen(self.args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.stdout_lines = []
        self.stderr_lines = []
        self._pending = {"stdout": b"", "stderr": b""}  # read but not yet returned by wait_line

    def wait_line(self, predicate, timeout=20.0, stream="stdout"):
        """Returns the first new line of `stream` for which predicate(line) is true."""
        pipe = self.proc.stdout if stream == "stdout" else self.proc.stderr
        store = self.stdout_lines if stream == "stdout" else self.stderr_lines
        deadline = time.monotonic() + timeout
        while True:
            # Lines already read off the pipe come first: select() cannot see them. (Reading with
            # os.read, not readline, so no line hides in a TextIOWrapper buffer select can't see.)
            pending = self._pending[stream]
            newline = pending.find(b"\n")
            if newline >= 0:
                line = pending[: newline + 1].decode(errors="replace")
                self._pending[stream] = pending[newline + 1:]
                store.append(line.rstrip("\n"))
                if predicate(line):
                    return line
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no matching line on {stream} within {timeout}s from {self.args}; "
                                   f"saw: {store[-10:]}")
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"{self.args} closed {stream} (exit {self.proc.poll()}); "
                                   f"saw: {store[-10:]}; stderr: {self.proc.stderr.read()[-2000:]}")
            self._pending[stream] += chunk

    def wait_json_line(self, predicate=lambda obj: True, timeout=20.0):
        """The first new stdout line that parses as a JSON object and satisfies predicate."""
        def match(line):
            try:
                obj = json.loads(line)
            except ValueError:
                return False
            return isinstance(obj, dict) and predicate(obj)
        return json.loads(self.wait_line(match, timeout))

    def stop(self, sig=signal.SIGTERM, timeout=20.0):
        """Sends sig and waits for exit; returns (exit code, rest of stdout, rest of stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise
        out = self._pending["stdout"].decode(errors="replace") + (out or "")
        err = self._pending["stderr"].decode(errors="replace") + (err or "")
        self._pending = {"stdout": b"", "stderr": b""}
        return self.proc.returncode, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


@pytest.fixture
def spawn():
    """spawn(args...) starts a process; every process still running is killed after the test."""
    started = []

    def _spawn(*args, **kwargs):
        p = Process(args, **kwargs)
        started.append(p)
        return p

    yield _spawn
    for p in started:
        if p.proc.poll() is None:
            p.kill()
