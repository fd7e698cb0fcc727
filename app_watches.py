"""The Watches page of the app (`app.py` registers it): the index's watches, the newest letters
that answer each, and a button that removes a watch. A thin edge like app.py: it reads
`brieven.watch.book`, places the Markdown `brieven.present` builds (document text escaped
there), and turns domain errors into messages.
"""

from __future__ import annotations

import os

import streamlit as st

from brieven import present, watch
from brieven.kernel.errors import BrievenError
from brieven.watch import book
from brieven.watch.match import DEFAULT_MIN_SCORE

DEFAULT_INDEX = "data/index"
LATEST = 5  # matches shown per watch


def show_watch(saved: book.Watch, matches: list[book.Match], index_dir: str) -> None:
    threshold = DEFAULT_MIN_SCORE if saved.min_score is None else saved.min_score
    with st.container(border=True, key=f"watch-{saved.name}"):
        st.subheader(present.escape(saved.name), anchor=f"watch-{saved.name}")
        st.markdown(f"**{present.escape(saved.question)}**")
        st.caption(
            present.escape(
                f"Since {present.format_timestamp(saved.created_at)} · threshold {threshold:g} · "
                f"{len(matches)} matching letter{'s' if len(matches) != 1 else ''}"
            )
        )
        for match in matches[:LATEST]:
            st.markdown(present.match_markdown(match.passages, match.score, match.found_at))
        if not matches:
            st.caption("No letter indexed since has answered it yet.")
        if st.button("Remove this watch", key=f"remove-{saved.name}"):
            try:
                watch.remove(index_dir, saved.name)
            except BrievenError as err:
                st.error(present.escape(str(err)))
            else:
                st.rerun()


def main() -> None:
    index_dir = os.environ.get("BRIEVEN_INDEX", DEFAULT_INDEX)
    st.title("Watches")
    st.caption(
        "Saved questions. Each build or sync matches the letters it adds against them; the "
        "letters that answer one are listed here, newest first. They also go to feeds and "
        "e-mail: see brieven watch --help."
    )
    try:
        kept = book.load(index_dir)
    except BrievenError as err:
        st.error(present.escape(str(err)))
        return
    if not kept.watches:
        st.info("No watches yet. Search for something, then add it under “Watch this search”.")
    for saved in kept.watches:
        show_watch(saved, kept.matches_of(saved.name), index_dir)


main()
