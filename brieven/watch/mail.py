"""New matches by e-mail: one plain-text message per watch, sent through an SMTP server.

Settings come from options or the environment: BRIEVEN_SMTP_HOST, BRIEVEN_SMTP_PORT (25),
BRIEVEN_SMTP_TO (comma-separated), BRIEVEN_SMTP_FROM (brieven@localhost), BRIEVEN_SMTP_USER and
BRIEVEN_SMTP_PASSWORD (log in when given), BRIEVEN_SMTP_STARTTLS=1 (upgrade to TLS first).
A server that refuses or cannot be reached raises DeliveryError; the caller keeps the matches
unmailed so the next run sends them.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from brieven.kernel.errors import DeliveryError, WatchError
from brieven.present import passage_text
from brieven.watch.book import Match, Watch

TIMEOUT = 30.0  # seconds to wait for the mail server
SENDER = "brieven@localhost"


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str
    to: tuple[str, ...]
    port: int = 25
    sender: str = SENDER
    user: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(
        cls,
        host: str | None = None,
        to: tuple[str, ...] = (),
        port: int | None = None,
        sender: str | None = None,
    ) -> MailSettings | None:
        """Options first, then BRIEVEN_SMTP_*; None when no mail server is named."""
        env = os.environ
        host = host or env.get("BRIEVEN_SMTP_HOST")
        if not host:
            return None
        to = to or tuple(a.strip() for a in env.get("BRIEVEN_SMTP_TO", "").split(",") if a.strip())
        if not to:
            raise WatchError(
                f"mail server {host} given but no address to send to; add --smtp-to ADDRESS "
                "or set BRIEVEN_SMTP_TO"
            )
        try:
            port = port or int(env.get("BRIEVEN_SMTP_PORT") or 25)
        except ValueError:
            raise WatchError(
                f"BRIEVEN_SMTP_PORT is not a port number: {env['BRIEVEN_SMTP_PORT']!r}"
            ) from None
        return cls(
            host=host,
            to=to,
            port=port,
            sender=sender or env.get("BRIEVEN_SMTP_FROM") or SENDER,
            user=env.get("BRIEVEN_SMTP_USER") or None,
            password=env.get("BRIEVEN_SMTP_PASSWORD") or None,
            starttls=env.get("BRIEVEN_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        )


def message(watch: Watch, matches: list[Match], settings: MailSettings) -> EmailMessage:
    """The e-mail that reports `matches` of `watch`."""
    count = f"{len(matches)} new letter{'s' if len(matches) != 1 else ''}"
    mail = EmailMessage()
    mail["Subject"] = f"brieven watch {watch.name}: {count}"
    mail["From"] = settings.sender
    mail["To"] = ", ".join(settings.to)
    blocks = [f"{count} answer the question of your watch {watch.name}:\n{watch.question}"]
    for match in matches:
        first = match.passages[0].chunk
        heading = f"== {first.title} (score {match.score:.2f})"
        blocks.append("\n\n".join([heading, *(passage_text(p) for p in match.passages)]))
    blocks.append(f"Sent by brieven. Stop these with: brieven watch remove {watch.name}")
    mail.set_content("\n\n\n".join(blocks))
    return mail


def send(watch: Watch, matches: list[Match], settings: MailSettings) -> None:
    """Send one e-mail for `matches`. Raises DeliveryError when the server refuses it."""
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT) as server:
            if settings.starttls:
                server.starttls()
            if settings.user:
                server.login(settings.user, settings.password or "")
            server.send_message(message(watch, matches, settings))
    except (smtplib.SMTPException, OSError) as err:
        reason = str(err).replace("\n", " ") or type(err).__name__
        raise DeliveryError(
            f"mail server {where} did not take the e-mail for watch {watch.name} ({reason}); "
            f"its {len(matches)} new matches are kept and sent on the next build, sync or "
            "brieven watch run"
        ) from None
