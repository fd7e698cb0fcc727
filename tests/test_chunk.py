"""Chunks: within one section, within the token budget, whole sentences, footnotes carried."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SEED

from brieven.kernel.sentences import split_sentences
from brieven.kernel.tokens import count_tokens
from ingest.chunk import BODY_BUDGET, chunk_letter, split_section
from ingest.parse import parse


@pytest.fixture(scope="module")
def seed_chunks():
    return parse(SEED), chunk_letter(parse(SEED))


def test_chunks_stay_in_their_section_and_budget(seed_chunks):
    letter, chunks = seed_chunks
    for chunk in chunks:
        section = letter.sections[chunk.section_index]
        assert chunk.section_number == section.number and chunk.section_title == section.title
        assert count_tokens(chunk.text) <= BODY_BUDGET
        for sentence in split_sentences(chunk.text):
            assert sentence in section.text  # no sentence is cut in two
    assert [c.id for c in chunks] == [f"{letter.id}#{i}" for i in range(len(chunks))]


def test_chunk_carries_what_a_citation_needs(seed_chunks):
    letter, chunks = seed_chunks
    [chunk] = [c for c in chunks if "pooling en expertteams" in c.text]
    assert chunk.section_number == "7"
    assert (chunk.letter_id, chunk.kamerstuk, chunk.date, chunk.source) == (
        letter.id,
        "29362-354",
        "2024-03-25",
        str(SEED),
    )
    assert chunk.url == "https://zoek.officielebekendmakingen.nl/kst-29362-354.html"


def test_chunk_footnotes_and_embed_text(seed_chunks):
    _, chunks = seed_chunks
    [chunk] = [c for c in chunks if "SDG’s¹⁰" in c.text]
    assert [n.number for n in chunk.footnotes] == ["9", "10", "11"]
    assert "¹⁰" not in chunk.embed_text and "SDG’s gebaseerde" in chunk.embed_text
    assert chunk.title not in chunk.embed_text  # the title made a letter's chunks look alike
    assert chunk.embed_text.startswith(chunk.section_number)
    assert "Zoek manieren om kosten en baten" in chunk.embed_text
    assert "Sustainable Development Goals" in chunk.embed_text  # footnote text helps retrieval
    assert "Sustainable Development Goals" not in chunk.text


def test_long_section_splits_with_one_sentence_overlap():
    letter = parse(FIXTURES / "IENW-BSK-2022-283041_kamerbrief_water_en_bodem_sturend.txt")
    longest = max(letter.sections, key=lambda s: len(s.text))
    pieces = split_section(longest.text)
    assert len(pieces) > 3
    for first, second in zip(pieces, pieces[1:], strict=False):
        last = split_sentences(first)[-1]
        if count_tokens(last) <= BODY_BUDGET // 3:  # longer sentences are not repeated
            assert split_sentences(second)[0] == last


def test_overlong_sentence_is_cut_at_words():
    text = " ".join(["woord"] * 2000)
    pieces = split_section(text)
    assert len(pieces) > 1 and all(count_tokens(p) <= BODY_BUDGET for p in pieces)
    assert " ".join(pieces).split() == text.split()
