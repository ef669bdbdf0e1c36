#!/usr/bin/env python3
"""Writes the Wiegand replay traces and their expectations, reasoning from SPEC.md alone.

SPEC.md, "The Wiegand wire": D0/D1 idle high; a 0 is a low pulse on D0, a 1 on D1; pulse width
20-100 us; pulse interval 200 us-20 ms; a frame ends after about 25 ms of silence. WG26: bit 1
even parity over bits 2-13, bits 2-25 = 8-bit facility + 16-bit card, bit 26 odd parity over bits
14-25. WG34: bit 1 even parity over bits 2-17, 32 data bits, bit 34 odd parity over bits 18-33.

This script shares no code with the C++ decoder. Each trace NAME.jsonl (format: probes/wiegand/
TRACE_FORMAT.md) comes with NAME.expect.json: the frames `gaterig probe wiegand --replay --json`
must print, in order, each with its format, facility/card where the layout is known, and the exact
set of finding rule ids (probes/wiegand/README.md). Run it again to regenerate; output is
deterministic (seeded).
"""
import json
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent
US = 1000
MS = 1000 * US
T0 = 10 * 1000 * MS  # 10 s: traces start at an arbitrary monotonic time


def wg26(facility, card):
    data = format(facility, "08b") + format(card, "016b")
    even = "1" if data[:12].count("1") % 2 else "0"   # bits 2-13 plus bit 1 even
    odd = "0" if data[12:].count("1") % 2 else "1"    # bits 14-25 plus bit 26 odd
    return even + data + odd


def wg34(data32):
    data = format(data32, "032b")
    even = "1" if data[:16].count("1") % 2 else "0"
    odd = "0" if data[16:].count("1") % 2 else "1"
    return even + data + odd


def pulses(bits, start, width=50 * US, interval=2 * MS):
    """[(line, falling_t, rising_t)] for each bit."""
    return [("d0" if b == "0" else "d1", start + i * interval, start + i * interval + width)
            for i, b in enumerate(bits)]


def edges_of(pulse_list):
    out = []
    for line, fall, rise in pulse_list:
        out.append({"t_ns": fall, "line": line, "edge": "falling"})
        if rise is not None:
            out.append({"t_ns": rise, "line": line, "edge": "rising"})
    return out


def frame_end(pulse_list):
    return max(r if r is not None else f for _, f, r in pulse_list)


def expect(fmt, facility=None, card=None, findings=(), bits=None, data=None):
    e = {"format": fmt, "findings": sorted(findings)}
    if fmt != "raw":
        e["facility"] = facility
        e["card"] = card
    else:
        e["facility"] = None
        e["card"] = None
    if bits is not None:
        e["bit_count"] = bits
    if data is not None:
        e["data"] = data
    return e


TRACES = {}


def trace(name, description):
    def register(fn):
        TRACES[name] = (description, fn)
        return fn
    return register


GAP = 25 * MS  # the silence that separates frames


@trace("good_wg26", "three WG26 frames at common timing (50 us / 2 ms), 200 ms apart")
def _():
    ev, exp, t = [], [], T0
    for fac, card in [(12, 3456), (0, 0), (255, 65535)]:
        p = pulses(wg26(fac, card), t)
        ev += edges_of(p)
        exp.append(expect("wg26", fac, card, bits=26))
        t = frame_end(p) + 200 * MS
    return ev, exp


@trace("good_wg34", "WG34 frames: facility = upper 16 data bits, card = lower 16, data = all 32")
def _():
    ev, exp, t = [], [], T0
    for data in [0x12345678, 0xFFFFFFFF, 1]:
        p = pulses(wg34(data), t, 80 * US, 1500 * US)
        ev += edges_of(p)
        exp.append(expect("wg34", data >> 16, data & 0xFFFF, bits=34, data=data))
        t = frame_end(p) + 100 * MS
    return ev, exp


@trace("limits_exact", "timing exactly at the SPEC limits is legal: 20 us/200 us and 100 us/20 ms")
def _():
    p1 = pulses(wg26(1, 2), T0, 20 * US, 200 * US)
    p2 = pulses(wg26(3, 4), frame_end(p1) + 500 * MS, 100 * US, 20 * MS)
    return edges_of(p1) + edges_of(p2), [expect("wg26", 1, 2), expect("wg26", 3, 4)]


@trace("back_to_back_min_gap", "ten WG26 frames at the fastest legal rate: 20 us pulses, 200 us "
       "intervals, the next frame starting exactly 25 ms after the previous frame's last edge")
def _():
    ev, exp, t = [], [], T0
    for i in range(10):
        p = pulses(wg26(i, 1000 + i), t, 20 * US, 200 * US)
        ev += edges_of(p)
        exp.append(expect("wg26", i, 1000 + i))
        t = frame_end(p) + GAP
    return ev, exp


@trace("rates_1hz_to_10hz", "frames at 1 Hz, then at 10 Hz")
def _():
    ev, exp, t = [], [], T0
    for i, period in enumerate([1000 * MS] * 3 + [100 * MS] * 5):
        p = pulses(wg26(7, i), t)
        ev += edges_of(p)
        exp.append(expect("wg26", 7, i))
        t += period
    return ev, exp


