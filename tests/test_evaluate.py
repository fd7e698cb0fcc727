"""The evaluation's hit rule and scores."""

from __future__ import annotations

from dataclasses import replace

from brieven.kernel.types import Chunk, Footnote, Passage
from index.evaluate import FootnoteGold, Gold, Question, contains, evaluate, judge

CHUNK = Chunk(
    id="kst-29362-354#3",
    letter_id="kst-29362-354",
    title="Rli-advies",
    date="2024-03-25",
    kamerstuk="29362-354",
    doc_type="brief",
    url=None,
    source="data/letters/kst-29362-354__berthub_tkconv_2024D11607.txt",
    section_index=7,
    section_number="7",
    section_title="Ga slim om met structurele schaarste aan menskracht",
    pages=None,
    footnotes=(Footnote("2", "https://www.rijksoverheid.nl/kamerbrief-voortgangsrapportage"),),
    text="wordt nu al gebruik ge-\nmaakt van Pooling en expertteams, zoals de Rli aanbeveelt.²",
    embed_text="",
)
QUESTION = Question(
    id="q1",
    lang="nl",
    kind="footnote",
    question="?",
    gold=(Gold("kamerbrieven_fulltext_seed/kst-29362-354__berthub_tkconv_2024D11607.txt",
               "gebruik gemaakt van pooling en expertteams"),),  # fmt: skip
    footnote=FootnoteGold("2", "kamerbrief-voortgangsrapportage"),
)


def test_evidence_matches_as_a_contiguous_run_of_words():
    assert contains("Wordt gebruik ge-\nmaakt van ﬂexpools.", "gebruik gemaakt van flexpools")
    assert not contains("gebruik van gemaakt", "gebruik gemaakt")
    assert not contains("pooling", "")


def test_hit_needs_the_gold_file_name_and_the_evidence():
    hit = Passage(rank=2, score=0.5, chunk=CHUNK)
    elsewhere = Passage(rank=1, score=0.9, chunk=replace(CHUNK, source="other/file.txt"))

    result = judge(QUESTION, [elsewhere, hit])

    assert result.hit_rank == 2 and result.footnote_ok is True
    wrong_note = replace(CHUNK, footnotes=(Footnote("3", "kamerbrief-voortgangsrapportage"),))
    assert judge(QUESTION, [Passage(1, 0.9, wrong_note)]).footnote_ok is False


def test_scores_per_language_kind_and_overall():
    other = replace(QUESTION, id="q2", lang="en", kind="topic", footnote=None)
    passages = {
        QUESTION.question: [Passage(r, 1.0 / r, replace(CHUNK, source="x.txt")) for r in (1, 2)]
        + [Passage(3, 0.1, CHUNK)],
        "missing": [],
    }
    other = replace(other, question="missing")

    report = evaluate(lambda q, k: passages[q], [QUESTION, other])

    groups = {g.name: g for g in report.groups}
    assert [g.name for g in report.groups] == ["en", "nl", "footnote", "topic", "all"]
    assert groups["nl"].recall == {1: 0.0, 3: 1.0, 5: 1.0, 10: 1.0}
    assert round(groups["nl"].mrr, 3) == 0.333 and groups["nl"].footnote_share == 1.0
    assert groups["en"].recall[10] == 0.0 and groups["en"].footnote_share is None
    assert groups["all"].recall[3] == 0.5
