"""Earlier answers to similar questions: for each numbered question of a new Kamervraag, the
passages of earlier answers that answer the most similar questions (the Codi workflow: the
government's own 2023 pilot gave civil servants exactly this when a new set of questions came in).

The new Kamervraag is read by the same parser and sectioner as every letter (a PDF, a DOCX, or
pasted text), so its "Vraag n" / "1." questions are the sections `ingest.sections` finds. Each
question is searched on its own among the passages of one document type, by default "Antwoord
schriftelijke vragen"; a passage of an answer is headed by the question it answers
(`Chunk.answered_question`), so every hit shows the earlier question and its answer together.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.errors import ParseError
from brieven.kernel.types import Chunk, Filters, Letter, Passage
from index.search import Searcher
from ingest.parse import parse

ANSWER_TYPE = "Antwoord schriftelijke vragen"
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$", re.DOTALL)
_FILE_NAME = re.compile(r"\S+\.(pdf|docx|txt|xml|html?)", re.IGNORECASE)
_WIDEN = 4  # passages asked for per passage wanted, so hidden letters leave enough behind
_MOST = 1024  # passages asked for at most


@dataclass(frozen=True, slots=True)
class Question:
    number: str  # "3"
    text: str


@dataclass(frozen=True, slots=True)
class Similar:
    question: Question
    passages: tuple[Passage, ...]  # best first, ranks 1..k


def read_kamervraag(source: str) -> Letter:
    """The Kamervraag in a file, or in `source` itself when it names no file (pasted text)."""
    path = Path(source)
    if len(source) < 4096 and "\n" not in source and path.is_file():
        return parse(path)
    if _FILE_NAME.fullmatch(source.strip()):
        raise ParseError(path, "no such file; give a Kamervraag file or its text")
    with tempfile.TemporaryDirectory(prefix="brieven-similar-") as folder:
        pasted = Path(folder) / "pasted.txt"
        pasted.write_text(source, encoding="utf-8")
        return parse(pasted)


def questions_of(letter: Letter) -> list[Question]:
    """Its numbered questions: the "Vraag n" sections, else the paragraphs numbered "n." or "n)"
    (the sectioner splits those only in answers, where an "Antwoord" confirms them); the whole
    text as one question when it numbers none."""
    found = [
        Question(section.number.split()[1], section.text.strip())
        for section in letter.sections
        if (section.number or "").startswith("Vraag ") and section.text.strip()
    ]
    return found or _numbered(_paragraphs(letter))


def _paragraphs(letter: Letter) -> list[str]:
    lines = []
    for section in letter.sections:
        if section.title:
            number = section.number
            heading = f"{number}. {section.title}" if number and number.isdigit() else section.title
            lines.append(heading)
        lines += [p.strip() for p in section.text.split("\n\n") if p.strip()]
    return lines


def _numbered(paragraphs: list[str]) -> list[Question]:
    questions: list[Question] = []
    for paragraph in paragraphs:
        match = _NUMBERED.match(paragraph)
        if match and match.group(1) not in {q.number for q in questions}:
            questions.append(Question(match.group(1), match.group(2).strip()))
        elif questions:
            last = questions[-1]
            questions[-1] = Question(last.number, f"{last.text}\n{paragraph}")
    if questions:
        return questions
    text = "\n".join(paragraphs).strip()
    return [Question("1", text)] if text else []


def questions_in(chunks: list[Chunk], section_texts: dict[int, str]) -> list[Question]:
    """The questions an indexed letter asks or answers: each answer's heading, or the text of
    each "Vraag n" section (`section_texts` by section index), in order, once each."""
    found: dict[str, Question] = {}
    for chunk in chunks:
        answered = chunk.answered_question
        if answered:
            found.setdefault(answered[0], Question(*answered))
        elif (chunk.section_number or "").startswith("Vraag "):
            number = chunk.section_number.split()[1]
            text = section_texts.get(chunk.section_index, chunk.text)
            found.setdefault(number, Question(number, text.strip()))
    return list(found.values())


def similar(
    searcher: Searcher,
    questions: list[Question],
    k: int = 3,
    doc_types: tuple[str, ...] = (ANSWER_TYPE,),
    hidden: frozenset[str] = frozenset(),
) -> list[Similar]:
    """For each question, the `k` best passages of `doc_types`, none from a letter in `hidden`."""
    filters = Filters(doc_types=doc_types)
    out = []
    for question in questions:
        kept = _unhidden(searcher, question.text, k, filters, hidden)
        passages = tuple(
            Passage(rank=rank, score=p.score, chunk=p.chunk) for rank, p in enumerate(kept, 1)
        )
        out.append(Similar(question, passages))
    return out


def _unhidden(
    searcher: Searcher, text: str, k: int, filters: Filters, hidden: frozenset[str]
) -> list[Passage]:
    """The best `k` passages outside `hidden`, asking for more while hidden letters fill the list
    (a question of a hidden answer finds that answer's own passages first)."""
    wanted = k * _WIDEN
    while True:
        found = searcher.search(text, k=wanted, filters=filters)
        kept = [p for p in found if p.chunk.letter_id not in hidden]
        if len(kept) >= k or len(found) < wanted or wanted >= _MOST:
            return kept[:k]
        wanted *= 4
