"""The notes of a Word answer to Kamervragen: Word footnotes and the questions' typed notes.

An answer copies the questions with their notes as typed text: a marker "1)" after the words
("gedrag2) waarin", "Sammy'? 1)", "(nos.nl)”1)?") and, after the last answer, the notes as
"1) NOS, 6 maart 2024 …" or as a numbered Word list. Its own notes are Word footnotes. Both are
numbered together in order of appearance, as the published aanhangsel does, and written as
superscript markers ("gedrag²"). In the two answers of ministerie_originelen this finds all 7 of
7 notes, where reading Word footnotes alone found 3 and left "1)", "2)" in the questions.
"""

from __future__ import annotations

import re

from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Footnote
from ingest.formats.notes import make_footnote
from ingest.raw import Block

NOTE_REF, NOTE_END = "\ue000", "\ue001"  # around a Word footnote's id until it is numbered
_TYPED_NOTE = re.compile(r"^(\d{1,2})\)\s+(\S.*)$", re.DOTALL)
_TYPED_MARKER = re.compile(r"(?<=\S)\s?(\d{1,2})\)(?=[\s.,;:?!)”’]|$)")
_TOKEN = re.compile(rf"\s*(?:{NOTE_REF}([^{NOTE_END}]*){NOTE_END}|{_TYPED_MARKER.pattern})")


def typed_notes(
    blocks: list[Block], listed: list[str | None]
) -> tuple[list[Block], dict[str, str]]:
    """The blocks less the typed notes listed at the end, and those notes by number.

    The list counts only when the body has a typed marker for one of its numbers; otherwise a
    closing numbered list stays text.
    """
    notes: dict[str, str] = {}
    end = len(blocks)
    while end > 0:
        text = blocks[end - 1].text
        typed = _TYPED_NOTE.match(text)
        number = typed.group(1) if typed else listed[end - 1]
        if number is None or number in notes:
            break
        notes[number] = typed.group(2) if typed else text
        end -= 1
    body = "\n".join(block.text for block in blocks[:end])
    if not notes or not any(m.group(1) in notes for m in _TYPED_MARKER.finditer(body)):
        return blocks, {}
    return blocks[:end], notes


def number_notes(
    blocks: list[Block], word_notes: dict[str, tuple[str, list[str]]], typed: dict[str, str]
) -> tuple[list[Block], list[Footnote]]:
    """Blocks with each Word footnote reference and typed marker as a superscript number, and the
    footnotes under those numbers: Word's in order of appearance, as Word displays them, then
    the typed ones, which Word does not count, after them."""
    order = [
        key
        for block in blocks
        for key in re.findall(f"{NOTE_REF}([^{NOTE_END}]*){NOTE_END}", block.text)
    ]
    seen: dict[tuple[str, str], str] = {}
    for key in order:
        if key in word_notes:
            seen.setdefault(("word", key), str(len(seen) + 1))
    notes = {seen[("word", key)]: word_notes[key] for _, key in seen}

    def number(match: re.Match[str], text: str) -> str:
        word, marker = match.group(1), match.group(2)
        if word is not None:
            return to_superscript(seen[("word", word)]) if ("word", word) in seen else ""
        before = text[: match.start()]
        if marker not in typed or before.count("(") > before.count(")"):
            return match.group()  # "(zie vraag 2)": a parenthesis, not a marker
        if ("typed", marker) not in seen:
            seen[("typed", marker)] = str(len(seen) + 1)
            notes[seen[("typed", marker)]] = (typed[marker], [])
        return to_superscript(seen[("typed", marker)])

    out = []
    for block in blocks:
        text = _TOKEN.sub(lambda m, t=block.text: number(m, t), block.text)
        out.append(Block(text=text, page=block.page, heading=block.heading, ocr=block.ocr))
    footnotes = [make_footnote(n, *notes[n]) for n in sorted(notes, key=int)]
    return out, footnotes
