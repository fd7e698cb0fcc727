"""Split Dutch (and English) letter text into sentences, without cutting at abbreviations.

A period ends a sentence unless it closes an abbreviation ("o.a.", "bijv.", "nr. 354",
"d.w.z."), an initial ("H.M. de Jonge") or a list number at the start of a line or sentence
("7. Ga slim om ..."). Footnote markers (Unicode superscript digits, "beleid.¹⁰") stay with the
sentence they follow (`brieven.kernel.refs.strip_markers` drops them before a sentence is embedded).
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """
    a.s. afd. art. bijv. blz. bv. ca. d.d. d.w.z. dhr. dr. drs. e.a. e.d. e.g. e.v. enz. etc.
    excl. fig. hfdst. i.e. i.o.m. i.p.v. i.s.m. i.v.m. ing. ir. incl. jl. jr. kst. m.a.w.
    m.b.t. m.i.v. m.n. m.u.v. max. min. mln. mld. mevr. mr. mrd. mrs. mw. nl. no. nr. nrs. o.a.
    o.b.v. o.m. p. pag. prof. red. resp. sr. st. stb. stcrt. t.a.v. t.b.v. t.g.v. t.o.v. t.w.
    t.z.t. vgl. vs. z.g. zgn. jan. feb. apr. aug. sep. sept. okt. nov. dec.
    """.split()
)

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# A candidate end: terminal punctuation, closing quotes or brackets, footnote markers, then space.
_END = re.compile(rf"[.!?…]+[\"'”’»)\]]*[{_SUPERSCRIPTS}]*\s+")
# What may open a sentence: a capital, a digit, an opening quote or bracket, a 's / 't.
_OPENER = re.compile(r"[A-ZÀ-ÖØ-Þ0-9\"'“‘«(\[]")
_LIST_MARKER = re.compile(r"(?:[-–•*▪·]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_LIST_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxIVX]{1,4}")
_INITIALS = re.compile(r"(?:[A-ZÀ-Þ][a-z]?\.)*[A-ZÀ-Þ][a-z]?")
_DOTTED = re.compile(r"(?:\w\.)+\w")


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order, each stripped, footnote markers kept."""
    sentences: list[str] = []
    for block in _blocks(text):
        sentences.extend(_split_block(block))
    return sentences


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items. Other line breaks (wrapped lines) are joined with a space."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        current: list[str] = []
        for line in lines:
            if current and _LIST_MARKER.match(line):
                blocks.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            blocks.append(" ".join(current))
    return blocks


def _split_block(block: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(block):
        end = match.end()
        if end >= len(block) or not _OPENER.match(block, end):
            continue
        if match.group().startswith(".") and not _ends_sentence(block, start, match.start()):
            continue
        sentences.append(block[start:end].strip())
        start = end
    rest = block[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _ends_sentence(block: str, start: int, dot: int) -> bool:
    """Whether the period at `dot` ends the sentence that began at `start`."""
    word_start = dot
    while word_start > start and not block[word_start - 1].isspace():
        word_start -= 1
    word = block[word_start:dot].lstrip("(\"'“‘«")
    if not word:
        return True
    if f"{word.lower()}." in ABBREVIATIONS or _DOTTED.fullmatch(word):
        return False
    if _INITIALS.fullmatch(word) and word != word.lower():
        return False
    first_word = block[start:word_start].strip() == ""
    return not (first_word and _LIST_NUMBER.fullmatch(word))
