"""Watches: saved questions that report the new letters answering them.

    add / remove         keep a watch with the index (`brieven.watch.book`, DIR/watches.json)
    match_new            after a build: score each watch on the letters it added or changed only
                         (`brieven.watch.match`), keep the matches, each once per letter
    take_unreported      the matches not yet printed by `brieven watch run`, then marked printed
    write_feeds          DIR/NAME.xml Atom feeds (`brieven.watch.feed`)
    mail_pending         e-mail the matches not yet mailed (`brieven.watch.mail`)

A watch added now matches only letters indexed after it, unless added with backfill, which
matches it once against the whole index.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from pathlib import Path

from brieven.kernel.encoder import Encoder
from brieven.kernel.errors import DeliveryError, WatchError
from brieven.kernel.types import Filters
from brieven.watch import book, feed, mail
from brieven.watch.book import Match, Watch
from brieven.watch.match import find
from index.search import Searcher


def add(
    index_dir: Path | str,
    name: str,
    question: str,
    filters: Filters,
    min_score: float | None = None,
    backfill: bool = False,
    encoder: Encoder | None = None,
) -> tuple[Watch, list[Match]]:
    """Keep a new watch; with `backfill`, also the matches already in the index. Raises
    WatchError for a bad or taken name, IndexMissingError when there is no index."""
    watch = Watch(book.check_name(name), question.strip(), filters, min_score, book.now())
    if not watch.question:
        raise WatchError(f"watch {name}: the question is empty")
    book.load(index_dir).add(watch)  # refuse a taken name before the slow part
    found = find(Searcher.open(index_dir, encoder), watch) if backfill else []
    with book.editing(index_dir) as kept:
        kept.add(watch)
        return watch, kept.record(found)


def remove(index_dir: Path | str, name: str) -> Watch:
    with book.editing(index_dir) as kept:
        return kept.remove(name)


def match_new(
    index_dir: Path | str, letters: Collection[str], encoder: Encoder | None = None
) -> list[Match]:
    """Match every watch against the chunks of `letters` only; keep and return the new matches."""
    watches = book.load(index_dir).watches
    if not watches or not letters:
        return []
    searcher = Searcher.open(index_dir, encoder)
    found = [match for watch in watches for match in find(searcher, watch, letters)]
    with book.editing(index_dir) as kept:
        return kept.record(found)


def take_unreported(index_dir: Path | str) -> list[Match]:
    """The matches `brieven watch run` has not printed yet, oldest first; now marked printed."""
    with book.editing(index_dir) as kept:
        pending = [m for m in kept.matches if not m.reported]
        kept.mark(pending, "reported")
    return sorted(pending, key=lambda m: (m.found_at, m.watch, -m.score))


def write_feeds(index_dir: Path | str, feed_dir: Path) -> list[Path]:
    """Write NAME.xml for every watch into `feed_dir`, each file replaced whole."""
    kept = book.load(index_dir)
    feed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for watch in kept.watches:
        path = feed_dir / f"{watch.name}.xml"
        handle, temporary = tempfile.mkstemp(prefix=f".{watch.name}-", dir=feed_dir)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(feed.atom(watch, kept.matches_of(watch.name)))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        written.append(path)
    return written


def mail_pending(index_dir: Path | str, settings: mail.MailSettings) -> int:
    """E-mail each watch's matches not mailed yet, one message per watch; returns how many
    matches went out. Raises DeliveryError (after trying every watch) when a send failed; the
    matches of that watch stay unmailed."""
    sent = 0
    failures: list[str] = []
    with book.editing(index_dir) as kept:
        for watch in kept.watches:
            pending = [m for m in kept.matches_of(watch.name) if not m.mailed]
            if not pending:
                continue
            try:
                mail.send(watch, pending, settings)
            except DeliveryError as err:
                failures.append(str(err))
                continue
            kept.mark(pending, "mailed")
            sent += len(pending)
    if failures:
        more = f" (and {len(failures) - 1} more watches failed)" if len(failures) > 1 else ""
        raise DeliveryError(failures[0] + more)
    return sent
