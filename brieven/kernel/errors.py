"""Domain errors. The library raises these; only the CLI and the app turn them into messages.

Every message says what went wrong and, where there is one, what to do next.
"""

from __future__ import annotations


class BrievenError(Exception):
    """Base of every error brieven raises on purpose."""


class ParseError(BrievenError):
    """A file could not be read as a letter. `str(err)` is one line: 'path: reason'."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormatError(ParseError):
    """The file's format is not one brieven reads."""


class FileTooLargeError(ParseError):
    """The file exceeds a configured size or page limit."""


class ReaderLimitError(ParseError):
    """Reading the file ran past the per-file time or memory limit (or its reader crashed).

    Unlike the other parse errors this may not happen again under other limits or load, so a build
    does not remember it: the file is tried again next time.
    """


class OcrUnavailableError(ReaderLimitError):
    """A scan needs OCR and this machine has no Tesseract: once it is installed, the next build
    reads the file (so, like a time limit, it is not remembered)."""


class ModelError(BrievenError):
    """The embedding model cannot be loaded or installed."""


class IndexMissingError(BrievenError):
    """No index at the given directory."""


class IndexMismatchError(BrievenError):
    """The index was built with another model or format than the one running."""


class EmptyIndexError(BrievenError):
    """Nothing could be indexed."""


class IndexLockedError(BrievenError):
    """Another build holds the index lock."""


class FetchError(BrievenError):
    """The open data API could not be reached or answered badly."""


class QuestionFileError(BrievenError):
    """A question file for `brieven eval` is missing or malformed. `str(err)` is one line:
    'path:line: reason' (no line when the file as a whole cannot be read)."""

    def __init__(self, path: object, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


class WatchError(BrievenError):
    """A watch is unknown, or its name or settings are not usable."""


class DeliveryError(BrievenError):
    """A match could not be delivered (the mail server refused or could not be reached).

    The match is kept and delivery is tried again on the next run.
    """
