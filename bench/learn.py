"""Fitting the second stage's weights (`bench/rerank.py`, dropped) on a set of questions.

For each question, the first stage's `rerank.CANDIDATES` best chunks are the list to order; a
candidate is right when the passage shown for it (the chunk with its neighbours of the section,
`index.context`) comes from a gold file and holds the gold evidence. The weights minimise the
listwise softmax loss (the probability mass a softmax of the scores puts on the right
candidates, the smooth form of "put a right one first"), plus an L2 pull towards the first
stage's own weights (`rerank.FIRST_STAGE`), so with few questions the fit stays close to what
is known to work. Questions with no right candidate teach nothing and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import rerank
from replay import Params, Precomputed
from scipy.optimize import minimize

from index.evaluate import contains
from index.questions import Question

TEMPERATURE = 0.02  # score differences of about this size decide an order
PULL = 1.0  # weight of the L2 pull towards the first stage


@dataclass(frozen=True, slots=True)
class Listing:
    """One question's candidates: their features and which are right."""

    features: np.ndarray  # (candidates, len(rerank.FEATURES))
    right: np.ndarray  # (candidates,) bool


def listing(pre: Precomputed, question: Question, params: Params) -> Listing:
    parts = pre.parts(question.question, params)
    rows = rerank.top_rows(parts.first, rerank.CANDIDATES)
    x = rerank.features(
        pre.layout,
        rows,
        parts.chunk,
        parts.raised,
        parts.lexical,
        pre.question_shares,
        parts.english,
    )
    right = np.array([_shown_holds(pre, question, int(row)) for row in rows], dtype=bool)
    return Listing(x, right)


def _shown_holds(pre: Precomputed, question: Question, row: int) -> bool:
    names = {PurePath(gold.file).name for gold in question.gold}
    if PurePath(pre.chunks[row].source).name not in names:
        return False
    shown = [row] + [int(r) for r in (pre.layout.before[row], pre.layout.after[row]) if r >= 0]
    return any(contains(pre.chunks[r].text, gold.evidence) for r in shown for gold in question.gold)


def fit(listings: list[Listing], pull: float = PULL) -> np.ndarray:
    """Weights that put the right candidates first, near `rerank.FIRST_STAGE`."""
    used = [item for item in listings if item.right.any() and not item.right.all()]
    start = rerank.FIRST_STAGE.astype(np.float64)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for item in used:
            s = item.features @ w / TEMPERATURE
            s -= s.max()
            p_all = np.exp(s)
            p_all /= p_all.sum()
            p_right = np.where(item.right, np.exp(s), 0.0)
            p_right /= p_right.sum()
            total -= np.log(p_all[item.right].sum())
            grad += item.features.T @ (p_all - p_right) / TEMPERATURE
        n = max(len(used), 1)
        diff = w - start
        return total / n + pull * diff @ diff, grad / n + 2 * pull * diff

    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return result.x.astype(np.float32)
