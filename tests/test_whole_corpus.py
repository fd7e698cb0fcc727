"""The whole shared corpus indexed with the real model: issue 14's goals, which the sample letters
in data/ cannot show. The user's example needs the letters that compete with the seed letter
(answers to Kamervragen on staff shortages), and the 130 evaluation questions need their gold
letters.

It reads ../shared (the corpus and `eval/`), which CI has beside its clone and a user's clone
does not; there the module skips. Building takes about 2.5 minutes with the OpenVINO backend,
the evaluation about a minute.

The figures asserted are the shipped ranking's on dev + dev2, against the goals the issue sets
for questions that were not tuned on. dev was tuned on, so they guard against a regression; the
held-out figures come from `bench/crossval.py` (9.5 minutes, too long to run here).
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

from brieven.answer import compose
from index.build import build
from index.encoder import load_encoder
from index.evaluate import evaluate
from index.questions import load_questions
from index.search import Searcher

sys.path.insert(0, str(ROOT / "bench"))

import example  # noqa: E402

SHARED = ROOT.parent / "shared"
# Every folder of documents; api_samples/ holds API responses, not letters.
FOLDERS = (
    "aanhangsel_antwoorden_pdf",
    "historisch_sgd_ocr",
    "kamerbrieven_fulltext_seed",
    "kamerbrieven_pages",
    "kamerbrieven_pdftext",
    "kamervragen_tk_2024",
    "ministerie_originelen",
    "moties_original_files",
    "moties_xml",
    "tk_besluitenlijsten_pdf",
)
QUESTION_FILES = ("dev.jsonl", "dev2.jsonl")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not all((SHARED / "corpus" / f).is_dir() for f in FOLDERS)
        or not all((SHARED / "eval" / f).is_file() for f in QUESTION_FILES),
        reason="needs ../shared/corpus and ../shared/eval, which only the project's own "
        "machines and CI have",
    ),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    index_dir = tmp_path_factory.mktemp("whole") / "index"
    folders = [SHARED / "corpus" / folder for folder in FOLDERS]
    build(folders, index_dir, load_encoder(), progress=False)
    return Searcher.open(index_dir)


@pytest.fixture(scope="module")
def questions():
    return [q for name in QUESTION_FILES for q in load_questions(SHARED / "eval" / name)]


@pytest.fixture(scope="module")
def report(searcher, questions):
    def answer(question, passages):
        return compose(question, passages, searcher.encoder)

    return evaluate(searcher.search, questions, answer=answer)


def test_english_example_finds_section_7_and_quotes_pooling(searcher):
    outcome = example.check(searcher, example.QUESTIONS[0])
    assert outcome.rank is not None and outcome.rank <= 2, [p.chunk.id for p in outcome.passages]
    assert outcome.quoted, outcome.answer.text


@pytest.mark.xfail(
    strict=True,
    reason="issue 14, open: section 7 ranks about 9th; answers to Kamervragen that say "
    "'personeelstekort' rank above it (bench/example.py's docstring has the measurements)",
)
def test_dutch_example_finds_section_7_and_quotes_pooling(searcher):
    assert example.check(searcher, example.QUESTIONS[1]).met


def test_retrieval_meets_the_goals_in_each_language(report):
    groups = {g.name: g for g in report.groups}
    for language in ("en", "nl"):
        assert groups[language].recall[5] >= 0.92, (language, groups[language])
    assert groups["all"].recall[1] >= 0.65, groups["all"]
    assert groups["all"].mrr >= 0.75, groups["all"]
    assert groups["footnote"].footnote_share >= 0.85, groups["footnote"]


def test_unseen_ministry_files_are_found(report, questions):
    """dev2's questions on ministerie_originelen/, the real ministry files added last."""
    results = [
        r
        for r, q in zip(report.results, questions, strict=True)
        if any(g.file.startswith("ministerie_originelen/") for g in q.gold)
    ]
    assert len(results) >= 10
    found = sum(r.hit_rank is not None and r.hit_rank <= 5 for r in results)
    assert found / len(results) >= 0.90, [(r.id, r.hit_rank) for r in results]


def test_answers_hold_the_gold_evidence_for_most_dev_questions(report):
    dev = [r for r in report.results if not r.id.startswith("d2-")]
    assert len(dev) == 50
    assert sum(bool(r.answer_ok) for r in dev) / len(dev) >= 0.70
