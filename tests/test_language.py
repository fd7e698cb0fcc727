"""Telling a question's language, moving English questions towards Dutch, centred similarity."""

from __future__ import annotations

import numpy as np
import pytest

from index import language
from index.ranking import centred

# Wordings of one question in both languages, none of them in `language.PAIRS`.
HELD_OUT = (
    (
        "How are farmers compensated for the loss of their land?",
        "Hoe worden boeren gecompenseerd voor het verlies van hun grond?",
    ),
    (
        "What does the minister do about loneliness among the elderly?",
        "Wat doet de minister aan eenzaamheid onder ouderen?",
    ),
    (
        "When will the new prison in Zaanstad open?",
        "Wanneer gaat de nieuwe gevangenis in Zaanstad open?",
    ),
    (
        "How many train stations are accessible for wheelchairs?",
        "Hoeveel treinstations zijn toegankelijk voor rolstoelen?",
    ),
    (
        "Why was the investigation into the fireworks disaster delayed?",
        "Waarom liep het onderzoek naar de vuurwerkramp vertraging op?",
    ),
    (
        "Which countries take part in the joint military exercise?",
        "Welke landen doen mee aan de gezamenlijke militaire oefening?",
    ),
    (
        "Is the cabinet going to ban disposable coffee cups?",
        "Gaat het kabinet wegwerpbekers voor koffie verbieden?",
    ),
    (
        "What is the cost of the new digital identity card?",
        "Wat kost de nieuwe digitale identiteitskaart?",
    ),
)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Hoe gaat het kabinet om met het tekort aan personeel?", "nl"),
        ("How does the cabinet handle staff scarcity?", "en"),
        ("Welk percentage van het minimumloon krijgt een twintigjarige?", "nl"),
        ("Who stood in for the minister in 2017?", "en"),
    ],
)
def test_language_told_by_function_words(fake_encoder, question, lang):
    vector = fake_encoder.encode_query([question])[0]
    assert language.languages(fake_encoder).of(question, vector) == lang


def test_towards_dutch_adds_the_offset_and_keeps_unit_length(fake_encoder):
    known = language.languages(fake_encoder)
    vector = fake_encoder.encode_query(["How does the cabinet handle staff scarcity?"])[0]
    moved = known.towards_dutch(vector)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    expected = vector + known.dutch - known.english
    assert np.allclose(moved, expected / np.linalg.norm(expected), atol=1e-6)


def test_towards_dutch_moves_further_by_a_larger_scale(fake_encoder):
    known = language.languages(fake_encoder)
    vector = fake_encoder.encode_query(["How does the cabinet handle staff scarcity?"])[0]
    moved = known.towards_dutch(vector, 1.5)
    expected = vector + 1.5 * (known.dutch - known.english)
    assert np.allclose(moved, expected / np.linalg.norm(expected), atol=1e-6)
    side = [float(known.towards_dutch(vector, s) @ known.offset) for s in (0.0, 1.0, 1.5)]
    assert side == sorted(side) and side[0] < side[2]


def test_centred_scores_are_cosines_of_explicitly_centred_vectors():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, 16)).astype(np.float32) + 2.0  # a common direction, as in e5
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[7] + 0.1 * rng.normal(size=16).astype(np.float32)
    query /= np.linalg.norm(query)
    assert np.allclose(centred(vectors, np.zeros(16), query), vectors @ query, atol=1e-5)
    for share in (0.5, 1.0):
        mean = vectors.mean(axis=0)
        chunks = vectors - share * mean
        moved = query - share * mean
        expected = chunks @ moved / (np.linalg.norm(chunks, axis=1) * np.linalg.norm(moved))
        assert np.allclose(centred(vectors, share * mean, query), expected, atol=1e-5)


def test_centring_demotes_the_chunk_near_every_question():
    """A hub (near the mean of all chunks) outscores the right chunk by cosine, not once centred."""
    hub = np.array([1.0, 0.0, 0.0])
    right = np.array([0.6, 0.8, 0.0])
    others = [np.array([0.8, 0.0, 0.6]), np.array([0.8, 0.0, -0.6]), np.array([0.8, -0.6, 0.0])]
    vectors = np.stack([hub, right, *others]).astype(np.float32)
    query = np.array([np.cos(0.45), np.sin(0.45), 0.0], dtype=np.float32)
    assert np.argmax(vectors @ query) == 0
    assert np.argmax(centred(vectors, 0.5 * vectors.mean(axis=0), query)) == 1


def test_empty_index_has_no_scores():
    assert centred(np.zeros((0, 8), dtype=np.float32), np.zeros(8), np.ones(8)).shape == (0,)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("nitrogen farmers", "en"),
        ("staff shortage civil service", "en"),
        ("stikstof boeren", "nl"),
        ("personeelstekort", "nl"),
        ("29362-354", "nl"),
        ("Ter Apel", "nl"),
    ],
)
def test_keyword_queries_told_by_their_vector(real_encoder, question, lang):
    vector = real_encoder.encode_query([question])[0]
    assert language.languages(real_encoder).of(question, vector) == lang


@pytest.mark.slow
def test_shift_brings_english_questions_nearer_their_dutch_wording(real_encoder):
    known = language.languages(real_encoder)
    english = real_encoder.encode_query([en for en, _ in HELD_OUT])
    dutch = real_encoder.encode_query([nl for _, nl in HELD_OUT])
    before = np.einsum("ij,ij->i", english, dutch)
    after = np.array([known.towards_dutch(e) @ d for e, d in zip(english, dutch, strict=True)])
    assert (after > before).all()
    assert (after - before).mean() > 0.02
    # and each moved question is nearer its own Dutch wording than any other held-out one
    moved = np.stack([known.towards_dutch(e) for e in english])
    assert (np.argmax(moved @ dutch.T, axis=1) == np.arange(len(HELD_OUT))).all()
