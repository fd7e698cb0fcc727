"""A segment: an immutable batch of passages on disk, written once and shared by generations.

An index generation lists its segments and which of their rows are alive (`index.store`). A build
that adds or changes files writes only a new segment for them and marks the replaced rows dead,
so adding a thousand passages to a million costs seconds, not a rewrite of the million.

Layout of a segment folder `seg-*/` (row r is the r-th passage everywhere):

    passages.sqlite  table `passages` (rowid = row; indexed on letter, date, type, dossier and
                     source), `sections` (full text of every indexed section), `refs` (the
                     document numbers each letter is known by, for questions that name one)
    vectors.f16      float16 passage vectors, row-major, read by row (`index.rowfile`, `index.ann`)
    pairs.f16        float16 sentence-pair vectors (`index.pairs`); pairs of row r are
                     `pair_starts[r]:pair_starts[r+1]`
    pair_starts.npy  int64, rows + 1
    columns.npz      per row: date (int32 YYYYMMDD, 0 unknown), doc_type and dossier (codes
                     into segment.json's lists, -1 none), question_share (of its sentences),
                     text_hash (of the embedded text), tokens (cl100k tokens of the shown text,
                     for `index.context`), density (`index.density`, NaN in an index too small
                     to measure it); a segment written before a column was stored lacks it
                     until `add_missing_columns` gives it; per pair: pair_hash. Loaded whole:
                     at a million passages 38 MB, read in tens of milliseconds.
    ann.faiss        IVF index of the vectors, for segments of `index.ann.IVF_MIN` rows or more
    lexical/         BM25 of the passages (`index.bm25`)
    segment.json     counts, dimension, vector sums (for centring), doc types, dossiers;
                     written last: a segment without it is incomplete and never referenced.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from brieven.kernel.errors import IndexMismatchError
from brieven.kernel.tokens import count_tokens
from brieven.kernel.types import Chunk
from index import ann, bm25, density, ranking, store
from index.rowfile import RowFile

META = "segment.json"
DATABASE = "passages.sqlite"
# One column per Chunk field (lists and objects as JSON text), and `dossier` (derived, indexed).
_COLUMNS = (*(field.name for field in dataclasses.fields(Chunk)), "dossier")
_JSON = {"pages", "footnotes", "links"}
_SCHEMA = f"""
CREATE TABLE passages (row INTEGER PRIMARY KEY, {", ".join(_COLUMNS)});
CREATE TABLE sections (source TEXT, section_index INTEGER, text TEXT,
                       PRIMARY KEY (source, section_index)) WITHOUT ROWID;
