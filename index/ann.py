"""Nearest passages of a question vector within one segment: approximate first, exact after.

A segment's vectors lie in `vectors.f16`, float16, one row per passage, memory-mapped: a question
reads only the rows of its candidates (a million passages of 384 dimensions are 768 MB on disk).

- A segment of `IVF_MIN` passages or more also has `ann.faiss`: a FAISS IVF index (inner
  product) with 8-bit scalar-quantised codes (384 bytes a passage), its `nlist` lists trained by
  k-means on a sample of `TRAIN_PER_LIST` vectors a list. A question visits `nprobe` lists and
  returns the `k` best by the quantised codes; the caller re-scores those exactly from the float16
  rows (`index.ranking.centred`). Measured with `bench/scale.py` (see the README's figures).
- A smaller segment is searched exactly: its vectors are held as float32 (at most
  `IVF_MIN` x 384 x 4 bytes, 30 MB).
- A filter that admits few passages (at most `EXACT_MAX`) is searched exactly over those rows,
  whatever the segment's size; one that admits more searches the IVF lists with the admitted rows
  as a bitmap, visiting more lists the fewer it admits, so filtered questions still find `k`.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

IVF_MIN = 20_000
EXACT_MAX = 30_000
TRAIN_PER_LIST = 40
# Lists a question visits. Top-10 overlap with an exact search at a million passages
# (`bench/scale.py`, 20 questions, with search.CANDIDATES rows re-scored): nprobe 16 and 200
# rows .87, 32 and 400 .95, 48 and 400 .97, 64 and 400 .98. The scan grows with nprobe: a few
# milliseconds at 48 on an idle core.
NPROBE = 48
_ADD_BATCH = 100_000
FILE = "ann.faiss"


def lists_for(count: int) -> int:
    """IVF lists for `count` vectors: the power of two nearest the square root (1M -> 1024)."""
    return int(2 ** round(np.log2(max(count, 1) ** 0.5)))


def write(directory: Path, vectors: np.ndarray, seed: int = 0) -> None:
    """Train and fill the IVF index of `vectors` (float16 rows) when there are enough of them."""
    count, dimension = vectors.shape
    if count < IVF_MIN:
        return
    nlist = lists_for(count)
    rng = np.random.default_rng(seed)
    sample_rows = np.sort(rng.choice(count, min(count, TRAIN_PER_LIST * nlist), replace=False))
    sample = np.ascontiguousarray(vectors[sample_rows], dtype=np.float32)
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    index.cp.niter = 10
    index.cp.seed = seed
    index.train(sample)
    for start in range(0, count, _ADD_BATCH):
        batch = np.ascontiguousarray(vectors[start : start + _ADD_BATCH], dtype=np.float32)
        index.add(batch)
    faiss.write_index(index, str(Path(directory) / FILE))


class Nearest:
    """Candidate rows of one segment for a question vector; read-only and thread-safe."""

    def __init__(self, directory: Path, vectors: np.ndarray) -> None:
        self._vectors = vectors  # float16 rows, read on demand (`index.rowfile`)
        path = Path(directory) / FILE
        self._ivf = faiss.read_index(str(path), faiss.IO_FLAG_MMAP) if path.exists() else None
        self._dense = None if self._ivf else np.asarray(vectors, dtype=np.float32)

    def candidates(self, query: np.ndarray, k: int, admitted: np.ndarray | None) -> np.ndarray:
        """Up to `k` rows likely nearest `query` (inner product), among `admitted` (a boolean
        mask) when given. Unordered."""
        if admitted is not None:
            rows = np.flatnonzero(admitted)
            if self._ivf is None or len(rows) <= EXACT_MAX:
                return self._exact(query, k, rows)
        if self._ivf is None:
            return self._exact(query, k, None)
        return self._approximate(query, k, admitted)

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> np.ndarray:
        if rows is None:
            scores = self._dense @ query
        elif self._dense is not None:
            scores = self._dense[rows] @ query
        else:
            scores = np.asarray(self._vectors[rows], dtype=np.float32) @ query
        if len(scores) > k:
            best = np.argpartition(-scores, k - 1)[:k]
        else:
            best = np.arange(len(scores))
        return best if rows is None else rows[best]

    def _approximate(self, query: np.ndarray, k: int, admitted: np.ndarray | None) -> np.ndarray:
        nlist = self._ivf.nlist
        params = faiss.SearchParametersIVF(nprobe=min(NPROBE, nlist))
        if admitted is not None:
            share = max(admitted.mean(), 1e-6)
            params = faiss.SearchParametersIVF(
                nprobe=int(min(nlist, np.ceil(NPROBE / share))),
                sel=faiss.IDSelectorBitmap(np.packbits(admitted, bitorder="little")),
            )
        _, rows = self._ivf.search(query[None, :].astype(np.float32), k, params=params)
        rows = rows[0]
        return rows[rows >= 0]
