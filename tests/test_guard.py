"""Per-file limits: time and memory (each file is parsed in a worker process), size and pages."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from brieven_process import start
from conftest import LETTERS, SEED
from hostile import _xml_bomb_docx

from brieven.cli import main
from brieven.kernel.errors import ReaderLimitError
from brieven.kernel.types import Letter
from index import whole
from ingest.guard import GuardLimits, parse_all
from ingest.raw import ParseLimits

XML = LETTERS / "moties_xml" / "kst-29279-965.xml"


def test_a_file_that_blocks_for_ever_times_out_and_the_others_are_read(tmp_path):
    fifo = tmp_path / "letter.txt"  # reading a pipe nobody writes to never returns
    os.mkfifo(fifo)
    started = time.monotonic()

    results = dict(parse_all([fifo, SEED, XML], ParseLimits(), GuardLimits(seconds=1, workers=2)))

    assert time.monotonic() - started < 15
    assert isinstance(results[fifo], ReaderLimitError)
    assert str(results[fifo]) == f"{fifo}: timed out after 1 s"
    assert isinstance(results[SEED], Letter) and isinstance(results[XML], Letter)
    assert results[SEED].kamerstuk == "29362-354"


def test_a_file_needing_more_memory_than_the_limit_is_reported_and_the_next_is_read(tmp_path):
    big = tmp_path / "big.txt"  # 40 MB of text: more than 256 MiB to read, under the size limit
    text = SEED.read_text(encoding="utf-8")
    big.write_text(text * (40_000_000 // len(text)), encoding="utf-8")

    limits = GuardLimits(memory_bytes=256 * 2**20, workers=1)
    results = list(parse_all([big, SEED], ParseLimits(), limits))

    assert [path for path, _ in results] == [big, SEED]
    assert str(results[0][1]) == f"{big}: ran out of memory (limit 256 MiB)"
    assert isinstance(results[1][1], Letter)


def test_a_reader_error_at_the_memory_limit_is_reported_as_memory_and_the_worker_replaced(
    tmp_path,
):
    """python-docx (libxml2) reports a failed allocation as a syntax error with no message; the
    worker, near its limit, says it ran out of memory and the next file gets a fresh one."""
    bomb = _xml_bomb_docx(tmp_path / "paragraphs.docx")

    limits = GuardLimits(memory_bytes=512 * 2**20, workers=1)
    results = list(parse_all([bomb, SEED], ParseLimits(), limits))

    assert [path for path, _ in results] == [bomb, SEED]
    assert str(results[0][1]) == f"{bomb}: ran out of memory (limit 512 MiB)"
    assert isinstance(results[1][1], Letter)


def test_no_files_starts_no_worker():
    assert list(parse_all([], ParseLimits())) == []


@pytest.fixture
def fake_model(monkeypatch, fake_encoder):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: fake_encoder)


def test_build_names_the_memory_bomb_indexes_the_rest_and_tries_it_again_next_time(
    tmp_path, capsys, fake_model
):
    corpus = tmp_path / "letters"
    corpus.mkdir()
    shutil.copyfile(SEED, corpus / SEED.name)
    shutil.copyfile(XML, corpus / XML.name)
    big = corpus / "big.txt"
    text = SEED.read_text(encoding="utf-8")
    big.write_text(text * (40_000_000 // len(text)), encoding="utf-8")
    os.mkfifo(corpus / "pipe.pdf")
    index_dir = tmp_path / "index"
    command = ["build", str(corpus), "--index", str(index_dir), "--file-memory-mb", "256"]

    assert main(command) == 2

    err = capsys.readouterr().err
    assert f"{big}: ran out of memory (limit 256 MiB)" in err
    assert f"{corpus / 'pipe.pdf'}: not a regular file" in err
    files = whole.load(index_dir).files
    assert {Path(p).name for p, r in files.items() if r.letter_id} == {SEED.name, XML.name}
    assert not files[str(big)].content_hash  # not remembered as unreadable: read again next time


def test_build_skips_a_pdf_over_the_page_limit_and_says_so(tmp_path, capsys, fake_model):
    corpus = tmp_path / "letters"
    corpus.mkdir()
    pdf = next(LETTERS.rglob("ah-tk-20232024-1076.pdf"))
    shutil.copyfile(pdf, corpus / pdf.name)
    shutil.copyfile(SEED, corpus / SEED.name)

    status = main(["build", str(corpus), "--index", str(tmp_path / "index"), "--max-pages", "1"])

    assert status == 2
    captured = capsys.readouterr()
    assert f"{corpus / pdf.name}: 2 pages; the limit is 1 pages" in captured.err
    assert "1 letters" in captured.out


def test_build_help_explains_the_per_file_limits(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert "--file-timeout" in out and "--file-memory-mb" in out and "--max-pages" in out
    assert "30 s for each page read by OCR" in " ".join(out.split())


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether the process exists and has not ended (a zombie waits only to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find processes")
def test_a_build_killed_with_sigkill_leaves_no_worker_behind(tmp_path):
    corpus = tmp_path / "letters"
    corpus.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (corpus / "long.txt").write_text(text * (40_000_000 // len(text)), encoding="utf-8")
    build = start(["build", str(corpus), "--index", str(tmp_path / "index"), "--file-timeout", "2"])
    deadline = time.monotonic() + 60
    while not (workers := children(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "the build started a worker"
    time.sleep(0.5)  # the worker is reading the long file now

    build.kill()
    build.communicate()

    deadline = time.monotonic() + 2 + 5 + 10  # its deadline, the grace, and slack for a busy CPU
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(running, workers)), "an orphaned worker gives up at its own deadline"
