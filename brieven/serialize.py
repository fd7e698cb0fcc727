"""Dict forms of the domain types for JSON output (`brieven ask --json`, `brieven parse --json`,
`brieven watch run --json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brieven.kernel.types import Answer, Footnote, Letter, Passage, Section

if TYPE_CHECKING:
    from brieven.watch.book import Match


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """{"text", "citations": [ranks], "found", "method"}, plus "notice" when there is one."""
    out: dict[str, Any] = {
        "text": answer.text,
        "citations": list(answer.citations),
        "found": answer.found,
        "method": answer.method,
    }
    if answer.notice:
        out["notice"] = answer.notice
    return out


def footnote_to_dict(footnote: Footnote) -> dict[str, Any]:
    return {"number": footnote.number, "text": footnote.text, "urls": list(footnote.urls)}


def passage_to_dict(passage: Passage) -> dict[str, Any]:
    """{"rank", "score", "text", "letter": {...}, "section": {...}, "pages", "footnotes": [...]}.

    `letter.source` is the ingested file's path; `footnotes` are those the passage's text refers to.
    """
    chunk = passage.chunk
    return {
        "rank": passage.rank,
        "score": round(passage.score, 4),
        "text": chunk.text,
        "letter": {
            "id": chunk.letter_id,
            "title": chunk.title,
            "date": chunk.date,
            "kamerstuk": chunk.kamerstuk,
            "url": chunk.url,
            "source": chunk.source,
        },
        "section": {"number": chunk.section_number, "title": chunk.section_title},
        "pages": list(chunk.pages) if chunk.pages else None,
        "footnotes": [footnote_to_dict(note) for note in chunk.footnotes],
    }


def section_to_dict(section: Section) -> dict[str, Any]:
    return {
        "number": section.number,
        "title": section.title,
        "text": section.text,
        "pages": list(section.pages) if section.pages else None,
        "footnotes": list(section.footnotes),
    }


def letter_to_dict(letter: Letter) -> dict[str, Any]:
    """The letter in the JSON contract of `brieven parse --json`.

    Keys: id, title, date, kamerstuk, doc_type, url, source, sections, footnotes.
    """
    return {
        "id": letter.id,
        "title": letter.title,
        "date": letter.date,
        "kamerstuk": letter.kamerstuk,
        "doc_type": letter.doc_type,
        "url": letter.url,
        "source": letter.source,
        "sections": [section_to_dict(section) for section in letter.sections],
        "footnotes": [footnote_to_dict(note) for note in letter.footnotes],
    }


def match_to_dict(match: Match, question: str) -> dict[str, Any]:
    """A watch's match (`brieven watch run --json`): {"watch", "question", "score", "found_at",
    "letter": {...as in a passage}, "passages": [...as `brieven ask --json` cites them]}."""
    passages = [passage_to_dict(p) for p in match.passages]
    return {
        "watch": match.watch,
        "question": question,
        "score": round(match.score, 4),
        "found_at": match.found_at,
        "letter": passages[0]["letter"],
        "passages": passages,
    }
