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
from contextlib import contextmanager
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
HOSTILE = ROOT / "tests" / "fixtures" / "app" / "hostile_letter.txt"
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


@contextmanager
def _serve(index_dir: Path, log_path: Path) -> Iterator[str]:
    """`streamlit run app.py` over `index_dir` on a free local port; yields its URL."""
    port = _free_port()
    env = {**os.environ, "BRIEVEN_INDEX": str(index_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("BRIEVEN_LLM_URL", None)
    with log_path.open("w") as log:
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


@pytest.fixture(scope="module")
def app_url(real_index: Path, tmp_path_factory) -> Iterator[str]:
    """The page over the sample index."""
    with _serve(real_index, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def hostile_url(real_encoder, tmp_path_factory) -> Iterator[str]:
    """The page over an index of one letter whose title and text are full of HTML and Markdown."""
    from index.build import build

    directory = tmp_path_factory.mktemp("hostile")
    build([HOSTILE], directory / "index", real_encoder, progress=False)
    with _serve(directory / "index", directory / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    yield page
    page.close()


def test_question_in_the_browser_shows_section_7_and_cited_answer(page):
    from playwright.sync_api import expect

    question = page.get_by_label("Question")
    question.fill(QUESTION)
    question.press("Enter")

    # Section 7 among the first three passages (the index-and-ask issue's promise).
    cards = page.locator(", ".join(f".st-key-passage-{rank}" for rank in (1, 2, 3)))
    seventh = cards.filter(has_text=SECTION).first
    expect(seventh).to_be_visible(timeout=120_000)
    expect(seventh).to_contain_text("Kamerstuk 29362-354")
    expect(seventh.get_by_role("link", name="Official publication")).to_have_attribute(
        "href", "https://zoek.officielebekendmakingen.nl/kst-29362-354.html"
    )

    # The answer's citation numbers jump to their passages; take the one furthest down the page.
    citations = page.locator(".st-key-answer a[href^='#passage-']")
    expect(citations.first).to_be_visible()
    targets = [citations.nth(i).get_attribute("href") for i in range(citations.count())]
    target = max(targets, key=lambda href: int(href.rsplit("-", 1)[1]))
    heading = page.locator(f"h3{target}")
    page.set_viewport_size({"width": 1400, "height": 450})  # the passages start below the fold
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


def test_html_and_markdown_in_a_letter_show_as_text_in_the_browser(browser, hostile_url):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url)
    question = page.get_by_label("Question")
    question.fill("kwetsbaarheid in vette tekst")
    question.press("Enter")

    passage = page.locator(".st-key-passage-1")
    expect(passage).to_contain_text(
        "Brief over <b>onveilige</b> **tekst** [klik](javascript:alert(1))", timeout=60_000
    )
    expect(passage).to_contain_text("<script>alert('x')</script> kwetsbaarheid in **vette** tekst")
    expect(passage).to_contain_text("[link](javascript:alert(1)) en <img src=x onerror=alert(1)>")
    expect(passage).to_contain_text(":red[rode] tekst, $x^2$ formules")
    main = page.locator("[data-testid=stMain]")
    assert main.locator("script, img[src=x], b, .katex").count() == 0
    hrefs = main.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
    assert not any("javascript" in href or "voorbeeld.nl" in href for href in hrefs), hrefs
    assert dialogs == []
    page.close()


def _save_full_page(page) -> None:
    """Streamlit scrolls inside its main area, so grow the window to its height first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 12_000)})
    page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
