"""Face engine of the foreign terminal: YuNet (cv2.FaceDetectorYN) finds the face and its five
landmarks, a similarity transform of our own brings them onto the usual 112x112 template, the
512-D embedder (fr_feature.onnx, input (x-127)/128 RGB) through cv2.dnn, cosine similarity."""
import threading

import cv2
import numpy as np

# Eye centres, nose tip, mouth corners on a 112x112 aligned crop (the common ArcFace template).
TEMPLATE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                     [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)
MIN_LONG_SIDE = 320
MAX_LONG_SIDE = 960


class NoFace(Exception):
    pass


class FaceEngine:
    def __init__(self, yunet_path, embedder_path, score_threshold=0.9):
        self._detector = cv2.FaceDetectorYN.create(str(yunet_path), "", (320, 320), score_threshold, 0.3, 5000)
        self._net = cv2.dnn.readNetFromONNX(str(embedder_path))
        self._lock = threading.Lock()  # cv2.dnn nets are not thread-safe

    def _detect(self, bgr):
        long_side = max(bgr.shape[:2])
        scale = 1.0
        if long_side < MIN_LONG_SIDE:
            scale = float(np.ceil(MIN_LONG_SIDE / long_side))
        elif long_side > MAX_LONG_SIDE:
            scale = MAX_LONG_SIDE / long_side
        work = bgr if scale == 1.0 else cv2.resize(bgr, None, fx=scale, fy=scale,
                                                    interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        self._detector.setInputSize((work.shape[1], work.shape[0]))
        _, faces = self._detector.detect(work)
        if faces is None or len(faces) == 0:
            return None
        best = max(faces, key=lambda f: f[14])
        return best[:15] / np.array([scale] * 14 + [1.0], dtype=np.float32)

    def embed(self, bgr):
        """The unit embedding of the most confident face in the image; NoFace when none."""
        if bgr.ndim == 2:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
        with self._lock:
            face = self._detect(bgr)
            if face is None:
                raise NoFace("no face found")
            points = face[4:14].reshape(5, 2).astype(np.float32)
            m, _ = cv2.estimateAffinePartial2D(points, TEMPLATE, method=cv2.LMEDS)
            if m is None:
                raise NoFace("landmarks do not fit the template")
            aligned = cv2.warpAffine(bgr, m, (112, 112), borderMode=cv2.BORDER_REPLICATE)
            blob = cv2.dnn.blobFromImage(aligned, 1.0 / 128.0, (112, 112), (127, 127, 127), swapRB=True, crop=False)
            self._net.setInput(blob)
            v = self._net.forward().reshape(-1).astype(np.float32)
        n = float(np.linalg.norm(v))
        if n == 0.0:
            raise NoFace("empty embedding")
        return v / n


class Gallery:
    """Enrolled workers by ID number: their embedding, matched by cosine similarity."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids = []
        self._rows = np.zeros((0, 512), np.float32)
        self._digests = {}

    def replace(self, entries):
        """entries: {id_number: (photo_digest, embedding)}"""
        with self._lock:
            self._ids = list(entries)
            self._rows = np.stack([entries[i][1] for i in self._ids]) if entries else np.zeros((0, 512), np.float32)
            self._digests = {i: entries[i][0] for i in self._ids}

    def digest(self, id_number):
        with self._lock:
            return self._digests.get(id_number)

    def embedding(self, id_number):
        with self._lock:
            return self._rows[self._ids.index(id_number)] if id_number in self._digests else None

    def __len__(self):
        with self._lock:
            return len(self._ids)

    def best(self, v):
        """(id_number, similarity) of the closest worker, or (None, 0.0) when nobody is enrolled."""
        with self._lock:
            if not self._ids:
                return None, 0.0
            sims = self._rows @ v
            k = int(np.argmax(sims))
            return self._ids[k], float(sims[k])
