"""Dict forms of the domain types for JSON output (`brieven ask --json`, `brieven parse --json`,
`brieven watch run --json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brieven.kernel.types import Answer, Footnote, Letter, Links, Passage, Related, Section, Vote

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

    `letter.source` is the ingested file's path; `letter.sender` the ministry and signer,
    `letter.reference` its kenmerk; `footnotes` are those the passage's text refers to; `ocr` is
    true when the text was read by OCR from page images, and may hold recognition errors.
    Added for issue 18: `vote` (a motie's vote, null when unknown), `links` (Zaak, dossier,
    questions and other documents of the Zaak from the open data API; null when never fetched) and
    `answers_question` ({"number", "text"} of the question an answer's passage answers, or null).
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
        "vote": vote_to_dict(chunk.links.vote) if chunk.links else None,
        "links": links_to_dict(chunk.links) if chunk.links else None,
        "answers_question": _question(chunk.answered_question),
    }


def vote_to_dict(vote: Vote | None) -> dict[str, Any] | None:
    """{"outcome": "adopted" | "rejected" | null, "date", "decision", "for": [{"party", "seats"}],
    "against": [...], "seats_for", "seats_against"}; null when unknown."""
    if vote is None:
        return None
    return {
        "outcome": vote.outcome,
        "date": vote.date,
        "decision": vote.decision,
        "for": [{"party": p.party, "seats": p.seats} for p in vote.voted_for],
        "against": [{"party": p.party, "seats": p.seats} for p in vote.voted_against],
        "seats_for": vote.seats_for,
        "seats_against": vote.seats_against,
    }


def links_to_dict(links: Links) -> dict[str, Any]:
    """{"number", "zaak", "zaak_subject", "dossier", "questions": [...], "documents": [...]}, each
    document {"number", "doc_type", "date", "title"}; a null value is unknown."""
    return {
        "number": links.number,
        "zaak": links.zaak,
        "zaak_subject": links.zaak_subject,
        "dossier": links.dossier,
        "questions": [related_to_dict(doc) for doc in links.questions],
        "documents": [related_to_dict(doc) for doc in links.documents],
    }


def related_to_dict(doc: Related) -> dict[str, Any]:
    return {"number": doc.number, "doc_type": doc.doc_type, "date": doc.date, "title": doc.title}


def _question(answered: tuple[str, str] | None) -> dict[str, str] | None:
    return {"number": answered[0], "text": answered[1]} if answered else None


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
