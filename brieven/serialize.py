"""Dict forms of the domain types for JSON output (`brieven ask --json`, `brieven parse --json`)."""

from __future__ import annotations

from typing import Any

from brieven.kernel.types import Answer, Footnote, Letter, Passage, Section


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

    `letter.source` is the ingested file's path; `letter.sender` the ministry and signer,
    `letter.reference` its kenmerk; `footnotes` are those the passage's text refers to; `ocr` is
    true when the text was read by OCR from page images, and may hold recognition errors.
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
            "sender": chunk.sender,
            "reference": chunk.reference,
        },
        "section": {"number": chunk.section_number, "title": chunk.section_title},
        "pages": list(chunk.pages) if chunk.pages else None,
        "footnotes": [footnote_to_dict(note) for note in chunk.footnotes],
        "ocr": chunk.ocr,
    }


def section_to_dict(section: Section) -> dict[str, Any]:
    return {
        "number": section.number,
        "title": section.title,
        "text": section.text,
        "pages": list(section.pages) if section.pages else None,
        "footnotes": list(section.footnotes),
        "ocr": section.ocr,
    }


def letter_to_dict(letter: Letter) -> dict[str, Any]:
    """The letter in the JSON contract of `brieven parse --json`.

    Keys: id, title, date, kamerstuk, doc_type, url, source, sender, reference, sections,
    footnotes.
    """
    return {
        "id": letter.id,
        "title": letter.title,
        "date": letter.date,
        "kamerstuk": letter.kamerstuk,
        "doc_type": letter.doc_type,
        "url": letter.url,
        "source": letter.source,
        "sender": letter.sender,
        "reference": letter.reference,
        "sections": [section_to_dict(section) for section in letter.sections],
        "footnotes": [footnote_to_dict(note) for note in letter.footnotes],
    }
