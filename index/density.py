"""How crowded each passage's neighbourhood is, so that hubs stop answering every question.

In a high-dimensional embedding space some points ("hubs") are near very many others and so
turn up among the nearest neighbours of almost any query; across languages the effect is
stronger (Radovanović et al., "Hubs in Space", JMLR 2010). Here they are MPs' bare questions,
answers to Kamervragen that open alike, and letterhead-like passages. Cross-domain similarity
local scaling (CSLS; Conneau et al., "Word Translation Without Parallel Data", ICLR 2018) takes
out each candidate's mean similarity to its k nearest neighbours; centring
(`index.ranking.centred`) only takes out the one mean of all.

A passage's density is the mean cosine of its centred vector to its `K` nearest centred
passage vectors (itself excluded) among at most `REFERENCE` of the index's passages, evenly
spaced: on the shared corpus (2,153 passages) that is every passage; at a million a sample. It
is computed once, when a segment is written (like its ANN index), against that segment's
passages and those the index held before (`index.update`); the ranking subtracts
`Ranking.density_weight` times it, less the index's mean density (`index.view`), so scores keep
the cosine's scale.
"""

from __future__ import annotations

import numpy as np

K = 30  # neighbours averaged; cross-validated with the weight (`bench/crossval.py`)
REFERENCE = 4096  # passages a density is measured against, at most
# Passages an index needs before densities are measured (NaN below: ranked without them). The
# weight was fitted on 2,153; among a few hundred, a passage's 30 nearest are mostly its own
# letter's, which says how long the letter is, not how central the passage.
MIN_PASSAGES = 1000
_BLOCK = 8192  # rows scored at a time: 128 MB of similarities


def densities(
    vectors, mean: np.ndarray, others: np.ndarray | None = None, others_count: int = 0
) -> np.ndarray:
    """Per row of `vectors` (n x d, float16 or float32, unit length), the mean cosine of
    `vectors[i] - mean` to its K nearest among the reference rows, likewise moved; float32,
    NaN when the index (these rows and `others_count`) holds fewer than MIN_PASSAGES.

    The reference is at most REFERENCE rows, evenly spaced: of `vectors` alone, or, when
    `others` (rows of the passages already indexed, standing for `others_count` of them) are
    given, of both in proportion to how many each stands for, so that a small segment added to
    a large index is measured against the whole of it."""
    count = len(vectors)
    if count + others_count < max(MIN_PASSAGES, K + 1):
        return np.full(count, np.nan, np.float32)
    own = min(count, max(1, round(REFERENCE * count / (count + others_count))))
    picked = even(count, own)
    reference = _moved(np.asarray(vectors[picked], np.float32), mean)
    if others is not None and len(others) and own < REFERENCE:
        extra = np.asarray(others, np.float32)[even(len(others), REFERENCE - own)]
        reference = np.vstack([reference, _moved(extra, mean)])
    out = np.empty(count, np.float32)
    for start in range(0, count, _BLOCK):
        stop = min(start + _BLOCK, count)
        similar = _moved(np.asarray(vectors[start:stop], np.float32), mean) @ reference.T
        rows = np.arange(start, stop)
        own_row = np.minimum(np.searchsorted(picked, rows), len(picked) - 1)
        is_own = picked[own_row] == rows
        similar[np.flatnonzero(is_own), own_row[is_own]] = -np.inf  # not its own neighbour
        nearest = np.partition(similar, similar.shape[1] - K, axis=1)[:, -K:]
        out[start:stop] = nearest.mean(axis=1)
    return out


def even(count: int, wanted: int) -> np.ndarray:
    """At most `wanted` of `range(count)`, evenly spaced, ascending."""
    return np.unique(np.linspace(0, count - 1, min(count, wanted)).astype(np.int64))


def _moved(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    moved = vectors - mean
    return moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-12)