@trace("pulse_too_short", "every pulse 15 us wide (limit 20 us): still bits, flagged")
def _():
    return edges_of(pulses(wg26(9, 99), T0, 15 * US)), [expect("wg26", 9, 99, ["pulse-too-short"])]


@trace("pulse_too_long", "every pulse 150 us wide (limit 100 us)")
def _():
    return edges_of(pulses(wg26(9, 99), T0, 150 * US)), [expect("wg26", 9, 99, ["pulse-too-long"])]


@trace("interval_too_short", "pulses every 150 us (limit 200 us)")
def _():
    return edges_of(pulses(wg26(9, 99), T0, 50 * US, 150 * US)), [expect("wg26", 9, 99, ["interval-too-short"])]


@trace("interval_too_long", "one 22 ms interval between bits 13 and 14 (limit 20 ms, frame ends at 25 ms)")
def _():
    p = pulses(wg26(9, 99), T0)
    p = [(l, f + (20 * MS if i >= 13 else 0), r + (20 * MS if i >= 13 else 0)) for i, (l, f, r) in enumerate(p)]
    return edges_of(p), [expect("wg26", 9, 99, ["interval-too-long"])]


@trace("both_lines_low", "bit 6's pulse lasts 2.5 ms, so bit 7 starts while it is still low "
       "(it is also far too long); a clean frame follows")
def _():
    bits = wg26(5, 21845)  # card 0101...: the lines alternate, so bits 6 and 7 are on different lines
    p = pulses(bits, T0)
    assert p[5][0] != p[6][0]
    l, f, _ = p[5]
    p[5] = (l, f, f + 2500 * US)
    p2 = pulses(wg26(6, 1), frame_end(p) + 100 * MS)
    return edges_of(p) + edges_of(p2), [expect("wg26", 5, 21845, ["both-lines-low", "pulse-too-long"]),
                                         expect("wg26", 6, 1)]


@trace("glitch", "a 2 us spike on D1 midway between bits 10 and 11, and a lone 3 us spike on D0 "
       "500 ms later: the first frame still decodes; the lone spike is a frame of no bits")
def _():
    p = pulses(wg26(77, 7777), T0)
    spike_t = p[9][1] + 1 * MS
    p.append(("d1", spike_t, spike_t + 2 * US))
    p.sort(key=lambda x: x[1])
    lone = T0 + 500 * MS
    return (edges_of(p) + edges_of([("d0", lone, lone + 3 * US)]),
            [expect("wg26", 77, 7777, ["glitch"]), expect("raw", findings=["glitch"], bits=0)])


@trace("noise", "seeded random bursts of legal-looking pulses between two good frames: raw frames "
       "of unknown length, never a card")
def _():
    rng = random.Random(20240601)
    ev, exp = [], []
    p = pulses(wg26(1, 1), T0)
    ev += edges_of(p)
    exp.append(expect("wg26", 1, 1))
    t = frame_end(p) + 300 * MS
    for n in [1, 5, 13, 27]:  # none is 26 or 34 bits
        burst = []
        for _ in range(n):
            w = rng.randint(30, 90) * US
            burst.append((rng.choice(["d0", "d1"]), t, t + w))
            t += rng.randint(300, 3000) * US
        ev += edges_of(burst)
        exp.append(expect("raw", findings=["unknown-length"], bits=n))
        t = frame_end(burst) + 200 * MS
    p = pulses(wg26(2, 2), t)
    ev += edges_of(p)
    exp.append(expect("wg26", 2, 2))
    return ev, exp


@trace("truncated", "a WG26 frame cut after 20 bits; one whose capture starts inside bit 1's pulse; "
       "one that stops with D1 still low (line stuck or capture cut); D1 released 10 ms before the next frame")
def _():
    ev, exp = [], []
    p = pulses(wg26(3, 3), T0)[:20]
    ev += edges_of(p)
    exp.append(expect("raw", findings=["unknown-length"], bits=20))
    t = frame_end(p) + 200 * MS
    p = pulses(wg26(4, 4), t)
    e = edges_of(p)[1:]  # the falling edge of bit 1 happened before the capture
    ev += e
    exp.append(expect("raw", findings=["unknown-length", "unpaired-edge"], bits=25))
    t = frame_end(p) + 200 * MS
    bits = wg26(5, 5)
    assert bits[-1] == "1"
    p = pulses(bits, t)
    p[-1] = (p[-1][0], p[-1][1], None)  # the last pulse never rises again
    ev += edges_of(p)
    exp.append(expect("wg26", 5, 5, ["unpaired-edge"]))  # the falling edge counted bit 26
    t = p[-1][1] + 200 * MS
    p = pulses(wg26(6, 6), t)
    # D1 comes back up 10 ms before the next frame: within the 25 ms silence, so that rising edge
    # opens the next frame, which decodes but shows the unpaired edge.
    ev += [{"t_ns": p[0][1] - 10 * MS, "line": "d1", "edge": "rising", "note": "D1 released"}]
    ev += edges_of(p)
    exp.append(expect("wg26", 6, 6, ["unpaired-edge"]))
    return ev, exp


