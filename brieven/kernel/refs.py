"""Kamerstuk and document references, and footnote markers.

References are normalised to one form each:
- kamerstuk "29 362, nr. 354", "kst-29362-354", "Kamerstuk 21 501-07, nr. 1187"
  -> "29362-354", "21501-07-1187"
- Tweede Kamer document and zaak numbers "2024D11607", "2024Z04988" stay as they are
- Aanhangsel Handelingen "ah-tk-20232024-1076" stays as it is (lower case)

Footnote markers in text are Unicode superscript digits ("beleid.¹⁰").
"""

from __future__ import annotations

import re

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKER = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")

_DASH = "[-\u2010\u2011\u2012\u2013\u2014]"
# "29 362", "21 501-07", "33400-J", "35 300-XIV", then ", nr. 354" / " nr. 1187"
_CITED = re.compile(
    rf"\b(\d{{2}}\s?\d{{3}})(?:\s?{_DASH}\s?([0-9]{{2}}|[A-Z]{{1,5}}))?(?:\s?\(R\d+\))?,?\s+nrs?\.\s?(\d+)"
)
_KST = re.compile(r"\bkst-(\d{5})((?:-[0-9A-Z]{1,5})?)-(\d+)\b")
_TK_NUMBER = re.compile(r"\b(?:19|20)\d{2}[DZ]\d{5}\b")
_AANHANGSEL = re.compile(r"\bah-tk-\d{8}-\d+\b", re.IGNORECASE)


def to_superscript(number: str) -> str:
    return number.translate(_SUPERSCRIPT)


def footnote_markers(text: str) -> list[str]:
    """The footnote numbers a text refers to, in order of first appearance, without repeats."""
    seen: dict[str, None] = {}
    for match in _MARKER.finditer(text):
        seen.setdefault(match.group().translate(_PLAIN), None)
    return list(seen)


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def _kamerstuk(dossier: str, sub: str | None, number: str) -> str:
    parts = [dossier.replace(" ", "")]
    if sub:
        parts.append(sub)
    parts.append(number)
    return "-".join(parts)


def kamerstukken(text: str) -> list[str]:
    """Every kamerstuk cited in `text`, normalised ("29362-354"), in order, without repeats."""
    found: list[tuple[int, str]] = []
    for match in _CITED.finditer(text):
        found.append((match.start(), _kamerstuk(*match.groups())))
    for match in _KST.finditer(text):
        found.append(
            (match.start(), _kamerstuk(match.group(1), match.group(2)[1:], match.group(3)))
        )
    return list(dict.fromkeys(ref for _, ref in sorted(found)))


def normalise_kamerstuk(text: str) -> str | None:
    """The first kamerstuk cited in `text`, normalised, or None."""
    refs = kamerstukken(text)
    return refs[0] if refs else None


def references(text: str) -> list[str]:
    """Kamerstukken, document, zaak and Aanhangsel numbers cited in `text`, normalised."""
    found = kamerstukken(text)
    found += [m.group() for m in _TK_NUMBER.finditer(text)]
    found += [m.group().lower() for m in _AANHANGSEL.finditer(text)]
    return list(dict.fromkeys(found))


# Words after which a spaced number is a count or a label, never a footnote marker.
_NOT_BEFORE_MARKER = {
    "nr",
    "nrs",
    "artikel",
    "art",
    "lid",
    "bijlage",
    "hoofdstuk",
    "paragraaf",
    "vraag",
    "antwoord",
    "fase",
    "stap",
    "groep",
    "punt",
    "categorie",
    "niveau",
    "week",
    "dag",
    "pagina",
    "en",
    "of",
    "tot",
    "van",
    "t/m",
    "versie",
    "motie",
    "is",
    "zijn",
    "de",
    "het",
    "een",
    "op",
    "in",
    "met",
    "jaar",
    "keuze",
    "figuur",
    "tabel",
    "kader",
    "onderdeel",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "januari",
    "februari",
}
# Guilders: "f 1 355 miljoen", "fl. 25", "ƒ2,5 miljard". A digit after these is an amount.
_CURRENCY = {"f", "fl", "ƒ"}
# A digit followed by a group of three ("1 355") is a number written with spaces, not a marker.
_THOUSANDS = r"(?! \d{3}(?!\d))"
# nor is a day before its month ("(ingezonden 1 november 2024)")
_MONTH_AFTER = re.compile(
    r"\s(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december)\b",
    re.IGNORECASE,
)


