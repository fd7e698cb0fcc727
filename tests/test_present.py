"""The page's Markdown: document text shows as text, only http(s) URLs become links."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from brieven.kernel.types import Answer, Chunk, Footnote
from brieven.present import (
    answer_markdown,
    citation_line,
    escape,
    footnote_markdown,
    format_timestamp,
    highlight,
    link,
    linkify,
    safe_url,
    section_label,
)

HOSTILE = [
    "<script>alert('x')</script>",
    "**vet** _schuin_ `code` ~~weg~~",
    "# Kop\n- item\n1. lijst\n> citaat",
    "[klik](javascript:alert(1)) ![plaatje](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)> &amp; &#60;b&#62;",
    ":red[rood] :smile: $x^2$ \\*",
    "mail info@evil.example",
]


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def visible_text(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u2060", "")


def tags(rendered: str) -> set[str]:
    return set(re.findall(r"<(\w+)", rendered))


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_the_same_characters(text):
    rendered = render(escape(text))
    assert tags(rendered) <= {"p", "br"}
    assert " ".join(visible_text(rendered).split()) == " ".join(text.split())


def test_line_breaks_are_kept():
    assert render(escape("regel een\nregel twee")).count("<br") == 1


def test_escape_breaks_bare_email_addresses_so_no_mailto_link_appears():
    # Streamlit's Markdown autolinks e-mail addresses; a word joiner after @ prevents it.
    assert "@\u2060" in escape("info@evil.example")


def test_highlight_marks_words_shared_with_the_question():
    markdown = highlight("De structurele schaarste aan menskracht.", "schaarste menskracht?")
    assert "**schaarste**" in markdown
    assert "**menskracht**" in markdown
    assert "structurele" in markdown and "**structurele**" not in markdown


def test_highlight_matches_word_forms_but_not_common_words():
    markdown = highlight(
        "Het kabinet en de schaarse ruimte", "What does the cabinet do about schaarste?"
    )
    assert "**schaarse**" in markdown
    assert "**Het**" not in markdown and "**de**" not in markdown


def test_highlight_escapes_the_rest_of_the_text():
    markdown = highlight("<script>schaarste</script>", "schaarste")
    rendered = render(markdown)
    assert "<script>" not in rendered
    assert "&lt;script&gt;<strong>schaarste</strong>&lt;/script&gt;" in rendered


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://example.nl/a",
        "/relative",
        "http://",
        "https://a b.nl",
        None,
        "",
    ],
)
def test_only_absolute_http_urls_are_safe(url):
    assert safe_url(url) is None


def test_http_and_https_urls_are_safe():
    assert safe_url("https://zoek.officielebekendmakingen.nl/kst-29362-354.html") is not None
    assert safe_url(" http://example.nl/a ") == "http://example.nl/a"


def test_link_to_unsafe_url_is_plain_text():
    rendered = render(link("klik", "javascript:alert(1)"))
    assert "<a" not in rendered and "klik" in rendered


def test_link_cannot_be_broken_out_of_by_the_url():
    rendered = render(link("bron", "https://evil.example/a)<b>[x](y)"))
    assert rendered.count("<a ") == 1
    assert 'href="https://evil.example/a%29%3Cb%3E%5Bx%5D%28y%29"' in rendered


def test_linkify_links_each_http_url_in_place_and_keeps_others_as_text():
    text = "Zie https://www.rijksoverheid.nl/beleid (bezocht) en javascript:alert(1)."
    rendered = render(linkify(text, ("https://www.rijksoverheid.nl/beleid", "javascript:alert(1)")))
    assert rendered.count("<a ") == 1
    assert '<a href="https://www.rijksoverheid.nl/beleid">' in rendered
    assert visible_text(rendered).strip() == text


def test_linkify_lists_urls_missing_from_the_text():
    rendered = render(linkify("Kamerstuk 29362, nr. 340.", ("https://example.nl/340",)))
    assert '<a href="https://example.nl/340">' in rendered


def test_footnote_shows_its_marker_text_and_link():
    footnote = Footnote("10", "Zie https://example.nl/a.", ("https://example.nl/a",))
    rendered = render(footnote_markdown(footnote))
    assert visible_text(rendered).startswith("¹⁰ Zie")
    assert '<a href="https://example.nl/a">' in rendered


def _chunk(**changes) -> Chunk:
    fields = dict(
        id="kst-29362-354#7", letter_id="kst-29362-354", title="Kabinetsreactie", date="2024-03-25",
        kamerstuk="29362-354", doc_type="Kamerbrief", url=None, source="x.txt", section_index=8,
        section_number="7", section_title="Ga slim om met structurele schaarste aan menskracht",
        pages=(5, 6), footnotes=(), text="tekst", embed_text="tekst",
    )  # fmt: skip
    fields.update(changes)
    return Chunk(**fields)


def test_citation_line_names_kamerstuk_type_date_pages_and_score():
    line = visible_text(render(citation_line(_chunk(), 0.8312)))
    assert (
        line.strip() == "Kamerstuk 29362-354 · Kamerbrief · 25 March 2024 · pages 5–6 · score 0.83"
    )


def test_citation_line_leaves_out_what_is_unknown():
    chunk = _chunk(kamerstuk=None, date=None, pages=(3, 3))
    assert (
        visible_text(render(citation_line(chunk, 0.5))).strip()
        == "Kamerbrief · page 3 · score 0.50"
    )


def test_section_label_gives_number_and_title():
    assert (
        section_label(_chunk()) == "Section 7: Ga slim om met structurele schaarste aan menskracht"
    )
    assert section_label(_chunk(section_number="2.1", section_title="")) == "Section 2.1"
    assert section_label(_chunk(section_number="Vraag 9", section_title="Vraag 9")) == "Vraag 9"
    assert (
        section_label(_chunk(section_number="Vraag 3", section_title="Welke?")) == "Vraag 3: Welke?"
    )


def test_section_label_names_a_letter_opening_without_heading():
    chunk = _chunk(section_number=None, section_title="", section_index=0)
    assert section_label(chunk) == "Opening of the letter"


def test_answer_markers_link_to_their_passages():
    answer = Answer(
        "Het kabinet zet flexpools in [2]. Zie <b>ook</b> [1].", (2, 1), True, "extractive"
    )
    rendered = render(answer_markdown(answer))
    assert '<a href="#passage-2">[2]</a>' in rendered
    assert '<a href="#passage-1">[1]</a>' in rendered
    assert "<b>" not in rendered


def test_answer_markers_not_cited_stay_text():
    answer = Answer("Zie [7].", (), True, "extractive")
    assert "<a" not in render(answer_markdown(answer))


def test_build_time_reads_as_a_date_and_utc_time():
    assert format_timestamp("2026-11-28T18:40:12+00:00") == "28 November 2026, 18:40 UTC"
    assert format_timestamp("2026-11-28T19:40:12+01:00") == "28 November 2026, 18:40 UTC"
    assert format_timestamp("yesterday") == "yesterday"


def test_citation_line_names_the_sender_and_kenmerk_of_a_ministry_letter():
    chunk = _chunk(sender="Minister van Volksgezondheid, Welzijn en Sport", reference="4204015-PDIZA")
    line = visible_text(render(citation_line(chunk, 0.5)))
    assert "Kamerbrief · Minister van Volksgezondheid, Welzijn en Sport · kenmerk 4204015-PDIZA" in line
