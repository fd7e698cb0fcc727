"""A letter's page in real Chromium: the motie with its recorded vote, its dossier listing newest
first, the cited section marked; a dossier entry leads to that letter's page. Saves a full-page
screenshot to docs/letter_page.png (Debian's chromium, as tests/test_app_browser.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LETTERS
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, _serve
from test_links import fetch_with_links

pytestmark = pytest.mark.slow

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "letter_page.png"


@pytest.fixture(scope="module")
def links_url(real_encoder, tmp_path_factory):
    from index.build import build

    folder = tmp_path_factory.mktemp("links-browser")
    fetch_with_links(folder / "fetched")
    shutil.copyfile(LETTERS / "moties_xml" / "kst-19637-3481.xml", folder / "kst-19637-3481.xml")
    build([folder], folder / "index", real_encoder, progress=False)
    with _serve(folder / "index", folder / "streamlit.log") as url:
        yield url


def test_letter_page_shows_vote_dossier_and_cited_section_in_the_browser(links_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{links_url}/?letter=2025D06779&section=0")  # a motie has one section

        main = page.locator("[data-testid=stMain]")
        expect(main).to_contain_text("Adopted (date unknown).", timeout=300_000)  # model load
        expect(main).to_contain_text("For (49 seats): GroenLinks-PvdA (25), NSC (19), SP (5).")
        expect(page.locator(".st-key-cited")).to_contain_text("Cited:")
        dossier = page.locator(".st-key-dossier")
        expect(dossier).to_contain_text("Dossier 19637")
        other = dossier.locator("a[href^='?letter=']").first
        expect(other).to_have_attribute("href", "?letter=kst-19637-3481")

        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 6000)})
        page.wait_for_timeout(500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        with page.context.expect_page() as opened:  # Streamlit opens Markdown links in a tab
            other.click()
        letter = opened.value
        expect(letter.locator("h1").first).to_contain_text("Van Nispen", timeout=120_000)
        expect(letter.locator(".st-key-dossier")).to_contain_text("Dossier 19637")
        expect(letter.locator("[data-testid=stMain]")).to_contain_text("Vote: unknown")
        browser.close()
