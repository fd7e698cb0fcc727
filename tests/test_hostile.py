"""`brieven build` over good letters mixed with hostile files: no crash, no hang, nothing lost.

Every hostile file is either indexed (a bit-flip may leave a PDF readable) or named on stderr with
its reason; those no reader may accept are named; every good letter is indexed; no document makes
brieven fetch anything or read a file it points at; the memory the build and its workers use is
bounded. The slow run (1 000+ files, a 200 MB file, a DOCX taking gigabytes to parse) prints its
figures: `python -m pytest tests/test_hostile.py -m slow -s` or `python scripts/fuzz_report.py`.
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import SEED, FakeEncoder
from hostile import fuzz

from brieven.cli import main
from brieven.kernel.errors import ParseError
from index import whole
from ingest.parse import parse

WORKER_MEMORY_KIB = 2 * 2**20  # the default per-worker address-space limit, 2 GiB


def check(result) -> None:
    print(f"\nfuzz: {result.summary()}")
    assert result.crashes == 0 and result.hangs == 0, result.crash_report
    assert result.unnamed == ()
    assert result.unaccounted == ()
    assert result.good_indexed == result.good_total
    assert result.fetches == ()
    assert not result.secret_leaked
    assert 0 < result.peak_worker_rss_kib < WORKER_MEMORY_KIB
    assert 0 < result.peak_rss_kib < 1024 * 1024  # the build itself stays under 1 GiB


def test_build_over_60_hostile_files_names_each_and_indexes_every_good_letter(tmp_path):
    result = fuzz(tmp_path, seed=20261128, n=60, huge=False, timeout=300)
    check(result)
    assert result.files_tried >= 60


@pytest.mark.slow
def test_build_over_1000_hostile_files_a_200mb_file_and_a_gigabyte_docx(tmp_path):
    result = fuzz(tmp_path, seed=7, n=1000, huge=True, timeout=1800)
    check(result)
    assert result.files_tried >= 1000
    for reason, count in result.reasons.items():
        print(f"  {count:5d}  {reason}")


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_a_file_holding_only_a_byte_order_mark_is_skipped_as_empty(tmp_path, suffix):
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(ParseError, match="empty file"):
        parse(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_a_file_without_read_permission_is_named_and_the_rest_indexed(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    corpus = tmp_path / "letters"
    corpus.mkdir()
    shutil.copyfile(SEED, corpus / SEED.name)
    locked = corpus / "locked.txt"
    shutil.copyfile(SEED, locked)
    locked.chmod(0)

    status = main(["build", str(corpus), "--index", str(tmp_path / "index")])

    assert status == 2
    assert f"{locked}: cannot be read: Permission denied" in capsys.readouterr().err
    assert whole.load(tmp_path / "index").manifest.letter_count == 1
