"""The page of one letter (`?letter=<id>&section=<n>`), placed by `app.py`: the whole text with
its footnotes and the cited section marked, its vote or Zaak, the other documents of its dossier
newest first, and for Kamervragen the earlier answers to similar questions. The Markdown comes
from `brieven.letter_view` and `brieven.present` (document text escaped there, never HTML).
"""

from __future__ import annotations

import streamlit as st

from brieven import letter_view, present
from brieven.kernel.types import Chunk
from brieven.similar import questions_in, similar
from index.search import Searcher


def show(searcher: Searcher, letter_id: str, section: str | None) -> None:
    chunks = searcher.letter_chunks(letter_id)
    st.markdown("[← Back to the search](./)")
    if not chunks:
        st.error(present.escape(f"There is no letter {letter_id} in this index."))
        return
    first = chunks[0]
    cited = int(section) if section and section.isdigit() else None
    texts = {c.section_index: searcher.section_text(c) for c in chunks}
    st.title(present.escape(first.title))
    facts = [f"Kamerstuk {first.kamerstuk}" if first.kamerstuk else None, first.doc_type,
             present.format_date(first.date) or "date unknown"]  # fmt: skip
    st.caption(present.escape(" · ".join(fact for fact in facts if fact)))
    if present.safe_url(first.url):
        st.markdown(present.link("Official publication ↗", first.url))
    for line in (present.vote_summary(first), present.zaak_line(first)):
        if line:
            st.info(present.escape(line))
    text_col, dossier_col = st.columns([3, 1])
    with dossier_col:
        show_dossier(searcher, first)
    with text_col:
        show_text(chunks, texts, cited)
        show_earlier_answers(searcher, chunks, texts)


def show_dossier(searcher: Searcher, letter: Chunk) -> None:
    dossier = letter_view.dossier_of(letter)
    with st.container(border=True, key="dossier"):
        if dossier is None:
            st.subheader("Dossier unknown")
            st.caption("This letter states no kamerstuk dossier, and no link to one was fetched.")
            return
        others = letter_view.dossier_documents(searcher.letters(), letter)
        st.subheader(present.escape(f"Dossier {dossier}"))
        noun = "document" if len(others) == 1 else "documents"
        st.caption(f"{len(others)} other {noun} in this index, newest first")
        for other in others:
            st.markdown(letter_view.dossier_line(other))


def show_text(chunks: list[Chunk], texts: dict[int, str], cited: int | None) -> None:
    for part in letter_view.sections_of(chunks, texts):
        if part.index == cited:
            with st.container(border=True, key="cited"):
                st.markdown(f"**Cited: {present.escape(part.label)}**")
                st.markdown(present.escape(part.text))
        else:
            st.markdown(f"**{present.escape(part.label)}**")
            st.markdown(present.escape(part.text))
    notes = letter_view.footnotes_of(chunks)
    if notes:
        st.markdown("**Footnotes**  \n" + letter_view.footnotes_markdown(notes))


def show_earlier_answers(searcher: Searcher, chunks: list[Chunk], texts: dict[int, str]) -> None:
    questions = questions_in(chunks, texts)
    if not questions:
        return
    st.subheader("Earlier answers to similar questions")
    if not st.button("Find earlier answers to these questions", key="earlier"):
        return
    with st.spinner("Searching earlier answers…"):
        found = similar(searcher, questions, k=1, hidden=frozenset({chunks[0].letter_id}))
    for item in found:
        st.markdown(f"**Vraag {present.escape(item.question.number)}:** "
                    + present.escape(item.question.text[:300]))  # fmt: skip
        for passage in item.passages:
            hit = passage.chunk
            st.markdown(
                "→ " + letter_view.letter_link(hit.title, hit.letter_id, hit.section_index)
                + " · " + present.escape(present.answered_line(hit) or present.section_label(hit))
            )  # fmt: skip
        if not item.passages:
            st.caption("No earlier answer found.")
