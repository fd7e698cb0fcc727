"""Retrieval and answer quality on a question set: recall@k, MRR@10 and the short answer's share
of hits, per language, per kind and overall.

A question file holds one JSON object per line (`index.questions`): {"id", "lang", "kind",
"question", "gold": [{"file", "evidence"}], "footnote": {"number", "contains"} or null}.

A returned passage is a *hit* when its source file has the name of a gold `file` and its text
contains that gold entry's `evidence` as one contiguous run of word tokens (Unicode NFKC, lower
case, soft hyphens dropped, words hyphenated across a line break joined). For a footnote question
the first hit should also carry footnote `number` whose text (with its URLs) contains `contains`
by the same rule; that share is reported separately and does not change recall.

When an answer function is given, the short answer composed from the first `ANSWER_PASSAGES`
passages (what `brieven ask` shows) is judged too: `answer` when its text, citation markers
dropped, contains a gold evidence by the same rule; `cited` when it cites a passage that is a hit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from brieven.kernel.types import Answer, Passage
from index.questions import FootnoteGold, Question

CUTOFFS = (1, 3, 5, 10)
MRR_CUTOFF = 10
ANSWER_PASSAGES = 5  # passages an answer is composed from: `brieven ask`'s default -k
_MARKER = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True, slots=True)
class QuestionResult:
    id: str
    lang: str
    kind: str
    hit_rank: int | None  # rank of the first hit, None when none was returned
    footnote_ok: bool | None  # for footnote questions: the first hit carries the footnote
    answer_ok: bool | None = None  # the answer's text holds gold evidence (None: no answer made)
    cited_ok: bool | None = None  # the answer cites a passage that is a hit


@dataclass(frozen=True, slots=True)
class GroupScores:
    name: str
    count: int
    recall: dict[int, float]  # cutoff -> share of questions with a hit in the first `cutoff`
    mrr: float
    footnote_share: float | None  # share of footnote questions whose first hit has the footnote
    answer_share: float | None = None  # share of questions whose answer holds gold evidence
    cited_share: float | None = None  # share of questions whose answer cites a hit


@dataclass(frozen=True, slots=True)
class EvalReport:
    results: tuple[QuestionResult, ...]
    groups: tuple[GroupScores, ...]  # per language, per kind, then "all"


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


def judge(
    question: Question, passages: list[Passage], answer: Answer | None = None
) -> QuestionResult:
    """The result of one question: the first hit's rank, and the footnote and answer checks."""
    first = next((p for p in passages if is_hit(question, p)), None)
    footnote_ok = None
    if question.footnote is not None:
        footnote_ok = first is not None and carries_footnote(first, question.footnote)
    answer_ok = cited_ok = None
    if answer is not None:
        said = _MARKER.sub("", answer.text) if answer.found else ""
        answer_ok = any(contains(said, gold.evidence) for gold in question.gold)
        hits = {p.rank for p in passages if is_hit(question, p)}
        cited_ok = answer.found and bool(hits.intersection(answer.citations))
    return QuestionResult(
        id=question.id,
        lang=question.lang,
        kind=question.kind,
        hit_rank=first.rank if first else None,
        footnote_ok=footnote_ok,
        answer_ok=answer_ok,
        cited_ok=cited_ok,
    )


def evaluate(
    search: Callable[[str, int], list[Passage]],
    questions: Iterable[Question],
    k: int = max(CUTOFFS),
    answer: Callable[[str, list[Passage]], Answer] | None = None,
) -> EvalReport:
    """Run `search(question, k)` on each question and score the passages; with `answer`, also
    score `answer(question, first ANSWER_PASSAGES passages)`."""
    results = []
    for question in questions:
        passages = search(question.question, k)
        said = None if answer is None else answer(question.question, passages[:ANSWER_PASSAGES])
        results.append(judge(question, passages, said))
    return EvalReport(results=tuple(results), groups=tuple(_groups(tuple(results))))


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
    return GroupScores(
        name,
        count,
        recall,
        mrr,
        footnote_share=_share(r.footnote_ok for r in results),
        answer_share=_share(r.answer_ok for r in results),
        cited_share=_share(r.cited_ok for r in results),
    )


def _share(checks: Iterable[bool | None]) -> float | None:
    """The share of true checks among those made, None when none was made."""
    made = [check for check in checks if check is not None]
    return sum(made) / len(made) if made else None
