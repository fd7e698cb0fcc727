"""Building, reloading and searching an index (fake encoder; real sample letters)."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import LETTERS, SEED, CountingEncoder, FakeEncoder, copy_letters

from brieven.kernel.errors import (
    EmptyIndexError,
    IndexLockedError,
    IndexMismatchError,
    IndexMissingError,
)
from brieven.kernel.types import Filters
from index import store, whole
from index.build import build
from index.search import Searcher

SAMPLE = [
    SEED,
    LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt",
    LETTERS / "kamerbrieven_pages" / "kst-25295-1__zoek_officielebekendmakingen_nl.txt",
    LETTERS / "moties_xml" / "kst-29279-965.xml",
]
QUESTIONS = [
    "structurele schaarste aan menskracht pooling expertteams",
    "vervanging F-16 Memorandum of Understanding",
    "motie verzoekt de regering",
]



class OtherModel(FakeEncoder):
    model_id = "other-model"
    weights_hash = "0123456789abcdef"


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A writable copy of four sample letters."""
    return copy_letters(SAMPLE, tmp_path / "letters")


def answers(searcher: Searcher) -> list[list[tuple[str, float]]]:
    return [[(p.chunk.id, round(p.score, 6)) for p in searcher.search(q, k=5)] for q in QUESTIONS]


def sources(index_dir: Path) -> set[str]:
    return {Path(chunk.source).name for chunk in whole.load(index_dir).chunks}


def test_build_indexes_every_letter_and_search_finds_the_right_section(
    corpus, tmp_path, fake_encoder
):
    index_dir = tmp_path / "index"
    report = build([corpus], index_dir, fake_encoder, progress=False)

    assert report.files_seen == 4 and report.letters_indexed == 4 and not report.skipped
    assert 4 < report.chunks_embedded <= report.chunk_count  # identical texts embedded once
    searcher = Searcher.open(index_dir, fake_encoder)
    assert searcher.letter_count == 4
    top = searcher.search("structurele schaarste aan menskracht, pooling en expertteams", k=3)[0]
    assert top.rank == 1
    assert top.chunk.kamerstuk == "29362-354"
    assert top.chunk.section_number == "7"
    assert "pooling en expertteams" in searcher.section_text(top.chunk)


def test_index_built_by_another_model_is_refused_with_what_to_run(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)

    with pytest.raises(IndexMismatchError) as refused:
        Searcher.open(index_dir, OtherModel())
    message = str(refused.value)
    assert "fake-encoder" in message and "other-model" in message
    assert f"brieven build --index {index_dir}" in message
    assert "--model fake-encoder" in message


def test_an_older_format_is_refused_by_its_manifest_before_its_files_are_read(
    corpus, tmp_path, fake_encoder
):
    """The manifest, read first, tells what to run; the generation's other files are not read."""
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    folder = index_dir / store.current_generation(index_dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "format_version": 1}))
    (folder / "segments.json").unlink()

    rebuild = re.escape(f"rebuild with: brieven build --index {index_dir}")
    with pytest.raises(IndexMismatchError, match=f"format version 1.*{rebuild}"):
        Searcher.open(index_dir, fake_encoder)


def test_missing_index_says_how_to_build_one(tmp_path, fake_encoder):
    with pytest.raises(IndexMissingError, match="brieven build PATH --index"):
        Searcher.open(tmp_path / "nowhere", fake_encoder)


