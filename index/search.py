"""Questions in, ranked and cited passages out.

`Searcher` is read-only and thread-safe: each search reads one immutable `_State` (an index
generation in memory). Before every search it checks, with one `readlink`, whether a build has
swapped in a new generation, and if so loads it, so long-running users (the app, `ask -`) see a
rebuilt index without a restart.

Ranking: every chunk the filters admit gets a score, and the best k of those are returned. Filters
therefore act before ranking, never on a cut-off list. `_scores` is the one place that turns a
question into one score per chunk; a lexical or hybrid stage plugs in there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.types import Chunk, Filters, IndexManifest, Passage
from index import store

_MASK_CACHE = 32
NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Facets:
    """What the index holds, for filter choices."""

    doc_types: tuple[str, ...]
    dossiers: tuple[str, ...]
    first_date: str | None
    last_date: str | None


class _State:
    """One index generation loaded for searching. Never changed after construction."""

    def __init__(self, data: store.IndexData) -> None:
        self.data = data
        self.generation = data.generation
        self._masks: dict[Filters, np.ndarray] = {}
        self._masks_lock = threading.Lock()

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
    def __init__(self, index_dir: Path, encoder, state: _State) -> None:
        self._index_dir = Path(index_dir)
        self._encoder = encoder
        self._state = state
        self._reload_lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | str, encoder=None) -> Searcher:
        """Load the index at `index_dir`, and its model unless `encoder` is given.

        Raises IndexMissingError, or IndexMismatchError when `encoder` does not match the index.
        """
        data = store.load(Path(index_dir))
        if encoder is None:
            from index.encoder import load_encoder

            encoder = load_encoder(data.manifest.model_id)
        store.check_compatible(data.manifest, encoder, Path(index_dir))
        return cls(Path(index_dir), encoder, _State(data))

    @property
    def manifest(self) -> IndexManifest:
        return self._current().data.manifest

    @property
    def letter_count(self) -> int:
        return self._current().data.manifest.letter_count

    @property
    def encoder(self):
        return self._encoder

    def search(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> list[Passage]:
        """The `k` best passages for `question` among the chunks `filters` admits, best first."""
        state = self._current()
        if not question.strip() or k <= 0 or not state.data.chunks:
            return []
        scores = self._scores(state, question)
        mask = state.admitted(filters)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
            k = min(k, int(mask.sum()))
        rows = _top(scores, k)
        return [
            Passage(rank=rank, score=float(scores[row]), chunk=state.data.chunks[row])
            for rank, row in enumerate(rows, start=1)
        ]

    def section_text(self, chunk: Chunk) -> str:
        """The whole section the chunk comes from (the chunk's own text when unknown)."""
        key = (chunk.source, chunk.section_index)
        return self._current().data.sections.get(key, chunk.text)

    def facets(self) -> Facets:
        chunks = self._current().data.chunks
        dates = sorted(chunk.date for chunk in chunks if chunk.date)
        dossiers = {chunk.kamerstuk.rsplit("-", 1)[0] for chunk in chunks if chunk.kamerstuk}
        return Facets(
            doc_types=tuple(sorted({chunk.doc_type for chunk in chunks})),
            dossiers=tuple(sorted(dossiers)),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
        )

    def _scores(self, state: _State, question: str) -> np.ndarray:
        """One score per chunk row: cosine similarity of question and chunk vectors."""
        query = np.asarray(self._encoder.encode_query([question]), dtype=np.float32)[0]
        return state.data.vectors @ query

    def _current(self) -> _State:
        """The loaded generation, replaced first if a build has swapped in a newer one."""
        state = self._state
        generation = store.current_generation(self._index_dir)
        if generation is None or generation == state.generation:
            return state
        with self._reload_lock:
            if self._state.generation != generation:
                data = store.load(self._index_dir)
                store.check_compatible(data.manifest, self._encoder, self._index_dir)
                self._state = _State(data)
            return self._state


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the k highest scores, best first; ties in row order."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < len(scores):
        candidates = np.argpartition(-scores, k - 1)[:k]
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]
