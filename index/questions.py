"""Question files for evaluation: one JSON object per line, checked field by field.

    {"id": "q002", "lang": "nl", "kind": "topic", "question": "Hoe gaat ...?",
     "gold": [{"file": "folder/name.txt", "evidence": "words of the answer"}],
     "footnote": {"number": 2, "contains": "words of the note"} or null}

A line that breaks this shape stops the load with `QuestionFileError` naming the file, the line
and the field, instead of a Python error from deep inside the evaluation (a footnote given as a
bare number used to end in "'int' object is not subscriptable").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.errors import QuestionFileError

_TEXT_FIELDS = ("id", "lang", "kind", "question")


@dataclass(frozen=True, slots=True)
class Gold:
    file: str
    evidence: str


@dataclass(frozen=True, slots=True)
class FootnoteGold:
    number: str
    contains: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    lang: str
    kind: str
    question: str
    gold: tuple[Gold, ...]
    footnote: FootnoteGold | None = None


def load_questions(path: Path | str) -> list[Question]:
    """The questions of the file at `path`, in order; blank lines are skipped.

    Raises QuestionFileError when the file cannot be read or a line is not a valid question.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = f"cannot read the question file ({_reason(err)})"
        raise QuestionFileError(path, None, reason) from None
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                questions.append(_question(line))
            except ValueError as err:
                raise QuestionFileError(path, number, str(err)) from None
    return questions


def _question(line: str) -> Question:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON ({err.msg}, column {err.colno})") from None
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {_kind(row)}")
    for field in _TEXT_FIELDS:
        _text(row, field, "")
    gold = row.get("gold")
    if not isinstance(gold, list) or not gold:
        raise ValueError(
            f'"gold" must be a non-empty list of {{file, evidence}}, got {_kind(gold)}'
        )
    entries = []
    for i, entry in enumerate(gold):
        where = f"gold[{i}]."
        if not isinstance(entry, dict):
            raise ValueError(
                f'"gold[{i}]" must be an object {{file, evidence}}, got {_kind(entry)}'
            )
        entries.append(Gold(_text(entry, "file", where), _text(entry, "evidence", where)))
    note = row.get("footnote")
    if note is not None and not isinstance(note, dict):
        raise ValueError(f'"footnote" must be null or an object {{number, contains}}, '
                         f"got {_kind(note)}")  # fmt: skip
    footnote = None
    if note is not None:
        number = note.get("number")
        if isinstance(number, bool) or not isinstance(number, int | str) or not str(number):
            raise ValueError(f'"footnote.number" must be a number or text, got {_kind(number)}')
        footnote = FootnoteGold(str(number), _text(note, "contains", "footnote."))
    return Question(*(row[f] for f in _TEXT_FIELDS), gold=tuple(entries), footnote=footnote)


def _text(row: dict, field: str, where: str) -> str:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        missing = "missing" if value is None else f"got {_kind(value)}"
        raise ValueError(f'"{where}{field}" must be non-empty text ({missing})')
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return f"{names.get(type(value), type(value).__name__)} {json.dumps(value)[:40]}"


def _reason(err: Exception) -> str:
    return err.strerror.lower() if isinstance(err, OSError) and err.strerror else str(err)
