"""Ranking replayed from scores computed once, so that a sweep over the constants is cheap.

`Precomputed` encodes every question once and keeps, per question, the arrays the ranking
combines over every alive passage of the index's current generation: the centred similarity of
each chunk and the best of each chunk's sentence pairs, for every share of centring swept and
with or without the English shift, the scaled BM25 scores and the letters the question names.
Nothing is re-encoded: the passage and pair vectors, BM25 and question shares are read from the
index (format 3, `index.view`). `Replay` is a `Searcher` whose scores come from those arrays
(`Precomputed.combine`, the same arithmetic as `Searcher._scores`), so passages are still cut,
merged with their neighbours (`index.context`) and judged (`index.evaluate`) by the project's
own code; one evaluation of 130 questions then takes about a second instead of a minute of
encoding.

One difference from `Searcher.search`: every alive passage is a candidate (as in
`Searcher.exact_rows`), not the approximate search's; on an index of segments below
`index.ann.IVF_MIN` passages (the shared corpus: 2,159) both are exact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import rerank

from index import context, pairs, ranking
from index.evaluate import judge
from index.questions import Question
from index.ranking import Ranking
from index.search import Searcher
from index.view import View

_SHIPPED = Ranking()
CENTRES = (0.0, 0.3, 0.5)
SCALES = (_SHIPPED.shift_scale,)  # of the English shift, besides none


@dataclass(frozen=True, slots=True)
class Params:
    """The constants of the first-stage ranking that a sweep varies; defaults as shipped
    (`index.ranking.Ranking`)."""

    shift: bool = _SHIPPED.shift_english
    shift_scale: float = _SHIPPED.shift_scale
    centre: float = _SHIPPED.centre
    pairs: bool = _SHIPPED.sentence_pairs
    question_penalty: float = _SHIPPED.question_penalty
    density_weight: float = _SHIPPED.density_weight
    letter_weight: float = _SHIPPED.letter_weight
    lexical_nl: float = _SHIPPED.lexical_weight_nl
    lexical_en: float = _SHIPPED.lexical_weight_en
    routing: bool = _SHIPPED.routing
    context_budget: int = _SHIPPED.context_budget


@dataclass(frozen=True, slots=True)
class Scores:
    """What one question brings to every ranking variant (arrays over `Precomputed.rows`)."""

    english: bool
    chunk: dict[tuple[float, float], np.ndarray]  # (shift scale, centre) -> similarity per chunk
    pair: dict[tuple[float, float], np.ndarray]  # ... -> best sentence pair per chunk (-inf: none)
    lexical: np.ndarray  # BM25 per chunk scaled by the best (0 when none)
    named: np.ndarray | None  # boolean: chunks of letters the question names by number


class Precomputed:
    """Per-question score arrays over one index (see the module docstring). Position i of every
    array is view row `rows[i]`, the i-th alive passage."""

    def __init__(
        self,
        searcher: Searcher,
        questions: Sequence[Question],
        centres: Sequence[float] = CENTRES,
        scales: Sequence[float] = SCALES,
    ) -> None:
        view = searcher._current()
        self.searcher = searcher
        self.rows = np.flatnonzero(view.alive)
        by_row = view.chunks(self.rows.tolist())
        self.chunks = tuple(by_row[int(row)] for row in self.rows)
        self.chunk_count = len(self.chunks)
        self.question_shares = view.question_shares[self.rows]
        self.densities = view.densities[self.rows]
        self.letters = view.letters()[1][self.rows]
        neighbours = context.Neighbours(self.chunks)
        self.layout = rerank.Layout(self.chunks, neighbours.before, neighbours.after)
        self.vectors = view.vectors(self.rows)
        self.pair_vectors, self.owners = view.pairs(self.rows)
        self.means = _means(view)
        texts = list(dict.fromkeys(q.question for q in questions))
        encoded = np.asarray(searcher.encoder.encode_query(texts), dtype=np.float32)
        self.queries = dict(zip(texts, encoded, strict=True))  # as encoded, not shifted
        self.scores: dict[str, Scores] = {}
        for text, vector in zip(texts, encoded, strict=True):
            english = searcher._languages.of(text, vector) == "en"
            queries = {0.0: vector}  # shift scale 0: not shifted
            if english:
                for scale in scales:
                    queries[scale] = searcher._languages.towards_dutch(vector, scale)
            chunk, pair = {}, {}
            for scale, query in queries.items():
                for c in centres:
                    chunk[scale, c], pair[scale, c] = self.similarities(query, c)
            lexical = view.lexical(text)
            top = float(lexical.max()) if len(lexical) else 0.0
            scaled = lexical[self.rows] / top if top > 0 else np.zeros(self.chunk_count)
            named = view.named(ranking.cited(text))
            mask = np.isin(self.rows, named) if len(named) else None
            self.scores[text] = Scores(english, chunk, pair, scaled.astype(np.float32), mask)

    def similarities(self, query: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
        """Centred similarity of `query` to every chunk, and to each chunk's best sentence pair
        (-inf for a chunk without pairs)."""
        chunk_means, pair_means = self.means
        chunk = ranking.centred(self.vectors, centre * chunk_means, query)
        per_pair = ranking.centred(self.pair_vectors, centre * pair_means, query)
        best = np.full(self.chunk_count, -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owners, per_pair)
        return chunk, best

    def parts(self, question: str, params: Params) -> Parts:
        """The first stage's score of every chunk before routing, and what it was made of."""
        s = self.scores[question]
        scale = params.shift_scale if s.english and params.shift else 0.0
        chunk = s.chunk[scale, params.centre]
        raised = chunk
        if params.pairs:
            pool = np.arange(len(chunk))
            if len(chunk) > pairs.POOL:
                pool = np.argpartition(-chunk, pairs.POOL - 1)[: pairs.POOL]
            raised = chunk.copy()
            raised[pool] = np.maximum(chunk[pool], s.pair[scale, params.centre][pool])
        weight = params.lexical_en if s.english else params.lexical_nl
        first = raised - params.question_penalty * self.question_shares + weight * s.lexical
        first = first - params.density_weight * self.densities
        if params.letter_weight:
            first = ranking.with_letters(first, self.letters, params.letter_weight)
        return Parts(first, chunk, raised, s.lexical, s.english, s.named)

    def combine(self, question: str, params: Params, weights: np.ndarray | None = None):
        """The score of every chunk, as `Searcher._scores` computes it; with `weights`, the
        first stage's best chunks reordered by `bench/rerank.py` with those weights."""
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


