"""Wiegand out on the virtual wire (docs/external-terminal.md, probes/wiegand/README.md): one Unix
datagram per edge, 24 bytes, native byte order:
    "GRW1" | u32 stream | u32 seq | u8 line (0 d0, 1 d1) | u8 rising | u16 flags | i64 at_ns
at_ns is CLOCK_MONOTONIC when the edge was driven. A bit is a low pulse (falling then rising edge)
on D0 (0) or D1 (1). The edges are driven by a child process of their own, at SCHED_FIFO when the
system allows it, so the recogniser's threads (and Python's GIL) never stretch a pulse."""
import multiprocessing
import os
import random
import socket
import struct
import sys
import time

PULSE_NS = 50_000        # 20..100 us allowed
INTERVAL_NS = 2_000_000  # 0.2..20 ms allowed


def wg26(facility, number):
    data = f"{facility & 0xFF:08b}{number & 0xFFFF:016b}"
    even = data[:12].count("1") % 2          # makes bits 1..13 even
    odd = 1 - data[12:].count("1") % 2       # makes bits 14..26 odd
    return f"{even}{data}{odd}"


def wg34(facility, number):
    data = f"{facility & 0xFFFF:016b}{number & 0xFFFF:016b}"
    even = data[:16].count("1") % 2
    odd = 1 - data[16:].count("1") % 2
    return f"{even}{data}{odd}"


def frame_bits(fmt, facility, number):
    if fmt == "wg34":
        return wg34(facility, number)
    if fmt == "wg26":
        return wg26(facility, number)
    raise ValueError(f"Wiegand format: expected wg26 or wg34, found {fmt!r}")


def _spin_until(t_ns):
    while time.monotonic_ns() < t_ns:
        pass


def _transmitter(path, jobs, realtime):
    if realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        except (PermissionError, OSError):
            pass  # without it a loaded machine may stretch pulses: the rig's findings will say so
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.settimeout(0.2)
    stream = random.getrandbits(32)
    seq = 0
    lost = False
    # A Unix datagram socket queues only net.unix.max_dgram_qlen (10) datagrams: a receiver that
    # lags blocks our send. A real wire has no such back-pressure, so while a send is blocked the
    # edges after it keep their planned times instead of taking the delay into their stamps.
    held_up = False

    def edge(line, rising, planned):
        nonlocal seq, lost, held_up
        now = time.monotonic_ns()
        at = planned if held_up and now > planned else now
        record = struct.pack("=4sIIBBHq", b"GRW1", stream, seq, line, 1 if rising else 0, 1 if lost else 0, at)
        seq = (seq + 1) & 0xFFFFFFFF
        try:
            sock.sendto(record, path)
            lost = False
        except OSError:
            lost = True  # nobody listens: a wire with nothing on the other end
        took = time.monotonic_ns() - now
        if took > 500_000:
            held_up = True
        elif now <= planned + 100_000:
            held_up = False
        return at

    while True:
        bits = jobs.get()
        if bits is None:
            return
        t = time.monotonic_ns()
        first = last = None
        widest_gap = 0
        for b in bits:
            line = 1 if b == "1" else 0
            _spin_until(t)
            # Each edge is due after the previous one as it actually went out: a late edge delays
            # the frame but never shortens a pulse or an interval (it was a 7 us glitch before).
            fell = edge(line, False, t)
            if last is not None:
                widest_gap = max(widest_gap, fell - last)
            first = fell if first is None else first
            _spin_until(fell + PULSE_NS)
            last = edge(line, True, fell + PULSE_NS)
            t = fell + INTERVAL_NS
            # Sleep most of the gap, spin the rest.
            left = (t - time.monotonic_ns()) / 1e9 - 0.0003
            if left > 0:
                time.sleep(left)
        # Our own account of the frame, to tell a stall of ours from the receiver's view of it.
        if widest_gap > 10_000_000:
            sys.stderr.write(f"wiegand-out: frame of {len(bits)} bits stalled: {widest_gap / 1e6:.1f} ms between "
                             f"two edges (first edge at {first})\n")
            sys.stderr.flush()


class WiegandOut:
    def __init__(self, path, realtime=True):
        ctx = multiprocessing.get_context("fork")
        self._jobs = ctx.Queue()
        self._proc = ctx.Process(target=_transmitter, args=(path, self._jobs, realtime), daemon=True,
                                 name="wiegand-out")
        self._proc.start()
        self.sent = 0

    def send(self, bits):
        self._jobs.put(bits)
        self.sent += 1

    def close(self):
        self._jobs.put(None)
        self._proc.join(timeout=2)
        if self._proc.is_alive():
            self._proc.kill()
