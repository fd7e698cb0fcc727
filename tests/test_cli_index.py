"""`brieven build`, `ask` and `eval` as a user runs them (fake encoder injected for the model)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import LETTERS, SEED, FakeEncoder, copy_letters

from brieven.cli import main
from index import store

SAMPLE = [
    SEED,
    LETTERS / "kamerbrieven_pages" / "kst-26488-72__zoek_officielebekendmakingen_nl.txt",
    LETTERS / "moties_xml" / "kst-29279-965.xml",
]
PASSAGE_KEYS = {"rank", "score", "text", "letter", "section", "pages", "footnotes", "ocr"} | {
    "vote",  # issue 18: added fields, null for letters never fetched from the API
    "links",
    "answers_question",
}
LETTER_KEYS = {"id", "title", "date", "kamerstuk", "url", "source", "sender", "reference"}


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    """Every command that loads a model gets the fake encoder."""
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())


@pytest.fixture
def corpus(tmp_path) -> Path:
    return copy_letters(SAMPLE, tmp_path / "letters")


@pytest.fixture
def index_dir(corpus, tmp_path) -> Path:
    index_dir = tmp_path / "index"
    assert main(["build", str(corpus), "--index", str(index_dir)]) == 0
    return index_dir


def test_build_exit_status_is_0_when_every_file_is_indexed(corpus, tmp_path, capsys):
    assert main(["build", str(corpus), "--index", str(tmp_path / "index")]) == 0
    out = capsys.readouterr().out
    assert "3 letters" in out and "0 files skipped" in out


def test_build_exit_status_is_2_and_names_skipped_files(corpus, tmp_path, capsys):
    (corpus / "empty.txt").write_text("")
    (corpus / "garbage.pdf").write_bytes(b"%PDF-1.4\n\x00\x01garbage")

    status = main(["build", str(corpus), "--index", str(tmp_path / "index")])

    assert status == 2
    err = capsys.readouterr().err
    assert f"{corpus / 'empty.txt'}: " in err
    assert f"{corpus / 'garbage.pdf'}: " in err


def test_build_exit_status_is_1_when_nothing_can_be_built(index_dir, tmp_path, capsys):
    generation = store.current_generation(index_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "garbage.pdf").write_bytes(b"%PDF-1.4\nnot a pdf")

    assert main(["build", str(bad), "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert "nothing could be indexed" in err and f"{bad / 'garbage.pdf'}: " in err
    assert store.current_generation(index_dir) == generation


def test_build_refuses_while_another_build_holds_the_lock(corpus, tmp_path, capsys):
    index_dir = tmp_path / "index"
    with store.build_lock(index_dir):
        assert main(["build", str(corpus), "--index", str(index_dir)]) == 1
    assert "another build is writing" in capsys.readouterr().err


def test_build_without_paths_rebuilds_from_the_paths_the_index_was_built_from(
    index_dir, corpus, capsys
):
    (corpus / SAMPLE[1].name).unlink()
    capsys.readouterr()

    assert main(["build", "--index", str(index_dir)]) == 0
    assert "2 letters" in capsys.readouterr().out


def test_ask_json_follows_the_contract(index_dir, capsys):
    question = "structurele schaarste aan menskracht"
    assert main(["ask", question, "--json", "-k", "3", "--index", str(index_dir)]) == 0

    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"question", "answer", "passages"} and result["question"] == question
    passages = result["passages"]
    assert [p["rank"] for p in passages] == [1, 2, 3]
    for passage in passages:
        assert set(passage) == PASSAGE_KEYS
        assert set(passage["letter"]) == LETTER_KEYS
        assert set(passage["section"]) == {"number", "title"}
        assert isinstance(passage["score"], float) and passage["text"]
        for note in passage["footnotes"]:
            assert set(note) == {"number", "text", "urls"}
        assert passage["vote"] is None and passage["links"] is None  # sample letters: no sidecar
    top = passages[0]
    assert top["letter"]["kamerstuk"] == "29362-354"
    assert top["section"]["number"] == "7"
    assert Path(top["letter"]["source"]).name == SEED.name
    assert passages[0]["score"] >= passages[1]["score"] >= passages[2]["score"]


def test_ask_json_from_stdin_answers_each_line_in_order(index_dir, monkeypatch, capsys):
    questions = [
        "structurele schaarste aan menskracht",
        "Memorandum Understanding Initiële Operationele Evaluatie JSF Verenigd Koninkrijk",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))

    assert main(["ask", "--json", "-", "--index", str(index_dir)]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["question"] for line in lines] == questions
    assert json.loads(lines[1])["passages"][0]["letter"]["kamerstuk"] == "26488-72"


def test_ask_prints_citation_passage_and_footnotes_for_a_person(index_dir, capsys):
    question = "structurele schaarste aan menskracht"
    assert main(["ask", question, "--no-answer", "--index", str(index_dir)]) == 0

    out = capsys.readouterr().out
    first = out.split("\n\n[2]")[0]
    assert first.startswith("[1] ")
    assert "Kamerstuk 29362-354" in first and "Section 7" in first
    assert "pooling en expertteams" in first or "schaarste" in first


def test_ask_filters_exclude_letters_before_ranking(index_dir, capsys):
    status = main(
        ["ask", "structurele schaarste aan menskracht", "--json", "-k", "2",
         "--dossier", "29279", "--index", str(index_dir)]
    )  # fmt: skip
    assert status == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    # Unfiltered, the seed letter (29362-354) says these words; the motie's few chunks show
    # as one passage with their neighbours.
    assert passages
    assert {p["letter"]["kamerstuk"] for p in passages} == {"29279-965"}


def test_ask_without_an_index_says_how_to_build_one(tmp_path, capsys):
    assert main(["ask", "vraag", "--index", str(tmp_path / "none")]) == 1
    assert "brieven build PATH --index" in capsys.readouterr().err


def test_eval_prints_recall_per_language_and_kind(index_dir, tmp_path, capsys):
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"id": "a", "lang": "nl", "kind": "topic",
         "question": "structurele schaarste aan menskracht pooling",
         "gold": [{"file": f"elsewhere/{SEED.name}",
                   "evidence": "gebruik gemaakt van pooling en expertteams"}],
         "footnote": None},
        {"id": "b", "lang": "en", "kind": "fact", "question": "unrelated words only",
         "gold": [{"file": SEED.name, "evidence": "tekst die nergens staat"}], "footnote": None},
    ]  # fmt: skip
    questions.write_text("\n".join(json.dumps(row) for row in rows) + "\n")

    assert main(["eval", str(questions), "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["nl"][1] == lines["en"][1] == "1"
    assert (lines["nl"][5], lines["en"][5], lines["all"][5]) == ("1.00", "0.00", "0.50")  # R@10
    assert lines["group"][-2:] == ["answer", "cited"] and lines["en"][-2:] == ["0.00", "0.00"]
    assert "b" in out.splitlines()[-1]

    assert main(["eval", str(questions), "--index", str(index_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["hit_rank"] is None for r in report["results"]] == [False, True]


def test_build_skips_files_over_the_size_limit_with_a_clear_reason(corpus, tmp_path, capsys):
    status = main(["build", str(corpus), "--index", str(tmp_path / "index"), "--max-mb", "0.01"])

    assert status == 2
    err = capsys.readouterr().err
    assert f"{corpus / SEED.name}: " in err and "limit" in err


def test_eval_names_the_file_and_line_of_a_malformed_question(index_dir, tmp_path, capsys):
    questions = tmp_path / "questions.jsonl"
    row = {"id": "a", "lang": "nl", "kind": "footnote", "question": "welke noot?",
           "gold": [{"file": SEED.name, "evidence": "pooling"}], "footnote": 2}  # fmt: skip
    questions.write_text(json.dumps(row | {"footnote": None}) + "\n" + json.dumps(row) + "\n")

    assert main(["eval", str(questions), "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"{questions}:2:" in err and '"footnote"' in err
