"""The kernel's encoder helpers: the one length-sorted batcher and the one per-model cache."""

from __future__ import annotations

import numpy as np
from conftest import FakeEncoder

from brieven.kernel.encoder import encoded_once, in_length_batches


def test_batches_hold_texts_of_similar_length_and_rows_come_back_in_input_order():
    texts = ["aaaa", "a", "aaaaaa", "aa", "aaaaa", "aaa"]
    batches: list[list[str]] = []
    done: list[int] = []

    def encode(batch: list[str]) -> np.ndarray:
        batches.append(batch)
        return np.array([[len(text), 0.0] for text in batch], dtype=np.float32)

    out = in_length_batches(texts, encode, 2, 4, longest_first=True, progress=done.append)
    assert batches == [["aaaaaa", "aaaaa", "aaaa", "aaa"], ["aa", "a"]]
    assert done == [4, 2]
    assert out[:, 0].tolist() == [len(text) for text in texts]
    assert out.dtype == np.float32

    batches.clear()
    in_length_batches(texts, encode, 2, 4, longest_first=False)
    assert batches == [["a", "aa", "aaa", "aaaa"], ["aaaaa", "aaaaaa"]]


def test_reference_texts_are_encoded_once_per_model_and_name(fake_encoder):
    calls: list[str] = []

    def encode(encoder) -> str:
        calls.append(encoder.weights_hash)
        return f"vectors of {encoder.weights_hash}"

    first = encoded_once(fake_encoder, "test references", encode)
    assert encoded_once(fake_encoder, "test references", encode) == first
    assert calls == ["fake"]

    class Retrained(FakeEncoder):  # the same model_id, other weights
        weights_hash = "retrained"

    assert encoded_once(Retrained(), "test references", encode) == "vectors of retrained"
    encoded_once(fake_encoder, "other test references", encode)
    assert calls == ["fake", "retrained", "fake"]
