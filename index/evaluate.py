"""Retrieval quality on a question set: recall@k and MRR@10, per language, per kind and overall.

A question file holds one JSON object per line: {"id", "lang", "kind", "question",
"gold": [{"file", "evidence"}], "footnote": {"number", "contains"} or null}.

A returned passage is a *hit* when its source file has the name of a gold `file` and its text
contains that gold entry's `evidence` as one contiguous run of word tokens (Unicode NFKC, lower
case, soft hyphens dropped, words hyphenated across a line break joined). For a footnote question
the first hit should also carry footnote `number` whose text (with its URLs) contains `contains`
by the same rule; that share is reported separately and does not change recall.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from brieven.kernel.types import Passage

CUTOFFS = (1, 3, 5, 10)
MRR_CUTOFF = 10


@dataclass(frozen=True, slots=True)
class Gold:
    file: str
    evidence: str


@dataclass(frozen=True, slots=True)
class FootnoteGold:
    number: str
    contains: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    lang: str
    kind: str
    question: str
    gold: tuple[Gold, ...]
    footnote: FootnoteGold | None = None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    id: str
    lang: str
    kind: str
    hit_rank: int | None  # rank of the first hit, None when none was returned
    footnote_ok: bool | None  # for footnote questions: the first hit carries the footnote


@dataclass(frozen=True, slots=True)
class GroupScores:
    name: str
    count: int
    recall: dict[int, float]  # cutoff -> share of questions with a hit in the first `cutoff`
    mrr: float
    footnote_share: float | None  # share of footnote questions whose first hit has the footnote


@dataclass(frozen=True, slots=True)
class EvalReport:
    results: tuple[QuestionResult, ...]
    groups: tuple[GroupScores, ...]  # per language, per kind, then "all"


def load_questions(path: Path | str) -> list[Question]:
    questions = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            note = row.get("footnote")
            questions.append(
                Question(
                    id=row["id"],
                    lang=row["lang"],
                    kind=row["kind"],
                    question=row["question"],
                    gold=tuple(Gold(g["file"], g["evidence"]) for g in row["gold"]),
                    footnote=FootnoteGold(str(note["number"]), note["contains"]) if note else None,
                )
            )
    return questions


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.findall(r"\w+", text.lower())


def contains(text: str, evidence: str) -> bool:
    """Whether `evidence`'s words appear as one contiguous run of `text`'s words."""
    haystack, needle = tokens(text), tokens(evidence)
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def is_hit(question: Question, passage: Passage) -> bool:
    name = PurePath(passage.chunk.source).name
    return any(
        PurePath(gold.file).name == name and contains(passage.chunk.text, gold.evidence)
        for gold in question.gold
    )


def carries_footnote(passage: Passage, expected: FootnoteGold) -> bool:
    return any(
        note.number == expected.number
        and contains(" ".join((note.text, *note.urls)), expected.contains)
        for note in passage.chunk.footnotes
    )


def judge(question: Question, passages: list[Passage]) -> QuestionResult:
    first = next((p for p in passages if is_hit(question, p)), None)
    footnote_ok = None
    if question.footnote is not None:
        footnote_ok = first is not None and carries_footnote(first, question.footnote)
    return QuestionResult(
        id=question.id,
        lang=question.lang,
        kind=question.kind,
        hit_rank=first.rank if first else None,
        footnote_ok=footnote_ok,
    )


def evaluate(
    search: Callable[[str, int], list[Passage]],
    questions: Iterable[Question],
    k: int = max(CUTOFFS),
) -> EvalReport:
    """Run `search(question, k)` on each question and score the answers."""
    results = tuple(judge(q, search(q.question, k)) for q in questions)
    return EvalReport(results=results, groups=tuple(_groups(results)))


def _groups(results: tuple[QuestionResult, ...]) -> list[GroupScores]:
    groups = []
    for lang in sorted({r.lang for r in results}):
        groups.append(_score(lang, [r for r in results if r.lang == lang]))
    for kind in sorted({r.kind for r in results}):
        groups.append(_score(kind, [r for r in results if r.kind == kind]))
    groups.append(_score("all", list(results)))
    return groups


def _score(name: str, results: list[QuestionResult]) -> GroupScores:
    count = len(results)
    ranks = [r.hit_rank for r in results]
    recall = {c: sum(1 for r in ranks if r is not None and r <= c) / count for c in CUTOFFS}
    mrr = sum(1 / r for r in ranks if r is not None and r <= MRR_CUTOFF) / count
    footnotes = [r.footnote_ok for r in results if r.footnote_ok is not None]
    share = sum(footnotes) / len(footnotes) if footnotes else None
    return GroupScores(name, count, recall, mrr, share)