CREATE TABLE refs (ref TEXT, letter_id TEXT);
"""
_INDEXES = """
CREATE INDEX passages_letter ON passages (letter_id);
CREATE INDEX passages_date ON passages (date);
CREATE INDEX passages_type ON passages (doc_type);
CREATE INDEX passages_dossier ON passages (dossier);
CREATE INDEX passages_source ON passages (source);
CREATE INDEX refs_ref ON refs (ref);
"""


def text_hash(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True
    )


def date_number(date: str | None) -> int:
    """ "2024-03-01" -> 20240301; 0 when unknown."""
    return int(date.replace("-", "")[:8]) if date else 0


@dataclasses.dataclass(frozen=True, slots=True)
class Indexed:
    """What a new segment needs to know of the passages an index holds already: an even sample
    of their vectors (float32), how many there are and the sum of their vectors."""

    sample: np.ndarray
    count: int
    vector_sum: np.ndarray


class Writer:
    """Writes one segment into an empty folder, batch by batch; `finish` completes it."""

    def __init__(self, directory: Path, dimension: int, indexed: Indexed | None = None) -> None:
        """`indexed`: the passages the index holds besides this segment, which its densities
        are measured against too (`index.density`)."""
        self.directory = Path(directory)
        self.indexed = indexed
        self.directory.mkdir(parents=True, exist_ok=True)
        self.dimension = dimension
        self.count = self.pairs = 0
        self._db = sqlite3.connect(self.directory / DATABASE)
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._vectors = open(self.directory / "vectors.f16", "wb")
        self._pairs = open(self.directory / "pairs.f16", "wb")
        self._sums = [np.zeros(dimension), np.zeros(dimension)]
        self._columns: dict[str, list[np.ndarray]] = {}
        self._pair_counts: list[np.ndarray] = []
        self._letters: set[str] = set()
        self._vocab: dict[str, dict[str, int]] = {"doc_types": {}, "dossiers": {}}
        self._lexical = bm25.Writer()
        self._measures = _Measures()

    def add(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        pairs: np.ndarray,
        pair_counts: Sequence[int],
        pair_hashes: Sequence[int],
    ) -> None:
        """Append passages with their vectors, and their sentence pairs (`pair_counts[i]` pairs
        of chunk i, in order; `pair_hashes` the `text_hash` of their texts, for reuse of their
        vectors by later builds)."""
        rows = range(self.count, self.count + len(chunks))
        self._db.executemany(
            f"INSERT INTO passages VALUES (?{', ?' * len(_COLUMNS)})",
            ((row, *chunk_row(chunk)) for row, chunk in zip(rows, chunks, strict=True)),
        )
        for chunk in chunks:
            if chunk.letter_id not in self._letters:
                self._letters.add(chunk.letter_id)
                refs = ranking.identities(chunk)
                self._db.executemany(
                    "INSERT INTO refs VALUES (?, ?)", ((ref, chunk.letter_id) for ref in refs)
                )
        self._append("date", np.int32, (date_number(c.date) for c in chunks))
        self._append("doc_type", np.int32, (self._code("doc_types", c.doc_type) for c in chunks))
        self._append("dossier", np.int32, (self._code("dossiers", c.dossier) for c in chunks))
        measures = [self._measures(chunk.text) for chunk in chunks]
        self._append("question_share", np.float32, (share for share, _ in measures))
        self._append("tokens", np.int32, (size for _, size in measures))
        self._append("text_hash", np.int64, (text_hash(c.embed_text) for c in chunks))
        self._append("pair_hash", np.int64, pair_hashes)
        self._pair_counts.append(np.asarray(pair_counts, np.int64))
        for out, block, total in ((self._vectors, vectors, 0), (self._pairs, pairs, 1)):
            block = np.asarray(block, dtype=np.float32).reshape(-1, self.dimension)
            self._sums[total] += block.sum(axis=0, dtype=np.float64)
            out.write(block.astype(np.float16).tobytes())
        self._lexical.add(chunks)
        self.count += len(chunks)
        self.pairs += len(pair_hashes)

    def add_sections(self, sections: Iterable[tuple[tuple[str, int], str]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO sections VALUES (?, ?, ?)",
            ((source, index, text) for (source, index), text in sections),
        )

    def finish(self) -> None:
        """Index, train, write the columns and, last, the segment's metadata; fsync all."""
        self._db.commit()
        self._db.executescript(_INDEXES)
        self._db.close()
        self._vectors.close()
        self._pairs.close()
        self._lexical.finish(self.directory)
        starts = np.concatenate(([0], np.cumsum(np.concatenate([[0], *self._pair_counts]))[1:]))
        np.save(self.directory / "pair_starts.npy", starts.astype(np.int64))
        columns = {name: np.concatenate(parts) for name, parts in self._columns.items()}
        vectors = np.memmap(self.directory / "vectors.f16", np.float16, "r",
                            shape=(self.count, self.dimension)) if self.count else None  # fmt: skip
        if vectors is not None:
            ann.write(self.directory, vectors)
            columns["density"] = _densities(vectors, self._sums[0], self.count, self.indexed)
        np.savez(self.directory / "columns.npz", **columns)
        meta = {
            "count": self.count,
            "pairs": self.pairs,
            "dimension": self.dimension,
            "vector_sum": self._sums[0].tolist(),
            "pair_sum": self._sums[1].tolist(),
            "doc_types": list(self._vocab["doc_types"]),
            "dossiers": list(self._vocab["dossiers"]),
        }
        (self.directory / META).write_text(json.dumps(meta), encoding="utf-8")
        for path in self.directory.rglob("*"):
            if path.is_file():
                with open(path, "rb") as written:
                    os.fsync(written.fileno())

    def _append(self, name: str, dtype, values: Iterable) -> None:
        self._columns.setdefault(name, []).append(np.fromiter(values, dtype))

    def _code(self, vocabulary: str, value: str | None) -> int:
        if value is None:
            return -1
        codes = self._vocab[vocabulary]
        return codes.setdefault(value, len(codes))


