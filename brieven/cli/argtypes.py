"""Argument types shared by the subcommands: they turn bad values into argparse's usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date


def day(text: str) -> str:
    """A date given as YYYY-MM-DD, returned in that form."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def positive(kind: type) -> Callable[[str], float | int]:
    """A number of `kind` (int or float) above zero."""

    def convert(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value

    convert.__name__ = kind.__name__
    return convert
