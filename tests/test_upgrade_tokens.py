"""An index of format 3 written before passages' token counts and densities were stored is
searched as before (counting at query time), and `brieven build` gives its segments both in
place, embedding nothing.

The fixture `tests/fixtures/index-v3-before-token-counts` was written by brieven's format-3 writer
as of 2026-12-01 (the two sample letters of index-v2, the fake encoder of conftest.py), with the
paths it was built from relative to it. Its passages table still keeps pages in two columns.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import FIXTURES, CountingEncoder, FakeEncoder

from brieven.kernel.tokens import count_tokens
from index import store, update
from index.build import build
from index.search import Searcher
from index.segment import Segment
from index.view import View

QUESTION = "infectieziektenbestrijding"



@pytest.fixture
def old_index(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "index-v3-before-token-counts", tmp_path, symlinks=True,
                    dirs_exist_ok=True)  # fmt: skip
    monkeypatch.chdir(tmp_path)
    return tmp_path / "index"


def _segments(index_dir):
    generation = store.open_generation(index_dir, files=False)
    return [Segment(store.segment_dir(index_dir, name)) for name in generation.segments]


def test_an_index_without_token_counts_is_searched_as_before(old_index):
    [segment] = _segments(old_index)
    assert "tokens" not in segment.columns and "density" not in segment.columns
    chunks = segment.chunks(range(segment.count))
    assert all(chunk.pages is None or chunk.pages[0] <= chunk.pages[1] for chunk in chunks.values())

    before = Searcher.open(old_index, FakeEncoder()).search(QUESTION, k=3)
    with store.build_lock(old_index):
        assert update.add_missing_columns(old_index) == 1
    after = Searcher.open(old_index, FakeEncoder()).search(QUESTION, k=3)

    assert before and before == after


def test_build_adds_the_counts_in_place_and_embeds_nothing_it_held(old_index):
    [old] = _segments(old_index)
    held = {chunk.embed_text for chunk in old.chunks(range(old.count)).values()}
    encoder = CountingEncoder()
    build(["letters"], old_index, encoder, progress=False)

    # Chunking may have changed since the fixture was written (then the files are read again
    # into a new segment): only texts the index did not hold are embedded.
    assert not set(encoder.embedded) & held
    upgraded = Segment(old.directory)  # in place, whatever the build wrote besides
    assert upgraded.chunks(range(old.count)) == old.chunks(range(old.count))
    texts = [chunk.text for _, chunk in sorted(upgraded.chunks(range(old.count)).items())]
    assert upgraded.columns["tokens"].tolist() == [count_tokens(text) for text in texts]
    assert len(upgraded.columns["density"]) == old.count  # too few passages to tell: NaN
    for segment in _segments(old_index):
        chunks = segment.chunks(range(segment.count))
        expected = [count_tokens(chunks[row].text) for row in range(segment.count)]
        assert segment.columns["tokens"].tolist() == expected
    view = View(old_index, store.open_generation(old_index, files=False), {}, 0.5)
    assert view.tokens is not None
    with store.build_lock(old_index):
        assert update.add_missing_columns(old_index) == 0  # once only


def test_a_new_segment_stores_the_token_counts_of_its_passages(tmp_path):
    build([FIXTURES / "index-v2" / "letters"], tmp_path / "index", FakeEncoder(), progress=False)
    [segment] = _segments(tmp_path / "index")
    chunks = segment.chunks(range(segment.count))
    expected = [count_tokens(chunks[row].text) for row in range(segment.count)]
    assert np.array_equal(segment.columns["tokens"], expected)
