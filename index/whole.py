"""A whole index in memory, for small indexes, tests, benchmarks and upgrades.

Searching never does this (`index.view` reads only what a question needs); `load` reads every
alive passage, vector and sentence pair of the current generation, in row order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.kernel.types import Chunk, IndexManifest
from index import store
from index.segment import Segment


@dataclass(frozen=True, slots=True)
class IndexData:
    """One complete generation of an index, in memory; row i is chunk i."""

    manifest: IndexManifest
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # (len(chunks), dimension) float32
    pairs: np.ndarray  # (pairs, dimension) float32: sentence-pair vectors (`index.pairs`)
    pair_rows: np.ndarray  # (pairs,) int32: the chunk row of each pair, ascending
    sections: dict[tuple[str, int], str]  # (source, section_index) -> section text
    files: dict[str, store.FileRecord]  # source path -> record
    roots: tuple[str, ...] = ()  # the paths the index was built from
    generation: str = ""


def load(index_dir: Path) -> IndexData:
    """The current generation's alive passages, whole. Raises IndexMissingError when none."""
    generation = store.open_generation(Path(index_dir))
    chunks: list[Chunk] = []
    vectors, pair_vectors, pair_rows = [], [], []
    sections: dict[tuple[str, int], str] = {}
    for name, alive in zip(generation.segments, generation.alive, strict=True):
        segment = Segment(store.segment_dir(index_dir, name))
        rows = np.flatnonzero(alive)
        found = segment.chunks(rows.tolist())
        for row in rows.tolist():
            starts = segment.pair_starts
            pair_vectors.append(
                np.asarray(segment.pairs[starts[row] : starts[row + 1]], np.float32)
            )
            pair_rows += [len(chunks)] * int(starts[row + 1] - starts[row])
            chunks.append(found[row])
        vectors.append(np.asarray(segment.vectors[rows], np.float32))
        keys = {(c.source, c.section_index) for c in found.values()}
        sections.update(segment.section_texts(sorted(keys)))
    dimension = generation.manifest.dimension
    return IndexData(
        manifest=generation.manifest,
        chunks=tuple(chunks),
        vectors=np.concatenate(vectors) if vectors else np.zeros((0, dimension), np.float32),
        pairs=np.concatenate(pair_vectors)
        if pair_vectors
        else np.zeros((0, dimension), np.float32),
        pair_rows=np.asarray(pair_rows, np.int32),
        sections=sections,
        files=generation.files,
        roots=generation.roots,
        generation=generation.name,
    )
