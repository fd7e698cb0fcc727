"""The web page: ask the letters a question, read the answer and the passages it cites; keep a
question as a watch and see the new letters that answer it.

Run with `streamlit run app.py`; the index is the directory named by the environment variable
BRIEVEN_INDEX, else data/index. A thin edge: it opens one `Searcher` per process, calls
`Searcher.search` and `brieven.answer.compose` as the CLI does, and places the Markdown that
`brieven.present` builds from document text (escaped there; never HTML). Every search is in the
URL's query string (`brieven.permalink`), so it can be shared and opened again. A search is kept
as a watch through `brieven.watch`, as `brieven watch add` does; the Watches page is
app_watches.py. Domain errors become messages here.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

import streamlit as st

from brieven import threads

threads.settle()  # before torch and faiss are imported

import letter_page  # noqa: E402
from brieven import letter_view, permalink, present, watch  # noqa: E402
from brieven.answer import LLMConfig, compose  # noqa: E402
from brieven.kernel.errors import BrievenError, IndexMissingError  # noqa: E402
from brieven.kernel.types import Filters, Passage  # noqa: E402
from index.search import Facets, Searcher  # noqa: E402

DEFAULT_INDEX = "data/index"
SAMPLE_LETTERS = "data/letters"


@st.cache_resource(show_spinner="Loading the index and the language model…")
def open_searcher(index_dir: str) -> Searcher:
    """One read-only, thread-safe Searcher per index for the whole process; it follows rebuilds."""
    return Searcher.open(Path(index_dir))


def show_missing_index(index_dir: str) -> None:
    st.error(present.escape(f"There is no search index at {index_dir} yet."))
    st.markdown("Build one from the sample letters with this command, then reload this page:")
    st.code(f"brieven build {SAMPLE_LETTERS} --index {shlex.quote(index_dir)}", language="bash")


def choose_filters(facets: Facets, seed: Filters) -> Filters:
    """Sidebar controls for the filters, first set from the link; the full date range (the
    default) restricts nothing."""
    st.sidebar.header("Filters")
    since = until = None
    if facets.first_date and facets.last_date:
        first = dt.date.fromisoformat(facets.first_date)
        last = dt.date.fromisoformat(facets.last_date)
        start = max(first, dt.date.fromisoformat(seed.since)) if seed.since else first
        end = min(last, dt.date.fromisoformat(seed.until)) if seed.until else last
        chosen = st.sidebar.date_input(
            "Letter date between",
            value=(start, end),
            min_value=first,
            max_value=last,
            format="YYYY-MM-DD",
            help="Letters without a date are left out once you narrow this range.",
        )
        if len(chosen) == 2:
            since = chosen[0].isoformat() if chosen[0] > first else None
            until = chosen[1].isoformat() if chosen[1] < last else None
    doc_types = st.sidebar.multiselect(
        "Document type",
        facets.doc_types,
        default=[t for t in seed.doc_types if t in facets.doc_types],
        placeholder="All types",
    )
    dossiers = st.sidebar.multiselect(
        "Kamerstuk dossier",
        facets.dossiers,
        default=[d for d in seed.dossiers if d in facets.dossiers],
        placeholder="All dossiers",
        help="The dossier number groups the parliamentary papers on one subject (29362 = "
        "Modernisering van de overheid).",
    )
    return Filters(since=since, until=until, doc_types=tuple(doc_types), dossiers=tuple(dossiers))


def show_index_facts(searcher: Searcher, index_dir: str) -> None:
    manifest = searcher.manifest
    st.sidebar.header("Index")
    st.sidebar.markdown(
        f"**Letters:** {manifest.letter_count}  \n"
        f"**Passages:** {manifest.chunk_count}  \n"
        f"**Model:** {present.escape(manifest.model_id)}  \n"
        f"**Built:** {present.escape(present.format_timestamp(manifest.built_at))}"
    )
    st.sidebar.caption(f"Index folder: {present.escape(index_dir)}")


def show_answer(question: str, passages: list[Passage], searcher: Searcher) -> None:
    with st.spinner("Writing the answer…"):
        answer = compose(question, passages, searcher.encoder, LLMConfig.from_env())
    with st.container(border=True, key="answer"):
        st.subheader("Answer", anchor="answer")
        if answer.found:
            st.markdown(present.answer_markdown(answer))
            st.caption(
                "Quoted from the passages below; each number leads to its passage."
                if answer.method == "extractive"
                else "Written by a language model from the passages below; check what it cites."
            )
        else:
            st.info(present.escape(answer.text))
        if answer.notice:
            st.warning(present.escape(answer.notice))


def show_passage(passage: Passage, question: str, searcher: Searcher) -> None:
    chunk = passage.chunk
    with st.container(border=True, key=present.passage_anchor(passage.rank)):
        st.subheader(
            present.escape(f"[{passage.rank}] {chunk.title}"),
            anchor=present.passage_anchor(passage.rank),
        )
        st.markdown(f"**{present.escape(present.section_label(chunk))}**")
        st.caption(present.citation_line(chunk, passage.score))
        if chunk.ocr:
            st.caption(present.escape(present.OCR_NOTICE))
        st.markdown(present.highlight(chunk.text, question))
        if chunk.footnotes:
            st.markdown(
                "**Footnotes**  \n"
                + "  \n".join(present.footnote_markdown(fn) for fn in chunk.footnotes)
            )
        for line in (present.vote_summary(chunk), present.answered_line(chunk)):
            if line:
                st.markdown(f"**{present.escape(line)}**")
        if present.safe_url(chunk.url):
            st.markdown(present.link("Official publication ↗", chunk.url))
        st.markdown(
            letter_view.letter_link(
                "The whole letter and its dossier", chunk.letter_id, chunk.section_index
            )
        )
        with st.expander("Read the whole section"):
            st.markdown(present.highlight(searcher.section_text(chunk), question))


def offer_watch(index_dir: str, search: permalink.Search, searcher: Searcher) -> None:
    """A form that keeps the current search as a watch."""
    st.sidebar.header("Watch this search")
    with st.sidebar.form("watch", border=False):
        name = st.text_input(
            "Watch name",
            placeholder="staff-shortages",
            help="Each build or sync then matches the letters it adds against this question and "
            "these filters; see them under Watches, in a feed or by e-mail (brieven watch).",
        )
        added = st.form_submit_button("Add watch")
    if added:
        try:
            kept, _ = watch.add(
                index_dir, name.strip(), search.question, search.filters, encoder=searcher.encoder
            )
        except BrievenError as err:
            st.sidebar.error(present.escape(str(err)))
        else:
            st.sidebar.success(present.escape(f"Watch {kept.name} added; see Watches."))


def search_page() -> None:
    index_dir = os.environ.get("BRIEVEN_INDEX", DEFAULT_INDEX)
    searcher = open_index(index_dir)
    if searcher is None:
        return
    if "letter" in st.query_params:
        letter_page.show(searcher, st.query_params["letter"], st.query_params.get("section"))
        return
    st.title("Search Dutch government letters")
    st.caption(
        "Ask a question in English or Dutch. You get the passages of Kamerbrieven, Kamervragen "
        "and moties that answer it, with letter, section, pages and footnotes."
    )
    seed = permalink.from_params(st.query_params.get_all)
    filters = choose_filters(searcher.facets(), seed.filters)
    show_index_facts(searcher, index_dir)

    with st.form("ask", border=False):
        question_col, k_col, button_col = st.columns([6, 1, 1], vertical_alignment="bottom")
        question = question_col.text_input(
            "Question",
            value=seed.question,
            placeholder="How does the cabinet handle staff scarcity?",
        )
        k = k_col.number_input(
            "Passages shown", min_value=1, max_value=permalink.K_MAX, value=seed.k, step=1
        )
        submitted = button_col.form_submit_button("Search", type="primary")
    order = st.radio(
        "Order", permalink.ORDERS, index=permalink.ORDERS.index(seed.order), horizontal=True,
        format_func={"relevance": "Most relevant first", "date": "Newest letter first"}.get,
    )
    search = permalink.Search(question.strip(), filters, int(k), order)
    if search.question and permalink.from_params(st.query_params.get_all) != search:
        st.query_params.from_dict(permalink.to_params(search))  # only on change: no rerun loop

    if not search.question:
        if submitted:
            st.warning("Type a question first, then press Enter or Search.")
        return
    try:
        with st.spinner("Searching…"):
            passages = searcher.search(search.question, k=search.k, filters=filters)
        if not passages:
            st.info("No passage matches these filters. Widen the date range or clear a filter.")
            return
        st.caption("This page's address is a link to this search, filters included.")
        show_answer(search.question, passages, searcher)
        offer_watch(index_dir, search, searcher)
        st.subheader(f"{len(passages)} passages, {order_label(order)}", anchor="passages")
        for passage in permalink.ordered(passages, order):
            show_passage(passage, search.question, searcher)
    except BrievenError as err:
        st.error(present.escape(str(err)))


def order_label(order: str) -> str:
    return "newest letter first" if order == "date" else "best first"


def open_index(index_dir: str) -> Searcher | None:
    """The searcher, or None after saying why there is none."""
    try:
        return open_searcher(index_dir)
    except IndexMissingError:
        show_missing_index(index_dir)
    except BrievenError as err:
        st.error(present.escape(str(err)))
    return None


def main() -> None:
    st.set_page_config(
        page_title="brieven — search government letters", page_icon="📄", layout="wide"
    )
    pages = [
        st.Page(search_page, title="Search", icon=":material/search:", default=True),
        st.Page(
            "app_watches.py", title="Watches", icon=":material/notifications:", url_path="watches"
        ),
    ]
    st.navigation(pages).run()


main()
