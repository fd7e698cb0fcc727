"""Densities (`index.density`): each passage's mean similarity to its nearest passages, stored
with its segment and taken off its score, so that hubs stop answering every question."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEncoder

from index import density, store
from index.build import build
from index.ranking import Ranking
from index.search import NO_FILTERS, Searcher
from index.segment import Segment

LETTERS = Path(__file__).resolve().parent.parent / "data" / "letters"


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _brute(vectors: np.ndarray, mean: np.ndarray, reference: np.ndarray) -> np.ndarray:
    moved = _unit(vectors - mean)
    similar = moved @ moved[reference].T
    for i, row in enumerate(reference):
        similar[row, i] = -np.inf
    return np.sort(similar, axis=1)[:, -density.K :].mean(axis=1)


@pytest.fixture(autouse=True)
def small_indexes_measured(monkeypatch):
    """The sample letters hold a few hundred passages: measure densities anyway."""
    monkeypatch.setattr(density, "MIN_PASSAGES", 100)


def test_a_passage_in_a_crowd_is_denser_than_one_alone():
    rng = np.random.default_rng(0)
    crowd = rng.normal(size=384) + 0.1 * rng.normal(size=(200, 384))
    loners = rng.normal(size=(20, 384))
    vectors = _unit(np.vstack([crowd, loners]))
    found = density.densities(vectors.astype(np.float16), np.zeros(384, np.float32))
    assert found.dtype == np.float32 and found.shape == (220,)
    assert found[:200].min() > found[200:].max()
    mean = 0.5 * vectors.mean(axis=0)
    every = np.arange(len(vectors))
    assert np.allclose(density.densities(vectors, mean), _brute(vectors, mean, every), atol=1e-5)


def test_beyond_the_reference_size_an_even_sample_is_the_reference(monkeypatch):
    monkeypatch.setattr(density, "REFERENCE", 50)
    monkeypatch.setattr(density, "_BLOCK", 64)  # blocks that cut through the sample
    vectors = _unit(np.random.default_rng(1).normal(size=(300, 16)))
    mean = 0.5 * vectors.mean(axis=0)
    sample = np.unique(np.linspace(0, 299, 50).astype(np.int64))
    assert np.allclose(density.densities(vectors, mean), _brute(vectors, mean, sample), atol=1e-5)


def test_an_index_too_small_to_tell_measures_none():
    vectors = _unit(np.random.default_rng(2).normal(size=(density.MIN_PASSAGES - 10, 8)))
    assert np.isnan(density.densities(vectors, np.zeros(8, np.float32))).all()
    others = vectors[:20]
    assert np.isfinite(density.densities(vectors, np.zeros(8, np.float32), others, 10)).all()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("density") / "index"
    with pytest.MonkeyPatch.context() as patch:  # built before the autouse fixture applies
        patch.setattr(density, "MIN_PASSAGES", 100)
        build([LETTERS], directory, FakeEncoder(), progress=False)
    return directory


def test_a_segment_stores_its_densities(index_dir):
    generation = store.open_generation(index_dir, files=False)
    [segment] = [Segment(store.segment_dir(index_dir, n)) for n in generation.segments]
    vectors = np.asarray(segment.vectors[:], np.float32)
    mean = Ranking().centre * segment.vector_sum / segment.count
    every = np.arange(segment.count)
    expected = _brute(vectors, mean.astype(np.float32), every)
    assert np.allclose(segment.columns["density"], expected, atol=2e-3)  # from float16 vectors


def test_the_ranking_takes_its_weight_of_the_centred_density_off_each_score(index_dir):
    question = "infectieziektenbestrijding en de GGD"
    plain = Searcher.open(
        index_dir, FakeEncoder(), choices=Ranking(density_weight=0.0, letter_weight=0.0)
    )
    alone = Ranking(density_weight=0.5, letter_weight=0.0)  # letters weigh in after densities
    weighted = Searcher.open(index_dir, FakeEncoder(), choices=alone)
    view = weighted._current()
    rows, scores = weighted._scores(view, question, NO_FILTERS)
    same_rows, unweighted = plain._scores(plain._current(), question, NO_FILTERS)
    assert np.array_equal(rows, same_rows)
    assert np.allclose(unweighted - scores, 0.5 * view.densities[rows])
    assert abs(view.densities[view.alive].mean()) < 1e-5  # centred: scores keep their scale
    assert np.ptp(view.densities) > 0


def test_a_segment_added_later_is_measured_against_the_whole_index(tmp_path):
    letters = tmp_path / "letters"
    shutil.copytree(LETTERS, letters)
    late = letters / "kst-29362-354__berthub_tkconv_2024D11607.txt"
    held = late.read_bytes()
    late.unlink()
    build([letters], tmp_path / "grown", FakeEncoder(), progress=False)
    late.write_bytes(held)
    build([letters], tmp_path / "grown", FakeEncoder(), progress=False)
    build([letters], tmp_path / "whole", FakeEncoder(), progress=False)

    def by_passage(index_dir):
        out = {}
        generation = store.open_generation(index_dir, files=False)
        for name in generation.segments:
            opened = Segment(store.segment_dir(index_dir, name))
            for row, chunk in opened.chunks(range(opened.count)).items():
                out[chunk.id] = float(opened.columns["density"][row])
        return out

    assert len(store.open_generation(tmp_path / "grown", files=False).segments) == 2
    grown, whole = by_passage(tmp_path / "grown"), by_passage(tmp_path / "whole")
    added = [key for key in whole if key.startswith(late.stem)]
    assert len(added) > density.K
    assert np.allclose([grown[k] for k in added], [whole[k] for k in added], atol=2e-3)


def test_watches_score_without_densities(index_dir):
    question = "infectieziektenbestrijding en de GGD"
    plain = Searcher.open(index_dir, FakeEncoder(), choices=Ranking(density_weight=0.0))
    weighted = Searcher.open(index_dir, FakeEncoder(), choices=Ranking(density_weight=0.5))
    assert np.ptp(weighted._current().densities) > 0
    assert np.array_equal(weighted.scores(question).values, plain.scores(question).values)


@pytest.mark.slow
def test_densities_of_the_real_model_keep_the_readme_example_first(tmp_path, real_encoder):
    """The sample letters are under MIN_PASSAGES; measured anyway, with the real model, the
    densities spread and the user's English question still finds section 7 of 29362-354 first."""
    build([LETTERS], tmp_path / "index", real_encoder, progress=False)
    searcher = Searcher.open(tmp_path / "index", real_encoder)
    view = searcher._current()
    assert np.isfinite(view.densities).all() and np.ptp(view.densities) > 0.05
    [first] = searcher.search("How does the cabinet handle staff scarcity?", k=1)
    assert first.chunk.kamerstuk == "29362-354" and first.chunk.section_number == "7"
