"""Writing a build's outcome: new passages into one new segment, everything else by reference.

A build hands over the files it kept unchanged (their rows stay where they are, in the segments
of the current generation) and the files it read anew, with their vectors. This writes the new
files' passages as one segment, marks alive exactly the rows of the files the new generation
holds (the rows of changed and removed files die in place), and swaps the new generation in.
Adding a thousand passages to a million therefore writes a thousand passages plus the
generation's small files (a row mask of 125 KB per million rows, and the file list): measured as
`add_1000_s` by `bench/scale.py`.

Dead rows cost disk and a little search time. When more than `MAX_SEGMENTS` segments would be
read, or a quarter of all rows are dead, every alive passage is copied into one fresh segment
(vectors copied, nothing embedded): a rare full rewrite, like a database's compaction.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from brieven.kernel.types import Chunk, IndexManifest
from index import density, segment, store
from index.segment import Segment, Writer

MAX_SEGMENTS = 8
MAX_DEAD = 0.25
_COPY_BATCH = 20_000


@dataclass(slots=True)
class SourceFile:
    """One source file of a build: taken over from the current index (`reused`), skipped
    (`record.skipped` says why), or read anew, with its chunks, sections and, once embedded,
    its vectors. Only files read anew are written (`commit`)."""

    path: str
    record: store.FileRecord  # its rows within its own passages until written
    chunks: list[Chunk] = field(default_factory=list)
    sections: dict[tuple[str, int], str] = field(default_factory=dict)
    vectors: np.ndarray | None = None  # (len(chunks), dimension); None until embedded
    pairs: np.ndarray | None = None  # (pairs, dimension), in chunk order; None until embedded
    pair_counts: list[int] = field(default_factory=list)  # pairs of each chunk
    pair_hashes: list[int] = field(default_factory=list)  # `segment.text_hash` of pair texts
    reused: bool = False


def commit(
    index_dir: Path,
    previous: store.Generation | None,
    kept: dict[str, store.FileRecord],
    new: Iterable[SourceFile],
    manifest: IndexManifest,
    roots: Sequence[str],
) -> store.Generation:
    """Write and swap in the generation of `kept` (records pointing into `previous`'s segments,
    skipped files included) plus `new` (read once, in order). Call while holding the build
    lock."""
    files = dict(kept)
    segments = list(previous.segments) if previous else []
    indexed = _indexed(index_dir, previous)
    written = _write(index_dir, new, manifest.dimension, files, indexed)
    if written is not None:
        segments.append(written)
    counts = _counts(index_dir, segments)
    alive = _alive(files, segments, counts)
    generation = store.Generation(manifest, tuple(segments), alive, files, tuple(roots))
    dead = sum(len(a) - int(a.sum()) for a in alive) / max(sum(counts), 1)
    if len([a for a in alive if a.any()]) > MAX_SEGMENTS or dead > MAX_DEAD:
        generation = _compact(index_dir, generation)
    else:
        generation = _without_empty(generation)
    name = store.write(index_dir, generation)
    return dataclasses.replace(generation, name=name)


def _write(
    index_dir: Path,
    new: Iterable[SourceFile],
    dimension: int,
    files: dict[str, store.FileRecord],
    indexed: segment.Indexed | None,
) -> str | None:
    """Write the passages of `new` (read once, so a caller may make them as they go) into one
    new segment, record where each file's rows went in `files`; the segment's name, or None
    (nothing written) when `new` holds no passage."""
    parts = (part for part in new if part.chunks)
    head = next(parts, None)
    if head is None:
        return None
    with store.new_segment(index_dir) as staging:
        writer = Writer(staging, dimension, indexed)
        name = committed_name(staging)
        for part in itertools.chain([head], parts):
            first = writer.count
            writer.add(part.chunks, part.vectors, part.pairs, part.pair_counts, part.pair_hashes)
            writer.add_sections(part.sections.items())
            files[part.path] = dataclasses.replace(part.record, first=first, segment=name)
        writer.finish()
    return name


def add_missing_columns(index_dir: Path) -> int:
    """Give the current generation's segments the columns older ones lack (token counts,
    densities), in place (`index.segment.add_missing_columns`); how many needed them. Call while
    holding the build lock."""
    if store.current_generation(index_dir) is None:
        return 0
    if store.read_manifest(index_dir).format_version != store.FORMAT_VERSION:
        return 0
    generation = store.open_generation(index_dir, files=False)
    return sum(
        segment.add_missing_columns(store.segment_dir(index_dir, name))
        for name in generation.segments
    )


def committed_name(staging: Path) -> str:
    return store.committed(staging).name


def _counts(index_dir: Path, segments: Sequence[str]) -> list[int]:
    return [Segment.size(store.segment_dir(index_dir, name)) for name in segments]


def _alive(files: dict[str, store.FileRecord], segments: Sequence[str], counts: Sequence[int]):
    masks = {name: np.zeros(count, bool) for name, count in zip(segments, counts, strict=True)}
    for record in files.values():
        if record.count and not record.skipped:
            masks[record.segment][record.first : record.first + record.count] = True
    return tuple(masks[name] for name in segments)


def _without_empty(generation: store.Generation) -> store.Generation:
    keep = [i for i, alive in enumerate(generation.alive) if alive.any()]
    return dataclasses.replace(
        generation,
        segments=tuple(generation.segments[i] for i in keep),
        alive=tuple(generation.alive[i] for i in keep),
    )


def _indexed(index_dir: Path, previous: store.Generation | None) -> segment.Indexed | None:
    """An even sample of the alive passages of `previous` (at most `density.REFERENCE`), for
    the densities of a segment written beside them; None when there are none."""
    if previous is None:
        return None
    alive = np.flatnonzero(np.concatenate(previous.alive)) if previous.alive else np.zeros(0)
    if not len(alive):
        return None
    picked = alive[density.even(len(alive), density.REFERENCE)]
    opened = [Segment(store.segment_dir(index_dir, name)) for name in previous.segments]
    offsets = np.cumsum([0] + [s.count for s in opened])
    parts, total = [], np.zeros(previous.manifest.dimension)
    for i, opened_segment in enumerate(opened):
        rows = picked[(picked >= offsets[i]) & (picked < offsets[i + 1])] - offsets[i]
        if len(rows):
            parts.append(np.asarray(opened_segment.vectors[rows], np.float32))
        total += opened_segment.vector_sum
    sample = np.vstack(parts)
    return segment.Indexed(sample, len(alive), total * len(alive) / max(offsets[-1], 1))


def _compact(index_dir: Path, generation: store.Generation) -> store.Generation:
    """Every alive passage copied, in file order, into one new segment."""
    opened = {name: Segment(store.segment_dir(index_dir, name)) for name in generation.segments}
    files = dict(generation.files)
    with store.new_segment(index_dir) as staging:
        name = committed_name(staging)
        writer = Writer(staging, generation.manifest.dimension)
        for path, record in generation.files.items():
            if record.skipped or not record.count:
                continue
            files[path] = dataclasses.replace(record, first=writer.count, segment=name)
            _copy(opened[record.segment], record, writer)
        writer.finish()
    alive = (np.ones(Segment.size(store.committed(staging)), bool),)
    return dataclasses.replace(generation, segments=(name,), alive=alive, files=files)


def _copy(segment: Segment, record: store.FileRecord, writer: Writer) -> None:
    rows = list(range(record.first, record.first + record.count))
    found = segment.chunks(rows)
    chunks = [found[row] for row in rows]
    starts = segment.pair_starts
    first, end = int(starts[rows[0]]), int(starts[rows[-1] + 1])
    writer.add(
        chunks,
        np.asarray(segment.vectors[rows[0] : rows[-1] + 1], np.float32),
        np.asarray(segment.pairs[first:end], np.float32),
        np.diff(starts[rows[0] : rows[-1] + 2]).tolist(),
        segment.columns["pair_hash"][first:end].tolist(),
    )
    keys = sorted({(chunk.source, chunk.section_index) for chunk in chunks})
    writer.add_sections(segment.section_texts(keys).items())
