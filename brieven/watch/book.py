"""The watches of an index and the matches found for them, kept in `DIR/watches.json`.

A watch is a saved question (with filters and a threshold) whose new answers are reported: the
letters that later builds add and that answer it. The file sits in the index directory beside the
generation folders, not inside one, so it survives every rebuild and atomic swap
(`index.store.remove_stale` only removes `gen-*` and build leftovers). It is plain JSON:

    {"format": 1,
     "watches": [{"name", "question", "since", "until", "doc_types", "dossiers", "min_score",
                  "created_at"}],
     "matches": [{"watch", "letter_id", "score", "found_at", "reported", "mailed",
                  "passages": [{"rank", "score", "chunk": {...every Chunk field...}}]}]}

A match is kept once per watch and letter. `reported` is set when `brieven watch run` has printed
it, `mailed` when an e-mail carrying it was accepted by the mail server; a match not yet mailed
goes out with the next delivery. Changes are made under `DIR/watches.lock` (fcntl) and written to
a temporary file that replaces the old one, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from brieven.kernel.errors import WatchError
from brieven.kernel.types import Filters, Passage
from index import store

FILE = "watches.json"
LOCK = "watches.lock"
FORMAT = 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved question. `min_score` None means the calibrated default (`brieven.watch.match`)."""

    name: str
    question: str
    filters: Filters
    min_score: float | None
    created_at: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class Match:
    """A letter that answers a watch: its best passages, scored as in `brieven.watch.match`."""

    watch: str
    letter_id: str
    score: float
    found_at: str  # ISO 8601, UTC
    passages: tuple[Passage, ...]
    reported: bool = False
    mailed: bool = False


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_name(name: str) -> str:
    """A watch name also names its feed file (NAME.xml): letters, digits, '.', '_', '-'."""
    if not _NAME.fullmatch(name):
        raise WatchError(
            f"watch name {name!r} is not usable: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


class Book:
    """Watches and matches of one index, in memory. Change it inside `editing`."""

    def __init__(self, index_dir: Path, watches: list[Watch], matches: list[Match]) -> None:
        self.index_dir = index_dir
        self.watches = watches
        self.matches = matches

    def watch(self, name: str) -> Watch:
        for watch in self.watches:
            if watch.name == name:
                return watch
        known = ", ".join(w.name for w in self.watches) or "none yet"
        raise WatchError(
            f"no watch named {name!r} on the index at {self.index_dir} (watches: {known}); "
            f"add one with: brieven watch add {name} QUESTION --index {self.index_dir}"
        )

    def add(self, watch: Watch) -> None:
        if any(w.name == watch.name for w in self.watches):
            raise WatchError(
                f"a watch named {watch.name!r} exists on the index at {self.index_dir}; "
                f"remove it first (brieven watch remove {watch.name}) or choose another name"
            )
        self.watches.append(watch)

    def remove(self, name: str) -> Watch:
        watch = self.watch(name)
        self.watches.remove(watch)
        self.matches = [m for m in self.matches if m.watch != name]
        return watch

    def matches_of(self, name: str) -> list[Match]:
        """The watch's matches, newest first."""
        found = [m for m in self.matches if m.watch == name]
        return sorted(found, key=lambda m: (m.found_at, m.score), reverse=True)

    def record(self, matches: list[Match]) -> list[Match]:
        """Keep the matches not kept before (one per watch and letter) of watches still kept;
        returns those."""
        known = {(m.watch, m.letter_id) for m in self.matches}
        names = {w.name for w in self.watches}
        fresh = [m for m in matches if (m.watch, m.letter_id) not in known and m.watch in names]
        self.matches.extend(fresh)
        return fresh

    def mark(self, matches: list[Match], field: str) -> None:
        """Set `field` ("reported" or "mailed") on these matches."""
        keys = {(m.watch, m.letter_id) for m in matches}
        self.matches = [
            dataclasses.replace(m, **{field: True}) if (m.watch, m.letter_id) in keys else m
            for m in self.matches
        ]


def load(index_dir: Path | str) -> Book:
    """The watches of the index at `index_dir`. Raises IndexMissingError when there is no index."""
    index_dir = Path(index_dir)
    store.read_manifest(index_dir)  # a watch belongs to an index: refuse a missing one
    path = index_dir / FILE
    if not path.exists():
        return Book(index_dir, [], [])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        watches = [_watch_from_dict(row) for row in data["watches"]]
        matches = [_match_from_dict(row) for row in data["matches"]]
    except (ValueError, KeyError, TypeError) as err:
        raise WatchError(
            f"{path} cannot be read ({type(err).__name__}: {err}); restore it from a backup or "
            "delete it to start without watches"
        ) from None
    return Book(index_dir, watches, matches)


@contextlib.contextmanager
def editing(index_dir: Path | str) -> Iterator[Book]:
    """The book, locked against other writers, saved when the block ends without an error."""
    index_dir = Path(index_dir)
    store.read_manifest(index_dir)
    with open(index_dir / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            book = load(index_dir)
            yield book
            _save(book)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _save(book: Book) -> None:
    data = {
        "format": FORMAT,
        "watches": [_watch_to_dict(w) for w in book.watches],
        "matches": [_match_to_dict(m) for m in book.matches],
    }
    handle, temporary = tempfile.mkstemp(prefix=".watches-", suffix=".json", dir=book.index_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, book.index_dir / FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _watch_to_dict(watch: Watch) -> dict:
    filters = watch.filters
    return {
        "name": watch.name,
        "question": watch.question,
        "since": filters.since,
        "until": filters.until,
        "doc_types": list(filters.doc_types),
        "dossiers": list(filters.dossiers),
        "min_score": watch.min_score,
        "created_at": watch.created_at,
    }


def _watch_from_dict(row: dict) -> Watch:
    filters = Filters(row["since"], row["until"], tuple(row["doc_types"]), tuple(row["dossiers"]))
    return Watch(row["name"], row["question"], filters, row["min_score"], row["created_at"])


def _match_to_dict(match: Match) -> dict:
    passages = [
        {"rank": p.rank, "score": p.score, "chunk": store.chunk_to_dict(p.chunk)}
        for p in match.passages
    ]
    return {
        "watch": match.watch,
        "letter_id": match.letter_id,
        "score": match.score,
        "found_at": match.found_at,
        "reported": match.reported,
        "mailed": match.mailed,
        "passages": passages,
    }


def _match_from_dict(row: dict) -> Match:
    passages = tuple(
        Passage(p["rank"], p["score"], store.chunk_from_dict(p["chunk"])) for p in row["passages"]
    )
    return Match(
        row["watch"], row["letter_id"], row["score"], row["found_at"], passages,
        row["reported"], row["mailed"],
    )
