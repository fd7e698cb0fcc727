"""Permalinks and the Watches page in real Chromium (`streamlit run app.py` over the sample index
with the real model). Saves a screenshot of the Watches page to docs/watches.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import test_app_browser
from test_app_browser import QUESTION, ROOT, _serve

from brieven import watch
from brieven.kernel.types import Filters

pytestmark = pytest.mark.slow

browser = test_app_browser.browser  # the same Chromium fixture
SCREENSHOT = ROOT / "docs" / "watches.png"
GAZA = "Medische evacuatie van kinderen uit Gaza"


@pytest.fixture(scope="module")
def watched_url(real_index: Path, real_encoder, tmp_path_factory) -> Iterator[str]:
    """The app over a copy of the sample index with two watches, one with backfilled matches."""
    directory = tmp_path_factory.mktemp("watched")
    shutil.copytree(real_index, directory / "index", symlinks=True)
    index_dir = directory / "index"
    watch.add(index_dir, "gaza-evacuations", GAZA, Filters(), backfill=True, encoder=real_encoder)
    watch.add(index_dir, "staff-scarcity", QUESTION, Filters(), encoder=real_encoder)
    with _serve(index_dir, directory / "streamlit.log") as url:
        yield url


def test_a_permalink_opens_the_search_in_the_browser(browser, watched_url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{watched_url}/?{urlencode({'q': QUESTION, 'k': 2})}")
    page.get_by_text("2 passages, best first").wait_for(timeout=300_000)
    assert page.get_by_label("Question").input_value() == QUESTION
    page.get_by_text("Newest letter first").click()
    page.get_by_text("2 passages, newest letter first").wait_for(timeout=60_000)
    assert "sort=date" in page.url and "k=2" in page.url
    page.close()


def test_the_watches_page_lists_watches_and_their_matches(browser, watched_url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{watched_url}/watches")
    page.get_by_role("heading", name="staff-scarcity").wait_for(timeout=300_000)
    page.get_by_text("No letter indexed since has answered it yet.").wait_for(timeout=60_000)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert GAZA in text and QUESTION in text
    assert " matching letter" in text and " · 0 matching letters" in text  # Gaza, then staff
    assert "No letter indexed since has answered it yet." in text  # the staff watch
    links = page.get_by_role("link", name="Motie van het lid Dobbe c.s.")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert "https://zoek.officielebekendmakingen.nl/kst-21501-20-2273.html" in hrefs, text
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 900), 4000)})
    page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.close()
