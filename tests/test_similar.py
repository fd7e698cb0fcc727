"""`brieven similar`: the questions of a new Kamervraag, each with earlier answers to similar ones.

Over the sample corpus' three answers to Kamervragen (Aanhangsel PDFs), with the fake encoder.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import LETTERS, FakeEncoder

from brieven.cli import main
from index.build import build

ANSWERS = sorted((LETTERS / "aanhangsel_antwoorden_pdf").glob("*.pdf"))
SINTERKLAAS = ANSWERS[0]  # ah-tk-20232024-1076, questions on cancelled Sinterklaas parades
NEW = """Vragen van het lid Jansen aan de minister van Justitie en Veiligheid

1. Bent u bekend met het bericht dat de Sinterklaasintocht in een gemeente is afgelast?

2. Welke risico's ziet u van quantumcomputing voor de encryptie van overheidsgegevens?
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("similar")
    for path in ANSWERS:
        shutil.copyfile(path, folder / path.name)
    build([folder], folder / "index", FakeEncoder(), progress=False)
    return folder / "index"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())


def test_each_pasted_question_gets_the_earlier_answer_to_its_like(index_dir, capsys):
    assert main(["similar", NEW, "--json", "-k", "1", "--index", str(index_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["source"] is None
    first, second = result["questions"]
    assert (first["number"], second["number"]) == ("1", "2")
    assert first["text"].startswith("Bent u bekend met het bericht dat de Sinterklaasintocht")
    top = first["passages"][0]
    assert top["letter"]["id"] == "ah-tk-20232024-1076"
    assert "Sinterklaasintocht" in top["answers_question"]["text"]  # the earlier question
    assert top["section"]["number"].startswith("Antwoord")
    assert second["passages"][0]["letter"]["id"] == "ah-tk-20232024-1178"  # quantumproof
    assert {"rank", "score", "text", "letter", "section", "footnotes", "vote"} <= top.keys()


def test_a_file_in_the_index_is_not_its_own_earlier_answer(index_dir, capsys):
    assert main(["similar", str(SINTERKLAAS), "--json", "--index", str(index_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["questions"]) >= 4 and result["letter_id"] == "ah-tk-20232024-1076"
    ids = {p["letter"]["id"] for q in result["questions"] for p in q["passages"]}
    assert ids and "ah-tk-20232024-1076" not in ids


def test_text_output_shows_each_question_then_the_cited_answers(index_dir, capsys):
    assert main(["similar", NEW, "-k", "1", "--index", str(index_dir)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # lines wrapped at 100 characters
    assert out.startswith("Vraag 1: Bent u bekend met het bericht")
    assert re.search(r"Answers question \d+: [^\[]*Sinterklaasintocht", out)
    assert "Quantumproof encryptie" in out  # the second question's earlier answer


def test_a_missing_file_is_one_line_and_exit_1(index_dir, capsys):
    assert main(["similar", "geen-vragen.pdf", "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "geen-vragen.pdf" in err and "no such file" in err
