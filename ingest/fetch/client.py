"""A polite HTTP client for the open data API: a request rate limit, timeouts, retries with backoff.

One request at a time. A 429 or 5xx answer, a timeout or a dropped connection is retried after an
exponentially growing pause (a `Retry-After` header, when the server sends one, sets the minimum);
any other error answer fails at once. Every failure is a `FetchError` naming the URL.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from brieven import __version__
from brieven.kernel.errors import FetchError

USER_AGENT = f"brieven/{__version__} (open data fetcher; Python urllib)"


class Client:
    """GETs URLs politely. `sleep` and `clock` are parameters so tests need not wait."""

    def __init__(
        self,
        *,
        rate: float = 4.0,  # requests per second at most
        timeout: float = 30.0,  # seconds per request (connect, and each read)
        retries: int = 4,  # extra attempts after the first
        backoff: float = 1.0,  # first pause in seconds; doubles with each retry
        max_wait: float = 120.0,  # longest single pause, Retry-After included
        max_bytes: int = 200 * 2**20,  # larger answers are refused
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.clock = clock
        self._next_start = 0.0

    def get_json(self, url: str) -> Any:
        body = self.get(url, accept="application/json")
        try:
            return json.loads(body)
        except ValueError as err:
            raise FetchError(
                f"{url}: the API answered with malformed JSON ({err}); "
                "check that --api-url points at the OData v4 root"
            ) from err

    def get(self, url: str, accept: str = "*/*") -> bytes:
        """The body of a successful GET of `url`."""
        request = Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
        for attempt in range(self.retries + 1):
            self._wait_turn()
            retry_after = None
            try:
                with urlopen(request, timeout=self.timeout) as response:
                    body = response.read(self.max_bytes + 1)
            except HTTPError as err:
                err.close()
                if err.code != 429 and err.code < 500:
                    raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from err
                problem = f"HTTP {err.code} {err.reason}"
                retry_after = _retry_after(err.headers)
            except (TimeoutError, URLError, ConnectionError, http.client.HTTPException) as err:
                problem = _describe(err)
            else:
                if len(body) > self.max_bytes:
                    raise FetchError(f"{url}: answer larger than {self.max_bytes} bytes; refused")
                return body
            if attempt == self.retries:
                raise FetchError(
                    f"{url}: {problem} after {attempt + 1} attempts; "
                    "the API may be down or slow, try again later"
                )
            pause = max(retry_after or 0.0, self.backoff * 2**attempt)
            self.sleep(min(pause, self.max_wait))
        raise AssertionError("unreachable")

    def _wait_turn(self) -> None:
        now = self.clock()
        if self._next_start > now:
            self.sleep(self._next_start - now)
            now = self._next_start
        self._next_start = now + self.interval


def _retry_after(headers: Message | None) -> float | None:
    """Seconds asked for by a `Retry-After` header (delta-seconds or an HTTP date), if any."""
    value = headers.get("Retry-After") if headers else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(err: Exception) -> str:
    reason = err.reason if isinstance(err, URLError) else err
    if isinstance(reason, TimeoutError):
        return "timed out"
    return f"connection failed ({reason})"
