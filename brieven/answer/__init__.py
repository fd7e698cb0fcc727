"""A short answer built only from the retrieved passages, every sentence cited.

`compose` gives the extractive answer (offline, no LLM) unless an LLM endpoint is configured;
then the model writes the answer from the same passages, and any failure of the endpoint falls
back to the extractive answer with a notice. When the passages are not relevant enough to the
question, the answer says so (`found` false) and no LLM is asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from brieven.answer.extractive import extract
from brieven.answer.llm import LLMConfig, LLMError, generate
from brieven.kernel.encoder import Encoder
from brieven.kernel.types import Answer, Passage

__all__ = ["LLMConfig", "LLMError", "compose"]


def compose(
    question: str, passages: Sequence[Passage], encoder: Encoder, llm: LLMConfig | None = None
) -> Answer:
    """Answer `question` from `passages` (ranked best first), with citation markers "[rank]"."""
    extractive = extract(question, passages, encoder)
    if llm is None or not extractive.found:
        return extractive
    try:
        return generate(question, passages, llm)
    except LLMError as err:
        return replace(extractive, notice=f"LLM not used ({err}); extractive answer shown.")
