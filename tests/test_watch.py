"""Watches on an index of sample letters (fake encoder): kept across rebuilds, matched against
new letters only, valid Atom feeds, and one-line errors for what a user can get wrong."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import LETTERS, SEED, FakeEncoder, copy_letters

from brieven.cli import main
from brieven.kernel.errors import WatchError
from brieven.kernel.types import Chunk, Footnote, Passage
from brieven.watch import book, feed
from brieven.watch.book import Match, Watch
from brieven.watch.mail import MailSettings

ATOM = "{http://www.w3.org/2005/Atom}"
OLD = [
    LETTERS / "aanhangsel_antwoorden_pdf" / "ah-tk-20232024-1076.pdf",
    LETTERS / "moties_xml" / "kst-29279-965.xml",
    LETTERS / "kamervragen_tk_2024" / "2024Z18884__docx.txt",
]
STAFF = "Hoe gaat het kabinet om met het tekort aan personeel bij de rijksoverheid?"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())


@pytest.fixture
def corpus(tmp_path):
    letters = copy_letters(OLD, tmp_path / "letters")
    index_dir = tmp_path / "index"
    assert main(["build", str(letters), "--index", str(index_dir)]) == 0
    return letters, index_dir


def watched(index_dir, *options: str) -> list[dict]:
    assert main(["watch", "add", "staff", STAFF, "--index", str(index_dir), *options]) == 0
    return []


def run_json(index_dir, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["watch", "run", "--json", "--index", str(index_dir)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_watch_survives_rebuilds_and_reports_only_letters_indexed_after_it(corpus, capsys):
    letters, index_dir = corpus
    watched(index_dir, "--min-score", "2")
    assert run_json(index_dir, capsys) == []
    copy_letters([SEED], letters)
    assert main(["build", str(letters), "--index", str(index_dir)]) == 0
    [match] = run_json(index_dir, capsys)
    assert match["watch"] == "staff" and match["question"] == STAFF
    assert match["letter"]["kamerstuk"] == "29362-354"
    assert match["passages"][0]["letter"]["kamerstuk"] == "29362-354"
    assert match["passages"][0]["score"] >= 2

    (letters / SEED.name).write_text(SEED.read_text("utf-8") + "\nNog een zin.\n", "utf-8")
    assert main(["build", str(letters), "--index", str(index_dir)]) == 0  # a changed letter
    assert run_json(index_dir, capsys) == []  # was reported already
    assert (index_dir / "watches.json").exists()
    assert not list(index_dir.glob("gen-*/watches.json"))
    assert main(["watch", "list", "--json", "--index", str(index_dir)]) == 0
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (listed["name"], listed["matches"], listed["min_score"]) == ("staff", 1, 2.0)


def test_backfill_reports_the_letters_already_there(corpus, capsys):
    letters, index_dir = corpus
    copy_letters([SEED], letters)
    assert main(["build", str(letters), "--index", str(index_dir)]) == 0
    watched(index_dir, "--min-score", "2", "--backfill")
    assert "1 letters already answer it" in capsys.readouterr().out
    [match] = run_json(index_dir, capsys)
    assert match["letter"]["kamerstuk"] == "29362-354"


def test_filters_keep_other_letters_out(corpus, capsys):
    letters, index_dir = corpus
    watched(index_dir, "--min-score", "2", "--type", "Motie")
    copy_letters([SEED], letters)
    assert main(["build", str(letters), "--index", str(index_dir)]) == 0
    assert run_json(index_dir, capsys) == []


def test_remove_drops_the_watch_and_its_matches(corpus, capsys):
    _, index_dir = corpus
    watched(index_dir)
    assert main(["watch", "remove", "staff", "--index", str(index_dir)]) == 0
    assert book.load(index_dir).watches == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["watch", "remove", "nope"], "brieven: no watch named 'nope' on the index at "),
        (["watch", "feed", "nope"], "brieven: no watch named 'nope' on the index at "),
        (["watch", "add", "../x", "q"], "brieven: watch name '../x' is not usable"),
        (["watch", "add", "staff", STAFF], "brieven: a watch named 'staff' exists"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(corpus, capsys, argv, message):
    _, index_dir = corpus
    watched(index_dir)
    capsys.readouterr()
    assert main([*argv, "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_watch_on_a_missing_index_is_one_line_and_exit_1(tmp_path, capsys):
    missing = tmp_path / "nothing"
    for argv in (["watch", "add", "x", "q"], ["watch", "list"], ["watch", "run"]):
        assert main([*argv, "--index", str(missing)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"brieven: no index at {missing}; build one with") and err.count(
            "\n"
        ) == 1
    assert not missing.exists()


def test_mail_server_without_an_address_says_what_to_add(monkeypatch):
    monkeypatch.delenv("BRIEVEN_SMTP_TO", raising=False)
    with pytest.raises(WatchError, match="--smtp-to"):
        MailSettings.from_env("localhost")
    monkeypatch.setenv("BRIEVEN_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("BRIEVEN_SMTP_TO", "a@example.org, b@example.org")
    settings = MailSettings.from_env()
    assert (settings.host, settings.to, settings.port) == (
        "mail.example.org", ("a@example.org", "b@example.org"), 25,
    )


def hostile_match(letter_id: str, found_at: str) -> Match:
    text = "Zie <script>alert('x')</script> & <b>vet</b>\x0c over het ]]> einde."
    chunk = Chunk(
        id=f"{letter_id}#0", letter_id=letter_id, title="Brief <i>over</i> & zo", date="2024-03-25",
        kamerstuk="29362-354", doc_type="Brief regering", url="javascript:alert(1)",
        source="x.txt", section_index=0, section_number="1", section_title="Inleiding",
        pages=(2, 3), footnotes=(Footnote("1", "Zie <a>", ("https://example.org/?a=1&b=2",)),),
        text=text, embed_text=text,
    )
    return Match("staff", letter_id, 5.5, found_at, (Passage(1, 5.5, chunk),))


def test_feed_is_valid_atom_with_document_text_escaped():
    watch = Watch("staff", "Tekort & <personeel>?", book.Filters(), None, "2026-12-01T10:00:00Z")
    matches = [hostile_match("2024D1", "2026-12-02T09:00:00Z"),
               hostile_match("2024D2", "2026-12-02T10:00:00Z")]
    text = feed.atom(watch, matches)
    root = ET.fromstring(text)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert root.find(f"{ATOM}updated").text == "2026-12-02T10:00:00Z"
    assert root.find(f"{ATOM}title").text == "brieven watch staff: Tekort & <personeel>?"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}updated").text for e in entries] == [
        "2026-12-02T10:00:00Z", "2026-12-02T09:00:00Z",
    ]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("urn:uuid:") for i in ids)
    entry = entries[0]
    assert entry.find(f"{ATOM}title").text == "Brief <i>over</i> & zo (Kamerstuk 29362-354)"
    assert entry.find(f"{ATOM}link") is None  # not an http(s) URL
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content.text or (
        "&lt;script&gt;alert('x')&lt;/script&gt;" in content.text
    )
    assert "<script>" not in content.text and "\x0c" not in content.text
    assert '<a href="https://example.org/?a=1&amp;b=2">' in content.text
    assert "Section 1: Inleiding" in content.text and "pages 2–3" in content.text
    assert feed.atom(watch, matches) == text  # stable ids: a reader sees each letter once


def test_a_letter_stands_out_against_the_other_letters_only():
    import numpy as np

    from brieven.watch.match import standing, standing_apart

    rng = np.random.default_rng(7)
    scores = rng.normal(0.3, 0.05, 60).astype(np.float32)
    scores[[3, 40]] = -np.inf  # filtered out
    groups = np.repeat(np.arange(6), 10)
    apart = standing_apart(scores, groups)
    for letter in range(6):
        rows = groups == letter
        expected = standing(scores, ~rows)[rows]
        assert np.allclose(apart[rows], expected, atol=1e-4, equal_nan=False)
    assert np.isneginf(apart[[3, 40]]).all()
