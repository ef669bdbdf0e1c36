"""Resident memory and CPU time of processes, read from /proc (no psutil, no perf on this machine).

ProcessSampler samples a set of processes once a second on a thread: fixed pids with a label,
and/or every descendant of a root pid (a certify run: gaterig -> python3 pytest -> gaterig devsim,
gaterig report). Each sample is one CSV row per process:
    t_s, label, pid, rss_kib, cpu_s
(t_s since the sampler started, rss from /proc/PID/status VmRSS, cpu = utime + stime).
"""
import csv
import os
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """VmRSS of a process in KiB, None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return 0  # a zombie has no VmRSS line


def cpu_s(pid):
    """utime + stime of a process in seconds, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may hold spaces and parentheses: the fields start after the last ')'
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def command_label(pid):
    """A short name for a process: 'gaterig devsim', 'python3 pytest', 'gaterig report'."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    if not argv:
        return None
    exe = os.path.basename(argv[0])
    if exe.startswith("python"):
        return "python3 " + ("pytest" if "pytest" in argv else os.path.basename(argv[1]) if len(argv) > 1 else "")
    return exe + (" " + argv[1] if len(argv) > 1 and not argv[1].startswith("-") else "")


def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


def descendants(root):
    seen, todo = [], [root]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children(p))
    return seen


class ProcessSampler:
    """Samples once every `period_s` until stop(): `fixed` {label: pid or callable -> pid or
    None} and, when `tree_root` is given, every descendant of it labelled by its command line."""

    def __init__(self, csv_path, fixed=None, tree_root=None, period_s=1.0):
        self.csv_path = csv_path
        self.fixed = dict(fixed or {})
        self.tree_root = tree_root
        self.period_s = period_s
        self.rows = []          # (t_s, label, pid, rss_kib, cpu_s)
        self._stop = threading.Event()
        self._thread = None
        self._t0 = None
        self._labels = {}       # pid -> label of a tree process (its command line may change once: exec)

    def start(self):
        self._t0 = time.monotonic()
        self._file = open(self.csv_path, "w", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(["t_s", "label", "pid", "rss_kib", "cpu_s"])
        self._thread = threading.Thread(target=self._run, name="procmon", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sample()  # the last word
        self._file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _run(self):
        next_at = time.monotonic()
        while not self._stop.is_set():
            self.sample()
            next_at += self.period_s
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def sample(self):
        t = round(time.monotonic() - self._t0, 3)
        targets = []
        for label, pid in self.fixed.items():
            pid = pid() if callable(pid) else pid
            if pid:
                targets.append((label, pid))
        if self.tree_root:
            for pid in descendants(self.tree_root):
                label = command_label(pid)
                if label is None:
                    continue
                # The first label seen is kept unless the process exec'd into something else.
                self._labels.setdefault(pid, label)
                if self._labels[pid] != label and not label.startswith(self._labels[pid].split()[0]):
                    self._labels[pid] = label
                targets.append((self._labels[pid], pid))
        for label, pid in targets:
            rss, cpu = rss_kib(pid), cpu_s(pid)
            if rss is None or cpu is None:
                continue
            row = (t, label, pid, rss, cpu)
            self.rows.append(row)
            self._csv.writerow(row)
        self._file.flush()

    def summary(self):
        """Per label: peak RSS (MiB), first and last RSS, CPU seconds used (over every pid of the
        label), samples, and the least-squares slope of RSS over time (MiB per minute)."""
        by = {}
        for t, label, pid, rss, cpu in self.rows:
            by.setdefault(label, []).append((t, pid, rss, cpu))
        out = {}
        for label, rows in by.items():
            cpu_by_pid = {}
            for t, pid, rss, cpu in rows:
                lo, hi = cpu_by_pid.get(pid, (cpu, cpu))
                cpu_by_pid[pid] = (min(lo, cpu), max(hi, cpu))
            # One RSS series per label: at a time with several pids of the label, their sum.
            per_t = {}
            for t, pid, rss, cpu in rows:
                per_t[t] = per_t.get(t, 0) + rss
            series = sorted(per_t.items())
            out[label] = {
                "pids": sorted(cpu_by_pid),
                "samples": len(series),
                "peak_rss_mib": round(max(r for _, r in series) / 1024, 1),
                "first_rss_mib": round(series[0][1] / 1024, 1),
                "last_rss_mib": round(series[-1][1] / 1024, 1),
                "slope_mib_per_min": round(slope(series) * 60 / 1024, 3),
                "cpu_s": round(sum(hi - lo for lo, hi in cpu_by_pid.values()), 1),
                "seen_s": round(series[-1][0] - series[0][0], 1),
            }
        return out


def slope(points):
    """Least-squares slope of (x, y) points; 0 for fewer than 2 distinct x."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / sxx
