#!/usr/bin/env python3
"""Masked-face matching schemes scored offline on a devsim_face_embeddings dump (JX-A.4).

Reproduces the compliant engine's masked decision (simulator/device/face/README.md, session 4:
occlusion gate, averaged five-crop upper face centred on the gallery mean, + 0.5 x whole face,
+ the rank-1 margin) on fold A (the set's own roles) and fold B (roles swapped, each new enrolled
person enrolled with their first normal-light photo), then adds one more score to it and reports
the masked genuine presentations recognised when the threshold sits 0.02 over the highest
impostor decision of the two folds (every non-attack frame of an impostor that reaches the
upper-face search), and with each fold's own threshold:

  lbp        chi-square distance of uniform LBP histograms (radius 2) in cells over the brow and
             eye band of the uncovered eye-aligned grey crop, z-normalised over the gallery
  composite  the probe's upper face over the candidate's own enrolled lower face (a 6-px feathered
             seam at eye line + 40 % / 70 % of the eye-nose distance), embedded and compared with
             the candidate's uncovered enrollment: the embedder sees a whole face, as trained

    build/tests/bench/device/devsim_face_embeddings --set SET --out /tmp/orl
    tests/bench/device/masked_schemes.py --dump /tmp/orl [--model .../fr_feature.onnx]

  band       the embedder's own last 7x7 feature map of the uncovered eye-aligned crop, pooled over
             a band of rows (the brows and eyes) with its own pooling weights and put through its
             last linear layer, added to the engine's upper-face template (gallery-centred)

Prints one line per scheme and weight: "A x/40 B y/40" at the common threshold. --band-at T scores
the band schemes at a fixed threshold T too (with the impostors it admits): ORL's threshold on
the held-out Yale dump is the test of a scheme chosen on ORL.
"""
import argparse
import json
import os

import numpy as np

THR_FACE = 0.45          # rigs/sim.toml's match threshold: above it the whole face decides
OCCLUSION_MIN = 0.625    # periocular_occlusion_min
FACE_WEIGHT, MARGIN_WEIGHT = 0.5, 1.0
ATTACKS = ("print", "screen", "video")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "..", "..", "..", "third_party", "npm", "node_modules",
                             "faceplugin-face-recognition-js", "model", "fr_feature.onnx")


def nrm(v):
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


class Dump:
    def __init__(self, prefix):
        self.items = [json.loads(line) for line in open(prefix + ".jsonl")]
        n = len(self.items)
        emb = np.fromfile(prefix + ".f32", dtype=np.float32).reshape(n, 12, 512)
        self.grey = np.fromfile(prefix + ".u8", dtype=np.uint8).reshape(n, 112, 112)
        self.face = nrm(emb[:, 0])
        self.upper = nrm(nrm(emb[:, [2, 4, 5, 6, 7]]).mean(1))   # eyes40 at 1, 0.92, 1.08, up, down
        self.occlusion = (self.face * nrm(emb[:, 11])).sum(1)

    def gallery(self, swap):
        if not swap:
            return {x["person"]: i for i, x in enumerate(self.items) if x["group"] == "enrollment"}
        enrolled = {x["person"] for x in self.items if x["group"] == "enrollment"}
        first = {}
        for i, x in sorted(enumerate(self.items), key=lambda t: t[1]["presentation"]):
            if x["group"] == "original" and x["person"] not in enrolled:
                first.setdefault(x["person"], i)
        return first


