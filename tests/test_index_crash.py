"""A build killed with SIGKILL at any moment leaves a loadable index that answers as before."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import LETTERS, SEED, FakeEncoder

from index import store
from index.build import build
from index.search import Searcher

TESTS = Path(__file__).resolve().parent
BUILD = """
import sys
sys.path.insert(0, {tests!r})
from conftest import FakeEncoder
from index.build import build
build([{corpus!r}], {index!r}, FakeEncoder(), progress=False)
"""
QUESTIONS = ["structurele schaarste aan menskracht", "motie verzoekt de regering", "F-16"]


def answers(index_dir: Path) -> list[list[str]]:
    searcher = Searcher.open(index_dir, FakeEncoder())
    return [[p.chunk.id for p in searcher.search(q, k=5)] for q in QUESTIONS]


def test_kill_9_during_builds_never_loses_the_index(tmp_path):
    corpus = tmp_path / "letters"
    corpus.mkdir()
    for path in [SEED, *sorted((LETTERS / "moties_xml").glob("*.xml"))]:
        shutil.copyfile(path, corpus / path.name)
    index_dir = tmp_path / "index"
    build([corpus], index_dir, FakeEncoder(), progress=False)
    before = answers(index_dir)
    shutil.copyfile(
        LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt",
        corpus / "kst-26488-72.txt",
    )
    script = BUILD.format(tests=str(TESTS), corpus=str(corpus), index=str(index_dir))

    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], check=True, cwd=TESTS.parent)
    duration = time.perf_counter() - started
    after = answers(index_dir)
    assert after != before

    shutil.rmtree(index_dir)
    corpus.joinpath("kst-26488-72.txt").unlink()
    build([corpus], index_dir, FakeEncoder(), progress=False)
    corpus.joinpath("kst-26488-72.txt").write_bytes(
        (LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt")
        .read_bytes()
    )
    outcomes = []
    rng = random.Random(7)
    for _run in range(6):
        process = subprocess.Popen([sys.executable, "-c", script], cwd=TESTS.parent)
        time.sleep(rng.uniform(0.2, duration))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        result = answers(index_dir)
        assert result in (before, after)
        outcomes.append("old" if result == before else "new")
        if result == after:  # the build got through: start again from the old corpus state
            shutil.rmtree(index_dir)
            corpus.joinpath("kst-26488-72.txt").rename(tmp_path / "aside.txt")
            build([corpus], index_dir, FakeEncoder(), progress=False)
            (tmp_path / "aside.txt").rename(corpus / "kst-26488-72.txt")

    report = build([corpus], index_dir, FakeEncoder(), progress=False)
    assert report.letters_indexed == 6 and answers(index_dir) == after
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".")]
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) <= 2
    assert store.current_generation(index_dir) in os.listdir(index_dir)
    assert "old" in outcomes
    print(
        f"\nkill -9 runs: {len(outcomes)}, index answered as before the build: "
        f"{outcomes.count('old')}, as after it: {outcomes.count('new')}, lost: 0"
    )
