"""Dict forms of the domain types for JSON output (`brieven ask --json`, the app). Plain data only."""

from __future__ import annotations

from typing import Any

from brieven.types import Answer


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """{"text", "citations": [ranks], "found", "method"}, plus "notice" when there is one."""
    out: dict[str, Any] = {
        "text": answer.text,
        "citations": list(answer.citations),
        "found": answer.found,
        "method": answer.method,
    }
    if answer.notice:
        out["notice"] = answer.notice
    return out
