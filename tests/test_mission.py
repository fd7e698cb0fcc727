"""The mission question, in English and Dutch, over the sample corpus with the real model."""

from __future__ import annotations

import pytest

from brieven.kernel.refs import footnote_markers
from index.search import Searcher

SEED_KAMERSTUK = "29362-354"


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "How does the cabinet handle staff scarcity?",
        "Hoe gaat het kabinet om met het tekort aan personeel?",
    ],
)
def test_mission_question_returns_section_7_of_the_seed_letter_with_its_footnotes(
    question, real_index, real_encoder
):
    passages = Searcher.open(real_index, real_encoder).search(question, k=3)

    section_7 = [
        p for p in passages
        if p.chunk.kamerstuk == SEED_KAMERSTUK and p.chunk.section_number == "7"
    ]  # fmt: skip
    assert section_7, [(p.chunk.kamerstuk, p.chunk.section_number) for p in passages]
    chunk = section_7[0].chunk
    assert "schaarste aan menskracht" in chunk.section_title
    assert [note.number for note in chunk.footnotes] == footnote_markers(chunk.text)
