"""Sentence pairs: their texts, their vectors in each generation, and how they raise a chunk."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import LETTERS, SEED, FakeEncoder, copy_letters

from brieven.kernel.errors import IndexMismatchError
from brieven.kernel.refs import strip_markers
from brieven.kernel.sentences import split_sentences
from index import pairs, store, whole
from index.build import build
from index.ranking import Ranking
from index.search import Searcher
from ingest.chunk import chunk_letter
from ingest.parse import parse


def test_pairs_are_consecutive_sentences_without_footnote_markers():
    chunks = chunk_letter(parse(SEED))
    marked = next(c for c in chunks if "¹" in c.text or "²" in c.text)
    sentences = split_sentences(strip_markers(marked.text))
    texts = pairs.texts(marked)
    assert len(texts) == len(sentences) - 1 > 0
    assert texts[0] == f"{sentences[0]} {sentences[1]}"
    assert texts[-1] == f"{sentences[-2]} {sentences[-1]}"
    assert not any(ch in "".join(texts) for ch in "¹²³⁴⁵⁶⁷⁸⁹")
    assert pairs.texts(dataclasses.replace(marked, text="Ja.")) == []


@pytest.fixture
def built(tmp_path):
    letters = copy_letters([SEED], tmp_path / "letters")
    index_dir = tmp_path / "index"
    report = build([letters], index_dir, FakeEncoder(), progress=False)
    return index_dir, report


def test_every_generation_holds_one_vector_per_pair_in_chunk_order(built):
    index_dir, report = built
    data = whole.load(index_dir)
    texts, rows = pairs.rows_of(data.chunks)
    assert len(data.pairs) == len(data.pair_rows) == len(texts) > 0
    # each distinct text is embedded once, a pair equal to a chunk's text as that chunk
    chunk_texts = {chunk.embed_text for chunk in data.chunks}
    assert report.pairs_embedded == len(set(texts) - chunk_texts)
    assert data.pair_rows.tolist() == rows
    assert np.allclose(data.pairs, FakeEncoder().encode_document(texts), atol=2e-3)  # float16


def test_pairs_of_unchanged_files_are_taken_over_in_place_by_an_incremental_build(tmp_path):
    other = LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt"
    letters = copy_letters([SEED, other], tmp_path / "letters")
    index_dir = tmp_path / "index"
    build([letters], index_dir, FakeEncoder(), progress=False)
    changed = letters / other.name
    changed.write_text(changed.read_text() + "\nDe vervanging volgt later. Dat is besloten.\n")

    report = build([letters], index_dir, FakeEncoder(), progress=False)

    assert report.files_reused == 1 and report.files_embedded == 1
    data = whole.load(index_dir)
    texts, rows = pairs.rows_of(data.chunks)
    assert data.pair_rows.tolist() == rows
    assert np.allclose(data.pairs, FakeEncoder().encode_document(texts), atol=2e-3)  # float16


def test_a_pairs_file_that_does_not_fit_the_chunks_is_refused(built, fake_encoder):
    index_dir, _ = built
    segment = store.segment_dir(index_dir, store.open_generation(index_dir).segments[0])
    vectors = segment / "pairs.f16"
    vectors.write_bytes(vectors.read_bytes()[:-10])  # cut short
    with pytest.raises(IndexMismatchError, match="rebuild with: brieven build"):
        Searcher.open(index_dir, fake_encoder)


def test_best_pair_raises_its_chunk_and_the_callers_scores_stay_as_they_were():
    scores = np.array([0.2, 0.5, 0.3])
    raised = pairs.raised(scores, np.array([0.1, 0.9, 0.25]), np.array([0, 0, 2]))
    assert raised.tolist() == pytest.approx([0.9, 0.5, 0.3])
    assert scores[0] == 0.2


def test_search_without_sentence_pairs_ranks_by_chunks_alone(built, fake_encoder):
    index_dir, _ = built
    question = "gebruik gemaakt van pooling en expertteams"
    plain = Searcher.open(index_dir, fake_encoder, Ranking(sentence_pairs=False)).search(question)
    paired = Searcher.open(index_dir, fake_encoder).search(question)
    assert paired[0].score > plain[0].score  # a pair matches more closely than its whole chunk
    assert "pooling en expertteams" in paired[0].chunk.text
