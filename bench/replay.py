"""Ranking replayed from scores computed once, so that a sweep over the constants is cheap.

`Precomputed` encodes every question once and keeps, per question, the arrays the ranking
combines: the centred similarity of each chunk and the best of each chunk's sentence pairs, for
every share of centring swept and with or without the English shift, the scaled BM25 scores and
the mask of the letters the question names. `Replay` is a `Searcher` whose score vector comes
from those arrays (`combine`, the same arithmetic as `Searcher._scores`), so passages are still
cut, merged with their neighbours (`index.context`) and judged (`index.evaluate`) by the
project's own code; one evaluation of 130 questions then takes about a second instead of a
minute of encoding.

Not yet ported to index format 3 (issue 15): it read the whole in-memory index of format 2
(`Searcher._state`, a score for every chunk), which the segmented format no longer keeps. It
stops with that message rather than fail somewhere inside; `bench/crossval.py` and
`bench/learn.py` depend on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import rerank

from index import pairs, ranking
from index.evaluate import judge
from index.questions import Question
from index.ranking import Ranking
from index.search import Searcher

CENTRES = (0.0, 0.3, 0.5)


_SHIPPED = Ranking()


@dataclass(frozen=True, slots=True)
class Params:
    """The constants of the first-stage ranking that a sweep varies; defaults as shipped
    (`index.ranking.Ranking`)."""

    shift: bool = _SHIPPED.shift_english
    centre: float = _SHIPPED.centre
    pairs: bool = _SHIPPED.sentence_pairs
    question_penalty: float = _SHIPPED.question_penalty
    lexical_nl: float = _SHIPPED.lexical_weight_nl
    lexical_en: float = _SHIPPED.lexical_weight_en
    routing: bool = _SHIPPED.routing


@dataclass(frozen=True, slots=True)
class Scores:
    """What one question brings to every ranking variant."""

    english: bool
    chunk: dict[tuple[bool, float], np.ndarray]  # (shifted, centre) -> similarity per chunk
    pair: dict[tuple[bool, float], np.ndarray]  # ... -> best sentence pair per chunk (-inf: none)
    lexical: np.ndarray  # BM25 per chunk scaled by the best (0 when none)
    named: np.ndarray | None  # chunks of letters the question names by number


class Precomputed:
    """Per-question score arrays over one index (see the module docstring)."""

    def __init__(self, searcher: Searcher, questions: Sequence[Question]) -> None:
        _unported()
        state = searcher._current()
        data = state.data
        self.searcher = searcher
        self.question_shares = state.question_shares
        self.chunks = data.chunks
        self.layout = rerank.Layout(data.chunks, state.neighbours.before, state.neighbours.after)
        self.chunk_count = len(data.chunks)
        rows = data.pair_rows
        starts = np.searchsorted(rows, np.arange(self.chunk_count), side="left")
        ends = np.searchsorted(rows, np.arange(self.chunk_count), side="right")
        has_pairs = ends > starts
        chunk_sim = {c: ranking.Centred(data.vectors, c) for c in CENTRES}
        pair_sim = {c: ranking.Centred(data.pairs, c) for c in CENTRES}
        texts = [q.question for q in questions]
        vectors = np.asarray(searcher.encoder.encode_query(texts), dtype=np.float32)
        self.scores: dict[str, Scores] = {}
        for question, vector in zip(questions, vectors, strict=True):
            english = searcher._languages.of(question.question, vector) == "en"
            queries = {False: vector}
            if english:
                queries[True] = searcher._languages.towards_dutch(vector)
            chunk, pair = {}, {}
            for shifted, query in queries.items():
                for c in CENTRES:
                    chunk[shifted, c] = chunk_sim[c].scores(query)
                    best = np.full(self.chunk_count, -np.inf, dtype=np.float32)
                    if len(rows):
                        per_pair = pair_sim[c].scores(query)
                        best[has_pairs] = np.maximum.reduceat(per_pair, starts[has_pairs])
                    pair[shifted, c] = best
            lexical = state.lexical.scores(question.question)
            top = float(lexical.max()) if lexical is not None and len(lexical) else 0.0
            scaled = lexical / top if top > 0 else np.zeros(self.chunk_count, np.float32)
            self.scores[question.question] = Scores(
                english, chunk, pair, scaled, state.named(question.question)
            )

    def parts(self, question: str, params: Params) -> Parts:
        """The first stage's score of every chunk before routing, and what it was made of."""
        s = self.scores[question]
        shifted = s.english and params.shift
        chunk = s.chunk[shifted, params.centre]
        raised = chunk
        if params.pairs:
            pool = np.arange(len(chunk))
            if len(chunk) > pairs.POOL:
                pool = np.argpartition(-chunk, pairs.POOL - 1)[: pairs.POOL]
            raised = chunk.copy()
            raised[pool] = np.maximum(chunk[pool], s.pair[shifted, params.centre][pool])
        weight = params.lexical_en if s.english else params.lexical_nl
        first = raised - params.question_penalty * self.question_shares + weight * s.lexical
        return Parts(first, chunk, raised, s.lexical, s.english, s.named)

    def combine(self, question: str, params: Params, weights: np.ndarray | None = None):
        """The score of every chunk, as `Searcher._scores` computes it; with `weights`, the
        first stage's best chunks reordered by `index.rerank` with those weights."""
        p = self.parts(question, params)
        scores = p.first
        if weights is not None:
            scores = rerank.rerank(
                scores,
                self.layout,
                p.chunk,
                p.raised,
                p.lexical,
                self.question_shares,
                p.english,
                weights,
            )
        if params.routing and p.named is not None:
            scores = ranking.route(scores, p.named)
        return scores


@dataclass(frozen=True, slots=True)
class Parts:
    first: np.ndarray
    chunk: np.ndarray
    raised: np.ndarray
    lexical: np.ndarray
    english: bool
    named: np.ndarray | None


class Replay(Searcher):
    """A Searcher whose scores come from a function of the question (set `score`)."""

    score = None

    def _scores(self, state, question, filters):
        return self.score(question)


def replay_searcher(searcher: Searcher) -> Replay:
    """A Replay on the same index generation, encoder and passage settings as `searcher`."""
    _unported()
    replay = Replay.__new__(Replay)
    for field in ("_index_dir", "_encoder", "_state", "_reload_lock", "choices", "_languages"):
        setattr(replay, field, getattr(searcher, field))
    return replay


def _unported() -> None:
    raise SystemExit(
        "bench/replay.py (and crossval.py, learn.py) still read index format 2's in-memory "
        "arrays; index format 3 (segments, issue 15) needs a port before they can run again"
    )


def hit_ranks(replay: Replay, questions: Sequence[Question], score, k: int = 10) -> np.ndarray:
    """Rank of the first hit per question (0 when none in the first k) under `score`."""
    replay.score = score
    ranks = [judge(q, replay.search(q.question, k)).hit_rank or 0 for q in questions]
    return np.array(ranks)


def reciprocal(ranks: np.ndarray) -> np.ndarray:
    return np.where((ranks > 0) & (ranks <= 10), 1.0 / np.maximum(ranks, 1), 0.0)


def variants(base: Params, **grid) -> list[Params]:
    """Every combination of the values in `grid` (field -> values), the rest as in `base`."""
    out = [base]
    for field, values in grid.items():
        out = [dataclasses.replace(p, **{field: v}) for p in out for v in values]
    return list(dict.fromkeys(out))
