"""The extractive answer: the sentences of the top passages that best answer the question, cited.

Sentences are scored by the embedding model (query vector against each sentence's passage
vector), so an English question finds Dutch sentences. The best 2-4 distinct sentences are
shown in reading order (passage rank, then position), each followed by "[n]", n its passage's
rank. When even the best sentence is hardly closer to the question than everyday text is
(`everyday.py`), the letters are taken not to answer it (`found` false).

The answer stays with one letter: only sentences of the first passage's letter are quoted (the
ranking judges which letter answers better than one sentence's score does: on dev, taking the
letter of the best sentence instead cited a passage that answers for 52% of questions, against
68% when sentences of any letter were mixed), so it is never padded with sentences from
unrelated letters (the Dutch staff-scarcity answer used to end with two sentences on employers
serving healthy lunches). A sentence that opens by pointing back ("Een dergelijke werkwijze",
"Via deze regeling", "Daarnaast") brings the sentence before it, so the quote reads on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brieven.answer.everyday import everyday_similarity
from brieven.kernel.encoder import Encoder, in_length_batches
from brieven.kernel.refs import strip_markers
from brieven.kernel.sentences import split_sentences
from brieven.kernel.types import Answer, Passage

MAX_PASSAGES = 3  # passages read for sentences, by rank
MAX_SENTENCES = 12  # sentences embedded per question: ~300 ms of encoding on a CPU
MIN_WORDS = 4  # shorter "sentences" (headings, "Nr. 354") are not answers
MAX_CHARS = 600  # longer ones (tables, OCR runs) are not shown as a sentence
SCORED_CHARS = 200  # a sentence is scored on its opening, to bound the encoder's work
GROUP = 8  # sentences of similar length embedded together: little padding, less work
MIN_CHOSEN, MAX_CHOSEN = 2, 4
KEEP_WITHIN = 0.03  # beyond the first two, keep sentences scoring this close to the best
DUPLICATE = 0.95  # cosine between sentences above which the later one is a repeat
# Best sentence's cosine minus the question's similarity to everyday text, below which the letters
# do not answer. Measured with multilingual-e5-small over the sample letters: every dev question
# whose answer is retrieved is found (9 of 9); of 54 made-up off-topic questions 4 are found (none
# of the 18 on topics the reference texts cover). Scored alone in its passage, the answering
# sentence of 47 of 49 dev questions over the whole corpus clears it (lowest 0.011).
FOUND_MARGIN = 0.015

NOT_FOUND_TEXT = "The letters found do not answer this question."


# Opening words of a sentence that needs the one before it to be understood.
_POINTING_BACK = frozenset(
    "deze dit dat die zo'n zulke hiermee hierbij hierdoor hiervoor hierin daarmee daarbij "
    "daardoor daarvoor daarin daarnaast daarom bovendien tevens ook verder evenmin zij ze "
    "this these that those such it they also furthermore moreover".split()
)
# ... or as its second or third word: "Via deze regeling", "Met dit programma".
_DEMONSTRATIVES = frozenset("deze dit zo'n zulke this these such".split())


@dataclass(frozen=True, slots=True)
class _Candidate:
    rank: int
    position: int
    text: str
    letter: str  # letter id of the passage
    previous: str | None = None  # the sentence before it in the passage


def not_found() -> Answer:
    return Answer(text=NOT_FOUND_TEXT, citations=(), found=False, method="extractive")


def extract(question: str, passages: Sequence[Passage], encoder: Encoder) -> Answer:
    """Answer `question` from sentences of `passages` (ranked best first)."""
    candidates = _candidates(passages)
    if not candidates:
        return not_found()
    query = encoder.encode_query([question])[0]
    vectors = _embed(encoder, [strip_markers(c.text)[:SCORED_CHARS] for c in candidates])
    scores = vectors @ query
    if float(scores.max()) - everyday_similarity(encoder, query) < FOUND_MARGIN:
        return not_found()
    # The letter of the first passage (the ranking's best judgement), else of the best sentence.
    first = [c.letter for c in candidates if c.rank == passages[0].rank]
    letter = first[0] if first else candidates[int(np.argmax(scores))].letter
    same_letter = np.array([c.letter == letter for c in candidates])
    scores = np.where(same_letter, scores, -np.inf)
    chosen = _with_predecessors(_choose(candidates, vectors, scores))
    chosen = sorted(chosen, key=lambda c: (c.rank, c.position))
    return Answer(
        text=" ".join(f"{c.text} [{c.rank}]" for c in chosen),
        citations=tuple(dict.fromkeys(c.rank for c in chosen)),
        found=True,
        method="extractive",
    )


def _embed(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Sentence vectors, embedded in groups of similar length (one batch would pad all to the
    longest, which on a CPU costs more than the extra calls)."""
    return in_length_batches(
        texts, encoder.encode_document, encoder.dimension, GROUP, longest_first=False
    )


