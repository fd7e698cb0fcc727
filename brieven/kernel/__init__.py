"""The ground floor of brieven: what every layer may import; it imports nothing of the project.

- `types`: the frozen dataclasses that flow file -> Letter -> Chunk -> Passage -> Answer;
- `errors`: the domain errors, each saying what to do next;
- `encoder`: the `Encoder` protocol that the real model, the tests' fake and bench stand-ins meet;
- the text vocabulary shared by ingest, index and answer alike: `refs` (kamerstuk and document
  numbers, footnote markers), `sentences` (the sentence splitter), `tokens` (cl100k token counts).

The floors above it: `ingest` (files -> Letters -> Chunks), `index` (Chunks -> index -> Passages),
then `brieven.answer`, `brieven.present`, `brieven.serialize` and the edges `brieven.cli` and
`app.py`. Arrows only point down.
"""
