"""Lexical (BM25) scores of a question against every chunk, with Dutch stemming.

Dense vectors find paraphrases; BM25 finds the letter's own words: names, numbers, acronyms,
rare terms. The two are fused in `index.ranking`.

What is indexed per chunk: the letter title, the section heading, the shown text without footnote
markers, and the text of the footnotes it refers to. Tokens are lower-case words of two or more
characters (`\\w\\w+`), Dutch stopwords dropped, Dutch Snowball stems (PyStemmer).

On disk (bm25s' own plain files, in the generation folder's `lexical/`): `params.index.json`,
`vocab.index.json` (stem -> column), and the sparse score matrix `data.csc.index.npy`,
`indices.csc.index.npy`, `indptr.csc.index.npy`. Row i is chunk i of `chunks.jsonl`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from brieven.kernel.refs import strip_markers
from brieven.kernel.types import Chunk

_STEMMER = Stemmer.Stemmer("dutch")
_STOPWORDS = "nl"


def document_text(chunk: Chunk) -> str:
    notes = " ".join(note.text for note in chunk.footnotes)
    parts = (chunk.title, chunk.heading, chunk.text, notes)
    return strip_markers("\n".join(part for part in parts if part))


def _tokens(texts: list[str], ids: bool):
    texts = [unicodedata.normalize("NFKC", text) for text in texts]
    return bm25s.tokenize(
        texts, stopwords=_STOPWORDS, stemmer=_STEMMER, return_ids=ids, show_progress=False
    )


class LexicalIndex:
    """BM25 over the chunks of one index generation; read-only once built."""

    FOLDER = "lexical"

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        model = bm25s.BM25()
        if chunks:
            model.index(_tokens([document_text(c) for c in chunks], ids=True), show_progress=False)
        return cls(model, len(chunks))

    def save(self, directory: Path) -> None:
        """Write the index into `directory / FOLDER` (a fresh generation folder)."""
        target = Path(directory) / self.FOLDER
        target.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._model.save(str(target), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        """The index saved in `directory` (a generation folder) for `size` chunks."""
        target = Path(directory) / cls.FOLDER
        if size == 0:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(target), show_progress=False), size)

    def scores(self, question: str) -> np.ndarray:
        """One BM25 score per chunk row (zeros when no word of the question is indexed)."""
        words = _tokens([question], ids=False)[0]
        known = self._model.get_tokens_ids(words) if self.size else []
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(known), dtype=np.float32)
