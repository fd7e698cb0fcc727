"""Questions in, ranked and cited passages out.

`Searcher` is read-only and thread-safe: each search reads one immutable `View` (an index
generation opened for searching, `index.view`). Before every search it checks, with one
`readlink`, whether a build has swapped in a new generation, and if so opens it (reusing the
segments it already has open), so long-running users (the app, `ask -`) see a rebuilt index
without a restart.

Ranking: the filters first make a mask of the chunks they admit, and candidates are drawn from
those chunks only, so filters act before ranking, never on a cut-off list. Candidates are the
`CANDIDATES` nearest chunks of each segment by approximate search (`index.ann`), the `LEXICAL`
best by BM25, and the chunks of a letter the question names; each then gets its exact score,
from its float16 vector. A score is the centred cosine similarity of question and chunk (an
English question moved towards Dutch first, `index.language`), or of one of the chunk's sentence
pairs when that is higher (`index.pairs`), plus a language-weighted share of its BM25 score
(`index.bm25`); chunks of a letter the question names by number come first; further chunks of a
section already returned are demoted (`index.ranking`). A passage's `score` is that final score,
so it falls with rank. A passage shows the hit chunk merged with its neighbouring chunks of the
section (`index.context`); no chunk is shown twice. `exact_rows` scores every admitted chunk
instead of the candidates: `bench/scale.py` measures how often both give the same top 10.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.tokens import count_tokens
from brieven.kernel.types import Chunk, Filters, IndexManifest, Passage
from index import context, pairs, ranking, store
from index.language import languages
from index.ranking import Ranking
from index.view import View

NO_FILTERS = Filters()
DEFAULT_RANKING = Ranking()
CANDIDATES = 400  # nearest chunks per segment by approximate search (`index.ann.NPROBE`)
LEXICAL = 50  # best chunks by BM25 added to the candidates
_BATCH = 65_536


@dataclass(frozen=True, slots=True)
class Facets:
    """What the index holds, for filter choices."""

    doc_types: tuple[str, ...]
    dossiers: tuple[str, ...]
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True, slots=True)
class Scores:
    """Every alive chunk's score for one question (`Searcher.scores`), in index order."""

    rows: np.ndarray  # the chunks' rows, ascending
    letters: np.ndarray  # each chunk's letter: an index into `letter_ids`
    letter_ids: tuple[str, ...]
    values: np.ndarray  # float32; -inf where the filters exclude the chunk


