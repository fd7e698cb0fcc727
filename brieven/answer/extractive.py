"""The extractive answer: the sentences of the first passage's letter that best answer the
question, cited.

Which letter: only the first passage's (the ranking judges which letter answers better than one
sentence's score does), so the answer is never padded with sentences from unrelated letters (the
Dutch staff-scarcity answer used to end with two sentences on employers serving healthy lunches).
Its sentences are read from every one of the top passages that belong to that letter, the first
passage's first (`MAX_SENTENCES` in all), so a second section of the same letter can answer.

Which sentences: each is scored by the embedding model (the question's query vector, an English
one moved towards Dutch as the ranking does, against the sentence's passage vector), less
`RANK_WEIGHT` per rank below the first passage and `OPENING_PENALTY` for a letter's opening
formula ("Hierbij zend ik u ...", "Naar aanleiding van ..."), which restates the letter's subject
rather than answering. The best `CHOSEN` distinct sentences are quoted, and the best one brings
the sentence after it: a sentence that resembles the question is often followed by the one that
answers it ("Naar aanleiding van uw verzoek ... . Ik heb Staatssecretaris Van Rijn gevraagd
..."). A sentence that opens by pointing back ("Een dergelijke werkwijze", "Via deze regeling",
"Daarnaast") brings the sentence before it, so the quote reads on its own. Sentences are shown in
reading order (passage rank, then position), each followed by "[n]", n its passage's rank. When
even the best sentence is hardly closer to the question than everyday text is (`everyday.py`),
the letters are taken not to answer it (`found` false).

What is not a candidate: questions (Kamervragen quote many), a short line ending in a comma (a
closing: "De Minister van ...,"; a motion's long "verzoekt de regering ...," is its answer) and a
line without closing punctuation (headings, "Den Haag, 28 maart 2017", "Aan de Voorzitter ...");
they are used only when the passages hold nothing else.

Measured over dev + dev2 (130 questions, the whole corpus, `bench/answer_replay.py`; 5 folds split
by gold file): the answer holds the gold evidence for 65% of questions (dev 70%, dev2 61%; it was
37%, dev 34%, when the best 2-4 sentences of the first twelve of the top three passages were
quoted, letter by the first passage). Fitted on the other folds, every fold chose these
RANK_WEIGHT and OPENING_PENALTY, so held out it is 65% too; each rule left out costs 2-5 points
held out. Choosing the letter by its sentences' scores or by the sum of its passages' scores, a
second letter when passages 1 and 2 score alike, centring the sentence vectors, the share of the
question's words a sentence holds, or embedding sentences as queries all gave less or the same
held out, and were dropped. Answers are 3.7 sentences, 88 words on average (were 3.0 and 65).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brieven.answer.everyday import everyday_similarity
from brieven.kernel.encoder import Encoder, in_length_batches
from brieven.kernel.refs import strip_markers
from brieven.kernel.sentences import split_sentences
from brieven.kernel.types import Answer, Passage
from index.language import languages

MAX_SENTENCES = 16  # sentences embedded per question (bench/answer.py: ~0.25 s on a CPU)
MIN_WORDS = 4  # shorter "sentences" (headings, "Nr. 354") are not answers
MAX_CHARS = 600  # longer ones (tables, OCR runs) are not shown as a sentence
SCORED_CHARS = 200  # a sentence is scored on its opening, to bound the encoder's work
GROUP = 8  # sentences of similar length embedded together: little padding, less work
CHOSEN = 3  # sentences chosen by score (then the best one's successor, predecessors)
FOLLOW = 1  # the best this many chosen sentences bring the sentence after them
RANK_WEIGHT = 0.01  # score lost per rank below the first passage
OPENING_PENALTY = 0.05  # score lost by a sentence with a letter's opening formula
CLOSING_WORDS = 12  # a line ending in a comma is a closing below this many words
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
# Formulae of a letter's opening, which restate its subject rather than say anything about it.
_OPENING = re.compile(
    r"\b(hierbij|bijgaand|naar aanleiding van|deze brief|informeer ik u|aan de voorzitter)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Selection:
    """The rules and constants of sentence selection, as measured (module docstring); the bench
    (`bench/answer_replay.py`) varies them."""

    letter_passages: bool = True  # the letter's other top passages too, not the first alone
    shift: bool = True  # an English question moved towards Dutch before scoring
    rank_weight: float = RANK_WEIGHT
    opening_penalty: float = OPENING_PENALTY
    chosen: int = CHOSEN
    follow: int = FOLLOW
    closing_words: int | None = CLOSING_WORDS  # None: every line ending in a comma is a closing
    headings: bool = True  # a line without closing punctuation is no statement


@dataclass(frozen=True, slots=True)
class _Candidate:
    rank: int
    position: int
    text: str
    letter: str  # letter id of the passage
    previous: str | None = None  # the sentence before it in the passage
    following: str | None = None  # the sentence after it in the passage


@dataclass(frozen=True, slots=True)
class Scored:
    """Candidate sentences, their vectors, cosines to the question and selection scores."""

    candidates: list[_Candidate]
    vectors: np.ndarray
    cosines: np.ndarray
    scores: np.ndarray


def not_found() -> Answer:
    return Answer(text=NOT_FOUND_TEXT, citations=(), found=False, method="extractive")


def extract(
    question: str,
    passages: Sequence[Passage],
    encoder: Encoder,
    selection: Selection = Selection(),  # noqa: B008  (frozen)
) -> Answer:
    """Answer `question` from sentences of `passages` (ranked best first)."""
    scored = score(question, passages, encoder, selection)
    if scored is None:
        return not_found()
    chosen = _choose(scored, selection)
    chosen = _with_predecessors(_with_followers(chosen, selection.follow))
    chosen = sorted(chosen, key=lambda c: (c.rank, c.position))
    return Answer(
        text=" ".join(f"{c.text} [{c.rank}]" for c in chosen),
        citations=tuple(dict.fromkeys(c.rank for c in chosen)),
        found=True,
        method="extractive",
    )


def score(
    question: str,
    passages: Sequence[Passage],
    encoder: Encoder,
    selection: Selection = Selection(),  # noqa: B008  (frozen)
) -> Scored | None:
    """The candidate sentences of the first passage's letter, scored; None when there are none
    or the best is no closer to the question than everyday text."""
    if not passages:
        return None
    letter = passages[0].chunk.letter_id
    quoted = [p for p in passages if p.chunk.letter_id == letter]
    candidates = _candidates(quoted if selection.letter_passages else quoted[:1], selection)
    if not candidates:
        return None
    query = encoder.encode_query([question])[0]
    vectors = _embed(encoder, [strip_markers(c.text)[:SCORED_CHARS] for c in candidates])
    cosines = vectors @ query
    if float(cosines.max()) - everyday_similarity(encoder, query) < FOUND_MARGIN:
        return None
    scores = cosines
    if selection.shift and languages(encoder).of(question, query) == "en":
        scores = vectors @ languages(encoder).towards_dutch(query)
    ranks = np.array([c.rank for c in candidates], dtype=np.float32)
    opening = np.array([bool(_OPENING.search(c.text)) for c in candidates])
    scores = scores - selection.rank_weight * (ranks - ranks.min())
    scores = scores - selection.opening_penalty * opening
    return Scored(candidates, vectors, cosines, scores)


def _embed(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Sentence vectors, embedded in groups of similar length (one batch would pad all to the
    longest, which on a CPU costs more than the extra calls)."""
    return in_length_batches(
        texts, encoder.encode_document, encoder.dimension, GROUP, longest_first=False
    )


