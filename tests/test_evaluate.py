"""The evaluation's hit rule and scores."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from brieven.kernel.errors import QuestionFileError
from brieven.kernel.types import Answer, Chunk, Footnote, Passage
from index.evaluate import contains, evaluate, judge
from index.questions import FootnoteGold, Gold, Question, load_questions

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


def test_answer_is_judged_on_its_text_and_its_citations():
    hit = Passage(rank=2, score=0.5, chunk=CHUNK)
    elsewhere = Passage(rank=1, score=0.9, chunk=replace(CHUNK, source="other/file.txt"))
    quoting = Answer(
        text="Er wordt gebruik gemaakt van pooling [1] en expertteams. [2]",
        citations=(1, 2), found=True, method="extractive",
    )  # fmt: skip
    other = Answer(text="Iets anders. [1]", citations=(1,), found=True, method="extractive")

    quoted = judge(QUESTION, [elsewhere, hit], quoting)
    missed = judge(QUESTION, [elsewhere, hit], other)

    assert (quoted.answer_ok, quoted.cited_ok) == (True, True)
    assert (missed.answer_ok, missed.cited_ok) == (False, False)
    assert judge(QUESTION, [hit]).answer_ok is None


def test_answer_and_cited_shares_per_group():
    passages = [Passage(1, 0.9, CHUNK)]
    said = Answer(text="gebruik gemaakt van pooling en expertteams [1]", citations=(1,),
                  found=True, method="extractive")  # fmt: skip

    report = evaluate(lambda q, k: passages, [QUESTION], answer=lambda q, p: said)

    groups = {g.name: g for g in report.groups}
    assert groups["all"].answer_share == 1.0 and groups["all"].cited_share == 1.0
    assert evaluate(lambda q, k: passages, [QUESTION]).groups[-1].answer_share is None


GOOD = {"id": "q1", "lang": "nl", "kind": "topic", "question": "Hoe?",
        "gold": [{"file": "a.txt", "evidence": "iets"}], "footnote": None}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"footnote": 3}, '"footnote" must be null or an object {number, contains}, got a number 3'),
        ({"gold": "a.txt"}, '"gold" must be a non-empty list'),
        ({"gold": [{"file": "a.txt"}]}, '"gold[0].evidence" must be non-empty text (missing)'),
        ({"question": 7}, '"question" must be non-empty text (got a number 7)'),
        ({"footnote": {"number": [1], "contains": "x"}}, '"footnote.number" must be'),
    ],
)
def test_a_malformed_line_is_named_with_its_file_and_number(tmp_path, change, reason):
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(GOOD | change) + "\n")

    with pytest.raises(QuestionFileError) as raised:
        load_questions(path)

    assert str(raised.value).startswith(f"{path}:3: {reason}")


def test_a_line_that_is_not_json_or_a_missing_file_is_named(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + '{"id": "q2", \n')

    with pytest.raises(QuestionFileError, match=r"questions.jsonl:2: not JSON"):
        load_questions(path)
    with pytest.raises(QuestionFileError, match=r"none.jsonl: cannot read the question file"):
        load_questions(tmp_path / "none.jsonl")
