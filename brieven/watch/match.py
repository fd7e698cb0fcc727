"""Which new letters answer a watch, and how sure that is.

A watch scores every chunk with `Searcher.scores` (the score `brieven ask` ranks by, without
kamerstuk routing) and judges only the chunks of the letters a build added or changed. Raw scores
do not compare across questions: a broad question sits near many chunks, a narrow one near few,
so the same cosine means "one of hundreds" for one and "the only one" for another. A chunk's
standing is therefore its score in standard deviations above the mean score of the chunks the
index held already (those the watch's filters admit): how far it stands out from what the index
says about this question anyway. A letter's standing is that of its best chunk.

DEFAULT_MIN_SCORE is calibrated by `bench/watch_threshold.py` on the whole corpus: each dev
question is a watch on the index without its gold letter, which then arrives with 20 unrelated
letters. 3.75 is the lowest threshold at which at most one watch in twenty raises a false alert,
fitted on dev (recall .76, .06 false alerts per watch; re-measured in session 5 on 217
letters) and reported on dev2 (held out: recall .88, .06 false alerts; English .80, Dutch
.95). A raw-cosine cut-off fitted the same way reaches recall .71 on dev2 with .11 false
alerts: raw scores do not compare across questions. Scores leave out densities (see
`Searcher.scores`).
A watch added with backfill judges each letter against all the other letters' chunks, as if it
had arrived last (`standing_apart`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from brieven.kernel.types import Chunk, Passage
from brieven.watch.book import Match, Watch, now
from index.search import Searcher

DEFAULT_MIN_SCORE = 3.75
PASSAGES = 3  # passages cited per matching letter
_MIN_SPREAD = 1e-3  # a spread below this (a one-chunk index) is taken as this


def standing(scores: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`scores` in standard deviations above the mean of the finite scores where `reference`
    (a boolean mask) is set. -inf stays -inf; with fewer than two reference scores, all of
    `scores` count as reference."""
    known = reference & np.isfinite(scores)
    if known.sum() < 2:
        known = np.isfinite(scores)
    if not known.any():
        return np.full(len(scores), -np.inf, np.float32)
    mean = float(scores[known].mean())
    spread = max(float(scores[known].std()), _MIN_SPREAD)
    return ((scores - mean) / spread).astype(np.float32)


def standing_apart(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Like `standing`, each score against the finite scores of the other groups (letters) only:
    what a letter's standing would have been had it arrived last. One pass, from per-group sums.
    Falls back to `standing` over all scores where fewer than two other scores are finite."""
    finite = np.isfinite(scores)
    values = np.where(finite, scores, 0.0).astype(np.float64)
    count = np.bincount(groups, weights=finite.astype(np.float64))
    total = np.bincount(groups, weights=values)
    squares = np.bincount(groups, weights=values * values)
    others = count.sum() - count[groups]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (total.sum() - total[groups]) / others
        variance = (squares.sum() - squares[groups]) / others - mean * mean
    spread = np.sqrt(np.maximum(variance, _MIN_SPREAD**2))
    apart = ((scores - mean) / spread).astype(np.float32)
    return np.where(others >= 2, apart, standing(scores, finite))


def find(
    searcher: Searcher, watch: Watch, letters: Collection[str] | None = None
) -> list[Match]:
    """The matches of `watch` among `letters` (letter ids; None: every letter of the index),
    best first. Letters that the watch's filters exclude never match."""
    scored = searcher.scores(watch.question, watch.filters)
    scores, groups = scored.values, scored.letters
    if letters is None:  # backfill: each letter judged against all the others
        new = np.ones(len(scores), dtype=bool)
        standings = standing_apart(scores, groups)
    else:
        wanted = set(letters)
        codes = [code for code, letter in enumerate(scored.letter_ids) if letter in wanted]
        new = np.isin(groups, codes)
        standings = standing(scores, ~new)
    threshold = DEFAULT_MIN_SCORE if watch.min_score is None else watch.min_score
    above = np.flatnonzero(new & (standings >= threshold))
    rows_by_letter: dict[str, list[int]] = {}
    for row in above[np.argsort(-standings[above], kind="stable")]:
        letter = scored.letter_ids[groups[row]]
        rows_by_letter.setdefault(letter, []).append(int(row))
    cited = [row for rows in rows_by_letter.values() for row in rows[:PASSAGES]]
    chunks = dict(zip(cited, searcher.chunks(scored.rows[cited]), strict=True))
    found_at = now()
    return [
        _match(watch.name, letter_id, rows[:PASSAGES], chunks, standings, found_at)
        for letter_id, rows in rows_by_letter.items()
    ]


def _match(
    name: str,
    letter_id: str,
    rows: list[int],
    chunks: Mapping[int, Chunk],
    standings: np.ndarray,
    found_at: str,
) -> Match:
    passages = tuple(
        Passage(rank=rank, score=round(float(standings[row]), 4), chunk=chunks[row])
        for rank, row in enumerate(rows, start=1)
    )
    return Match(name, letter_id, passages[0].score, found_at, passages)
