"""`brieven parse FILE [--json]` as a user runs it."""

from __future__ import annotations

import json

from conftest import SEED

from brieven.cli import main


def test_parse_json_contract(capsys):
    assert main(["parse", str(SEED), "--json"]) == 0
    letter = json.loads(capsys.readouterr().out)
    assert set(letter) == {
        "id",
        "title",
        "date",
        "kamerstuk",
        "doc_type",
        "url",
        "source",
        "sender",
        "reference",
        "sections",
        "footnotes",
    }
    assert letter["kamerstuk"] == "29362-354" and letter["date"] == "2024-03-25"
    section = letter["sections"][-1]
    assert set(section) == {"number", "title", "text", "pages", "footnotes", "ocr"}
    assert section["ocr"] is False
    assert section["number"] == "7"
    assert letter["footnotes"][0]["urls"] == [
        "https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas"
    ]


def test_parse_outline(capsys):
    assert main(["parse", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "De uitvoering aan zet" in out
    assert "7 Ga slim om met structurele schaarste aan menskracht" in out
    assert "Footnotes (11):" in out


def test_parse_bad_file_is_one_line_on_stderr(tmp_path, capsys):
    path = tmp_path / "leeg.pdf"
    path.write_bytes(b"")
    assert main(["parse", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"brieven: {path}: empty file"
    assert "Traceback" not in captured.err
