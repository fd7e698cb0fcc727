"""The page as a person sees it: `streamlit run app.py` over the sample index, in real Chromium.

Uses Debian's `chromium` (apt-get install chromium) driven by the `playwright` package; no
browser is downloaded. Saves a full-page screenshot to artifacts/screenshot.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "artifacts" / "screenshot.png"
QUESTION = "How does the cabinet handle staff scarcity?"
SECTION = "Section 7: Ga slim om met structurele schaarste aan menskracht"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def app_url(real_index: Path, tmp_path_factory) -> Iterator[str]:
    """`streamlit run app.py` on a free local port over the sample index, one for this module."""
    port = _free_port()
    env = {**os.environ, "BRIEVEN_INDEX": str(real_index), "HF_HUB_OFFLINE": "1"}
    env.pop("BRIEVEN_LLM_URL", None)
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def page(app_url: str):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url)
        yield page
        browser.close()


def test_question_in_the_browser_shows_section_7_and_cited_answer(page):
    from playwright.sync_api import expect

    question = page.get_by_label("Question")
    question.fill(QUESTION)
    question.press("Enter")

    first = page.locator(".st-key-passage-1")
    expect(first).to_contain_text(SECTION, timeout=120_000)
    expect(first).to_contain_text("Kamerstuk 29362-354")
    expect(first.get_by_role("link", name="Official publication")).to_have_attribute(
        "href", "https://zoek.officielebekendmakingen.nl/kst-29362-354.html"
    )

    # The answer's citation numbers jump to their passages; take the one furthest down the page.
    citations = page.locator(".st-key-answer a[href^='#passage-']")
    expect(citations.first).to_be_visible()
    targets = [citations.nth(i).get_attribute("href") for i in range(citations.count())]
    target = max(targets, key=lambda href: int(href.rsplit("-", 1)[1]))
    heading = page.locator(f"h3{target}")
    expect(heading).not_to_be_in_viewport()
    citations.filter(has_text=f"[{target.rsplit('-', 1)[1]}]").first.click()
    expect(heading).to_be_in_viewport()

    _save_full_page(page)


def test_footnote_urls_are_links_in_the_browser(page):
    """Section 7 refers to no footnote; a passage on the Beleidskompas shows one with its link."""
    from playwright.sync_api import expect

    question = page.get_by_label("Question")
    question.fill("Welk instrument biedt departementen een centrale werkwijze voor beleid?")
    question.press("Enter")

    footnotes = page.locator("[data-testid=stMarkdownContainer]").filter(has_text="Footnotes")
    link = footnotes.get_by_role(
        "link", name="https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas"
    ).first
    expect(link).to_be_visible(timeout=120_000)
    assert link.get_attribute("href") == (
        "https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas"
    )


def _save_full_page(page) -> None:
    """Streamlit scrolls inside its main area, so grow the window to its height first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 12_000)})
    page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
