"""Builds racing for one index, and searches from the CLI and the app during a rebuild.

Real processes: two `brieven build`s at once, and `brieven ask --json -` answering questions from a
pipe while another process rebuilds the index it reads.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
from brieven_process import finish, run_build, start
from conftest import LETTERS, SEED, FakeEncoder, copy_letters
from streamlit.testing.v1 import AppTest

from index import store, whole
from index.build import build
from index.search import Searcher

APP = Path(__file__).resolve().parent.parent / "app.py"
NEW_LETTER = LETTERS / "moties_xml" / "kst-19637-3481.xml"
ONLY_NEW = "minimale eisen opvanglocaties kinderen asielopvang"  # only the new letter says this
OLD = [
    SEED,
    LETTERS / "moties_xml" / "kst-29279-965.xml",
    LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt",
]


@pytest.fixture
def corpus(tmp_path) -> Path:
    return copy_letters(OLD, tmp_path / "letters")


@pytest.fixture
def index_dir(corpus, tmp_path) -> Path:
    index_dir = tmp_path / "index"
    build([corpus], index_dir, FakeEncoder(), progress=False)
    return index_dir


def wait_for_lock_held(index_dir: Path, timeout: float = 60) -> None:
    """Return once some process holds the index's build lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(index_dir / store.LOCK, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        time.sleep(0.02)
    raise AssertionError("no build took the lock")


def test_second_build_refuses_with_a_clear_message_a_waiting_one_follows(
    corpus, index_dir, tmp_path
):
    shutil.copyfile(NEW_LETTER, corpus / NEW_LETTER.name)
    args = [str(corpus), "--index", str(index_dir)]
    gate = tmp_path / "embed-may-go-on"
    started = time.monotonic()
    first = start(["build", *args, "--wait"], gate=gate)  # holds the lock until the gate opens
    wait_for_lock_held(index_dir)

    refused = run_build(args, timeout=120)
    waiting_started = time.monotonic()
    waiting = start(["build", *args, "--wait"])
    time.sleep(1)
    assert waiting.poll() is None, "the build with --wait waits for the lock"
    gate.touch()

    first_run = finish(first, started, timeout=120)
    waited = finish(waiting, waiting_started, timeout=120)
    assert refused.status == 1
    assert refused.stderr.strip() == (
        f"brieven: another build is writing the index at {index_dir} "
        f"(lock {index_dir / store.LOCK}); wait for it to finish, or run again with --wait"
    )
    assert first_run.status == 0 and "4 letters" in first_run.stdout
    assert waited.status == 0 and "4 letters" in waited.stdout and "(unchanged)" in waited.stdout
    assert "Traceback" not in first_run.stderr + waited.stderr
    data = whole.load(index_dir)
    assert data.manifest.letter_count == 4 and len(data.chunks) == len(data.vectors)
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".")]


def test_ask_from_a_pipe_keeps_answering_during_a_rebuild_and_then_sees_the_new_letter(
    corpus, index_dir
):
    asker = start(["ask", "--json", "--no-answer", "--index", str(index_dir), "-"], stdin=-1)

    def ask(question: str) -> list[str]:
        asker.stdin.write(question + "\n")
        asker.stdin.flush()
        return [p["letter"]["source"] for p in json.loads(asker.stdout.readline())["passages"]]

    try:
        assert not any(s.endswith(NEW_LETTER.name) for s in ask(ONLY_NEW))
        shutil.copyfile(NEW_LETTER, corpus / NEW_LETTER.name)
        started = time.monotonic()
        builder = start(["build", str(corpus), "--index", str(index_dir)], embed_delay=2)
        during = 0
        while builder.poll() is None:
            assert len(ask("structurele schaarste aan menskracht")) == 5
            during += 1
        assert finish(builder, started, timeout=120).status == 0
        assert during >= 3, "questions were answered while the build ran"

        assert ask(ONLY_NEW)[0] == str(corpus / NEW_LETTER.name)
    finally:
        asker.stdin.close()
        asker.wait(timeout=60)
    assert asker.returncode == 0


def test_app_sessions_keep_answering_during_a_rebuild_and_then_see_the_new_letter(
    corpus, index_dir, monkeypatch
):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    monkeypatch.delenv("BRIEVEN_LLM_URL", raising=False)
    st.cache_resource.clear()
    sessions = [AppTest.from_file(str(APP), default_timeout=60).run() for _ in range(3)]

    def ask(session: AppTest, question: str) -> str:
        session.text_input[0].input(question)
        session.button[0].click().run()
        assert not session.exception
        return " ".join(caption.value for caption in session.caption).replace("\\", "")

    assert all("29362-354" in ask(session, "structurele schaarste") for session in sessions)
    shutil.copyfile(NEW_LETTER, corpus / NEW_LETTER.name)
    started = time.monotonic()
    builder = start(["build", str(corpus), "--index", str(index_dir)], embed_delay=2)
    during = 0
    while builder.poll() is None:
        assert "29362-354" in ask(sessions[during % 3], "structurele schaarste aan menskracht")
        during += 1
    assert finish(builder, started, timeout=120).status == 0
    assert during >= 3

    for session in sessions:
        assert "19637-3481" in ask(session, ONLY_NEW).split(" · score ")[0]
    assert Searcher.open(index_dir, FakeEncoder()).letter_count == 4
