"""Letters into chunks small enough to embed, each citable on its own.

A chunk never crosses a section. A section longer than the budget is split at paragraph
boundaries, a paragraph longer than the budget at sentence boundaries (so no sentence is cut in
two), and a sentence longer than the budget, which only broken text produces, at word boundaries.
Consecutive chunks of a section share one sentence of overlap.

In answers to Kamervragen a "Vraag n" section whose "Antwoord n" follows gets no chunks: the
answer's heading is that question already (`ingest.sections`), and a chunk of the bare question
would crowd out the answer in search results. A question left unanswered in its file keeps its
chunks.

The text that is embedded is the section heading, the body, and the footnotes the body refers to;
not the letter's title. Measured on the shared corpus (bench/quality.py): with the title first,
the short chunks of one letter all looked alike to the encoder (English recall@5 .56 -> .68 without
it). The title stays in what a chunk shows and cites, and in the lexical index.

The budget is counted in cl100k tokens (tiktoken, offline). The embedding model (multilingual-e5,
XLM-R tokenizer) truncates at 512 tokens. Over the shared corpus (2,551 chunks) Dutch text took
0.83 XLM-R tokens per cl100k token on average and 1.31 at most; with a body of at most 260 cl100k
tokens plus clipped heading and clipped footnotes, the longest embed_text came to 363
XLM-R tokens.
"""

from __future__ import annotations

from brieven.kernel.refs import footnote_markers, strip_markers
from brieven.kernel.sentences import split_sentences
from brieven.kernel.tokens import count_tokens, encoding
from brieven.kernel.types import Chunk, Footnote, Letter, Section
from ingest.sections import numbers_of

BODY_BUDGET = 260  # cl100k tokens of shown text per chunk
NOTE_BUDGET = 80  # cl100k tokens of footnote text appended to the text that is embedded
HEADING_BUDGET = 60  # cl100k tokens of section heading in the text that is embedded


def chunk_letter(letter: Letter) -> list[Chunk]:
    notes = {note.number: note for note in letter.footnotes}
    answered = {
        n for s in letter.sections if _numbered(s, "Antwoord") for n in numbers_of(s.number)
    }
    chunks: list[Chunk] = []
    for index, section in enumerate(letter.sections):
        numbers = numbers_of(section.number) if _numbered(section, "Vraag") else []
        if numbers and all(n in answered for n in numbers):
            continue
        for text in split_section(section.text):
            refs = tuple(notes[n] for n in footnote_markers(text) if n in notes)
            chunks.append(
                Chunk(
                    id=f"{letter.id}#{len(chunks)}",
                    letter_id=letter.id,
                    title=letter.title,
                    date=letter.date,
                    kamerstuk=letter.kamerstuk,
                    doc_type=letter.doc_type,
                    url=letter.url,
                    source=letter.source,
                    section_index=index,
                    section_number=section.number,
                    section_title=section.title,
                    pages=section.pages,
                    footnotes=refs,
                    text=text,
                    embed_text=embed_text(section, text, refs),
                    sender=letter.sender,
                    reference=letter.reference,
                    ocr=section.ocr,
                    links=letter.links,
                )
            )
    return chunks


def _numbered(section: Section, word: str) -> bool:
    """Whether the section is numbered "<word> n" ("Vraag 3", "Antwoord 3 en 4")."""
    parts = (section.number or "").split()
    return len(parts) >= 2 and parts[0] == word and parts[1].rstrip(",").isdigit()


def embed_text(section: Section, text: str, notes: tuple[Footnote, ...]) -> str:
    """Section heading and body without markers, then the footnotes the body refers to."""
    parts = [_clip(section.heading, HEADING_BUDGET), strip_markers(text)]
    if notes:
        parts.append(_clip(" ".join(f"Voetnoot {n.number}: {n.text}" for n in notes), NOTE_BUDGET))
    return "\n".join(part for part in parts if part)


def _clip(text: str, budget: int) -> str:
    tokens = encoding().encode_ordinary(text)
    return text if len(tokens) <= budget else encoding().decode(tokens[:budget]).rstrip() + " …"


def split_section(text: str, budget: int = BODY_BUDGET) -> list[str]:
    """The pieces of one section's text, each within `budget` cl100k tokens (overlap included)."""
    units: list[tuple[int, str]] = []  # (paragraph number, paragraph or sentence)
    for number, paragraph in enumerate(p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if count_tokens(paragraph) <= budget:
            units.append((number, paragraph))
            continue
        for sentence in split_sentences(paragraph):
            units.extend((number, piece) for piece in _words(sentence, budget))
    pieces: list[str] = []
    current: list[tuple[int, str]] = []
    size = 0
    for unit in units:
        cost = count_tokens(unit[1]) + 1
        if current and size + cost > budget:
            pieces.append(_render(current))
            current = _overlap(current, budget - cost)
            size = sum(count_tokens(u[1]) + 1 for u in current)
        current.append(unit)
        size += cost
    if current:
        pieces.append(_render(current))
    return pieces


def _overlap(previous: list[tuple[int, str]], room: int) -> list[tuple[int, str]]:
    """The last sentence of the previous piece, to open the next one, when it fits."""
    number, last = previous[-1]
    sentences = split_sentences(last)
    if not sentences:
        return []
    tail = sentences[-1]
    if count_tokens(tail) + 1 > min(room, BODY_BUDGET // 3) or tail == last and len(previous) == 1:
        return []
    return [(number, tail)]


def _words(sentence: str, budget: int) -> list[str]:
    """A sentence cut at word boundaries into pieces within `budget`; most sentences stay whole."""
    if count_tokens(sentence) <= budget:
        return [sentence]
    pieces: list[str] = []
    current: list[str] = []
    for word in sentence.split():
        if current and count_tokens(" ".join(current + [word])) > budget:
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _render(units: list[tuple[int, str]]) -> str:
    out = ""
    for i, (number, text) in enumerate(units):
        if i:
            out += " " if units[i - 1][0] == number else "\n\n"
        out += text
    return out