def _candidates(passages: Sequence[Passage]) -> list[_Candidate]:
    """Answer-sized sentences of the top passages; the budget is shared out by rank.

    A sentence that overlapping chunks repeat is kept once, in the best-ranked passage. Questions
    (Kamervragen quote many) and lines ending in a comma (a closing: "De Minister van ...,")
    answer nothing: they are used only when the passages hold no statement.
    """
    seen: set[str] = set()
    per_passage = []
    for passage in passages[:MAX_PASSAGES]:
        sentences = []
        split = split_sentences(passage.chunk.text)
        for position, sentence in enumerate(split):
            key = " ".join(strip_markers(sentence).lower().split())
            answer_sized = len(sentence.split()) >= MIN_WORDS and len(sentence) <= MAX_CHARS
            if answer_sized and key not in seen:
                seen.add(key)
                previous = split[position - 1] if position else None
                letter = passage.chunk.letter_id
                sentences.append(_Candidate(passage.rank, position, sentence, letter, previous))
        per_passage.append(sentences)
    statements = [[c for c in sentences if _states(c.text)] for sentences in per_passage]
    if any(statements):
        per_passage = statements
    # Round robin over passages keeps every top passage in play when the budget is short.
    rows = max((len(sentences) for sentences in per_passage), default=0)
    return [
        sentences[row] for row in range(rows) for sentences in per_passage if row < len(sentences)
    ][:MAX_SENTENCES]


def _choose(
    candidates: list[_Candidate], vectors: np.ndarray, scores: np.ndarray
) -> list[_Candidate]:
    """The best 2-4 sentences by score, skipping near-repeats of one already chosen."""
    chosen: list[int] = []
    best = float(scores.max())
    for index in np.argsort(-scores):
        if len(chosen) == MAX_CHOSEN or not np.isfinite(scores[index]):
            break
        if len(chosen) >= MIN_CHOSEN and scores[index] < best - KEEP_WITHIN:
            break
        if chosen and float((vectors[chosen] @ vectors[index]).max()) > DUPLICATE:
            continue
        chosen.append(int(index))
    return [candidates[i] for i in chosen]


def _with_predecessors(chosen: list[_Candidate]) -> list[_Candidate]:
    """`chosen` with the sentence before each one that points back, when not chosen already."""
    out = list(chosen)
    have = {(c.rank, c.position) for c in chosen}
    for c in chosen:
        if c.previous and _points_back(c.text) and (c.rank, c.position - 1) not in have:
            have.add((c.rank, c.position - 1))
            out.append(_Candidate(c.rank, c.position - 1, c.previous, c.letter))
    return out


def _points_back(sentence: str) -> bool:
    """Whether the sentence opens by pointing back: "Daarnaast ...", "Via deze regeling ...",
    "Gekeken wordt hoe een dergelijke werkwijze ..."."""
    words = [w.strip(",:;") for w in strip_markers(sentence).lower().split()[:5]]
    if not words:
        return False
    return (
        words[0] in _POINTING_BACK
        or any(w in _DEMONSTRATIVES for w in words[1:3])
        or any(w.startswith("dergelijk") for w in words)
    )


def _states(sentence: str) -> bool:
    return not strip_markers(sentence).rstrip().endswith(("?", ","))
