"""The one sectioner: turns the blocks of any format into the sections of a letter.

A section starts at a heading:
- a block the format itself marks as a heading (`Block.heading`);
- a numbered heading, "1. Hoofdaanbeveling: Maak beleid …", "2.1 Aanpak", "3.3 Hoge zandgronden";
- in answers to Kamervragen, "Vraag 3" and "Antwoord 3" (also "Antwoord op vraag 3", "Antwoord
  vraag 3:", a bare "3" before a question and a bare "Antwoord" after it). An answer's section takes
  its question as title, so it can be cited and found on its own;
- an unnumbered tussenkop: a short line without closing punctuation, between the salutation and
  the signature, followed by text (only guessed where the format marks no headings itself).
The text before the first heading is a section of its own (number None, title "").
Headings that follow each other without text between them are merged into one title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from brieven.kernel.refs import footnote_markers, strip_markers
from brieven.kernel.types import Section
from ingest.raw import Block

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\s)\s*([A-Z«‘'\"(][^\n]{1,200})$")
# one number or several: "3", "3 en 4", "4, 5, 6 en 7", "3 t/m 5", "3-4"
_NUMBERS = r"\d{1,3}(?:\s*(?:,|en|t/m|-|–)\s*\d{1,3})*"
_VRAAG = re.compile(rf"^(?:Vraag|Vragen)\s+({_NUMBERS})(?![\d,])\s*[:.]?\s*(.*)$", re.DOTALL)
_ANTWOORD = re.compile(
    rf"^Antwoord(?:en)?(?:\s+op)?(?:\s+(?:vraag|vragen|op vraag|op vragen))?\s*({_NUMBERS})?"
    r"\s*[:.]?\s*(.*)$",
    re.DOTALL | re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^(\d{1,3})[.)]?$")
_NUMBERED_QUESTION = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$", re.DOTALL)
_BODY_START = re.compile(
    r"^(Geachte\b|Aan de [Vv]oorzitter|Datum\s+\d|Betreft\s|"
    r"(Den Haag|[’']s-Gravenhage|[A-Z][a-z]+), \d{1,2} \w+ \d{4}$)"
)
_CLOSING = re.compile(
    r"^(Hoogachtend|Met vriendelijke groet|Ondertekenaars|Eerste ondertekenaar)", re.I
)


@dataclass
class _Draft:
    number: str | None
    title: str
    texts: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    ocr: bool = False


def sections(blocks: Sequence[Block], footnote_numbers: Sequence[str] = ()) -> tuple[Section, ...]:
    """The sections of a letter, in order. `footnote_numbers` limits which markers are listed."""
    qa = _is_qa(blocks)
    # Where the format marks its headings, short lines are not guessed to be headings.
    start = len(blocks) if any(b.heading for b in blocks) else _body_start(blocks)
    drafts = [_Draft(None, "")]
    questions: dict[str, str] = {}
    last_question: str | None = None
    for i, block in enumerate(blocks):
        text = block.text.strip()
        if not text:
            continue
        heading = _heading(blocks, i, qa, i >= start, last_question)
        if heading is None:
            drafts[-1].texts.append(text)
            drafts[-1].ocr = drafts[-1].ocr or block.ocr
            if block.page is not None:
                drafts[-1].pages.append(block.page)
            continue
        number, title, rest = heading
        if number and number.startswith("Vraag "):
            last_question = numbers_of(number)[-1]
        if number and number.startswith("Antwoord ") and _asked(number, questions):
            title = _asked(number, questions)
        current = drafts[-1]
        if not current.texts and len(drafts) > 1:
            current.number = number or current.number
            current.title = " — ".join(t for t in (current.title, title) if t)
        else:
            drafts.append(_Draft(number, title))
        if block.page is not None:
            drafts[-1].pages.append(block.page)
        if rest:
            drafts[-1].texts.append(rest)
        drafts[-1].ocr = drafts[-1].ocr or block.ocr
        if number and number.startswith("Vraag ") and rest:
            questions[numbers_of(number)[0]] = rest
    _fill_questions(drafts, questions)
    wanted = set(footnote_numbers)
    out = []
    for draft in drafts:
        if not draft.texts and not draft.title:
            continue
        body = "\n\n".join(draft.texts)
        # a heading's own markers count ("1. Kunt u … over de problemen bij het UWV¹ ook …"); an
        # answer's title is its question, whose markers are the question's section's
        answer = bool(draft.number and draft.number.startswith("Antwoord "))
        marked = body if answer else f"{draft.title}\n{body}"
        markers = tuple(n for n in footnote_markers(marked) if n in wanted)
        pages = (min(draft.pages), max(draft.pages)) if draft.pages else None
        out.append(Section(draft.number, draft.title, body, pages, markers, draft.ocr))
    return tuple(out)


def _fill_questions(drafts: list[_Draft], questions: dict[str, str]) -> None:
    """An answer's title is its question: taken from the "Vraag n" section's text."""
    for draft in drafts:
        if draft.number and draft.number.startswith("Vraag ") and draft.texts:
            questions.setdefault(numbers_of(draft.number)[0], draft.texts[0])
    for draft in drafts:
        if draft.number and draft.number.startswith("Antwoord "):
            question = _asked(draft.number, questions)
            if question and draft.title in ("", draft.number):
                draft.title = question


def _asked(answer: str, questions: dict[str, str]) -> str:
    """The questions an answer answers, joined: its title."""
    return " — ".join(questions[n] for n in numbers_of(answer) if n in questions)


def _is_qa(blocks: Sequence[Block]) -> bool:
    return any(_ANTWOORD.match(b.text.strip()) and _is_answer_label(b.text.strip()) for b in blocks)


def _is_answer_label(text: str) -> bool:
    first = text.split("\n", 1)[0]
    return bool(
        re.match(
            rf"^Antwoord(en)?(\s+(op\s+)?((?:vraag|vragen)\s+)?{_NUMBERS})?\s*[:.]?$", first, re.I
        )
    )


def _label(word: str, numbers: str) -> str:
    """ "Vraag 3", "Antwoord 3 en 4", "Antwoord 4, 5, 6 en 7": the numbers as printed."""
    return f"{word} {' '.join(numbers.split())}"


def numbers_of(label: str | None) -> list[str]:
    """The question numbers of a "Vraag"/"Antwoord" label: "Antwoord 3 en 4" -> ["3", "4"]."""
    found = re.findall(r"\d{1,3}", label or "")
    if len(found) == 2 and re.search(r"t/m|-|–", label or ""):
        return [str(n) for n in range(int(found[0]), int(found[1]) + 1)][:50]
    return found


def _body_start(blocks: Sequence[Block]) -> int:
    start = 0
    for i, block in enumerate(blocks[:30]):
        if _BODY_START.match(block.text.strip()):
            start = i + 1
    return start


def _heading(
    blocks: Sequence[Block], i: int, qa: bool, in_body: bool, last_question: str | None
) -> tuple[str | None, str, str] | None:
    """(number, title, text that follows the heading in the same block) or None."""
    text = blocks[i].text.strip()
    first, _, rest = text.partition("\n")
    vraag = _VRAAG.match(text)
    if vraag and (qa or len(first) < 20):
        label = _label("Vraag", vraag.group(1))
        return label, label, vraag.group(2).strip()
    if _is_answer_label(text):
        answer = _ANTWOORD.match(text)
        number = answer.group(1) or last_question
        label = _label("Antwoord", number) if number else "Antwoord"
        return label, label, answer.group(2).strip()
    if qa:
        bare = _BARE_NUMBER.match(text)
        # the next question's number, not the aanhangsel's own ("548" above "Vragen van …")
        if bare and int(bare.group(1)) <= int(last_question or 0) + 2:
            return f"Vraag {bare.group(1)}", f"Vraag {bare.group(1)}", ""
        question = _NUMBERED_QUESTION.match(text)
        if question and question.group(2).rstrip().endswith("?"):
            return f"Vraag {question.group(1)}", f"Vraag {question.group(1)}", question.group(2)
    if blocks[i].heading:
        numbered = _NUMBERED.match(text)
        return (numbered.group(1), numbered.group(2).strip(), "") if numbered else (None, text, "")
    numbered = _NUMBERED.match(text)
    if numbered and _heading_words(numbered.group(2)) and _followed_by_text(blocks, i):
        return numbered.group(1), numbered.group(2).strip(), ""
    if in_body and _tussenkop(blocks, i):
        return None, text, ""
    return None


def _heading_words(title: str) -> bool:
    """A heading is one phrase: short enough, no sentence end inside or at its close."""
    return (
        len(title) <= 160
        and not title.endswith((".", ",", ";"))
        and not re.search(r"[.!?] [A-Z]", title)
    )


def _followed_by_text(blocks: Sequence[Block], i: int) -> bool:
    nxt = blocks[i + 1].text.strip() if i + 1 < len(blocks) else ""
    return bool(nxt) and not nxt[0].islower()


def _tussenkop(blocks: Sequence[Block], i: int) -> bool:
    text = strip_markers(blocks[i].text).strip()
    if not (3 <= len(text) <= 80) or len(text.split()) > 10 or "\n" in text:
        return False
    if not (text[0].isupper() or text[0] in "«‘'\"") or text.isupper():
        return False
    if text.endswith((".", ",", ";", ":", "!", "?")) or "," in text or _CLOSING.match(text):
        return False
    if re.search(r"\b[A-Z]\.\s?[A-Z]?\.?", text) or re.search(r"\d{4}$", text):
        return False  # initials of a name, a date
    if i + 1 >= len(blocks):
        return False
    nxt = blocks[i + 1].text.strip()
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "«‘'\"•-–"):
        return False
    if i > 0:
        prev = blocks[i - 1].text.strip()
        if prev.endswith(",") or _CLOSING.match(prev):
            return False
    return True
