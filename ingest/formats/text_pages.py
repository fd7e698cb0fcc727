"""Pages of text taken from PDFs or OCR, and the footnotes at their bottoms, for the text reader.

Text that came out of a PDF keeps the page's furniture as lines among the letter's: page ends
("Pagina 3 van 32", a form feed, the "Tweede Kamer, vergaderjaar …" foot, bare page numbers 1, 2,
3 …), publication identifiers, "> Retouradres" lines, and letterhead lines repeated on every page.
`paginate` counts the pages by those ends and drops the furniture (with the bare page number
that OCR of a Staten-Generaal Digitaal scan puts under the foot: four such letters had it read
as an empty footnote); `page_footnotes` then lifts the
footnotes off the page bottoms, where they are lines starting with the next footnote number, and
puts markers that the PDF set apart at the start of a line back after the word they belong to.
Text without page ends (most OCR text) is one page of unknown number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Footnote
from ingest.formats.lines import join_lines
from ingest.formats.notes import make_footnote as footnote


@dataclass
class Line:
    """A line of the letter and the page it is on (None where the text marks no pages)."""

    text: str
    page: int | None = None


# A page's foot; a line that opens with a number is a note citing a paper ("2Tweede Kamer,
# vergaderjaar 2023–2024, 31 066, nr. 1372"), not a foot (ah-tk-20242025-561 lost three notes so).
_PAGE_END = re.compile(
    r"^(\f|P ?agina \d+ van \d+|Pagina \d+ van \d+"
    r"|(?!\d).*Tweede Kamer, vergaderjaar \d{4}\s?[–-]\s?\d{4}, ?.*)$"
)
_CHROME = re.compile(
    r"^((ah|kv)-tk-\d{8}-\d+|kv-tk-\d{4}Z\d{5}|.*ISSN ?\d{4}.*|> Retouradres.*)$", re.IGNORECASE
)


def paginate(lines: list[str]) -> list[Line]:
    """Lines with their page numbers, page heads, feet and repeated letterhead lines removed.

    Pages are known only where the text marks their ends; otherwise every page is None.
    """
    ends = [i for i, line in enumerate(lines) if _PAGE_END.match(line.strip())]
    ends += _page_number_lines(lines)
    ends = sorted(set(ends))
    pages = len(ends) + 1 if ends else 0
    repeated: set[str] = set()
    if pages >= 3:
        counts = Counter(line.strip() for line in lines if 0 < len(line.strip()) <= 60)
        repeated = {
            line
            for line, n in counts.items()
            if n >= max(3, pages // 2) and not re.match(r"^(Vraag|Antwoord)\b", line)
        }
    out: list[Line] = []
    page = 1 if ends else None
    end_set = set(ends)
    for i, line in enumerate(lines):
        if i in end_set:
            _drop_letterhead_run(out)
            page = page + 1 if page else None
            continue
        if line.strip() in repeated or _CHROME.match(line.strip()):
            continue
        if i - 1 in end_set and re.fullmatch(r"\d{1,3}", line.strip()):
            continue  # the page's number under its foot (OCR of Staten-Generaal Digitaal)
        out.append(Line(line, page))
    while out and not out[-1].text:
        out.pop()
    return out


def _page_number_lines(lines: list[str]) -> list[int]:
    """Bare page numbers "1", "2", "3" … on lines of their own, at least three in sequence."""
    found: list[int] = []
    expected = 1
    for i, line in enumerate(lines):
        if line.strip() == str(expected) and (not found or i - found[-1] > 15):
            found.append(i)
            expected += 1
    return found if len(found) >= 3 else []


def _drop_letterhead_run(out: list[Line]) -> None:
    """Drop the run of three or more short lines just above a page end: a letterhead column."""
    run = 0
    while run < len(out) and 0 < len(out[-1 - run].text.strip()) < 40:
        run += 1
    if run >= 3:
        del out[-run:]


# --- footnotes at page bottoms --------------------------------------------------------------------

# Lines that stand alone in a letter's head: the addressee and the place-and-date line.
OWN_LINE = re.compile(
    r"^(Aan de Voorzitters? van de .*Kamer.*"
    r"|(Den Haag|['’]?s[- ]Gravenhage|[A-Z][a-z]+),\s*\d{1,2}\s+[a-z]+\s+\d{4}\.?)$"
)
# Words a heading does not end on; a sentence cut at a line end often does.
OPEN_ENDINGS = frozenset("de het een en of van in op te is zijn wordt worden met voor aan".split())
_NUMBERED = re.compile(r"^\d{1,3}\.\s+(\S.*)$")
# A note's number, then its text after a space or glued to it ("1Kamerstuk", "2wetten.nl"; not
# "2fa08538-…", an identifier).
# a note's number, then its text: after a space, or glued to a capital, a word or a year
# ("22023 Annual report: …" is note 2 of ah-tk-20242025-583)
_NOTE_START = re.compile(
    r"^(\d{1,3})(?:\s+(\S.*)|(?=[A-Z«“‘]|[^\W\d_]{2,}\b|(?:19|20)\d\d\b)(\S.*))?$"
)
_NOTE_WORDING = re.compile(
    r"^(Ter inzage|Raadpleegbaar|Kamerstuk|Zie |https?://|www\.)", re.IGNORECASE
)


def page_footnotes(lines: list[Line]) -> tuple[list[Line], list[Footnote]]:
    """Lift footnotes off page bottoms: lines starting with the next footnote number.

    A line is a footnote when its number is the next one expected (one may be skipped), its
    marker appears in the text above (or it reads like one: "Ter inzage gelegd …"), and it lies
    among the last lines of its page. The lines after it, up to the page end, continue it, unless
    the letter's addressee or dateline comes next (OCR text may put a note above them).
    A number at the start of a line whose note comes further down the page is a marker the PDF
    set apart ("1" or "2, 3 en 4" on a line of their own, "2 Dit is …"): it goes back to the
    end of the line above.
    """
    body: list[Line] = []
    notes: list[tuple[str, list[str]]] = []
    expected = 1
    in_zone_page: object = object()
    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if (
            in_zone_page == line.page
            and line.page is not None
            or (in_zone_page is None and line.page is None and notes)
        ):
            if OWN_LINE.match(stripped):  # OCR put the note above the letter: the letter resumes
                in_zone_page = object()
                body.append(line)
                continue
            match = _NOTE_START.match(stripped)
            if match and int(match.group(1)) == expected:
                notes.append((match.group(1), [match.group(2) or match.group(3) or ""]))
                expected += 1
            elif stripped:
                notes[-1][1].append(stripped)
            continue
        first = re.match(r"\d{1,3}(?!\d)", stripped)
        if (
            first
            and not _numbered_item(stripped, body, lines[i + 1 : i + 3])
            # markers of earlier notes on the same page may come first ("2 Dit is …",
            # "onderstreept.3", then "4 In deze brief …" in ah-tk-20242025-546)
            # (a line of markers alone may follow inline markers whose notes are not read yet)
            and expected <= int(first.group())
            and (int(first.group()) <= expected + 3 or _MARKER_RUN.fullmatch(stripped))
            and _note_further_down(lines[i + 1 :], line.page, first.group())
        ):
            # Not the note but its marker, which the PDF set at the start of a line.
            rest = _glue_markers(body, stripped, lines[i + 1 :], line.page)
            if rest:
                body.append(Line(rest, line.page))
            continue
        match = _NOTE_START.match(stripped)
        if match and expected <= int(match.group(1)) <= expected + 1:
            number = match.group(1)
            text = match.group(2) or match.group(3) or ""
            remaining = sum(1 for later in lines[i + 1 :] if later.page == line.page)
            above = "\n".join(b.text for b in body[-400:])
            if remaining <= 15 and (_marker_seen(above, number) or _NOTE_WORDING.match(text)):
                notes.append((number, [text]))
                expected = int(number) + 1
                in_zone_page = line.page
                continue
        if _unnumbered_note(stripped, lines[i + 1 :], line.page, body, str(expected)):
            # OCR lost the number of "1 Ter inzage gelegd …"; the marker above gives it
            notes.append((str(expected), [stripped]))
            expected += 1
            in_zone_page = line.page
            continue
        body.append(line)
    return body, [footnote(number, join_lines(parts)) for number, parts in notes]


def _unnumbered_note(
    text: str, below: list[Line], page: int | None, body: list[Line], number: str
) -> bool:
    """Whether a line is a note whose number OCR lost: it reads like one ("Ter inzage gelegd op
    de bibliotheek"), stands among its page's last lines, and the marker it needs is above."""
    if not text.startswith(("Ter inzage", "Raadpleegbaar via")):
        return False
    remaining = sum(1 for later in below if later.page == page)
    return remaining <= 15 and _marker_seen("\n".join(b.text for b in body[-400:]), number)


def _numbered_item(text: str, body: list[Line], below: list[Line]) -> bool:
    """Whether a line "n. …" is a numbered heading or list item rather than a marker set apart
    with the sentence's full stop ("… natuurbranden" / "3. Hiermee" / "wordt …"). It is when the
    line above ends a sentence or opens a list ("gemaakt.", "punten:"), when the paragraph before
    it carries the number before, or when the rest reads as
    a short heading ("1. Algemene gegevens"): no sentence end, not ending on a function word, and
    the next line does not carry on in lower case."""
    found = _NUMBERED.match(text)
    if not found:
        return False
    last = next((line.text.rstrip() for line in reversed(body) if line.text.strip()), "")
    if last.endswith((".", ":", ";", "?", "!")):
        return True
    # the next of numbered paragraphs ("14. …" above, a tussenkop "Bodem", then "15. We …")
    previous = f"{int(text.split('.')[0]) - 1}. "
    if any(line.text.lstrip().startswith(previous) for line in body):
        return True
    rest = found.group(1)
    following = next((line.text.strip() for line in below if line.text.strip()), "")
    return (
        len(rest) <= 60
        and not rest.endswith((".", ","))
        and rest.split()[-1].lower() not in OPEN_ENDINGS
        and not re.match(r"[a-z]{2}", following)
    )


def _note_further_down(lines: list[Line], page: int | None, number: str) -> bool:
    """Whether footnote `number` starts, with its text, further down this page."""
    return any(
        (found := _NOTE_START.match(line.text.strip()))
        and found.group(1) == number
        and (found.group(2) or found.group(3))
        for line in lines
        if line.page == page
    )


_MARKER_RUN = re.compile(r"\d{1,3}(?:(?:\s*,\s*|\s+en\s+|\s+)\d{1,3})*[.,;:?!)]*")


def _glue_markers(body: list[Line], text: str, below: list[Line], page: int | None) -> str:
    """Move the markers at the start of `text` ("2", "2, 3 en 4", "2.") whose notes come further
    down the page, as superscripts, to the end of the last line of text above; return the rest."""
    last = next((line for line in reversed(body) if line.text.strip()), None)
    markers = []
    separator = re.compile(r"(\d{1,3})(?:\s*,\s*|\s+en\s+|\s+|$|(?=[.,;:?!)»”’]))")
    run_only = _MARKER_RUN.fullmatch(text)  # "2, 3 en 4": all markers, whatever page 4 is on
    while (found := separator.match(text)) and (
        run_only or _note_further_down(below, page, found.group(1))
    ):
        markers.append(to_superscript(found.group(1)))
        text = text[found.end() :]
    # what closes the sentence after its marker ("2."), or the quotation ("1» en «Alle …»")
    end = ""
    if markers:
        end = (
            text
            if re.fullmatch(r"[.,;:?!)»”’]*", text)
            else re.match(r"(?:[)»”’]+[.,;:?!]*)?", text).group()
        )
    text = text[len(end) :].lstrip()
    if last is not None:
        last.text = last.text.rstrip() + ",".join(markers) + end
    return text


def _marker_seen(text: str, number: str) -> bool:
    return bool(
        re.search(rf"(?:[^\W\d_]|[.,;:?!)’'”»]|[-–]\d{{4}})\s?{number}(?!\d)(?![.,]\d)", text)
    )
