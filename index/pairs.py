"""Sentence pairs: a second, finer set of vectors that lets a chunk match by its best two sentences.

A chunk's vector averages its whole text, so a question that one or two of its sentences answer
can lose to a short chunk that matches the question's general drift. Each chunk of two or more
sentences therefore also gets a vector for every pair of consecutive sentences of its shown text
(footnote markers dropped). At query time a chunk scores the best of its own similarity and
that of its pairs (`SentencePairs.raise_scores`).

Only the `pool` best chunks are looked at again, so a query costs one small product more however
large the index. On dev (whole corpus, `bench/quality.py`): MRR@10 .78 without pairs, .81 with
them; a pool of 100 or 300 gave the same figures as scoring every pair. Single sentences instead
of pairs gave less (MRR@10 .78 where pairs gave .81, in an earlier measurement).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brieven.kernel.refs import strip_markers
from brieven.kernel.sentences import split_sentences
from brieven.kernel.types import Chunk
from index.ranking import Centred

POOL = 200  # chunks whose sentence pairs are scored for one question


def texts(chunk: Chunk) -> list[str]:
    """The texts of the chunk's sentence pairs, in order; none for a chunk of one sentence."""
    sentences = split_sentences(strip_markers(chunk.text))
    return [" ".join(sentences[i : i + 2]) for i in range(len(sentences) - 1)]


class SentencePairs:
    """The sentence-pair vectors of one index generation; `rows[i]` is pair i's chunk row."""

    def __init__(
        self, vectors: np.ndarray, rows: np.ndarray, chunk_count: int, share: float
    ) -> None:
        self._similarity = Centred(vectors, share)
        self.count = len(rows)
        chunk_rows = np.arange(chunk_count)
        self._starts = np.searchsorted(rows, chunk_rows, side="left")
        self._ends = np.searchsorted(rows, chunk_rows, side="right")

    def raise_scores(self, scores: np.ndarray, query: np.ndarray, pool: int = POOL) -> np.ndarray:
        """`scores` with each of the `pool` best admitted chunks raised to its best pair's score.

        `scores` are the chunks' similarities (-inf where filtered out); pairs are compared the
        same way, with the same share of their own mean taken out.
        """
        admitted = np.flatnonzero(np.isfinite(scores))
        if not self.count or not len(admitted):
            return scores
        if len(admitted) > pool:
            admitted = admitted[np.argpartition(-scores[admitted], pool - 1)[:pool]]
        starts, ends = self._starts[admitted], self._ends[admitted]
        paired = ends > starts
        admitted, starts, ends = admitted[paired], starts[paired], ends[paired]
        if not len(admitted):
            return scores
        pairs = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        offsets = np.concatenate(([0], np.cumsum(ends - starts)[:-1]))
        best = np.maximum.reduceat(self._similarity.scores(query, pairs), offsets)
        raised = scores.copy()
        raised[admitted] = np.maximum(scores[admitted], best)
        return raised


def rows_of(chunks: Sequence[Chunk]) -> tuple[list[str], list[int]]:
    """Every pair text of `chunks` and the row of the chunk it belongs to, in chunk order."""
    pair_texts: list[str] = []
    rows: list[int] = []
    for row, chunk in enumerate(chunks):
        found = texts(chunk)
        pair_texts += found
        rows += [row] * len(found)
    return pair_texts, rows
