"""Vectors a build already has: texts of new or changed files found in the current index.

Each segment keeps a 64-bit hash of every passage's embedded text and of every sentence pair's
text (`index.segment`, `columns.npz`), so finding which of a few thousand new texts the index
already holds costs one `np.isin` over each hash column (milliseconds at a million passages), and
only the vectors found are read from disk. A hash collision (one in 2^64 per pair of texts) would
give a text another text's vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index import store
from index.segment import Segment, text_hash


def stored_vectors(
    index_dir: Path, generation: store.Generation | None, texts: Sequence[str]
) -> dict[str, np.ndarray]:
    """Text -> float32 vector for those of `texts` that `generation`'s segments hold, as a
    passage or as a sentence pair."""
    if generation is None or not texts:
        return {}
    wanted: dict[int, str] = {text_hash(text): text for text in texts}
    hashes = np.fromiter(wanted, np.int64, len(wanted))
    found: dict[str, np.ndarray] = {}
    for name in generation.segments:
        segment = Segment(store.segment_dir(index_dir, name))
        for column, vectors in (("text_hash", segment.vectors), ("pair_hash", segment.pairs)):
            stored = segment.columns[column]
            rows = np.flatnonzero(np.isin(stored, hashes))
            for row, vector in zip(
                rows.tolist(), np.asarray(vectors[rows], np.float32), strict=True
            ):
                found.setdefault(wanted[int(stored[row])], vector)
        if len(found) == len(wanted):
            break
    return found