def _candidates(passages: Sequence[Passage], selection: Selection) -> list[_Candidate]:
    """Answer-sized sentences of `passages`, the first passage's first, `MAX_SENTENCES` at most.

    A sentence that overlapping chunks repeat is kept once, in the best-ranked passage. Questions,
    closings and headings (`_states`) are used only when the passages hold no statement.
    """
    seen: set[str] = set()
    found = []
    for passage in passages:
        split = split_sentences(passage.chunk.text)
        for position, sentence in enumerate(split):
            key = " ".join(strip_markers(sentence).lower().split())
            if _answer_sized(sentence) and key not in seen:
                seen.add(key)
                previous = split[position - 1] if position else None
                following = split[position + 1] if position + 1 < len(split) else None
                if following and not (_answer_sized(following) and _states(following, selection)):
                    following = None  # "Verder niets.", a heading: no answer to bring along
                letter = passage.chunk.letter_id
                found.append(
                    _Candidate(passage.rank, position, sentence, letter, previous, following)
                )
    statements = [c for c in found if _states(c.text, selection)]
    return (statements or found)[:MAX_SENTENCES]


def _choose(scored: Scored, selection: Selection) -> list[_Candidate]:
    """The best `selection.chosen` sentences by score, skipping near-repeats of one already
    chosen."""
    chosen: list[int] = []
    vectors = scored.vectors
    for index in np.argsort(-scored.scores, kind="stable"):
        if len(chosen) == selection.chosen:
            break
        if chosen and float((vectors[chosen] @ vectors[index]).max()) > DUPLICATE:
            continue
        chosen.append(int(index))
    return [scored.candidates[i] for i in chosen]


def _with_followers(chosen: list[_Candidate], count: int) -> list[_Candidate]:
    """`chosen` with the sentence after each of its first `count`, when not chosen already."""
    out = list(chosen)
    have = {(c.rank, c.position) for c in chosen}
    for c in chosen[:count]:
        if c.following and (c.rank, c.position + 1) not in have:
            have.add((c.rank, c.position + 1))
            out.append(_Candidate(c.rank, c.position + 1, c.following, c.letter, c.text))
    return out


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


def _answer_sized(sentence: str) -> bool:
    return len(sentence.split()) >= MIN_WORDS and len(sentence) <= MAX_CHARS


def _states(sentence: str, selection: Selection) -> bool:
    """Whether the sentence says something: not a question, a closing or a heading."""
    text = strip_markers(sentence).rstrip()
    if text.endswith("?"):
        return False
    if text.endswith(","):
        return selection.closing_words is not None and len(text.split()) >= selection.closing_words
    return not (selection.headings and text[-1:].isalnum())