class _Measures:
    """`ranking.question_share` and cl100k token count of a shown text, once per distinct text
    (boilerplate, and `bench/scale.py`'s passages, repeat)."""

    CACHE = 200_000

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, int]] = {}

    def __call__(self, text: str) -> tuple[float, int]:
        found = self._known.get(text)
        if found is None:
            if len(self._known) >= self.CACHE:
                self._known.clear()
            found = self._known[text] = (ranking.question_share(text), count_tokens(text))
        return found


def chunk_row(chunk: Chunk) -> tuple:
    """The values of `_COLUMNS` for `chunk`: its JSON form (`index.store.chunk_to_dict`)."""
    fields = store.chunk_to_dict(chunk)
    fields["dossier"] = chunk.dossier
    return tuple(
        json.dumps(fields[name], ensure_ascii=False) if name in _JSON else fields[name]
        for name in _COLUMNS
    )


def chunk_from_row(names: Sequence[str], values: Sequence) -> Chunk:
    """The Chunk of a `passages` row read with its column `names`."""
    fields = dict(zip(names, values, strict=True))
    for name in _JSON.intersection(fields):
        fields[name] = json.loads(fields[name]) if fields[name] is not None else None
    if "page_first" in fields:  # segments written before 2026-12-02 kept pages in two columns
        first, last = fields.pop("page_first"), fields.pop("page_last")
        fields["pages"] = (first, last) if first is not None else None
    return store.chunk_from_dict(fields)


