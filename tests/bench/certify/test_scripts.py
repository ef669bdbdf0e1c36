"""The benchmark scripts' own arithmetic on made-up inputs (no rig, no build: stdlib only, well
under a second). The measurements themselves are run by hand (README.md here)."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import certify_time  # noqa: E402
import latency_accuracy  # noqa: E402
import procmon  # noqa: E402


class Phases(unittest.TestCase):
    def test_time_is_split_by_what_progress_jsonl_says(self):
        progress = [
            {"event": "session", "state": "collected", "at": 102.0},
            {"event": "test", "state": "started", "nodeid": "a.py::t1", "clause": "JX-A.1", "at": 102.0},
            {"event": "rig", "state": "starting", "at": 102.5},
            {"event": "rig", "state": "started", "at": 104.0},
            {"event": "progress", "clause": "JX-A.1", "group": "JX-A.1/outage", "done": 1, "total": 2, "at": 106.0},
            {"event": "progress", "clause": "JX-A.1", "group": "JX-A.1/outage", "done": 2, "total": 2,
             "trials_per_s": 1.0, "at": 107.0},
            {"event": "test", "state": "finished", "nodeid": "a.py::t1", "clause": "JX-A.1", "status": "done", "at": 110.0},
            {"event": "test", "state": "started", "nodeid": "b.py::t2", "clause": "JX-A.2", "at": 110.0},
            {"event": "test", "state": "finished", "nodeid": "b.py::t2", "clause": "JX-A.2", "status": "done", "at": 130.0},
            {"event": "test", "state": "started", "nodeid": "a.py::t3", "clause": "JX-A.1", "at": 130.0},
            {"event": "test", "state": "finished", "nodeid": "a.py::t3", "clause": "JX-A.1", "status": "done", "at": 131.0},
            {"event": "session", "state": "finished", "at": 132.5},
        ]
        p = certify_time.phases(progress, t_start=100.0, t_end=140.0)
        self.assertEqual(p["startup_s"], 2.0)
        self.assertEqual(p["rig_start_s"], 1.5)
        self.assertEqual(p["tests_s"], 29.0)
        self.assertEqual(p["results_s"], 1.5)
        self.assertEqual(p["report_s"], 7.5)
        self.assertEqual(p["trials"], 2)
        by_clause = {c["clause"]: c for c in p["clauses"]}
        self.assertEqual(by_clause["JX-A.1"]["seconds"], 9.0)
        self.assertEqual(by_clause["JX-A.1"]["tests"], 2)
        self.assertEqual(by_clause["JX-A.1"]["trials"], 2)
        self.assertEqual(p["clauses"][0]["clause"], "JX-A.2")  # the longest first

    def test_verdicts_are_counted_pass_first(self):
        got = certify_time.verdict_counts({"A": "FAIL", "B": "PASS", "C": "NOT TESTED", "D": "PASS"})
        self.assertEqual(got, "2 PASS, 1 FAIL, 1 NOT TESTED")
        self.assertIsNone(certify_time.verdict_counts({}))

    def test_a_test_cut_by_a_kill_is_unfinished_not_dropped(self):
        progress = [{"event": "test", "state": "started", "nodeid": "a.py::t1", "clause": "JX-A.1", "at": 1.0}]
        p = certify_time.phases(progress, t_start=0.0, t_end=5.0)
        self.assertEqual(p["tests"][0]["status"], "unfinished")
        self.assertIsNone(p["results_s"])


class TrialCosts(unittest.TestCase):
    def test_each_trial_costs_up_to_the_next_photon_of_its_group(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "trials.csv")
            with open(path, "w") as f:
                f.write("trial,group,photon_mono_ns,outcome\n"
                        "T1,g1,1000000000,true_accept\n"
                        "T2,g1,2000000000,false_reject\n"
                        "T3,g1,7500000000,true_accept\n"
                        "T1,g2,100000000000,correct_refusal\n"
                        "T2,g2,101500000000,correct_refusal\n")
            costs = {c["outcome"]: c for c in certify_time.trial_costs(path)}
        self.assertEqual(costs["false_reject"]["seconds"], 5.5)
        self.assertEqual(costs["true_accept"]["trials"], 1)   # the group's last has no next photon
        self.assertEqual(costs["true_accept"]["seconds"], 1.0)
        self.assertEqual(costs["correct_refusal"]["mean_s"], 1.5)
        self.assertEqual(certify_time.trial_costs(os.path.join(d, "absent.csv")), [])


class Matching(unittest.TestCase):
    MS = 1_000_000

    def decision(self, frame, shown, decided, edge):
        return {"frame": frame, "shown_ns": shown, "received_ns": shown + self.MS, "decided_ns": decided,
                "first_edge_ns": edge}

    def test_error_splits_into_photon_injection_and_capture(self):
        ms = self.MS
        # photon at 1000 ms; the terminal's frame says shown 1000.5; decided at 1030; delay 40 -> edge
        # due 1070 but sent at 1071; the rig's probe says 1071.25.
        row = {"trial": "T1", "outcome": "true_accept", "photon_mono": 1000 * ms, "frame_at": 1071250000,
               "latency_ns": 71250000, "frames": 1}
        decisions = [self.decision(7, 1000500000, 1030 * ms, 1071 * ms),
                     self.decision(9, 5000 * ms, 5030 * ms, 5070 * ms)]
        [p] = latency_accuracy.match([row], decisions, 40.0, match_ms=50)
        self.assertTrue(p["matched"])
        self.assertEqual(p["frame"], 7)
        self.assertAlmostEqual(p["expected_ms"], 29.5 + 40.0)
        self.assertAlmostEqual(p["error_ms"], 71.25 - 69.5)
        self.assertAlmostEqual(p["photon_offset_ms"], 0.5)
        self.assertAlmostEqual(p["injection_error_ms"], 1.0)
        self.assertAlmostEqual(p["capture_lag_ms"], 0.25)
        self.assertAlmostEqual(p["photon_offset_ms"] + p["injection_error_ms"] + p["capture_lag_ms"], p["error_ms"])
        self.assertAlmostEqual(p["vs_terminal_ms"], 71.25 - 70.5)

    def test_an_edge_far_from_every_decision_is_not_paired(self):
        row = {"trial": "T1", "outcome": "true_accept", "photon_mono": 0, "frame_at": 900 * self.MS,
               "latency_ns": 900 * self.MS}
        [p] = latency_accuracy.match([row], [self.decision(1, 0, 10 * self.MS, 20 * self.MS)], 0.0, match_ms=50)
        self.assertFalse(p["matched"])

    def test_trials_without_an_edge_are_left_out(self):
        row = {"trial": "T1", "outcome": "false_reject", "photon_mono": 0, "frame_at": None, "latency_ns": None}
        self.assertEqual(latency_accuracy.match([row], [], 0.0, match_ms=50), [])

    def test_spread_takes_each_persons_first_photo_before_any_second(self):
        class P:
            def __init__(self, person, n):
                self.person, self.n = person, n
        ps = [P("a", 1), P("a", 2), P("b", 1), P("c", 1), P("c", 2)]
        got = [(p.person, p.n) for p in latency_accuracy.spread(ps, 4)]
        self.assertEqual(got, [("a", 1), ("b", 1), ("c", 1), ("a", 2)])


class Memory(unittest.TestCase):
    def test_slope_of_a_line(self):
        self.assertAlmostEqual(procmon.slope([(0, 10), (1, 12), (2, 14)]), 2.0)
        self.assertEqual(procmon.slope([(0, 10)]), 0.0)

    def test_this_process_is_sampled_and_summarised(self):
        with tempfile.TemporaryDirectory() as d:
            sampler = procmon.ProcessSampler(os.path.join(d, "rss.csv"), fixed={"me": os.getpid()}, period_s=0.05)
            sampler.start()
            sampler.stop()
            s = sampler.summary()["me"]
            self.assertGreater(s["peak_rss_mib"], 1.0)
            with open(os.path.join(d, "rss.csv")) as f:
                self.assertEqual(f.readline().strip(), "t_s,label,pid,rss_kib,cpu_s")

    def test_a_child_is_found_in_the_tree_with_its_command(self):
        with tempfile.TemporaryDirectory() as d:
            child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
            try:
                sampler = procmon.ProcessSampler(os.path.join(d, "rss.csv"), tree_root=os.getpid(), period_s=10)
                sampler.start()
                sampler.stop()
                self.assertIn(child.pid, [pid for _, _, pid, _, _ in sampler.rows])
            finally:
                child.stdin.close()
                child.wait(timeout=10)

    def test_a_gone_process_reads_as_none(self):
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        child.wait(timeout=10)
        self.assertIsNone(procmon.rss_kib(child.pid))
        self.assertIsNone(procmon.cpu_s(child.pid))


if __name__ == "__main__":
    unittest.main()
