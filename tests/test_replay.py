"""bench/replay.py: the ranking replayed from scores computed once gives what the searcher gives,
on an index of format 3, without encoding a passage again."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest
from conftest import LETTERS, ROOT, SEED, CountingEncoder, FakeEncoder

from index.build import build
from index.questions import Gold, Question
from index.ranking import Ranking
from index.search import Searcher

sys.path.insert(0, str(ROOT / "bench"))

import replay  # noqa: E402

QUESTIONS = (
    Question("a", "nl", "topic", "Hoe gaat het kabinet om met het tekort aan personeel?",
             (Gold(SEED.name, "gebruik gemaakt van pooling en expertteams"),)),  # fmt: skip
    Question("b", "en", "topic", "How does the cabinet handle staff scarcity?",
             (Gold(SEED.name, "gebruik gemaakt van pooling en expertteams"),)),  # fmt: skip
    Question("c", "nl", "kamerstuk", "Wat staat er in Kamerstuk 29362-354 over de Rli?",
             (Gold(SEED.name, "Rli"),)),  # fmt: skip
    Question("d", "nl", "fact", "Welke motie vraagt om 112 en 116 als noodnummer?",
             (Gold("none.txt", "nothing"),)),  # fmt: skip
)



@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replay") / "index"
    build([LETTERS], folder, FakeEncoder(), progress=False)
    return folder


@pytest.fixture(scope="module")
def precomputed(index_dir):
    encoder = CountingEncoder()
    searcher = Searcher.open(index_dir, encoder)
    pre = replay.Precomputed(searcher, QUESTIONS, scales=(1.0, 1.5))
    assert encoder.embedded == []  # passages and pairs come from the index
    return pre


def passages_of(search, question):
    return [(p.chunk.id, round(p.score, 4)) for p in search(question, 10)]


@pytest.mark.parametrize(
    "change",
    [{}, {"pairs": False}, {"centre": 0.0}, {"shift": False}, {"question_penalty": 0.0},
     {"lexical_nl": 0.1, "lexical_en": 0.05}, {"routing": False}, {"shift_scale": 1.5}],  # fmt: skip
)
def test_replay_gives_the_searchers_passages_and_scores(index_dir, precomputed, change):
    params = dataclasses.replace(replay.Params(), **change)
    choices = dataclasses.replace(
        Ranking(),
        shift_english=params.shift,
        shift_scale=params.shift_scale,
        centre=params.centre,
        sentence_pairs=params.pairs,
        question_penalty=params.question_penalty,
        lexical_weight_nl=params.lexical_nl,
        lexical_weight_en=params.lexical_en,
        routing=params.routing,
    )
    searcher = Searcher.open(index_dir, FakeEncoder(), choices)
    replayed = replay.replay_searcher(precomputed)
    replayed.score = lambda text: precomputed.combine(text, params)
    for question in QUESTIONS:
        expected = passages_of(searcher.search, question.question)
        assert expected
        assert passages_of(replayed.search, question.question) == expected


def test_hit_ranks_find_the_gold_passage_and_miss_where_there_is_none(precomputed):
    replayed = replay.replay_searcher(precomputed)
    ranks = replay.hit_ranks(replayed, QUESTIONS, lambda q: precomputed.combine(q, replay.Params()))
    assert ranks[2] == 1  # routed to the named letter, whose first passage names the Rli
    assert ranks[3] == 0
    assert replay.reciprocal(ranks)[3] == 0.0 and replay.reciprocal(ranks)[2] == 1.0


def test_variants_are_every_combination_without_repeats():
    found = replay.variants(replay.Params(), pairs=(True, False), centre=(0.0, 0.5))
    assert len(found) == 4
    assert {(p.pairs, p.centre) for p in found} == {(True, 0.0), (True, 0.5), (False, 0.0),
                                                    (False, 0.5)}  # fmt: skip
    assert np.all([isinstance(p, replay.Params) for p in found])
