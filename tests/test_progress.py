"""Build progress: a bar on a terminal, a plain line about every 10 seconds in a log."""

from __future__ import annotations

import io

from index import progress
from index.build import build


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_prints_one_line_per_interval_not_every_update(monkeypatch):
    clock = iter(range(0, 1000, 1))  # one second passes per update
    monkeypatch.setattr(progress.time, "monotonic", lambda: float(next(clock)))
    log = io.StringIO()
    with progress.Progress(100, "embed", "text", stream=log) as bar:
        for _ in range(35):
            bar.update(2)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert len(lines) == 4  # at 10, 20 and 30 seconds, and the last
    assert lines[0] == "embed: 20/100 texts, 2.0 texts/s, 0m 40s left"
    assert lines[-1].startswith("embed: 70/100 texts")


def test_terminal_shows_rate_and_time_left():
    screen = Terminal()
    with progress.Progress(64, "embed", "text", stream=screen) as bar:
        bar.update(32)
        bar.update(32)
    shown = screen.getvalue()
    assert "64/64" in shown and "text/s" in shown and "<00:00" in shown


def test_build_piped_to_a_log_writes_no_carriage_returns(tmp_path, fake_encoder, capsys):
    from tests.conftest import SEED, copy_letters

    build([copy_letters([SEED], tmp_path / "letters")], tmp_path / "index", fake_encoder)
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[-1].startswith("embed: ")
