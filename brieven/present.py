"""Markdown for the web page, built so that document text can never inject markup.

Document text, titles, footnotes and URLs are untrusted input. Every piece of it passes through
`escape` before it reaches Markdown: each ASCII punctuation character is backslash-escaped, so
`<script>`, `**bold**`, `[link](...)`, `$math$` and Streamlit's `:color[...]` directives all show
as the characters they are. The only markup in the output is what this module adds itself:
bold around whole words, links to http(s) URLs, and links to passage anchors.

Nothing here imports Streamlit; the page (`app.py`) only places these strings.
"""

from __future__ import annotations

import re
import string
import textwrap
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Answer, Chunk, Footnote, Pages, PartyVote, Passage

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_WORD = re.compile(r"\w+")
_MARKER = re.compile(r"\[(\d+)\]")
_WORD_JOINER = "\u2060"
_WIDTH = 100  # plain text for terminals and e-mail
_INDENT = "    "
_STEM = 5  # words sharing their first five letters count as the same word ("schaarste", "schaars")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_STOPWORDS = frozenset(
    # English and Dutch words too common to be worth highlighting.
    "the and for are was were has have had how does did what which who whom why when where with "
    "from into this that these those there their they them than then its not but can could "
    "would should will about over under more most some such only also been being our your "
    "een het van voor met die dat deze dit zijn wordt worden werd door naar niet ook maar "
    "als bij aan tot uit over onder meer wat hoe wie waar wanneer welke heeft hebben had "
    "kan kunnen zal zullen moet moeten nog wel dan zich hun haar zij wij ons onze".split()
)


def escape(text: str) -> str:
    """Markdown that shows `text` literally: punctuation escaped, line breaks kept."""
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    # Markdown still turns bare e-mail addresses into mailto: links; a word joiner stops that.
    escaped = escaped.replace("@", "@" + _WORD_JOINER)
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


def _key(word: str) -> str:
    return word.casefold()[:_STEM]


def query_terms(question: str) -> frozenset[str]:
    """The match keys of the question's content words (short and very common words left out)."""
    words = _WORD.findall(question)
    return frozenset(_key(w) for w in words if len(w) > 2 and w.casefold() not in _STOPWORDS)


def highlight(text: str, question: str) -> str:
    """`text` as safe Markdown, with the words it shares with `question` highlighted."""
    terms = query_terms(question)
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) > 2 and word.casefold() not in _STOPWORDS and _key(word) in terms:
            parts.append(escape(text[last : match.start()]))
            parts.append(f"**{escape(word)}**")
            last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def safe_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL without spaces or control characters, else None."""
    if not url:
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def link(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label; only the escaped label if the URL is not http(s)."""
    target = safe_url(url)
    if target is None:
        return escape(label)
    # Percent-encode what could end the link destination early: ( ) < > [ ] and quotes.
    target = quote(target, safe="/:?#@!$&*+,;=%~-._")
    return f"[{escape(label)}]({target})"


def linkify(text: str, urls: tuple[str, ...]) -> str:
    """`text` as safe Markdown in which each of `urls` that is http(s) is a link.

    URLs in `urls` that do not occur in the text are listed after it, so none is lost.
    """
    pending = list(dict.fromkeys(u for u in urls if u))
    parts: list[str] = []
    rest = text
    while pending:
        found = [(rest.find(u), u) for u in pending if u in rest]
        if not found:
            break
        start, url = min(found)
        parts.append(escape(rest[:start]))
        parts.append(link(url, url))
        rest = rest[start + len(url) :]
        pending.remove(url)
    parts.append(escape(rest))
    parts.extend(" " + link(url, url) for url in pending)
    return "".join(parts)


def footnote_markdown(footnote: Footnote) -> str:
    """One footnote: its number as the text marks it ("¹⁰"), its text, its URLs as links."""
    return f"{escape(to_superscript(footnote.number))} {linkify(footnote.text, footnote.urls)}"


def format_date(date: str | None) -> str | None:
    """'2024-03-25' as '25 March 2024'; other forms as they are."""
    if not date:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return date
    year, month, day = match.groups()
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


