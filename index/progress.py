"""Progress of a long build that reads well on a terminal and in a log.

On a terminal: a tqdm bar with the rate and the time left. Anywhere else (stderr piped to a file or
a CI log): one plain line about every 10 seconds, `embed: 320/8277 texts, 6.5 texts/s, 20m 15s
left`, and one at the end, instead of the hundreds of carriage-return refreshes tqdm writes.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

LOG_EVERY_S = 10.0


class Progress:
    """Counts `total` items of `unit` under `label`; use as a context manager, call update(n)."""

    def __init__(
        self,
        total: int,
        label: str,
        unit: str,
        enabled: bool = True,
        stream: TextIO | None = None,
        leave: bool = True,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total, self.label, self.unit = total, label, unit
        self.enabled = enabled
        self.done = 0
        self._bar = None
        if enabled and _is_terminal(self.stream):
            self._bar = tqdm(total=total, desc=label, unit=unit, file=self.stream, leave=leave)
        self._started = self._logged = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self.done and exc == (None, None, None):
            self._log(time.monotonic())

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self.enabled:
            now = time.monotonic()
            if now - self._logged >= LOG_EVERY_S:
                self._log(now)

    def _log(self, now: float) -> None:
        self._logged = now
        rate = self.done / max(now - self._started, 1e-9)
        left = (self.total - self.done) / rate if rate else 0.0
        print(
            f"{self.label}: {self.done}/{self.total} {self.unit}s, {rate:.1f} {self.unit}s/s, "
            f"{_duration(left)} left",
            file=self.stream,
            flush=True,
        )


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"
