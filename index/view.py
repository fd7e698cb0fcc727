"""One index generation opened for searching: its segments side by side in one row space.

Row r of the view is row `r - offsets[s]` of segment s. What a question needs for every row is
held in memory (alive rows, date, doc type and dossier codes, the share of sentences that ask: 13
bytes a passage, 13 MB at a million); everything else is read for the few hundred candidate rows
only: passages and sections from SQLite, vectors and sentence pairs from memory-mapped float16.
Filters become a boolean mask over all rows (a few milliseconds at a million), cached per filter.
Never changed after construction; thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from brieven.kernel.types import Chunk, Filters
from index import store
from index.segment import Segment, date_number

_MASK_CACHE = 32


class View:
    def __init__(
        self,
        index_dir: Path,
        generation: store.Generation,
        opened: Mapping[str, Segment],
        share: float,
    ) -> None:
        self.generation = generation.name
        self.manifest = generation.manifest
        self.segments = [
            opened.get(name) or Segment(store.segment_dir(index_dir, name))
            for name in generation.segments
        ]
        counts = [segment.count for segment in self.segments]
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.count = int(self.offsets[-1])
        self.alive = _join(list(generation.alive), bool)
        self.everything_alive = bool(self.alive.all())
        self.date = _join([s.columns["date"] for s in self.segments], np.int32)
        shares = [s.columns["question_share"] for s in self.segments]
        self.question_shares = _join(shares, np.float32)
        # cl100k tokens of each row's shown text; None while a segment lacks them (written
        # before they were stored; `brieven build` adds them, `segment.add_missing_columns`).
        counted = all("tokens" in s.columns for s in self.segments)
        tokens = _join([s.columns["tokens"] for s in self.segments], np.int32) if counted else None
        self.tokens = tokens
        # `index.density`, less their mean over the alive rows so that scores keep the cosine's
        # scale; 0 (no correction) where not measured: an index too small for it, or a segment
        # written before densities were stored.
        densities = _join([s.columns.get("density", np.full(s.count, np.nan)) for s in
                           self.segments], np.float32)  # fmt: skip
        measured = np.isfinite(densities)
        mean = densities[measured & self.alive].mean() if (measured & self.alive).any() else 0.0
        self.densities = np.where(measured, densities - mean, 0.0).astype(np.float32)
        self.doc_types, self.doc_type = _codes(self.segments, "doc_types", "doc_type")
        self.dossiers, self.dossier = _codes(self.segments, "dossiers", "dossier")
        vectors = sum(segment.count for segment in self.segments) or 1
        pairs = sum(len(segment.pairs) for segment in self.segments) or 1
        dimension = generation.manifest.dimension
        self.chunk_mean = share * _sum([s.vector_sum for s in self.segments], dimension) / vectors
        self.pair_mean = share * _sum([s.pair_sum for s in self.segments], dimension) / pairs
        self._masks: dict[Filters, np.ndarray] = {}
        self._masks_lock = threading.Lock()
        self._letters: tuple[tuple[str, ...], np.ndarray] | None = None
        self._letters_lock = threading.Lock()

    def admitted(self, filters: Filters) -> np.ndarray | None:
        """Boolean mask of the alive rows `filters` admits, None when every row is admitted."""
        if filters == Filters():
            return None if self.everything_alive else self.alive
        with self._masks_lock:
            mask = self._masks.get(filters)
        if mask is None:
            mask = self.alive.copy()
            if filters.since or filters.until:
                mask &= self.date > 0
            if filters.since:
                mask &= self.date >= date_number(filters.since)
            if filters.until:
                mask &= self.date <= date_number(filters.until)
            if filters.doc_types:
                mask &= np.isin(self.doc_type, _known(self.doc_types, filters.doc_types))
            if filters.dossiers:
                mask &= np.isin(self.dossier, _known(self.dossiers, filters.dossiers))
            with self._masks_lock:
                if len(self._masks) >= _MASK_CACHE:
                    self._masks.clear()
                self._masks[filters] = mask
        return mask

    def candidates(self, query: np.ndarray, k: int, admitted: np.ndarray | None) -> np.ndarray:
        """Up to `k` rows per segment likely nearest `query`, among `admitted` when given."""
        found = []
        for index, segment in enumerate(self.segments):
            part = None if admitted is None else admitted[self._span(index)]
            if part is not None and not part.any():
                continue
            found.append(segment.nearest.candidates(query, k, part) + self.offsets[index])
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """Float32 passage vectors of `rows`, in that order."""
        out = np.empty((len(rows), self.manifest.dimension), np.float32)
        for index, positions, local in self._by_segment(rows):
            out[positions] = self.segments[index].vectors[local]  # runs: one read each
        return out

    def pairs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sentence-pair vectors of `rows` (float32) and, for each, its row's position in
        `rows`."""
        vectors, owners = [], []
        for index, positions, local in self._by_segment(rows):
            segment = self.segments[index]
            starts, ends = segment.pair_starts[local], segment.pair_starts[local + 1]
            counts = ends - starts
            if not counts.sum():
                continue
            # starts[i], starts[i] + 1, ..., ends[i] - 1 for every i, without a Python loop
            shift = starts - (np.cumsum(counts) - counts)
            take = np.arange(counts.sum()) + np.repeat(shift, counts)
            vectors.append(np.asarray(segment.pairs[take], np.float32))
            owners.append(np.repeat(positions, counts))
        if not vectors:
            return np.zeros((0, self.manifest.dimension), np.float32), np.zeros(0, np.int64)
        return np.concatenate(vectors), np.concatenate(owners)

    def lexical(self, question: str) -> np.ndarray:
        return _join([segment.lexical.scores(question) for segment in self.segments], np.float32)

    def named(self, refs: Iterable[str]) -> np.ndarray:
        """Rows of the letters known by any of `refs`."""
        refs = list(refs)
        if not refs:
            return np.zeros(0, np.int64)
        found = [s.named(refs) + self.offsets[i] for i, s in enumerate(self.segments)]
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def chunks(self, rows: Sequence[int]) -> dict[int, Chunk]:
        """The passages at `rows`, by row."""
        out: dict[int, Chunk] = {}
        rows = np.asarray(rows, np.int64)
        for index, positions, local in self._by_segment(rows):
            found = self.segments[index].chunks(local.tolist())
            for position, row in zip(positions.tolist(), local.tolist(), strict=True):
                if row in found:
                    out[int(rows[position])] = found[row]
        return out

    def letter_rows(self, letter_id: str | None = None) -> np.ndarray:
        """The alive rows of one letter (of every letter when None), ascending."""
        if letter_id is None:
            return np.flatnonzero(self.alive)
        found = [
            self._rows_of(segment, letter_id) + self.offsets[index]
            for index, segment in enumerate(self.segments)
        ]
        rows = np.concatenate(found) if found else np.zeros(0, np.int64)
        return np.sort(rows[self.alive[rows]])

    @staticmethod
    def _rows_of(segment: Segment, letter_id: str) -> np.ndarray:
        sql = "SELECT row FROM passages WHERE letter_id = ?"
        return np.asarray([row for (row,) in segment.query(sql, (letter_id,))], np.int64)

    def first_rows(self) -> list[int]:
        """The first alive row of every letter, ascending."""
        letters = self.letters()[1]
        rows = np.flatnonzero(self.alive & (letters >= 0))
        _, first = np.unique(letters[rows], return_index=True)
        return sorted(rows[first].tolist())

    def letters(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Every letter id in the view, and each row's letter as an index into them (-1: none).
        From one GROUP BY per segment, not a row at a time: 1 s at a million passages against
        11 s; computed once per view."""
        with self._letters_lock:
            if self._letters is None:
                self._letters = self._letter_codes()
            return self._letters

    def _letter_codes(self) -> tuple[tuple[str, ...], np.ndarray]:
        ids: dict[str, int] = {}
        codes = np.full(self.count, -1, np.int32)
        sql = "SELECT letter_id, MIN(row), MAX(row), COUNT(*) FROM passages GROUP BY letter_id"
        for index, segment in enumerate(self.segments):
            offset = int(self.offsets[index])
            for letter_id, first, last, count in segment.query(sql):
                code = ids.setdefault(letter_id, len(ids))
                if last - first + 1 == count:  # a file's rows are written together
                    codes[offset + first : offset + last + 1] = code
                else:
                    codes[offset + self._rows_of(segment, letter_id)] = code
        return tuple(ids), codes

    def neighbours(self, rows: Iterable[int]) -> list[int]:
        """`rows` with the rows before and after each in its segment (where they exist)."""
        out = set()
        for row in rows:
            index = self._segment_of(row)
            first, end = self.offsets[index], self.offsets[index + 1]
            out.update(r for r in (row - 1, row, row + 1) if first <= r < end)
        return sorted(out)

    def section_texts(self, hits: Iterable[tuple[int, Chunk]]) -> dict[tuple[str, int], str]:
        """Section text of each (row, chunk) given, by (source, section index)."""
        wanted: dict[int, set[tuple[str, int]]] = {}
        for row, chunk in hits:
            wanted.setdefault(self._segment_of(row), set()).add((chunk.source, chunk.section_index))
        out: dict[tuple[str, int], str] = {}
        for index, keys in wanted.items():
            out.update(self.segments[index].section_texts(sorted(keys)))
        return out

    def _span(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def _segment_of(self, row: int) -> int:
        return int(np.searchsorted(self.offsets, row, side="right") - 1)

    def _by_segment(self, rows: np.ndarray):
        """(segment index, positions in `rows`, local rows) for each segment `rows` touch."""
        if len(self.segments) == 1:
            yield 0, np.arange(len(rows)), rows
            return
        owner = np.searchsorted(self.offsets, rows, side="right") - 1
        for index in np.flatnonzero(np.bincount(owner, minlength=len(self.segments))):
            positions = np.flatnonzero(owner == index)
            yield int(index), positions, rows[positions] - self.offsets[index]


def _join(parts: list[np.ndarray], dtype) -> np.ndarray:
    if len(parts) == 1:  # no copy: a question's BM25 scores are 4 MB at a million passages
        return parts[0].astype(dtype, copy=False)
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _sum(parts: list[np.ndarray], dimension: int) -> np.ndarray:
    return np.sum(parts, axis=0).astype(np.float32) if parts else np.zeros(dimension, np.float32)


def _codes(segments: list[Segment], names: str, column: str) -> tuple[list[str], np.ndarray]:
    """All segments' values of a coded column, sorted, and every row's code into that list."""
    values = sorted({value for segment in segments for value in getattr(segment, names)})
    position = {value: code for code, value in enumerate(values)}
    parts = []
    for segment in segments:
        lookup = np.asarray([position[v] for v in getattr(segment, names)] + [-1], np.int32)
        parts.append(lookup[segment.columns[column]])  # code -1 picks the -1 at the end
    return values, _join(parts, np.int32)


def _known(values: list[str], wanted: Iterable[str]) -> list[int]:
    position = {value: code for code, value in enumerate(values)}
    return [position[value] for value in wanted if value in position]
