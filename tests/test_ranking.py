"""Hybrid ranking: BM25 on disk, language detection, fusion, kamerstuk routing, diversity."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest
from conftest import FIXTURES, LETTERS, SEED

from brieven.kernel.types import Filters
from index import bm25, ranking, store, whole
from index.build import build
from index.ranking import Ranking
from index.search import Searcher
from ingest.chunk import chunk_letter
from ingest.parse import parse

MISSION = "Hoe gaat het kabinet om met het tekort aan personeel?"


@pytest.fixture(scope="module")
def letters_index(tmp_path_factory):
    """data/letters indexed with the fake encoder, once for this module."""
    from conftest import FakeEncoder

    index_dir = tmp_path_factory.mktemp("ranking") / "index"
    build([LETTERS], index_dir, FakeEncoder(), progress=False)
    return index_dir


def test_lexical_scores_are_those_of_bm25s_and_find_the_letters_words(letters_index):
    generation = store.open_generation(letters_index)
    folder = store.segment_dir(letters_index, generation.segments[0])
    data = whole.load(letters_index)
    assert [p.name for p in bm25.files(folder)] == [
        "data.npy",
        "rows.npy",
        "starts.npy",
        "vocab.sqlite",
    ]
    loaded = bm25.Lexical(folder, len(data.chunks))
    reference = bm25s.BM25()
    reference.index(bm25.tokens([bm25.document_text(c) for c in data.chunks]), show_progress=False)
    question = "flexpoolregeling voor het Rijk en het Rijk"
    words = bm25.tokens([question])[0]
    expected = reference.get_scores(words)
    assert np.allclose(loaded.scores(question), expected, atol=1e-5)
    best = data.chunks[int(np.argmax(loaded.scores(question)))]
    assert "flexpoolregeling" in best.text


def lexical_of(chunks, folder):
    writer = bm25.Writer()
    writer.add(chunks)
    writer.finish(folder)
    return bm25.Lexical(folder, len(chunks))


def test_lexical_scores_match_dutch_word_forms_and_footnote_text(tmp_path):
    chunks = chunk_letter(parse(SEED))
    lexical = lexical_of(chunks, tmp_path)
    # "personeelstekorten" is not in the letter; the stem of "uitvoeringsorganisaties" is.
    scores = lexical.scores("uitvoeringsorganisatie")
    assert "uitvoeringsorganisaties" in chunks[int(np.argmax(scores))].text
    # A word only in a footnote the chunk refers to finds that chunk.
    scores = lexical.scores("Sustainable Development Goals")
    assert "SDG’s" in chunks[int(np.argmax(scores))].text
    assert not lexical.scores("qqqzzz").any()


def test_fusion_adds_scaled_bm25_and_keeps_excluded_chunks_out():
    dense = np.array([0.80, 0.82, -np.inf, 0.79])
    lexical = np.array([10.0, 0.0, 50.0, 5.0])
    fused = ranking.fuse(dense, lexical, 0.1)
    assert fused[2] == -np.inf  # a filtered chunk stays out, whatever its BM25
    assert fused[0] == pytest.approx(0.80 + 0.1)  # scaled by the best *admitted* BM25 (10)
    assert np.argmax(fused) == 0
    assert np.array_equal(ranking.fuse(dense, lexical, 0.0), dense)


@pytest.mark.parametrize(
    ("question", "reference"),
    [
        ("What does kamerstuk 29362-354 say about agencies?", "29362-354"),
        ("Wat staat er in Kamerstuk 29 362, nr. 354 over de toets?", "29362-354"),
        ("Welk percentage volgens motie 36 600 XV, nr. 113?", "36600-xv-113"),
        ("Wat vraagt motie 29279-965?", "29279-965"),
        ("Wat zegt document 2024D11607?", "2024d11607"),
        ("Wat zegt kamerstuk 21501-07-1187?", "21501-07-1187"),
    ],
)
def test_references_a_question_names(question, reference):
    assert reference in ranking.cited(question)


def test_no_reference_in_plain_questions_or_years():
    assert ranking.cited("Wat gebeurde er tussen 2019-2023 met 12345 aanvragen?") == set()


@pytest.mark.parametrize(
    "question",
    [
        "What does kamerstuk 29362-354 say about implementing agencies?",
        "Wat staat er in Kamerstuk 29 362, nr. 354 over gemeenten en provincies?",
        "Wat zegt 2024D11607 over de begroting?",
    ],
)
def test_question_naming_a_kamerstuk_returns_that_letter_first(
    letters_index, fake_encoder, question
):
    passages = Searcher.open(letters_index, fake_encoder).search(question, k=5)
    assert all(p.chunk.source.endswith(SEED.name) for p in passages)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_routing_can_be_switched_off_and_obeys_filters(letters_index, fake_encoder):
    question = "What does kamerstuk 29362-354 say about implementing agencies?"
    plain = Searcher.open(letters_index, fake_encoder, Ranking(routing=False))
    assert not plain.search(question, k=1)[0].chunk.source.endswith(SEED.name)
    routed = Searcher.open(letters_index, fake_encoder)
    for passage in routed.search(question, k=5, filters=Filters(dossiers=("29279",))):
        assert passage.chunk.kamerstuk.startswith("29279-")


def test_diversity_penalty_lets_another_section_in():
    scores = np.array([0.90, 0.89, 0.88, 0.85])
    sections = [0, 0, 0, 1]
    rows, _ = ranking.diverse_top(scores, sections, 2, 0.0)
    assert rows == [0, 1]
    rows, adjusted = ranking.diverse_top(scores, sections, 3, 0.05)
    assert rows == [0, 3, 1]
    assert adjusted == sorted(adjusted, reverse=True)


def test_answered_question_has_no_chunk_of_its_own_unanswered_one_keeps_it():
    answered = chunk_letter(parse(FIXTURES / "AH-599_2024Z18285__docx.txt"))
    numbers = {chunk.section_number for chunk in answered}
    assert "Antwoord 1" in numbers and "Vraag 1" not in numbers
    first = next(c for c in answered if c.section_number == "Antwoord 1")
    assert first.section_title in first.embed_text  # the question travels with its answer
    unanswered = chunk_letter(parse(FIXTURES / "ah-tk-20242025-545__pdf.txt"))
    assert {"Vraag 1", "Vraag 6"} <= {chunk.section_number for chunk in unanswered}


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("Kunt u dat bevestigen? Zo nee, waarom niet?", 1.0),
        ("Ja. Zie het antwoord op vraag 3.", 0.0),
        ("Het kabinet zet in op pooling. Is dat genoeg?", 0.5),
        ("Welke maatregelen neemt u (bijvoorbeeld 'flexpools')?", 1.0),
        ("", 0.0),
    ],
)
def test_question_share_is_the_share_of_sentences_that_are_questions(text, share):
    assert ranking.question_share(text) == share


def test_chunks_that_only_ask_lose_the_question_penalty(letters_index, fake_encoder):
    question = "Welke maatregelen neemt de minister tegen het tekort aan personeel?"
    plain = Ranking(question_penalty=0.0, context="off", letter_weight=0.0)
    stated = {
        p.chunk.id: (p.score, p.chunk.text)
        for p in Searcher.open(letters_index, fake_encoder, plain).search(question, k=40)
    }
    penalised = Searcher.open(
        letters_index,
        fake_encoder,
        Ranking(question_penalty=0.05, context="off", letter_weight=0.0),
    )
    asked = 0
    for passage in penalised.search(question, k=40):
        if passage.chunk.id in stated:
            score, text = stated[passage.chunk.id]
            assert passage.score == pytest.approx(
                score - 0.05 * ranking.question_share(text), abs=1e-6
            )
            asked += ranking.question_share(text) > 0
    assert asked  # the comparison met chunks that ask


def test_a_letters_prior_is_the_mean_of_its_best_chunks_and_skips_excluded_ones():
    scores = np.array([0.9, 0.1, 0.5, -np.inf, 0.7, 0.2, 0.3])
    letters = np.array([0, 1, 0, 0, 1, 0, 2])
    prior = ranking.letter_prior(scores, letters, top=2)
    assert prior.tolist() == pytest.approx([0.7, 0.4, 0.7, -np.inf, 0.4, 0.7, 0.3])
    assert ranking.letter_prior(scores, letters, top=3)[0] == pytest.approx((0.9 + 0.5 + 0.2) / 3)
    assert np.isneginf(ranking.letter_prior(np.full(3, -np.inf), np.zeros(3, int))).all()


def test_letters_weigh_in_on_the_cosine_scale_and_order_as_their_sum():
    # Letter 0 has one strong sentence among weak ones; letter 1 answers in three places.
    scores = np.array([0.60, 0.58, 0.57, 0.56, 0.40, 0.40, -np.inf])
    letters = np.array([0, 1, 1, 1, 0, 0, 0])
    weighed = ranking.with_letters(scores, letters, 0.3)
    summed = scores + 0.3 * ranking.letter_prior(scores, letters)
    order = [1, 2, 0, 3, 4, 5]
    assert np.argsort(-weighed[:6], kind="stable").tolist() == order
    assert np.argsort(-summed[:6], kind="stable").tolist() == order
    assert np.isneginf(weighed[6]) and weighed[:6].max() <= scores.max()
    # Only the best `pool` take part: as the only chunk of its letter among the best two, each
    # keeps its score; beyond the best four, the weak chunks of letter 0 are left as they are.
    assert ranking.with_letters(scores, letters, 0.3, pool=2)[:2].tolist() == [0.60, 0.58]
    pooled = ranking.with_letters(scores, letters, 0.3, pool=4)
    assert pooled[4:6].tolist() == [0.40, 0.40] and pooled[0] == pytest.approx(0.60)


def test_search_and_watches_take_the_letter_weight_as_set(letters_index, fake_encoder):
    plain = Searcher.open(letters_index, fake_encoder, choices=Ranking(letter_weight=0.0))
    weighed = Searcher.open(letters_index, fake_encoder, choices=Ranking(letter_weight=0.3))
    view = weighed._current()
    rows, scores = weighed._scores(view, MISSION, Filters())
    same, unweighed = plain._scores(plain._current(), MISSION, Filters())
    assert np.array_equal(rows, same)
    expected = ranking.with_letters(unweighed, view.letters()[1][rows], 0.3)
    assert np.allclose(scores, expected)
    assert not np.allclose(scores, unweighed)
    assert np.array_equal(weighed.scores(MISSION).values, plain.scores(MISSION).values)
