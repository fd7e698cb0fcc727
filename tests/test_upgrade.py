"""An index of the previous format (2) is refused by search with the command to run, and that
command, `brieven build`, upgrades it without re-embedding anything.

The fixture `tests/fixtures/index-v2` was written by brieven's format-2 writer (two sample
letters, the fake encoder of conftest.py), with the paths it was built from relative to it.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import FIXTURES, CountingEncoder, FakeEncoder

from brieven.kernel.errors import IndexMismatchError
from index import legacy, pairs, store, whole
from index.build import build
from index.search import Searcher


@pytest.fixture
def old_index(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "index-v2", tmp_path, symlinks=True, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "index"


def test_search_refuses_an_old_index_and_names_the_upgrade_command(old_index, capsys):
    with pytest.raises(IndexMismatchError, match=f"brieven build --index {old_index}"):
        Searcher.open(old_index, FakeEncoder())


def test_the_upgrade_keeps_every_vector_and_embeds_nothing(old_index):
    old = legacy.read(old_index / store.current_generation(old_index))
    encoder = CountingEncoder()
    with store.build_lock(old_index):
        legacy.upgrade(old_index, encoder)

    assert encoder.embedded == []
    assert store.read_manifest(old_index).format_version == store.FORMAT_VERSION
    data = whole.load(old_index)
    assert data.chunks == old.chunks
    assert np.allclose(data.vectors, old.vectors, atol=2e-3)  # float16 now
    assert np.allclose(data.pairs, old.pairs, atol=2e-3)


def test_build_upgrades_an_old_index_and_embeds_only_texts_it_did_not_hold(old_index):
    old = legacy.read(old_index / store.current_generation(old_index))
    held = {c.embed_text for c in old.chunks} | set(pairs.rows_of(old.chunks)[0])
    encoder = CountingEncoder()
    report = build(["letters"], old_index, encoder, progress=False)

    # Chunking may have changed since the fixture was written: only changed texts are embedded.
    assert report.written and not set(encoder.embedded) & held
    assert store.read_manifest(old_index).format_version == store.FORMAT_VERSION
    hits = Searcher.open(old_index, encoder).search("infectieziektenbestrijding", k=3)
    assert hits and all(hit.chunk.source.startswith("letters/") for hit in hits)
