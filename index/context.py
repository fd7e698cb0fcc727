"""Small-to-big passages: a hit chunk shown together with its neighbouring chunk(s) of one section.

Chunks are small so that their vectors are precise, but the sentence that answers a question
often sits in the next chunk of the section that ranks first. At query time, without
re-embedding, a hit is therefore shown merged with neighbours of its own section (chunk ordinals
`<letter id>#<n>` give the order within a letter):

- "adjacent": only neighbours that are themselves among the top candidates join the hit, so two
  hits of one stretch of text become one passage and free a slot;
- "next": the hit always takes the following chunk of its section;
- "both": the hit takes the preceding and the following chunk;
- "off": chunks are shown as they are.

A merged passage stays within a budget of cl100k tokens (`index.ranking.Ranking.context_budget`),
judged by each chunk's token count as the index stores it (`index.segment`): counting them per
question cost 66 ms of a 182 ms search at a million passages. A chunk already shown in a
higher-ranked passage is never shown again, so the passages returned are distinct. The merged
passage is the hit chunk with the merged text (the sentence consecutive chunks share is kept
once), the union of their pages and their footnotes in order; its score is the hit's score.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from brieven.kernel.types import Chunk

CONTEXTS = ("off", "adjacent", "next", "both")


class Neighbours:
    """Row of the chunk before and after each row in the same section of the same letter."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        rows = {_key(chunk): row for row, chunk in enumerate(chunks)}
        self._chunks = chunks
        self.before: list[int | None] = []
        self.after: list[int | None] = []
        for chunk in chunks:
            letter, ordinal = _key(chunk)
            for side, step in ((self.before, -1), (self.after, 1)):
                row = rows.get((letter, ordinal + step))
                same = row is not None and chunks[row].section_index == chunk.section_index
                side.append(row if same else None)


def passages(
    chunks: Sequence[Chunk],
    neighbours: Neighbours,
    rows: Sequence[int],
    scores: Sequence[float],
    k: int,
    mode: str,
    sections: Mapping[tuple[str, int], str],
    sizes: Sequence[int],
    budget: int,
) -> list[tuple[Chunk, float]]:
    """The first k distinct passages of the ranked candidate `rows`, widened by `mode`.

    `sections` maps (source, section index) to the section's text, from which merged text is cut;
    `sizes[i]` is the cl100k token count of `chunks[i].text`; a neighbour joins only while the
    merged passage stays within `budget` tokens.
    """
    candidates = set(rows)
    shown: set[int] = set()
    out: list[tuple[Chunk, float]] = []
    for row, score in zip(rows, scores, strict=True):
        if len(out) >= k:
            break
        if row in shown:
            continue
        group = _group(sizes, neighbours, row, mode, candidates, shown, budget)
        shown.update(group)
        hit = chunks[row]
        section = sections.get((hit.source, hit.section_index), "")
        out.append((_merge([chunks[r] for r in group], hit, section), score))
    return out


def _group(sizes, neighbours, row, mode, candidates, shown, budget) -> list[int]:
    """The rows shown for the hit `row`, in text order."""
    if mode == "off":
        return [row]
    wanted = {"next": ("after",), "both": ("after", "before"), "adjacent": ("after", "before")}
    group = [row]
    size = sizes[row]
    for side in wanted[mode]:
        other = getattr(neighbours, side)[row]
        if other is None or other in shown or (mode == "adjacent" and other not in candidates):
            continue
        cost = sizes[other]
        if size + cost > budget:
            continue
        group = [*group, other] if side == "after" else [other, *group]
        size += cost
    return group


def _merge(group: list[Chunk], hit: Chunk, section: str) -> Chunk:
    if len(group) == 1:
        return hit
    text = _span(section, group[0].text, group[-1].text)
    if text is None:
        text = group[0].text
        for chunk in group[1:]:
            text = _join(text, chunk.text)
    pages = [c.pages for c in group if c.pages]
    notes = {}
    for chunk in group:
        for note in chunk.footnotes:
            notes.setdefault(note.number, note)
    return dataclasses.replace(
        hit,
        text=text,
        pages=(min(p[0] for p in pages), max(p[1] for p in pages)) if pages else None,
        footnotes=tuple(notes.values()),
    )


def _span(section: str, first: str, last: str) -> str | None:
    """The section's text from `first` to `last`, None when it does not hold them as they are."""
    start = section.find(first)
    end = section.find(last, start + 1) if start >= 0 else -1
    return section[start : end + len(last)] if end >= 0 else None


def _join(first: str, second: str) -> str:
    """`first` then `second`, without the sentence (or more) the two share at the seam; for chunks
    whose section text differs from them in white space."""
    for size in range(min(len(first), len(second)), 0, -1):
        seam = second[:size]
        if (
            first.endswith(seam)
            and (size == len(second) or second[size].isspace())
            and (size == len(first) or first[-size - 1].isspace())
        ):
            rest = second[size:]
            return first + rest if rest[:1].isspace() else first + " " + rest
    return first + "\n\n" + second


def _key(chunk: Chunk) -> tuple[str, int]:
    letter, _, ordinal = chunk.id.rpartition("#")
    return letter, int(ordinal)