def link_markers(text: str, numbers: list[str]) -> str:
    """Write the plain-digit footnote markers in `text` as superscripts.

    Markers appear in order, so the search for footnote n starts where n-1 was found. A marker is
    glued to a word, closing punctuation or a span of years ("beleid.1", "SDG’s10", "«…»1",
    "2022-20278") or, as in text taken from
    PDFs, stands apart after a word ("Deltacommissaris 1"). Numbers that are no footnote are left:
    amounts in guilders ("f 1 355 miljoen", "ƒ2"), numbers written with spaces ("1 355"), and a
    spaced number before a colon, which labels ("Fiche 1: …", "Bijlage 2:").
    A marker already written as a superscript counts where it stands, and beats a spaced number
    ("dat 2 jaar"); digits inside a web address are no marker. Numbers right after a marker, apart
    by a space or comma, are the next markers of a run ("Shell?1 2" reads "Shell?¹,²").
    """
    out: list[str] = []
    pos = 0
    linked = False  # whether the previous note's marker was found, ending at `pos`
    for number in numbers:
        # the next marker of a run after it: "Shell?1 2", "orthodontie»?1 2 3", "beleid.1, 2"
        run = re.compile(rf"(?:,\s?| )({number})(?!\d)(?![.,]\d){_THOUSANDS}(?=[ \n.,;:?!)]|$)")
        if (
            linked
            and (found := run.match(text, pos))
            and not _MONTH_AFTER.match(text, found.end(1))
        ):
            out += [text[pos : found.start()], ",", to_superscript(number)]
            pos = found.end(1)
            continue
        written = re.compile(rf"(?<![⁰¹²³⁴⁵⁶⁷⁸⁹])({to_superscript(number)})(?![⁰¹²³⁴⁵⁶⁷⁸⁹])")
        glued = re.compile(
            rf"(?:(?<=[^\W\d_]|[.,;:?!)’'”»])|(?<=[-–]\d{{4}}))({number})(?!\d)(?![.,]\d)"
            + _THOUSANDS
        )
        spaced = re.compile(rf"(?<=[^\W\d_]) ({number})(?![.,]\d){_THOUSANDS}(?=[ \n.,;)]|$)")
        best = None
        for pattern in (written, glued, spaced):
            for match in pattern.finditer(text, pos):
                if pattern is not written:
                    word = _word_before(text, match.start(1))
                    if (
                        word in _CURRENCY
                        or pattern is spaced
                        and (word in _NOT_BEFORE_MARKER or _MONTH_AFTER.match(text, match.end(1)))
                    ):
                        continue
                    if pattern is glued and "/" in _token_at(text, match.start(1)):
                        continue  # digits inside a web address
                    if pattern is spaced and best is not None and best.re is written:
                        continue  # a marker a reader already wrote beats a spaced number
                if best is None or match.start(1) < best.start(1):
                    best = match
                break
        linked = best is not None
        if best is None:
            continue
        before = text[pos : best.start(1)]
        out.append(before.rstrip(" ") if best.re is spaced else before)
        out.append(to_superscript(number))
        pos = best.end(1)
    out.append(text[pos:])
    return "".join(out)


def _token_at(text: str, index: int) -> str:
    """The run of non-space characters around `index`."""
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [i for i in (text.find(" ", index), text.find("\n", index)) if i != -1]
    return text[start : min(ends) if ends else len(text)]


def _word_before(text: str, end: int) -> str:
    match = re.search(r"([\w/]+)\W*$", text[max(0, end - 40) : end])
    return match.group(1).lower() if match else ""