class Segment:
    """One segment opened for reading: metadata, memory maps and columns. Thread-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        meta = json.loads((self.directory / META).read_text(encoding="utf-8"))
        self.name = self.directory.name
        self.count, self.dimension = meta["count"], meta["dimension"]
        _check(self.directory, meta)
        self.vectors = _vectors(self.directory / "vectors.f16", self.count, self.dimension)
        self.pairs = _vectors(self.directory / "pairs.f16", meta["pairs"], self.dimension)
        self.pair_starts = np.load(self.directory / "pair_starts.npy")
        with np.load(self.directory / "columns.npz") as columns:
            self.columns = {name: columns[name] for name in columns.files}
        self.vector_sum = np.asarray(meta["vector_sum"])
        self.pair_sum = np.asarray(meta["pair_sum"])
        self.doc_types: list[str] = meta["doc_types"]
        self.dossiers: list[str] = meta["dossiers"]
        self.nearest = ann.Nearest(self.directory, self.vectors)
        self.lexical = bm25.Lexical(self.directory, self.count)
        self._uri = f"file:{self.directory / DATABASE}?mode=ro&immutable=1"
        self._local = threading.local()  # one connection per thread, opened on first use

    @staticmethod
    def size(directory: Path) -> int:
        """How many rows the segment in `directory` holds, without opening it."""
        return json.loads((Path(directory) / META).read_text(encoding="utf-8"))["count"]

    def query(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        return self._connection().execute(sql, parameters).fetchall()

    def chunks(self, rows: Sequence[int]) -> dict[int, Chunk]:
        """The passages at `rows` (those that exist), by row: one query per 500 rows."""
        found = {}
        for start in range(0, len(rows), 500):
            part = [int(r) for r in rows[start : start + 500]]
            marks = ",".join("?" * len(part))
            cursor = self._connection().execute(
                f"SELECT * FROM passages WHERE row IN ({marks})", part
            )
            names = [column[0] for column in cursor.description]
            found.update((row[0], chunk_from_row(names, row)) for row in cursor)
        return found

    def section_texts(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """One primary-key lookup per key (a row-value `IN` scans the whole table: 390 ms at a
        million passages)."""
        sql = "SELECT text FROM sections WHERE source = ? AND section_index = ?"
        out = {}
        for key in keys:
            found = self.query(sql, key)
            if found:
                out[key] = found[0][0]
        return out

    def named(self, refs: Iterable[str]) -> np.ndarray:
        """Rows of the letters known by any of `refs` (normalised document numbers)."""
        refs = list(refs)
        marks = ",".join("?" * len(refs))
        sql = ("SELECT row FROM passages WHERE letter_id IN "
               f"(SELECT letter_id FROM refs WHERE ref IN ({marks}))")  # fmt: skip
        return np.asarray([row for (row,) in self.query(sql, refs)], dtype=np.int64)

    def source_rows(self, source: str) -> np.ndarray:
        sql = "SELECT row FROM passages WHERE source = ?"
        return np.asarray([row for (row,) in self.query(sql, (source,))], dtype=np.int64)

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(self._uri, uri=True)
        return db


def add_missing_columns(directory: Path) -> bool:
    """Give a segment written before a column was stored its `tokens` (before 2026-12-02,
    counted from the passages' texts) and `density` (before 2026-12-03, from its vectors);
    False when it has both. Nothing is embedded: at a million passages this reads their texts
    once (about 5 minutes where all differ, 8-13 s where they repeat) and their vectors once.
    `columns.npz` is replaced atomically, so readers see the old or the new file, both
    complete; a reader without `tokens` counts at query time (`index.search`), one without
    `density` ranks without it."""
    directory = Path(directory)
    with np.load(directory / "columns.npz") as stored:
        columns = {name: stored[name] for name in stored.files}
    if "tokens" in columns and "density" in columns:
        return False
    if "tokens" not in columns:
        columns["tokens"] = _token_counts(directory)
    if "density" not in columns:
        opened = Segment(directory)
        columns["density"] = _densities(opened.vectors, opened.vector_sum, opened.count)
    staging = directory / "columns.npz.tmp"
    with open(staging, "wb") as out:
        np.savez(out, **columns)
        out.flush()
        os.fsync(out.fileno())
    os.replace(staging, directory / "columns.npz")
    return True


def _densities(vectors, vector_sum: np.ndarray, count: int, indexed: Indexed | None = None):
    """`index.density` of a segment's rows (`vectors`, summing to `vector_sum`), centred as the
    ranking centres (`Ranking.centre` of the mean vector of the segment and of `indexed`, the
    passages the index holds besides it, which they are measured against too)."""
    if indexed is not None:
        vector_sum, count = vector_sum + indexed.vector_sum, count + indexed.count
    mean = (ranking.Ranking().centre * vector_sum / max(count, 1)).astype(np.float32)
    if indexed is None:
        return density.densities(vectors, mean)
    return density.densities(vectors, mean, indexed.sample, indexed.count)


def _token_counts(directory: Path) -> np.ndarray:
    db = sqlite3.connect(f"file:{directory / DATABASE}?mode=ro", uri=True)
    try:
        texts = db.execute("SELECT text FROM passages ORDER BY row")
        measured = _Measures()
        return np.fromiter((measured(text)[1] for (text,) in texts), np.int32)
    finally:
        db.close()


def _check(directory: Path, meta: dict) -> None:
    """Refuse a segment whose files do not hold what its metadata says (a damaged copy)."""
    row_bytes = 2 * meta["dimension"]
    sizes = {
        "vectors.f16": meta["count"] * row_bytes,
        "pairs.f16": meta["pairs"] * row_bytes,
    }
    for name, size in sizes.items():
        if (directory / name).stat().st_size != size:
            raise IndexMismatchError(
                f"index segment {directory} is damaged: {name} does not hold the "
                f"{size // row_bytes} vectors it should; rebuild with: brieven build --index "
                f"{directory.parent.parent}"
            )


def _vectors(path: Path, count: int, dimension: int) -> np.ndarray | RowFile:
    if not count:
        return np.zeros((0, dimension), dtype=np.float16)
    return RowFile(path, count, dimension)
