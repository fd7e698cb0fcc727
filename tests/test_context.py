"""Small-to-big passages: a hit shown with its neighbouring chunks of the same section."""

from pathlib import Path

import pytest

from brieven.kernel.tokens import count_tokens
from index import context
from index.build import build
from index.ranking import Ranking
from index.search import Searcher
from ingest.chunk import chunk_letter
from ingest.parse import parse

LETTERS = Path(__file__).resolve().parent.parent / "data" / "letters"
SEED = LETTERS / "kst-29362-354__berthub_tkconv_2024D11607.txt"


@pytest.fixture(scope="module")
def seed():
    letter = parse(SEED)
    chunks = chunk_letter(letter)
    sections = {(letter.source, i): s.text for i, s in enumerate(letter.sections)}
    return letter, chunks, context.Neighbours(chunks), sections


def passages(chunks, neighbours, rows, scores, k, mode, sections, budget=None):
    """`context.passages` with the token counts an index stores, within the shipped budget
    unless `budget` is given."""
    sizes = [count_tokens(chunk.text) for chunk in chunks]
    budget = Ranking().context_budget if budget is None else budget
    return context.passages(chunks, neighbours, rows, scores, k, mode, sections, sizes, budget)


@pytest.mark.parametrize("known", [True, False], ids=["cut from section", "chunks joined"])
def test_merged_passage_is_one_unbroken_stretch_of_its_section(seed, known):
    letter, chunks, neighbours, sections = seed
    sections = sections if known else {}
    for row, hit in enumerate(chunks):
        [(shown, score)] = passages(chunks, neighbours, [row], [0.5], 1, "both", sections)
        assert score == 0.5 and shown.id == hit.id
        assert hit.text in shown.text
        # The sentence consecutive chunks share appears once: the merge is a slice of the section.
        assert shown.text in letter.sections[hit.section_index].text
        assert count_tokens(shown.text) <= max(Ranking().context_budget, count_tokens(hit.text))


def test_next_takes_the_following_chunk_and_the_union_of_footnotes(seed):
    _, chunks, neighbours, sections = seed
    row = next(r for r, c in enumerate(chunks) if c.footnotes and neighbours.after[r] is not None)
    following = chunks[neighbours.after[row]]
    [(shown, _)] = passages(chunks, neighbours, [row], [1.0], 1, "next", sections)
    assert shown.text.startswith(chunks[row].text)
    assert shown.text.endswith(following.text[-80:])
    expected = list(dict.fromkeys(n.number for n in chunks[row].footnotes + following.footnotes))
    assert [n.number for n in shown.footnotes] == expected


def test_the_budget_decides_which_neighbours_join(seed):
    _, chunks, neighbours, sections = seed
    row = next(
        r for r in range(len(chunks)) if None not in (neighbours.before[r], neighbours.after[r])
    )
    # The following chunk is offered first, then the preceding one.
    sizes = [count_tokens(chunks[r].text) for r in (row, neighbours.after[row])]
    for budget, joined in ((sizes[0], 0), (sum(sizes), 1), (10_000, 2)):
        [(shown, _)] = passages(chunks, neighbours, [row], [1.0], 1, "both", sections, budget)
        around = (neighbours.after[row], neighbours.before[row])[:joined]
        assert all(chunks[r].text[-60:] in shown.text for r in around)
        assert count_tokens(shown.text) <= budget
        assert (shown == chunks[row]) == (joined == 0)


def test_no_chunk_is_shown_twice_and_adjacent_hits_become_one_passage(seed):
    _, chunks, neighbours, sections = seed
    shown = passages(
        chunks, neighbours, [5, 6, 20], [0.9, 0.8, 0.7], 3, "adjacent", sections
    )
    assert [c.id for c, _ in shown] == [chunks[5].id, chunks[20].id]
    assert chunks[6].text[-80:] in shown[0][0].text
    plain = passages(chunks, neighbours, [5, 6, 20], [0.9, 0.8, 0.7], 3, "off", sections)
    assert [c for c, _ in plain] == [chunks[5], chunks[6], chunks[20]]


def test_search_returns_distinct_passages_whose_section_is_still_found(tmp_path, fake_encoder):
    build([LETTERS], tmp_path / "index", fake_encoder, progress=False)
    searcher = Searcher.open(tmp_path / "index", fake_encoder)
    passages = searcher.search("Hoe gaat het kabinet om met het tekort aan personeel?", k=10)
    assert len(passages) == 10
    assert len({p.chunk.id for p in passages}) == 10
    for passage in passages:
        assert passage.chunk.text in searcher.section_text(passage.chunk)