def _means(view: View) -> tuple[np.ndarray, np.ndarray]:
    """The whole mean of the passage vectors and of the pair vectors, as `View` centres by."""
    chunks = sum(segment.count for segment in view.segments) or 1
    pair_count = sum(len(segment.pairs) for segment in view.segments) or 1
    dimension = view.manifest.dimension
    chunk_sum = np.sum([s.vector_sum for s in view.segments] or [np.zeros(dimension)], axis=0)
    pair_sum = np.sum([s.pair_sum for s in view.segments] or [np.zeros(dimension)], axis=0)
    return (chunk_sum / chunks).astype(np.float32), (pair_sum / pair_count).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Parts:
    first: np.ndarray
    chunk: np.ndarray
    raised: np.ndarray
    lexical: np.ndarray
    english: bool
    named: np.ndarray | None


class Replay(Searcher):
    """A Searcher whose scores come from a function of the question (set `score`): an array
    over `rows`, the alive rows of the view."""

    score: Callable[[str], np.ndarray] | None = None
    rows: np.ndarray

    def _scores(self, view, question, filters, rows=None, for_watches=False):
        return self.rows, self.score(question)


def replay_searcher(pre: Precomputed) -> Replay:
    """A Replay on the same index generation, encoder and passage settings as `pre`'s
    searcher, over `pre`'s rows."""
    searcher = pre.searcher
    replay = Replay.__new__(Replay)
    for field in ("_index_dir", "_encoder", "_view", "_reload_lock", "choices", "_languages"):
        setattr(replay, field, getattr(searcher, field))
    replay.rows = pre.rows
    return replay


def hit_ranks(
    replay: Replay, questions: Sequence[Question], score, k: int = 10, params: Params | None = None
) -> np.ndarray:
    """Rank of the first hit per question (0 when none in the first k) under `score`, with
    passages widened as `params` say (as the searcher's choices when None)."""
    if params is not None:
        use(replay, params)
    replay.score = score
    ranks = [judge(q, replay.search(q.question, k)).hit_rank or 0 for q in questions]
    return np.array(ranks)


def use(replay: Replay, params: Params) -> None:
    """Show passages as `params` say: what of them acts after scoring."""
    replay.choices = dataclasses.replace(replay.choices, context_budget=params.context_budget)


def reciprocal(ranks: np.ndarray) -> np.ndarray:
    return np.where((ranks > 0) & (ranks <= 10), 1.0 / np.maximum(ranks, 1), 0.0)


def variants(base: Params, **grid) -> list[Params]:
    """Every combination of the values in `grid` (field -> values), the rest as in `base`."""
    out = [base]
    for field, values in grid.items():
        out = [dataclasses.replace(p, **{field: v}) for p in out for v in values]
    return list(dict.fromkeys(out))