def lbp_features(grey, top=8, bottom=60, rows=4, cols=7, radius=2):
    mapping, bins = np.zeros(256, dtype=np.int32), 0
    for v in range(256):
        bits = [(v >> i) & 1 for i in range(8)]
        if sum(bits[i] != bits[(i + 1) % 8] for i in range(8)) <= 2:
            mapping[v], bins = bins, bins + 1
        else:
            mapping[v] = -1
    mapping[mapping < 0] = bins
    bins += 1
    out = []
    r = radius
    for img in grey:
        im = img[top - r:bottom + r].astype(np.int16)
        h, w = im.shape
        c = im[r:h - r, r:w - r]
        code = np.zeros(c.shape, dtype=np.uint8)
        for k, (dy, dx) in enumerate([(-r, -r), (-r, 0), (-r, r), (0, r), (r, r), (r, 0), (r, -r), (0, -r)]):
            code |= (im[r + dy:h - r + dy, r + dx:w - r + dx] >= c).astype(np.uint8) << k
        code = mapping[code]
        ch, cw = code.shape
        cells = []
        for a in range(rows):
            for b in range(cols):
                cell = code[a * ch // rows:(a + 1) * ch // rows, b * cw // cols:(b + 1) * cw // cols]
                hist = np.bincount(cell.ravel(), minlength=bins).astype(np.float32)
                cells.append(hist / max(1.0, hist.sum()))
        out.append(np.concatenate(cells))
    return np.stack(out)


class Composite:
    def __init__(self, model):
        import cv2
        self.cv2 = cv2
        self.net = cv2.dnn.readNetFromONNX(model)

    def embed(self, greys):
        cv2 = self.cv2
        imgs = [cv2.cvtColor(g, cv2.COLOR_GRAY2BGR) for g in greys]
        blob = cv2.dnn.blobFromImages(imgs, 1 / 128.0, (112, 112), (127, 127, 127), swapRB=True, crop=False)
        self.net.setInput(blob)
        return nrm(self.net.forward().reshape(len(imgs), -1))

    @staticmethod
    def join(probe, enrolled, seam, feather=6):
        w = np.clip((np.arange(112) - (seam - feather / 2)) / feather, 0, 1)[:, None]
        return (probe.astype(np.float32) * (1 - w) + enrolled.astype(np.float32) * w).astype(np.uint8)


def searched(d, gi):
    """Frames that reach the upper-face search: not attacks, not matched on the whole face, covered."""
    gset = set(gi.tolist())
    for i, x in enumerate(d.items):
        if x["group"] == "enrollment" or not x["found"] or x["group"] in ATTACKS or i in gset:
            continue
        if (d.face[gi] @ d.face[i]).max() >= THR_FACE or d.occlusion[i] < OCCLUSION_MIN:
            continue
        yield i


def fold(d, swap, extra, upper_for=None):
    """(masked genuine decisions, impostor decisions, masked passed on the whole face, masked shown)"""
    g = d.gallery(swap)
    persons = sorted(g)
    gi = np.array([g[p] for p in persons])
    upper = d.upper if upper_for is None else upper_for(gi)
    mu = upper[gi].mean(0)
    gup = nrm(upper[gi] - mu)
    genuine, impostor = [], []
    probes = list(searched(d, gi))
    for i in probes:
        s = gup @ nrm(upper[i] - mu) + FACE_WEIGHT * (d.face[gi] @ d.face[i])
        if extra is not None:
            s = s + extra(gi, i)
        o = np.argsort(-s)
        decision = s[o[0]] + MARGIN_WEIGHT * (s[o[0]] - s[o[1]])
        if persons[o[0]] == d.items[i]["person"]:
            if d.items[i]["group"] == "mask":
                genuine.append(decision)
        else:
            impostor.append(decision)
    shown = sum(1 for x in d.items if x["group"] == "mask" and x["person"] in g)
    not_searched = [i for i, x in enumerate(d.items) if x["group"] == "mask" and x["person"] in g and i not in probes]
    whole = sum(1 for i in not_searched if (d.face[gi] @ d.face[i]).max() >= THR_FACE)
    return np.array(genuine), np.array(impostor), whole, shown


def report(d, name, extra_for_fold, upper_for=None, at=None):
    """Masked genuine recognised at a threshold 0.02 over both folds' highest impostor, or at `at`
    (a threshold chosen on another set: then the impostors it lets in are counted too)."""
    folds = [fold(d, swap, extra_for_fold(swap), upper_for) for swap in (False, True)]
    common = max(f[1].max() for f in folds) + 0.02 if at is None else at
    cells = []
    for label, (gen, imp, whole, shown) in zip("AB", folds):
        own = imp.max() + 0.02
        cell = f"{label} {whole + int((gen >= common).sum())}/{shown} (own threshold {whole + int((gen >= own).sum())})"
        if at is not None:
            cell += f" impostors accepted {int((imp >= at).sum())}/{len(imp)} (highest {imp.max():.3f})"
        cells.append(cell)
    print(f"{name:<24} threshold {common:.3f}: " + ", ".join(cells))


class UpperFeatureMap:
    """The embedder's last 7x7x512 map (before its global depthwise pooling) summed over a band of
    rows only, then through its last linear layer: an upper-face embedding from the uncovered
    crop, in the embedder's own space."""
    LAST_MAP, POOL, LINEAR = "onnx_node!PRelu_92", "onnx_node!Conv_93", "onnx_node!Conv_94"

    def __init__(self, model, grey):
        import cv2
        net = cv2.dnn.readNetFromONNX(model)
        self.maps = np.zeros((len(grey), 512, 7, 7), np.float32)
        for k in range(0, len(grey), 32):
            imgs = [cv2.cvtColor(g, cv2.COLOR_GRAY2BGR) for g in grey[k:k + 32]]
            net.setInput(cv2.dnn.blobFromImages(imgs, 1 / 128.0, (112, 112), (127, 127, 127), swapRB=True, crop=False))
            self.maps[k:k + len(imgs)] = net.forward(self.LAST_MAP)
        pool, linear = net.getLayerId(self.POOL), net.getLayerId(self.LINEAR)
        self.pool_w, self.pool_b = net.getParam(pool, 0)[:, 0], net.getParam(pool, 1)[:, 0]
        self.lin_w, self.lin_b = net.getParam(linear, 0)[:, :, 0, 0], net.getParam(linear, 1)[:, 0]

    def rows(self, first, last):
        band = np.zeros((7, 7), np.float32)
        band[first:last] = 1
        pooled = (self.maps * (self.pool_w * band)[None]).sum((2, 3)) + self.pool_b
        return nrm(pooled @ self.lin_w.T + self.lin_b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", required=True, help="devsim_face_embeddings --out PREFIX")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="fr_feature.onnx (for the composite scheme)")
    ap.add_argument("--no-composite", action="store_true", help="skip the composite scheme (needs cv2)")
    ap.add_argument("--band-at", type=float, action="append", default=[],
                    help="also score the feature-map band schemes at this fixed threshold (one chosen on "
                         "another set: e.g. ORL's, on the held-out Yale dump); repeatable")
    a = ap.parse_args()
    d = Dump(a.dump)
    report(d, "engine (session 4)", lambda swap: None)

    band = UpperFeatureMap(a.model, d.grey)
    for first, last in ((0, 3), (1, 3), (0, 4)):
        feature = band.rows(first, last)
        for w in (0.5, 1.0):
            def upper_for(gi, feature=feature, w=w):
                return nrm(d.upper - d.upper[gi].mean(0)) + w * nrm(feature - feature[gi].mean(0))
            report(d, f"+ band rows {first}-{last - 1} x {w}", lambda swap: None, upper_for)
            for at in a.band_at:
                report(d, f"  at {at}", lambda swap: None, upper_for, at)

    lbp = lbp_features(d.grey)
    for w in (0.02, 0.05, 0.1):
        def extra(swap, w=w):
            def f(gi, i):
                t = -(((lbp[gi] - lbp[i]) ** 2) / (lbp[gi] + lbp[i] + 1e-9)).sum(-1)
                return w * (t - t.mean()) / (t.std() + 1e-9)
            return f
        report(d, f"+ lbp z x {w}", extra)

    if a.no_composite:
        return
    comp = Composite(a.model)
    eyes, nose = 51.6, 71.7   # ArcFace reference eye line and nose tip (fixtures/face/align.hpp)
    for frac in (0.4, 0.7):
        seam = eyes + frac * (nose - eyes)
        cache = {}

        def scores(gi, i):
            key = (tuple(gi.tolist()), i)
            if key not in cache:
                enrolled = comp.embed([d.grey[j] for j in gi])
                joined = comp.embed([Composite.join(d.grey[i], d.grey[j], seam) for j in gi])
                cache[key] = (joined * enrolled).sum(1)
            return cache[key]
        for w in (0.25, 0.5, 1.0):
            report(d, f"+ composite@{frac} x {w}", lambda swap, w=w: (lambda gi, i: w * (scores(gi, i) - scores(gi, i).mean())))


if __name__ == "__main__":
    main()
