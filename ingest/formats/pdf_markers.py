"""Footnote markers in PDF body text, found once the page's footnote numbers are known.

In text from a PDF a superscript marker comes out as a plain number: glued to a word
("domein11"), after punctuation with or without a space ("(KOZP)? 1 Bent", "jl. 2"), or after a
word and a space ("bericht 1 van"). Since the footnotes on the page are known, each marker is
looked for in order, starting where the previous one was found, and the forms that are least
often something else are tried first. Numbers that count or label something ("nr. 2",
"vraag 3", "5 miljoen") are left alone. (`brieven.kernel.refs.link_markers` does this for plain
text, where markers are glued; PDF text needs the spaced forms too.)
"""

from __future__ import annotations

import re

from brieven.kernel.refs import to_superscript

# "Vraag 1" / "Antwoord 2" lines in answers to Kamervragen
QA = re.compile(
    r"^(?:vraag|antwoord|vragen|antwoorden)\s+\d+[a-z]?(?:\s*(?:,|en|t/m|-|–)\s*\d+[a-z]?)*\s*:?$",
    re.I,
)
_NUMBER_BEFORE = re.compile(r"\b(?:nr|nrs|art|blz|p|pag|no|vgl|jo|lid)\.?\s?$", re.I)
_STOPWORDS_BEFORE = frozenset(
    "vraag vragen antwoord antwoorden artikel artikelen nummer lid bijlage hoofdstuk paragraaf "
    "pagina tabel figuur stap fase punt week dag jaar groep niveau klasse versie en of tot van op "
    "met in de het een per rond ruim circa bijna over na voor tussen alle ongeveer minstens "
    "maximaal minimaal zo'n nog dan ook al".split()
)
_WORDS_AFTER = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb mrt apr jun jul aug sep sept okt nov dec procent % euro miljoen miljard jaar jaren "
    "maanden maand weken week dagen dag uur uren minuten keer km kilometer personen mensen leden "
    "gemeenten instellingen en of tot".split()
)


def mark_references(
    lines: list[str], numbers: list[str], raised: list[tuple[str, str]] = ()
) -> list[str]:
    """The page's body lines with the markers of footnotes `numbers` (in order) as superscripts.

    `raised` holds (words before, digits) of the markers the PDF set in smaller, raised type
    (`ingest.formats.pdf_rise`): those are placed after their words first, or glued to any word.
    """
    lines = list(lines)
    row, pos = 0, 0
    for number in numbers:
        contexts = [before for before, digits in raised if digits == number]
        found = _find_raised(lines, number, contexts) if contexts else None
        found = found or _find_marker(lines, number, row, pos)
        if found is None:
            continue
        row, start, end = found
        lines[row] = lines[row][:start] + to_superscript(number) + lines[row][end:]
        pos = start + len(to_superscript(number))
    return lines


def _find_raised(lines: list[str], number: str, contexts: list[str]) -> tuple[int, int, int] | None:
    """Where a marker known to be set raised is: after the words that came before it, else glued
    to a word ("NIS24": NIS2 and marker 4), else after a word and a space."""
    end = r"(?!\d)"
    for before in (c for c in contexts if len(c.strip()) >= 3):
        tail = re.escape(before.strip()[-12:])
        for index, text in enumerate(lines):
            found = re.search(tail + r"\s?(" + number + ")" + end, text)
            if found:
                return index, found.start(1) - (text[found.start(1) - 1] == " "), found.end(1)
    for pattern in (r"(?<=[^\W_])" + number + end, r"(?<=[^\W\d_]) " + number + end):
        for index, text in enumerate(lines):
            if QA.match(text):
                continue
            found = re.search(pattern, text)
            if found:
                return index, found.start(), found.end()
    return None


def _find_marker(lines: list[str], number: str, row: int, pos: int) -> tuple[int, int, int] | None:
    """Where footnote `number`'s marker is, searching from (row, pos): after punctuation first,
    then glued to a lower-case word ("domein11"), then after a word and a space."""
    end = r"(?!\d)(?![.,]\d)"
    # after "?", "!" or ")"; after other punctuation unless that follows a digit ("1. 2"),
    # a year excepted ("vanaf 2018. 12")
    punct = r"(?:(?<=\S[?!)])|(?<=[^\d\s][.;:,”’»\"'])|(?<=\b\d{4}[.;:,]))"
    passes = (
        (re.compile(punct + " ?" + number + end), _punct_marker_ok),
        (re.compile(r"(?<=[a-zà-ÿ]{2})" + number + end + r"(?=[\s.,;:?!)]|$)"), _word_marker_ok),
        (re.compile(r"(?<=[^\W_]) " + number + end + r"(?=[\s.,;:?!)]|$)"), _word_marker_ok),
    )
    for pattern, check in passes:
        for index in range(row, len(lines)):
            text = lines[index]
            if QA.match(text):
                continue
            for match in pattern.finditer(text, pos if index == row else 0):
                if check(text[: match.start()], text[match.end() :]):
                    return index, match.start(), match.end()
    return None


def _punct_marker_ok(before: str, after: str) -> bool:
    return not _NUMBER_BEFORE.search(before)


def _word_marker_ok(before: str, after: str) -> bool:
    previous = before.split()[-1].lower() if before.split() else ""
    following = after.split()[0].lower().strip(".,;:") if after.split() else ""
    return previous not in _STOPWORDS_BEFORE and following not in _WORDS_AFTER
