"""Questions in, ranked and cited passages out.

`Searcher` is read-only and thread-safe: each search reads one immutable `_State` (an index
generation in memory). Before every search it checks, with one `readlink`, whether a build has
swapped in a new generation, and if so loads it, so long-running users (the app, `ask -`) see a
rebuilt index without a restart.

Ranking: every chunk the filters admit gets a score, and the best k of those are returned. Filters
therefore act before ranking, never on a cut-off list. A score is the centred cosine similarity of
question and chunk (an English question moved towards Dutch first, `index.language`), or of
one of the chunk's sentence pairs when that is higher (`index.pairs`), plus a
language-weighted share of its BM25 score (`index.lexical`); chunks of a letter the question names
by number come first; further chunks of a section already returned are demoted
(`index.ranking`). A passage's `score` is that final score, so it falls with rank.
A passage shows the hit chunk merged with its neighbouring chunks of the section
(`index.context`); no chunk is shown twice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.types import Chunk, Filters, IndexManifest, Passage
from index import context, language, pairs, ranking, store
from index.lexical import LexicalIndex
from index.ranking import Ranking

_MASK_CACHE = 32
NO_FILTERS = Filters()
DEFAULT_RANKING = Ranking()


@dataclass(frozen=True, slots=True)
class Facets:
    """What the index holds, for filter choices."""

    doc_types: tuple[str, ...]
    dossiers: tuple[str, ...]
    first_date: str | None
    last_date: str | None


class _State:
    """One index generation loaded for searching, for one share of centring (`Ranking.centre`).
    Never changed after construction."""

    def __init__(self, data: store.IndexData, folder: Path, centre: float) -> None:
        self.data = data
        self.generation = data.generation
        self._masks: dict[Filters, np.ndarray] = {}
        self._masks_lock = threading.Lock()
        chunks = data.chunks
        self.lexical = LexicalIndex.load(folder / data.generation, len(chunks))
        keys: dict[tuple[str, int], int] = {}
        self.neighbours = context.Neighbours(chunks)
        self.similarity = ranking.Centred(data.vectors, centre)
        self.pairs = pairs.SentencePairs(data.pairs, data.pair_rows, len(chunks), centre)
        shares = (ranking.question_share(c.text) for c in chunks)
        self.question_shares = np.fromiter(shares, np.float32, len(chunks))
        self.sections = [keys.setdefault((c.source, c.section_index), len(keys)) for c in chunks]
        self._letters: dict[str, list[int]] = {}  # document number -> rows of that letter
        known: dict[str, set[str]] = {}
        for row, chunk in enumerate(chunks):
            if chunk.letter_id not in known:
                known[chunk.letter_id] = ranking.identities(chunk)
            for ref in known[chunk.letter_id]:
                self._letters.setdefault(ref, []).append(row)

    def named(self, question: str) -> np.ndarray | None:
        """Mask of the chunks of letters the question names by number, None when it names none."""
        rows = [row for ref in ranking.cited(question) for row in self._letters.get(ref, ())]
        if not rows:
            return None
        mask = np.zeros(len(self.data.chunks), dtype=bool)
        mask[rows] = True
        return mask

    def admitted(self, filters: Filters) -> np.ndarray | None:
        """Boolean mask of the chunks `filters` admits, or None when they restrict nothing."""
        if filters == NO_FILTERS:
            return None
        with self._masks_lock:
            mask = self._masks.get(filters)
        if mask is None:
            mask = np.fromiter(
                (filters.admits(chunk) for chunk in self.data.chunks),
                dtype=bool,
                count=len(self.data.chunks),
            )
            with self._masks_lock:
                if len(self._masks) >= _MASK_CACHE:
                    self._masks.clear()
                self._masks[filters] = mask
        return mask


class Searcher:
    def __init__(self, index_dir: Path, encoder: Encoder, state: _State, choices: Ranking) -> None:
        self._index_dir = Path(index_dir)
        self._encoder = encoder
        self._state = state
        self._reload_lock = threading.Lock()
        self.choices = choices
        # Where this model puts English and Dutch questions: encoded here (about 1.4 s, once
        # per model) rather than on the first question.
        self._languages = language.languages(encoder)

    @classmethod
    def open(
        cls,
        index_dir: Path | str,
        encoder: Encoder | None = None,
        choices: Ranking = DEFAULT_RANKING,
    ) -> Searcher:
        """Load the index at `index_dir`, and its model unless `encoder` is given.

        `choices` are the ranking settings (the measured defaults unless given, see `Ranking`).
        Raises IndexMissingError, or IndexMismatchError when `encoder` does not match the index.
        """
        if encoder is None:
            from index.encoder import load_encoder

            encoder = load_encoder(store.read_manifest(Path(index_dir)).model_id)
        data = store.load(Path(index_dir), encoder)
        return cls(Path(index_dir), encoder, _State(data, Path(index_dir), choices.centre), choices)

    @property
    def manifest(self) -> IndexManifest:
        return self._current().data.manifest

    @property
    def letter_count(self) -> int:
        return self._current().data.manifest.letter_count

    @property
    def encoder(self) -> Encoder:
        return self._encoder

    def search(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> list[Passage]:
        """The `k` best passages for `question` among the chunks `filters` admits, best first."""
        state = self._current()
        if not question.strip() or k <= 0 or not state.data.chunks:
            return []
        scores = self._scores(state, question, filters)
        # Merged neighbours free slots, so rank more candidates than the k passages returned.
        wanted = k if self.choices.context == "off" else 3 * k
        rows, final = ranking.diverse_top(
            scores, state.sections, wanted, self.choices.section_penalty
        )
        shown = context.passages(
            state.data.chunks,
            state.neighbours,
            rows,
            final,
            k,
            self.choices.context,
            state.data.sections,
        )
        return [
            Passage(rank=rank, score=score, chunk=chunk)
            for rank, (chunk, score) in enumerate(shown, start=1)
        ]

    def scores(
        self, question: str, filters: Filters = NO_FILTERS
    ) -> tuple[tuple[Chunk, ...], np.ndarray]:
        """Every chunk of the index with its score for `question`, in index order: the score
        `search` ranks by, without routing (-inf where `filters` exclude the chunk).

        For watches (`brieven.watch`): they judge the chunks of new letters against the score
        distribution of the whole index, and a question naming a kamerstuk should not lift that
        letter above meaning."""
        state = self._current()
        if not question.strip() or not state.data.chunks:
            return state.data.chunks, np.full(len(state.data.chunks), -np.inf, np.float32)
        return state.data.chunks, self._scores(state, question, filters, routed=False)

    def section_text(self, chunk: Chunk) -> str:
        """The whole section the chunk comes from (the chunk's own text when unknown)."""
        key = (chunk.source, chunk.section_index)
        return self._current().data.sections.get(key, chunk.text)

    def letter_chunks(self, letter_id: str | None = None) -> list[Chunk]:
        """The chunks of one letter in order; of every letter when `letter_id` is None."""
        chunks = self._current().data.chunks
        return [c for c in chunks if letter_id is None or c.letter_id == letter_id]

    def letters(self) -> list[Chunk]:
        """The first chunk of every letter: what a listing of letters shows."""
        first: dict[str, Chunk] = {}
        for chunk in self._current().data.chunks:
            first.setdefault(chunk.letter_id, chunk)
        return list(first.values())

    def facets(self) -> Facets:
        chunks = self._current().data.chunks
        dates = sorted(chunk.date for chunk in chunks if chunk.date)
        dossiers = {chunk.dossier for chunk in chunks if chunk.dossier}
        return Facets(
            doc_types=tuple(sorted({chunk.doc_type for chunk in chunks})),
            dossiers=tuple(sorted(dossiers)),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
        )

    def _scores(
        self, state: _State, question: str, filters: Filters, routed: bool = True
    ) -> np.ndarray:
        """One score per chunk row, -inf for the chunks `filters` does not admit."""
        choices = self.choices
        query = np.asarray(self._encoder.encode_query([question]), dtype=np.float32)[0]
        english = self._languages.of(question, query) == "en"
        if english and choices.shift_english:
            query = self._languages.towards_dutch(query)
        scores = state.similarity.scores(query)
        mask = state.admitted(filters)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        if choices.sentence_pairs:
            scores = state.pairs.raise_scores(scores, query)
        scores = scores - choices.question_penalty * state.question_shares
        weight = choices.lexical_weight_en if english else choices.lexical_weight_nl
        if weight:
            scores = ranking.fuse(scores, state.lexical.scores(question), weight)
        named = state.named(question) if choices.routing and routed else None
        return scores if named is None else ranking.route(scores, named)

    def _current(self) -> _State:
        """The loaded generation, replaced first if a build has swapped in a newer one."""
        state = self._state
        generation = store.current_generation(self._index_dir)
        if generation is None or generation == state.generation:
            return state
        with self._reload_lock:
            if self._state.generation != generation:
                data = store.load(self._index_dir, self._encoder)
                self._state = _State(data, self._index_dir, self.choices.centre)
            return self._state
