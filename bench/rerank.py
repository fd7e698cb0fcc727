"""A second stage tried and dropped: the first stage's best chunks re-ordered by a linear model.

Dropped because it did not help questions it was not fitted on: `bench/crossval.py` fits the
weights on four folds and measures the fifth; held-out MRR@10 .76 with it against .77 with the
first stage alone (whose constants are fitted the same way), and no feature left out moved the
held-out figure by more than .01 apart from the similarity itself. Again on index format 3
(session 4, the first stage's shift scale free): .768 against .782, recall@5 Dutch .89 against
.92; the similarity, pair gain and Dutch BM25 carry it, the letter and neighbour features add
nothing (.768 without each). It stays here, with its
fitting (`bench/learn.py`), so that the measurement can be repeated on other questions.

No cross-encoder can run offline, so the second stage combines signals the first stage already
has, plus a few about where a chunk sits, for its `CANDIDATES` best chunks:

- `chunk`: the chunk's own (centred) similarity to the question;
- `pair_gain`: how much its best sentence pair beats that (`index.pairs`);
- `lexical_nl`, `lexical_en`: its scaled BM25 score, apart for Dutch and English questions;
- `question_share`: the share of its sentences that are questions (`ranking.question_share`);
- `neighbour_gain`: how much the better of its neighbours in the section beats it. A passage is
  shown with both neighbours (`index.context`), and the answer often sits in the next chunk;
- `letter_share`: the share of the candidates that come from its letter (a letter that many
  candidates come from is about the question, one stray chunk is less likely to be);
- `letter_gap`: how far it is below the best candidate of its letter;
- `position`: where it sits in its letter, 0 at the start and 1 at the end.

The chunks outside the candidates keep their order below them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brieven.kernel.types import Chunk

CANDIDATES = 50
FEATURES = (
    "chunk",
    "pair_gain",
    "lexical_nl",
    "lexical_en",
    "question_share",
    "neighbour_gain",
    "letter_share",
    "letter_gap",
    "position",
)
# The first stage as a linear model (similarity, pairs, question share, BM25 for Dutch; the
# rest 0): the starting point of the fit.
FIRST_STAGE = np.array([1.0, 1.0, 0.05, 0.0, -0.05, 0.0, 0.0, 0.0, 0.0], dtype=np.float32)


class Layout:
    """Where each chunk row sits: its neighbours in the section, its letter, its place in it."""

    def __init__(self, chunks: Sequence[Chunk], before: Sequence[int | None],
                 after: Sequence[int | None]) -> None:  # fmt: skip
        self.before = np.array([-1 if r is None else r for r in before], dtype=np.int64)
        self.after = np.array([-1 if r is None else r for r in after], dtype=np.int64)
        letters: dict[str, int] = {}
        self.letter = np.array([letters.setdefault(c.letter_id, len(letters)) for c in chunks])
        counts = np.bincount(self.letter) if len(chunks) else np.zeros(0, dtype=int)
        seen = np.zeros(len(counts), dtype=int)
        position = np.zeros(len(chunks), dtype=np.float32)
        for row, letter in enumerate(self.letter):
            position[row] = seen[letter] / max(counts[letter] - 1, 1)
            seen[letter] += 1
        self.position = position


def features(
    layout: Layout,
    rows: np.ndarray,
    chunk: np.ndarray,
    raised: np.ndarray,
    lexical: np.ndarray,
    question_shares: np.ndarray,
    english: bool,
) -> np.ndarray:
    """(len(rows), len(FEATURES)) features of the candidate `rows`.

    `chunk` is every chunk's similarity, `raised` the same raised to the best sentence pair where
    that was looked at, `lexical` BM25 scaled to [0, 1] (zeros when not used).
    """
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    own = raised[rows]
    out[:, 0] = chunk[rows]
    out[:, 1] = own - chunk[rows]
    out[:, 3 if english else 2] = lexical[rows]
    out[:, 4] = question_shares[rows]
    neighbours = np.stack([layout.before[rows], layout.after[rows]])
    near = np.where(neighbours >= 0, raised[np.maximum(neighbours, 0)], -np.inf).max(axis=0)
    out[:, 5] = np.maximum(near - own, 0.0)
    letters = layout.letter[rows]
    _, inverse, counts = np.unique(letters, return_inverse=True, return_counts=True)
    out[:, 6] = counts[inverse] / len(rows)
    best = np.full(inverse.max() + 1 if len(rows) else 0, -np.inf, dtype=np.float32)
    np.maximum.at(best, inverse, own)
    out[:, 7] = best[inverse] - own
    out[:, 8] = layout.position[rows]
    return out


def rerank(
    first: np.ndarray,
    layout: Layout,
    chunk: np.ndarray,
    raised: np.ndarray,
    lexical: np.ndarray,
    question_shares: np.ndarray,
    english: bool,
    weights: np.ndarray,
    candidates: int = CANDIDATES,
) -> np.ndarray:
    """`first` (first-stage scores, -inf where filtered out) with its best `candidates` rescored
    by `weights` and kept above every other chunk."""
    rows = top_rows(first, candidates)
    if not len(rows):
        return first
    second = features(layout, rows, chunk, raised, lexical, question_shares, english) @ weights
    out = first.copy()
    rest = np.isfinite(first)
    rest[rows] = False
    if rest.any():
        out[rest] = first[rest] - max(float(first[rest].max()) - float(second.min()), 0.0) - 1e-3
    out[rows] = second
    return out


def top_rows(scores: np.ndarray, count: int) -> np.ndarray:
    """The rows of the `count` best finite scores (fewer when fewer are finite), in no order."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) <= count:
        return finite
    return finite[np.argpartition(-scores[finite], count - 1)[:count]]
