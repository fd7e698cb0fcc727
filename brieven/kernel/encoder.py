"""The `Encoder` protocol: what every layer may ask of an embedding model, and two helpers on it.

The real model (`index.encoder.SentenceTransformerEncoder`), the tests' fake (tests/conftest.py)
and bench's `PrecomputedQueries` (bench/query.py) all meet it. Queries and documents are two
methods because models such as e5 embed them differently ("query: " / "passage: "), as in
sentence-transformers' `encode_query` / `encode_document`; the identity (`model_id`,
`weights_hash`, `dimension`) is what an index manifest records and checks, as in simonw/llm's
`EmbeddingModel`.

- `encoded_once`: reference texts (the language pairs, the everyday texts) encoded once per model
  and kept for the life of the process;
- `in_length_batches`: texts encoded in batches of similar length, since one batch is padded to
  its longest text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

T = TypeVar("T")


class Encoder(Protocol):
    """Texts -> float32 rows of length `dimension`, L2-normalised, so a dot product is a cosine."""

    model_id: str  # the model's name or folder, recorded in the index manifest
    weights_hash: str  # which weights: vectors of one model_id from other weights do not mix
    dimension: int

    def encode_query(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Passages to vectors; `progress(n)` after each n texts done."""
        ...


_kept: dict[tuple[str, str, str], object] = {}
_lock = threading.Lock()


def encoded_once(encoder: Encoder, name: str, encode: Callable[[Encoder], T]) -> T:
    """`encode(encoder)`, worked out on first use per model and `name`, then kept.

    A model is its `model_id` and `weights_hash`: two encoder objects with the same identity
    (the real model and a stand-in that wraps it) share what is kept, so `encode` must give the
    same result for both.
    """
    key = (encoder.model_id, encoder.weights_hash, name)
    with _lock:
        if key not in _kept:
            _kept[key] = encode(encoder)
        return _kept[key]  # type: ignore[return-value]  # `name` fixes what was kept


def length_order(texts: Sequence[str], *, longest_first: bool) -> list[int]:
    """The rows of `texts` sorted by length (stable), so that a batch holds texts of one length."""
    return sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=longest_first)


def in_length_batches(
    texts: Sequence[str],
    encode: Callable[[list[str]], np.ndarray],
    dimension: int,
    size: int,
    *,
    longest_first: bool,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """`encode` over batches of `size` texts of similar length, rows back in the input's order.

    One batch is padded to its longest text, so sorting by length first saves the padding's work;
    `progress(n)` is called after each batch of n texts.
    """
    order = length_order(texts, longest_first=longest_first)
    out = np.empty((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(order), size):
        rows = order[start : start + size]
        out[rows] = encode([texts[i] for i in rows])
        if progress is not None:
            progress(len(rows))
    return out
