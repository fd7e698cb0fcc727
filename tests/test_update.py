"""Incremental builds on disk: new and changed files go into a new segment, the rest stays put."""

from __future__ import annotations

import dataclasses

import numpy as np
from conftest import LETTERS, SEED, copy_letters

from brieven.kernel.types import Links, PartyVote, Related, Vote
from index import store, update, whole
from index.build import build
from index.search import Searcher
from index.segment import Segment, Writer
from ingest.chunk import chunk_letter
from ingest.parse import parse

OTHER = LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt"
ADDED = "\nDe gemeente Zoetermeer krijgt een nieuwe tramverbinding naar Den Haag.\n"


def changed_corpus(tmp_path, fake_encoder):
    letters = copy_letters([SEED, OTHER], tmp_path / "letters")
    index_dir = tmp_path / "index"
    build([letters], index_dir, fake_encoder, progress=False)
    before = store.open_generation(index_dir)
    changed = letters / OTHER.name
    changed.write_text(changed.read_text() + ADDED)
    build([letters], index_dir, fake_encoder, progress=False)
    return index_dir, before, store.open_generation(index_dir)


def test_a_changed_file_goes_into_a_new_segment_and_its_old_passages_die(tmp_path, fake_encoder):
    index_dir, before, after = changed_corpus(tmp_path, fake_encoder)

    assert after.segments[0] == before.segments[0] and len(after.segments) == 2
    seed = after.files[str(tmp_path / "letters" / SEED.name)]
    assert seed == before.files[str(tmp_path / "letters" / SEED.name)]  # rows left in place
    old = before.files[str(tmp_path / "letters" / OTHER.name)]
    assert not after.alive[0][old.first : old.first + old.count].any()
    assert after.alive[1].all()
    texts = " ".join(chunk.text for chunk in whole.load(index_dir).chunks)
    assert texts.count("tramverbinding naar Den Haag") == 1
    hit = Searcher.open(index_dir, fake_encoder).search("tramverbinding Zoetermeer", k=1)[0]
    assert "tramverbinding" in hit.chunk.text


def test_too_many_segments_are_compacted_into_one_without_embedding(
    tmp_path, fake_encoder, monkeypatch
):
    monkeypatch.setattr(update, "MAX_SEGMENTS", 1)
    index_dir, before, after = changed_corpus(tmp_path, fake_encoder)

    assert len(after.segments) == 1 and after.alive[0].all()
    assert before.segments[0] not in after.segments
    data = whole.load(index_dir)
    assert len(data.chunks) == after.manifest.chunk_count
    assert sum(1 for c in data.chunks if "tramverbinding" in c.text) == 1
    expected = fake_encoder.encode_document([c.embed_text for c in data.chunks])
    assert np.allclose(data.vectors, expected, atol=2e-3)


def test_every_field_of_a_chunk_comes_back_from_a_segment(tmp_path):
    vote = Vote("adopted", "2025-02-11", "Aangenomen.", (PartyVote("GroenLinks-PvdA", 25),))
    related = (Related("2025D06780", "Schriftelijke vragen", "2025-01-02", "Vragen over X"),)
    links = Links("2025D06779", "2025Z02986", "Onderwerp", "19637", related, vote)
    chunk = dataclasses.replace(
        chunk_letter(parse(SEED))[0],
        sender="Minister van BZK",
        reference="2024-0000123",
        ocr=True,
        links=links,
    )
    defaulted = [f.name for f in dataclasses.fields(chunk) if getattr(chunk, f.name) == f.default]
    assert not defaulted  # every field with a default is set, so a dropped one is seen
    writer = Writer(tmp_path / "segment", 4)
    writer.add([chunk], np.ones((1, 4)), np.zeros((0, 4)), [0], [])
    writer.finish()
    assert Segment(tmp_path / "segment").chunks([0]) == {0: chunk}
