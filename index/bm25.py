"""Lexical (BM25) scores of a question against every passage of a segment, with Dutch stemming.

Dense vectors find paraphrases; BM25 finds the letter's own words: names, numbers, acronyms,
rare terms. The two are fused in `index.ranking`.

What is indexed per passage: the letter title, the section heading, the shown text without
footnote markers, and the text of the footnotes it refers to. Tokens are bm25s' (lower-case words
of two or more characters, Dutch stopwords dropped, Dutch Snowball stems from PyStemmer) and the
scores are bm25s' default "lucene" BM25 (k1 1.5, b 0.75), so they equal what `bm25s.BM25` gives.

Why not `bm25s.BM25.index` itself: it holds every token of the corpus as Python lists while it
builds (several GB at a million passages); this builds the same score matrix batch by batch in
numpy arrays. Why not SQLite FTS5: a question of common words ("kabinet", "maatregel") makes FTS5
rank every passage holding one of them (a fifth of the archive) through its bm25() callback,
where summing precomputed score columns costs a few milliseconds.

On disk, in a segment's `lexical/` folder, opened memory-mapped (only the columns of a question's
words are read): `data.npy` (float32 scores), `rows.npy` (int32 passage rows), `starts.npy`
(int64: column t is `starts[t]:starts[t+1]`), and `vocab.sqlite` (stem -> column).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from brieven.kernel.refs import strip_markers
from brieven.kernel.types import Chunk

FOLDER = "lexical"
K1, B = 1.5, 0.75
_STEMMER = Stemmer.Stemmer("dutch")
_STOPWORDS = "nl"


def document_text(chunk: Chunk) -> str:
    notes = " ".join(note.text for note in chunk.footnotes)
    parts = (chunk.title, chunk.heading, chunk.text, notes)
    return strip_markers("\n".join(part for part in parts if part))


def tokens(texts: Sequence[str]) -> list[list[str]]:
    texts = [unicodedata.normalize("NFKC", text) for text in texts]
    return bm25s.tokenize(
        texts, stopwords=_STOPWORDS, stemmer=_STEMMER, return_ids=False, show_progress=False
    )


class Writer:
    """Builds the BM25 score matrix batch by batch (row i = the i-th chunk added).

    Identical passages (boilerplate such as "Hoogachtend, de minister ...", and the repeated
    passages of `bench/scale.py`) are tokenised once; the cache is emptied every `CACHE` texts.
    """

    CACHE = 200_000

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._rows: list[np.ndarray] = []
        self._columns: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._lengths: list[int] = []
        self._pending: list[str] = []
        self._seen: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}

    def add(self, chunks: Sequence[Chunk]) -> None:
        self._pending += [document_text(chunk) for chunk in chunks]
        if len(self._pending) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        texts, self._pending = self._pending, []
        if len(self._seen) > self.CACHE:
            self._seen.clear()
        fresh = [text for text in dict.fromkeys(texts) if text not in self._seen]
        vocab = self._vocab
        for text, words in zip(fresh, tokens(fresh) if fresh else [], strict=True):
            ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), np.int32)
            unique, tf = np.unique(ids, return_counts=True)
            self._seen[text] = (unique.astype(np.int32), tf.astype(np.float32), len(ids))
        for text in texts:
            unique, tf, length = self._seen[text]
            self._rows.append(np.full(len(unique), len(self._lengths), np.int32))
            self._columns.append(unique)
            self._counts.append(tf)
            self._lengths.append(length)

    def finish(self, directory: Path) -> None:
        """Write the matrix into `directory / FOLDER`."""
        self._flush()
        lengths = np.asarray(self._lengths, np.float32)
        _save(Path(directory) / FOLDER, self._vocab, self._rows, self._columns, self._counts,
              lengths)  # fmt: skip


def _save(target: Path, vocab: dict[str, int], rows, columns, counts, lengths) -> None:
    target.mkdir(parents=True, exist_ok=True)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int32)
    column = np.concatenate(columns) if columns else np.zeros(0, np.int32)
    tf = np.concatenate(counts) if counts else np.zeros(0, np.float32)
    documents = len(lengths)
    average = float(lengths.mean()) if documents else 1.0
    frequency = np.bincount(column, minlength=len(vocab)).astype(np.float64)
    idf = np.log(1 + (documents - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    norm = K1 * ((1 - B) + B * lengths / max(average, 1e-9))
    score = idf[column] * tf / (norm[row] + tf)
    order = np.argsort(column, kind="stable")  # column-major: one question word, one slice
    np.save(target / "data.npy", score[order].astype(np.float32))
    np.save(target / "rows.npy", row[order])
    np.save(target / "starts.npy", np.concatenate(([0], np.cumsum(frequency))).astype(np.int64))
    db = sqlite3.connect(target / "vocab.sqlite")
    with db:
        db.execute("CREATE TABLE vocab (stem TEXT PRIMARY KEY, col INTEGER) WITHOUT ROWID")
        db.executemany("INSERT INTO vocab VALUES (?, ?)", vocab.items())
    db.close()


def files(directory: Path) -> list[Path]:
    return sorted((Path(directory) / FOLDER).iterdir())


class Lexical:
    """The BM25 matrix of one segment, memory-mapped; read-only and thread-safe."""

    def __init__(self, directory: Path, size: int) -> None:
        target = Path(directory) / FOLDER
        self.size = size
        self._data = np.load(target / "data.npy", mmap_mode="r")
        self._rows = np.load(target / "rows.npy", mmap_mode="r")
        self._starts = np.load(target / "starts.npy", mmap_mode="r")
        self._vocab = f"file:{target / 'vocab.sqlite'}?mode=ro&immutable=1"

    def scores(self, question: str) -> np.ndarray:
        """One BM25 score per passage row (zeros when no word of the question is indexed)."""
        words = tokens([question])[0]
        found = self._columns(set(words))
        slices = [  # a repeated word counts again, as in bm25s
            slice(self._starts[found[word]], self._starts[found[word] + 1])
            for word in words
            if word in found
        ]
        if not slices:
            return np.zeros(self.size, dtype=np.float32)
        rows = np.concatenate([self._rows[s] for s in slices])
        data = np.concatenate([self._data[s] for s in slices])
        return np.bincount(rows, data, self.size).astype(np.float32)

    def _columns(self, words: set[str]) -> dict[str, int]:
        if not words:
            return {}
        db = sqlite3.connect(self._vocab, uri=True, check_same_thread=False)
        try:
            marks = ",".join("?" * len(words))
            query = f"SELECT stem, col FROM vocab WHERE stem IN ({marks})"
            return dict(db.execute(query, list(words)).fetchall())
        finally:
            db.close()
