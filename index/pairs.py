"""Sentence pairs: a second, finer set of vectors that lets a chunk match by its best two sentences.

A chunk's vector averages its whole text, so a question that one or two of its sentences answer
can lose to a short chunk that matches the question's general drift. Each chunk of two or more
sentences therefore also gets a vector for every pair of consecutive sentences of its shown text
(footnote markers dropped). At query time a chunk scores the best of its own similarity and
that of its pairs (`raised`).

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

POOL = 200  # chunks whose sentence pairs are scored for one question


def texts(chunk: Chunk) -> list[str]:
    """The texts of the chunk's sentence pairs, in order; none for a chunk of one sentence."""
    sentences = split_sentences(strip_markers(chunk.text))
    return [" ".join(sentences[i : i + 2]) for i in range(len(sentences) - 1)]


def raised(scores: np.ndarray, pair_scores: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """`scores` with each raised to the best score of its pairs (`owners[i]` is the position in
    `scores` of pair i's chunk)."""
    best = scores.copy()
    np.maximum.at(best, owners, pair_scores)
    return best


def rows_of(chunks: Sequence[Chunk]) -> tuple[list[str], list[int]]:
    """Every pair text of `chunks` and the row of the chunk it belongs to, in chunk order."""
    pair_texts: list[str] = []
    rows: list[int] = []
    for row, chunk in enumerate(chunks):
        found = texts(chunk)
        pair_texts += found
        rows += [row] * len(found)
    return pair_texts, rows