@trace("swapped_lines", "WG26 and WG34 frames with D0 and D1 wired the wrong way round: every bit "
       "inverted, so both parities fail (each parity group has an odd number of bits)")
def _():
    def swap(pl):
        return [("d1" if l == "d0" else "d0", f, r) for l, f, r in pl]
    p1 = swap(pulses(wg26(12, 3456), T0))
    p2 = swap(pulses(wg34(0xCAFEF00D), frame_end(p1) + 200 * MS))
    inv26 = int("".join("1" if c == "0" else "0" for c in wg26(12, 3456)[1:25]), 2)
    inv34 = int("".join("1" if c == "0" else "0" for c in wg34(0xCAFEF00D)[1:33]), 2)
    return edges_of(p1) + edges_of(p2), [
        expect("wg26", inv26 >> 16, inv26 & 0xFFFF, ["parity-even-bad", "parity-odd-bad"]),
        expect("wg34", inv34 >> 16, inv34 & 0xFFFF, ["parity-even-bad", "parity-odd-bad"])]


@trace("bad_parity", "WG26 with a facility bit flipped (even parity fails), WG26 with the odd parity "
       "bit flipped, WG34 with a data bit of the second half flipped (odd parity fails)")
def _():
    def flip(bits, i):
        return bits[:i] + ("1" if bits[i] == "0" else "0") + bits[i + 1:]
    b1 = flip(wg26(16, 100), 5)   # bit 6: a facility bit
    b2 = flip(wg26(16, 100), 25)  # bit 26: the odd parity bit itself
    b3 = flip(wg34(0x00010002), 30)
    ev, t = [], T0
    for b in (b1, b2, b3):
        p = pulses(b, t)
        ev += edges_of(p)
        t = frame_end(p) + 200 * MS
    return ev, [expect("wg26", int(b1[1:9], 2), 100, ["parity-even-bad"]),
                expect("wg26", 16, 100, ["parity-odd-bad"]),
                expect("wg34", 1, int(b3[17:33], 2), ["parity-odd-bad"])]


@trace("lost_edges", "a frame missing the rising edge of bit 8 (its line falls twice), and one whose "
       "recorder marked an overflow (\"loss\": true) before bit 20")
def _():
    p = pulses(wg26(8, 800), T0)
    e = edges_of(p)
    del e[15]  # bit 8's rising edge
    p2 = pulses(wg26(9, 900), frame_end(p) + 200 * MS)
    e2 = edges_of(p2)
    e2[38]["loss"] = True
    return e + e2, [expect("wg26", 8, 800, ["lost-edges"]), expect("wg26", 9, 900, ["lost-edges"])]


@trace("unknown_lengths_and_photodiode", "a 37-bit frame, a 4-bit frame, and photodiode/relay edges "
       "between them (never part of a frame)")
def _():
    rng = random.Random(7)
    bits37 = "".join(rng.choice("01") for _ in range(37))
    p1 = pulses(bits37, T0)
    t = frame_end(p1) + 100 * MS
    other = [{"t_ns": t, "line": "photodiode", "edge": "rising"},
             {"t_ns": t + 1 * MS, "line": "relay", "edge": "falling"}]
    p2 = pulses("1010", t + 100 * MS)
    return (edges_of(p1) + other + edges_of(p2),
            [expect("raw", findings=["unknown-length"], bits=37), expect("raw", findings=["unknown-length"], bits=4)])


MALFORMED = {
    "bad_json": ('{"t_ns": 1, "line": "d0", "edge": "falling"}\n{"t_ns": 2, "line": "d0",\n', 3),
    "bad_line_name": ('{"t_ns": 1, "line": "D0", "edge": "falling"}\n', 2),
    "time_backwards": ('{"t_ns": 5000, "line": "d0", "edge": "falling"}\n'
                       '{"t_ns": 4000, "line": "d0", "edge": "rising"}\n', 3),
    "no_header": ('{"t_ns": 1, "line": "d0", "edge": "falling"}\n', 1),
}


def main():
    header = {"format": "gaterig-wiegand-trace", "version": 1, "clock": "CLOCK_MONOTONIC",
              "source": "tests/wiegand/traces/make_traces.py (synthesized from SPEC.md)"}
    for name, (description, fn) in TRACES.items():
        edges, frames = fn()
        edges.sort(key=lambda e: e["t_ns"])
        with open(HERE / f"{name}.jsonl", "w") as f:
            f.write(json.dumps(dict(header, description=description)) + "\n")
            for e in edges:
                f.write(json.dumps(e) + "\n")
        with open(HERE / f"{name}.expect.json", "w") as f:
            json.dump({"description": description, "frames": frames}, f, indent=1)
            f.write("\n")
    for name, (body, line) in MALFORMED.items():
        text = body if name == "no_header" else json.dumps(header) + "\n" + body
        (HERE / "malformed" / f"{name}.jsonl").write_text(text)
        (HERE / "malformed" / f"{name}.expect.json").write_text(json.dumps({"line": line}) + "\n")


if __name__ == "__main__":
    main()