def format_timestamp(timestamp: str) -> str:
    """An ISO 8601 time as '28 November 2026, 18:40 UTC'; other forms as they are."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    zone = " UTC" if moment.tzinfo is not None else ""
    return f"{format_date(moment.date().isoformat())}, {moment:%H:%M}{zone}"


def format_pages(pages: Pages | None) -> str | None:
    if pages is None:
        return None
    first, last = pages
    return f"page {first}" if first == last else f"pages {first}–{last}"


def section_label(chunk: Chunk) -> str:
    """'Section 7: Ga slim om ...', 'Vraag 3: Welke ...' as plain text (not Markdown)."""
    number, title = chunk.section_number, chunk.section_title
    if number:
        name = f"Section {number}" if number[0].isdigit() else number
        return name if title in ("", number) else f"{name}: {title}"
    if title:
        return chunk.section_title
    return "Opening of the letter" if chunk.section_index == 0 else "Untitled section"


def citation_line(chunk: Chunk, score: float) -> str:
    """Safe Markdown citing a passage's letter: kamerstuk, type, sender, kenmerk, date, pages, and
    the score."""
    facts = [
        f"Kamerstuk {chunk.kamerstuk}" if chunk.kamerstuk else None,
        chunk.doc_type,
        chunk.sender,
        f"kenmerk {chunk.reference}" if chunk.reference else None,
        format_date(chunk.date),
        format_pages(chunk.pages),
        f"score {score:.2f}",
    ]
    return " · ".join(escape(fact) for fact in facts if fact)


OCR_NOTICE = "Read by OCR from a scanned page: the text may contain recognition errors."


def vote_summary(chunk: Chunk) -> str | None:
    """A motie's vote as plain text ("Adopted on 2 October 2025. For: NSC (19 seats), ...");
    "Vote: unknown" for a motie whose vote the data does not give; None for other documents."""
    if not chunk.doc_type.startswith("Motie"):
        return None
    vote = chunk.links.vote if chunk.links else None
    if vote is None:
        return "Vote: unknown"
    outcome = {"adopted": "Adopted", "rejected": "Rejected"}.get(vote.outcome or "")
    head = outcome or f"Decision: {vote.decision or 'unknown'}"
    head += f" on {format_date(vote.date)}." if vote.date else " (date unknown)."
    return " ".join(
        [
            head,
            f"For ({vote.seats_for} seats): {_parties(vote.voted_for)}.",
            f"Against ({vote.seats_against} seats): {_parties(vote.voted_against)}.",
        ]
    )


def _parties(parties: tuple[PartyVote, ...]) -> str:
    if not parties:
        return "none recorded"
    return ", ".join(
        f"{p.party} ({p.seats})" if p.seats is not None else f"{p.party} (seats unknown)"
        for p in parties
    )


def answered_line(chunk: Chunk) -> str | None:
    """ "Answers question 3: Bent u bekend met …?" for a passage of an answer to Kamervragen."""
    answered = chunk.answered_question
    return f"Answers question {answered[0]}: {answered[1]}" if answered else None


def zaak_line(chunk: Chunk) -> str | None:
    """The Zaak and the questions it holds, as plain text; None when never fetched."""
    if chunk.links is None:
        return None
    links = chunk.links
    parts = [f"Zaak {links.zaak or 'unknown'}", f"dossier {links.dossier or 'unknown'}"]
    if links.questions:
        asked = ", ".join(
            f"{q.number} ({format_date(q.date) or 'date unknown'})" for q in links.questions
        )
        parts.append(f"questions: {asked}")
    return " · ".join(parts)


def passage_anchor(rank: int) -> str:
    """The HTML id of a passage's heading, the target of the answer's citation links."""
    return f"passage-{rank}"


def answer_markdown(answer: Answer) -> str:
    """The answer as safe Markdown in which each citation marker [n] links to passage n."""
    parts: list[str] = []
    last = 0
    for match in _MARKER.finditer(answer.text):
        rank = int(match.group(1))
        if rank not in answer.citations:
            continue
        parts.append(escape(answer.text[last : match.start()]))
        parts.append(f"[\\[{rank}\\]](#{passage_anchor(rank)})")
        last = match.end()
    parts.append(escape(answer.text[last:]))
    return "".join(parts)


def passage_text(passage: Passage) -> str:
    """A passage cited as plain text (`brieven ask`, e-mail): rank, score, letter, section,
    pages, link, the text wrapped and indented, then its footnotes."""
    chunk = passage.chunk
    facts = [
        f"Kamerstuk {chunk.kamerstuk}" if chunk.kamerstuk else None,
        format_date(chunk.date),
        section_label(chunk),
        format_pages(chunk.pages),
    ]
    lines = [
        f"[{passage.rank}] {passage.score:.3f}  {chunk.title}",
        _INDENT + " · ".join(fact for fact in facts if fact),
        _INDENT + (chunk.url or chunk.source),
    ]
    extra = (vote_summary(chunk), zaak_line(chunk), answered_line(chunk))
    lines += [wrap(line) for line in extra if line]
    lines += ["", wrap(chunk.text)]
    if chunk.footnotes:
        lines.append("")
    for note in chunk.footnotes:
        urls = [url for url in note.urls if url not in note.text]
        lines.append(wrap(" ".join([to_superscript(note.number), note.text, *urls])))
    return "\n".join(lines)


def wrap(text: str) -> str:
    """Each non-empty line of `text` filled to 100 columns, indented by four spaces."""
    paragraphs = (p for p in text.splitlines() if p.strip())
    return "\n".join(
        textwrap.fill(
            p, _WIDTH, initial_indent=_INDENT, subsequent_indent=_INDENT,
            break_long_words=False, break_on_hyphens=False,
        )
        for p in paragraphs
    )


def match_markdown(passages: tuple[Passage, ...], score: float, found_at: str) -> str:
    """A watch's match as safe Markdown: the letter linked to its publication, its facts, and
    the sections of its cited passages."""
    first = passages[0].chunk
    facts = [
        f"Kamerstuk {first.kamerstuk}" if first.kamerstuk else None,
        first.doc_type,
        format_date(first.date),
        f"score {score:.2f}",
        f"found {format_timestamp(found_at)}",
    ]
    sections = "; ".join(dict.fromkeys(section_label(p.chunk) for p in passages))
    return (
        f"**{link(first.title, first.url)}**  \n"
        + " · ".join(escape(fact) for fact in facts if fact)
        + f"  \n{escape(sections)}"
    )