def test_build_failing_half_way_leaves_the_old_index_answering_identically(
    corpus, tmp_path, monkeypatch
):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, FakeEncoder(), progress=False)
    searcher = Searcher.open(index_dir, FakeEncoder())
    before = answers(searcher)
    generation = store.current_generation(index_dir)

    shutil.copyfile(LETTERS / "moties_xml" / "kst-19637-3481.xml", corpus / "kst-19637-3481.xml")
    (corpus / SEED.name).write_text("Een geheel nieuwe brief.\n\nOver iets anders.\n")

    class Failing(FakeEncoder):
        def encode_document(self, texts, progress=None):
            progress(1)
            raise RuntimeError("out of memory half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        build([corpus], index_dir, Failing(), progress=False)

    assert store.current_generation(index_dir) == generation
    assert answers(searcher) == before
    assert answers(Searcher.open(index_dir, FakeEncoder())) == before
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp")]
    report = build([corpus], index_dir, FakeEncoder(), progress=False)
    assert report.letters_indexed == 5


def test_incremental_build_embeds_only_the_changed_file(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, FakeEncoder(), progress=False)
    changed = corpus / "kst-26488-72__zoek_officielebekendmakingen_nl.txt"
    changed.write_text(changed.read_text() + "\nDe vervanging van de F-35 volgt later.\n")

    encoder = CountingEncoder()
    report = build([corpus], index_dir, encoder, progress=False)

    assert report.files_embedded == 1 and report.files_reused == 3
    assert report.written
    assert 0 < report.chunks_embedded
    assert report.chunks_embedded + report.pairs_embedded == len(encoder.embedded)
    assert all("F-16" in text or "F-35" in text for text in encoder.embedded)
    hits = Searcher.open(index_dir, encoder).search("vervanging van de F-35 volgt later", k=1)
    assert "F-35" in hits[0].chunk.text


def test_build_with_nothing_changed_embeds_nothing_and_keeps_the_index(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, FakeEncoder(), progress=False)
    generation = store.current_generation(index_dir)

    encoder = CountingEncoder()
    report = build([corpus], index_dir, encoder, progress=False)

    assert (report.files_reused, report.files_embedded, report.chunks_embedded) == (4, 0, 0)
    assert not report.written and encoder.embedded == []
    assert store.current_generation(index_dir) == generation


def test_removed_file_drops_out_of_the_index(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    (corpus / "kst-29279-965.xml").unlink()

    report = build([corpus], index_dir, fake_encoder, progress=False)

    assert report.letters_indexed == 3 and report.chunks_embedded == 0
    assert "kst-29279-965.xml" not in sources(index_dir)
    assert Searcher.open(index_dir, fake_encoder).letter_count == 3


def test_bad_file_is_skipped_with_its_reason_and_the_rest_indexed(corpus, tmp_path, fake_encoder):
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    index_dir = tmp_path / "index"

    report = build([corpus], index_dir, fake_encoder, progress=False)

    assert report.letters_indexed == 4
    assert [Path(path).name for path, _reason in report.skipped] == ["broken.pdf"]
    assert report.skipped[0][1]
    assert "broken.pdf" not in sources(index_dir)


def test_nothing_indexable_raises_and_leaves_the_old_index(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    generation = store.current_generation(index_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really")

    with pytest.raises(EmptyIndexError):
        build([bad], index_dir, fake_encoder, progress=False)

    assert store.current_generation(index_dir) == generation
    assert Searcher.open(index_dir, fake_encoder).letter_count == 4


def test_second_build_while_one_holds_the_lock_is_refused(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    with store.build_lock(index_dir):
        with pytest.raises(IndexLockedError, match="--wait"):
            build([corpus], index_dir, fake_encoder, progress=False)
    assert build([corpus], index_dir, fake_encoder, progress=False).letters_indexed == 4


def test_open_searcher_sees_a_rebuilt_index_without_restart(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    searcher = Searcher.open(index_dir, fake_encoder)
    assert searcher.letter_count == 4

    shutil.copyfile(LETTERS / "moties_xml" / "kst-19637-3481.xml", corpus / "kst-19637-3481.xml")
    build([corpus], index_dir, fake_encoder, progress=False)

    assert searcher.letter_count == 5
    found = searcher.search("motie", k=50)
    assert any(p.chunk.source.endswith("kst-19637-3481.xml") for p in found)


def test_filters_apply_before_ranking(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    searcher = Searcher.open(index_dir, fake_encoder)
    question = "structurele schaarste aan menskracht"
    top = searcher.search(question, k=5)[0]
    assert top.chunk.kamerstuk == "29362-354"

    others = [c for c in whole.load(index_dir).chunks if c.kamerstuk != "29362-354"]
    dossiers = tuple(sorted({c.dossier for c in others if c.dossier}))
    filtered = searcher.search(question, k=3, filters=Filters(dossiers=dossiers))

    assert len(filtered) == min(3, len(others))
    assert all(p.chunk.kamerstuk != "29362-354" for p in filtered)
    assert [p.rank for p in filtered] == list(range(1, len(filtered) + 1))


def test_facets_describe_what_the_index_holds(corpus, tmp_path, fake_encoder):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)

    facets = Searcher.open(index_dir, fake_encoder).facets()

    assert "29362" in facets.dossiers and "26488" in facets.dossiers
    assert facets.doc_types
    assert facets.first_date <= "2008-05-22" <= facets.last_date


def test_searches_from_many_threads_keep_answering_while_a_build_swaps_in(
    corpus, tmp_path, fake_encoder
):
    index_dir = tmp_path / "index"
    build([corpus], index_dir, fake_encoder, progress=False)
    searcher = Searcher.open(index_dir, fake_encoder)
    shutil.copyfile(LETTERS / "moties_xml" / "kst-19637-3481.xml", corpus / "kst-19637-3481.xml")
    failures: list[BaseException] = []
    counts: set[int] = set()

    def ask() -> None:
        try:
            for _ in range(40):
                assert len(searcher.search("motie verzoekt de regering", k=5)) == 5
                counts.add(searcher.letter_count)
        except BaseException as err:  # noqa: BLE001 - collected for the assertion below
            failures.append(err)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    build([corpus], index_dir, fake_encoder, progress=False)
    for thread in threads:
        thread.join()

    assert not failures
    assert counts <= {4, 5} and searcher.letter_count == 5
