"""Where watches' matches go after `build` or `sync` (and `watch run`): the options, and the
step that runs after a build: match the watches against the letters it added or changed, write
the feeds, send the e-mails. A failed delivery is one line on stderr and exit status 1; the build
stands and the matches are kept for the next run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from pathlib import Path

from brieven.kernel.encoder import Encoder
from brieven.kernel.errors import DeliveryError


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "watches", "where new matches of the index's watches go (see brieven watch --help)"
    )
    group.add_argument(
        "--feed-dir", type=Path, metavar="DIR",
        help="write each watch's Atom feed to DIR/NAME.xml, for a feed reader or web server",
    )
    group.add_argument(
        "--smtp-host", metavar="HOST",
        help="mail new matches through this SMTP server (default: $BRIEVEN_SMTP_HOST; none: "
        "no e-mail)",
    )
    group.add_argument(
        "--smtp-port", type=int, metavar="PORT", help="its port (default: $BRIEVEN_SMTP_PORT or 25)"
    )
    group.add_argument(
        "--smtp-to", action="append", default=[], metavar="ADDRESS",
        help="send to this address (repeatable; default: $BRIEVEN_SMTP_TO, comma-separated)",
    )
    group.add_argument(
        "--smtp-from", metavar="ADDRESS",
        help="sender address (default: $BRIEVEN_SMTP_FROM or brieven@localhost); "
        "$BRIEVEN_SMTP_USER, $BRIEVEN_SMTP_PASSWORD and $BRIEVEN_SMTP_STARTTLS=1 log in over TLS",
    )


def deliver(args: argparse.Namespace, index_dir: Path) -> int:
    """Write the feeds and mail what is pending; 0, or 1 when the mail server refused."""
    from brieven import watch
    from brieven.watch.mail import MailSettings

    settings = MailSettings.from_env(
        args.smtp_host, tuple(args.smtp_to), args.smtp_port, args.smtp_from
    )
    if args.feed_dir is not None:
        watch.write_feeds(index_dir, args.feed_dir)
    if settings is None:
        return 0
    try:
        sent = watch.mail_pending(index_dir, settings)
    except DeliveryError as err:
        print(f"brieven: {err}", file=sys.stderr)
        return 1
    if sent:
        print(f"mailed {sent} new matches to {', '.join(settings.to)}", file=sys.stderr)
    return 0


def after_build(
    args: argparse.Namespace, index_dir: Path, letters: Collection[str], encoder: Encoder
) -> int:
    """Match the watches against `letters`, report how many letters each found, deliver."""
    from brieven import watch
    from brieven.watch import book

    if not (index_dir / book.FILE).exists():
        return 0
    found = watch.match_new(index_dir, letters, encoder)
    for name in dict.fromkeys(m.watch for m in found):
        count = sum(m.watch == name for m in found)
        print(f"watch {name}: {count} new letter{'s' if count != 1 else ''}", file=sys.stderr)
    return deliver(args, index_dir)
