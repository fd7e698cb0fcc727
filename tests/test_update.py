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
from index.view import View
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


def test_letters_and_scores_after_a_change_read_the_alive_rows_only(tmp_path, fake_encoder):
    index_dir, _, after = changed_corpus(tmp_path, fake_encoder)
    searcher = Searcher.open(index_dir, fake_encoder)
    every = searcher.letter_chunks()
    first = {}
    for chunk in every:
        first.setdefault(chunk.letter_id, chunk)
    letters = searcher.letters()
    assert sorted(c.id for c in letters) == sorted(c.id for c in first.values())
    assert len(letters) == after.manifest.letter_count == 2
    changed = next(c for c in letters if c.source.endswith(OTHER.name))
    assert "tramverbinding" in " ".join(c.text for c in searcher.letter_chunks(changed.letter_id))

    scored = searcher.scores("nieuwe tramverbinding naar Den Haag")
    assert [scored.letter_ids[code] for code in scored.letters] == [c.letter_id for c in every]
    assert searcher.chunks(scored.rows) == every
    best = searcher.chunks(scored.rows[[int(np.argmax(scored.values))]])[0]
    assert "tramverbinding" in best.text


def test_a_letter_whose_rows_are_not_together_is_still_one_letter(tmp_path, fake_encoder):
    chunks = chunk_letter(parse(SEED))[:3]
    other = [
        dataclasses.replace(c, letter_id="other", id=f"other#{i}") for i, c in enumerate(chunks)
    ]
    rows = [chunks[0], other[0], chunks[1], other[1], chunks[2]]
    writer = Writer(tmp_path / "segments" / "seg-a", fake_encoder.dimension)
    vectors = fake_encoder.encode_document([c.embed_text for c in rows])
    writer.add(rows, vectors, np.zeros((0, fake_encoder.dimension)), [0] * len(rows), [])
    writer.finish()
    manifest = store.new_manifest(fake_encoder, len(rows), 2, "")
    alive = np.array([True, True, False, True, True])
    generation = store.Generation(manifest, ("seg-a",), (alive,), {}, ())
    view = View(tmp_path, generation, {}, 0.5)

    letter_ids, codes = view.letters()
    assert [letter_ids[code] for code in codes] == [c.letter_id for c in rows]
    assert view.first_rows() == [0, 1]
    assert view.letter_rows(chunks[0].letter_id).tolist() == [0, 4]