class Searcher:
    def __init__(self, index_dir: Path, encoder: Encoder, view: View, choices: Ranking) -> None:
        self._index_dir = Path(index_dir)
        self._encoder = encoder
        self._view = view
        self._reload_lock = threading.Lock()
        self.choices = choices
        # Where this model puts English and Dutch questions: encoded here (about 1.4 s, once
        # per model) rather than on the first question.
        self._languages = languages(encoder)

    @classmethod
    def open(
        cls,
        index_dir: Path | str,
        encoder: Encoder | None = None,
        choices: Ranking = DEFAULT_RANKING,
    ) -> Searcher:
        """Open the index at `index_dir`, and its model unless `encoder` is given.

        `choices` are the ranking settings (the measured defaults unless given, see `Ranking`).
        Raises IndexMissingError, or IndexMismatchError when `encoder` does not match the index.
        """
        index_dir = Path(index_dir)
        generation = store.open_generation(index_dir, files=False)
        if encoder is None:
            from index.encoder import load_encoder

            encoder = load_encoder(generation.manifest.model_id)
        store.check_compatible(generation.manifest, encoder, index_dir)
        return cls(index_dir, encoder, View(index_dir, generation, {}, choices.centre), choices)

    @property
    def manifest(self) -> IndexManifest:
        return self._current().manifest

    @property
    def letter_count(self) -> int:
        return self._current().manifest.letter_count

    @property
    def encoder(self) -> Encoder:
        return self._encoder

    def search(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> list[Passage]:
        """The `k` best passages for `question` among the chunks `filters` admits, best first."""
        view = self._current()
        if not question.strip() or k <= 0 or not view.alive.any():
            return []
        rows, scores = self._scores(view, question, filters)
        if not len(rows):
            return []
        # Merged neighbours free slots, so rank more candidates than the k passages returned.
        wanted = k if self.choices.context == "off" else 3 * k
        penalty = self.choices.section_penalty
        sections = self._sections(view, rows) if penalty else range(len(rows))
        chosen, final = ranking.diverse_top(scores, sections, wanted, penalty)
        hits = [int(rows[i]) for i in chosen]
        shown = self._passages(view, hits, final, k)
        return [
            Passage(rank=rank, score=score, chunk=chunk)
            for rank, (chunk, score) in enumerate(shown, start=1)
        ]

    def scores(self, question: str, filters: Filters = NO_FILTERS) -> Scores:
        """Every alive chunk of the index with its score for `question`, in index order: the
        score `search` ranks by, without routing, densities or letters (-inf where `filters`
        exclude the chunk).

        For watches (`brieven.watch`): they judge the chunks of new letters against the score
        distribution of the whole index, and a question naming a kamerstuk should not lift that
        letter above meaning. Densities lowered the watches' recall at the calibrated threshold
        (`bench/watch_threshold.py`: dev2 .88 -> .82 at the threshold dev then chose, 4.0).
        Scores every vector (a second at a million passages) but reads no passage: `chunks`
        reads those wanted."""
        view = self._current()
        alive = view.letter_rows()
        letter_ids, codes = view.letters()
        out = np.full(len(alive), -np.inf, np.float32)
        admitted = view.admitted(filters)
        wanted = alive if admitted is None else alive[admitted[alive]]
        if question.strip() and len(wanted):
            rows, scores = self._scores(view, question, filters, wanted, for_watches=True)
            out[np.searchsorted(alive, rows)] = scores
        return Scores(alive, codes[alive], letter_ids, out)

    def chunks(self, rows: Sequence[int]) -> list[Chunk]:
        """The chunks at `rows` (as `Scores.rows` gives them), in that order."""
        by_row = self._current().chunks(rows)
        return [by_row[int(row)] for row in rows]

    def exact_rows(self, question: str, k: int = 10, filters: Filters = NO_FILTERS) -> list[int]:
        """The rows of the `k` best chunks when every admitted chunk is a candidate: what the
        approximate search is measured against (`bench/scale.py`); slow on a large index."""
        view = self._current()
        admitted = view.admitted(filters)
        every = np.flatnonzero(admitted if admitted is not None else view.alive)
        rows, scores = self._scores(view, question, filters, every)
        return [int(rows[i]) for i in np.argsort(-scores, kind="stable")[:k]]

    def ranked_rows(self, question: str, k: int = 10, filters: Filters = NO_FILTERS) -> list[int]:
        """The rows of the `k` best chunks as `search` ranks them, before merging neighbours."""
        rows, scores = self._scores(self._current(), question, filters)
        return [int(rows[i]) for i in np.argsort(-scores, kind="stable")[:k]]

    def section_text(self, chunk: Chunk) -> str:
        """The whole section the chunk comes from (the chunk's own text when unknown)."""
        key = (chunk.source, chunk.section_index)
        for segment in self._current().segments:
            found = segment.section_texts([key])
            if key in found:
                return found[key]
        return chunk.text

    def letter_chunks(self, letter_id: str | None = None) -> list[Chunk]:
        """The chunks of one letter in order; of every letter when `letter_id` is None."""
        view = self._current()
        rows = view.letter_rows(letter_id)
        by_row = view.chunks(rows)
        return [by_row[int(row)] for row in rows]

    def letters(self) -> list[Chunk]:
        """The first chunk of every letter: what a listing of letters shows."""
        view = self._current()
        rows = view.first_rows()
        by_row = view.chunks(rows)
        return [by_row[row] for row in rows]

    def facets(self) -> Facets:
        view = self._current()
        dates = view.date[view.alive & (view.date > 0)]
        doc_types = np.unique(view.doc_type[view.alive])
        dossiers = np.unique(view.dossier[view.alive])
        return Facets(
            doc_types=tuple(view.doc_types[c] for c in doc_types if c >= 0),
            dossiers=tuple(view.dossiers[c] for c in dossiers if c >= 0),
            first_date=_iso(dates.min()) if len(dates) else None,
            last_date=_iso(dates.max()) if len(dates) else None,
        )

    def _scores(
        self,
        view: View,
        question: str,
        filters: Filters,
        rows: np.ndarray | None = None,
        for_watches: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The candidate rows (or `rows` when given) and their final scores; a letter the
        question names comes first, and densities and letters count, unless `for_watches`."""
        choices = self.choices
        query = np.asarray(self._encoder.encode_query([question]), dtype=np.float32)[0]
        english = self._languages.of(question, query) == "en"
        if english and choices.shift_english:
            query = self._languages.towards_dutch(query, choices.shift_scale)
        admitted = view.admitted(filters)
        found = [] if rows is None else [rows]
        if rows is None:
            found.append(view.candidates(query - view.chunk_mean, CANDIDATES, admitted))
        weight = choices.lexical_weight_en if english else choices.lexical_weight_nl
        lexical = view.lexical(question) if weight else None
        if lexical is not None and admitted is not None:
            lexical = np.where(admitted, lexical, 0.0)
        if lexical is not None and rows is None:
            found.append(_best(lexical, LEXICAL))
        routing = choices.routing and not for_watches
        named = view.named(ranking.cited(question)) if routing else np.zeros(0, int)
        if len(named) and admitted is not None:
            named = named[admitted[named]]
        rows = np.unique(np.concatenate([*found, named]).astype(np.int64))
        scores = _dense(view, rows, query)
        if choices.sentence_pairs and len(rows):
            scores = self._raise_by_pairs(view, rows, scores, query)
        scores = scores - choices.question_penalty * view.question_shares[rows]
        if not for_watches:
            scores = scores - choices.density_weight * view.densities[rows]
        if lexical is not None and lexical.max() > 0:
            scores = scores + weight * lexical[rows] / lexical.max()
        if choices.letter_weight and not for_watches and len(rows):
            scores = ranking.with_letters(scores, view.letters()[1][rows], choices.letter_weight)
        if len(named):
            scores = ranking.route(scores, np.isin(rows, named))
        return rows, scores

    def _raise_by_pairs(self, view: View, rows, scores, query) -> np.ndarray:
        """`scores` with the `pairs.POOL` best raised to their best sentence pair's."""
        pool = np.argsort(-scores, kind="stable")[: pairs.POOL]
        vectors, owners = view.pairs(rows[pool])
        if not len(owners):
            return scores
        pair_scores = ranking.centred(vectors, view.pair_mean, query)
        raised = scores.copy()
        raised[pool] = pairs.raised(scores[pool], pair_scores, owners)
        return raised

    def _sections(self, view: View, rows: np.ndarray) -> list[tuple[str, int]]:
        chunks = view.chunks(rows.tolist())
        return [(chunks[r].source, chunks[r].section_index) for r in rows.tolist()]

    def _passages(self, view: View, hits: list[int], scores: list[float], k: int):
        """The first k distinct passages of the ranked `hits`, widened by their neighbours."""
        mode = self.choices.context
        rows = hits if mode == "off" else view.neighbours(hits)
        by_row = view.chunks(rows)
        rows = [row for row in rows if row in by_row]
        position = {row: i for i, row in enumerate(rows)}
        chunks = [by_row[row] for row in rows]
        found = [(row, score) for row, score in zip(hits, scores, strict=True) if row in by_row]
        sections = view.section_texts((row, by_row[row]) for row, _ in found)
        if view.tokens is not None:
            sizes = view.tokens[rows].tolist()
        else:  # an index written before token counts were stored: `brieven build` adds them
            sizes = [count_tokens(chunk.text) for chunk in chunks]
        return context.passages(
            chunks,
            context.Neighbours(chunks),
            [position[row] for row, _ in found],
            [score for _, score in found],
            k,
            mode,
            sections,
            sizes,
            self.choices.context_budget,
        )

    def _current(self) -> View:
        """The open generation, replaced first if a build has swapped in a newer one."""
        view = self._view
        generation = store.current_generation(self._index_dir)
        if generation is None or generation == view.generation:
            return view
        with self._reload_lock:
            if self._view.generation != generation:
                fresh = store.open_generation(self._index_dir, files=False)
                store.check_compatible(fresh.manifest, self._encoder, self._index_dir)
                opened = {segment.name: segment for segment in self._view.segments}
                self._view = View(self._index_dir, fresh, opened, self.choices.centre)
            return self._view


def _dense(view: View, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Centred similarities of `rows`, read in batches (all rows, for `exact_rows`, would
    otherwise be copied whole: 1.5 GB at a million)."""
    parts = [
        ranking.centred(view.vectors(rows[start : start + _BATCH]), view.chunk_mean, query)
        for start in range(0, len(rows), _BATCH)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the `k` highest positive `scores`, unordered. Ranks only the rows a question
    word touches (a quarter of a million, not all: 10 ms less at a million passages)."""
    touched = np.flatnonzero(scores > 0)
    if len(touched) <= k:
        return touched
    return touched[np.argpartition(-scores[touched], k - 1)[:k]]


def _iso(date: int) -> str:
    text = f"{int(date):08d}"
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
