"""Imports run one way, from the edges down to the kernel, and no source module grows past 400 lines.

Read from the source with `ast`, nothing imported: an import inside a function counts as much as
one at the top of the file, and the check takes well under a second. The layers (README,
"Development"): brieven/kernel < ingest < index < brieven/answer, present, serialize <
brieven/cli, app.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
EMBEDDING = ("torch", "faiss", "sentence_transformers")
ABOVE_INDEX = ("brieven.answer", "brieven.cli", "app", "streamlit")
ABOVE_INGEST = ("index", "brieven.present", "brieven.serialize", *ABOVE_INDEX)
DOCUMENT_FORMATS = ("pypdf", "docx", "lxml")


def sources(folder: str, root: Path = ROOT) -> list[Path]:
    return sorted((root / folder).rglob("*.py"))


def imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, anywhere in the file; `from a import b` counts as a and a.b."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def violations(
    folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = (), root: Path = ROOT
) -> list[str]:
    """Each import in `folder` of a module under `forbidden` and not under `allowed`, as
    "PATH imports NAME"."""

    def under(name: str, packages: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(f"{p}.") for p in packages)

    return [
        f"{path.relative_to(root).as_posix()} imports {name}"
        for path in sources(folder, root)
        for name in sorted(imported(path, root))
        if under(name, forbidden) and not under(name, allowed)
    ]


def test_the_kernel_imports_nothing_of_the_project_outside_itself_nor_torch_or_faiss():
    project = ("brieven", "ingest", "index", "app")
    assert violations("brieven/kernel", project + EMBEDDING, allowed=("brieven.kernel",)) == []


def test_ingest_imports_nothing_above_it_and_nothing_of_embeddings():
    assert violations("ingest", ABOVE_INGEST + EMBEDDING) == []


def test_index_imports_nothing_above_it_and_no_document_format_library():
    assert violations("index", ABOVE_INDEX + DOCUMENT_FORMATS) == []


@pytest.mark.parametrize("folder", ["ingest", "index", "brieven"])
def test_no_source_module_is_over_400_lines(folder):
    long = {}
    for path in sources(folder):
        with open(path, encoding="utf-8") as lines:
            count = sum(1 for _ in lines)
        if count > MAX_LINES:
            long[path.relative_to(ROOT).as_posix()] = count
    assert long == {}


def test_the_import_reader_sees_every_form_of_import(tmp_path):
    """The checks above can fail: plain, from-, relative and in-function imports are all seen."""
    module = tmp_path / "index" / "sub" / "mod.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import pypdf.errors\n"
        "from brieven import cli\n"
        "from brieven.kernel import types\n"
        "from . import sibling\n"
        "from .. import store\n"
        "def later():\n"
        "    import streamlit as st\n",
        encoding="utf-8",
    )
    assert imported(module, tmp_path) >= {
        "pypdf.errors",
        "brieven.cli",
        "index.sub.sibling",
        "index.store",
        "streamlit",
    }
    assert violations("index", ABOVE_INDEX + DOCUMENT_FORMATS, root=tmp_path) == [
        "index/sub/mod.py imports brieven.cli",
        "index/sub/mod.py imports pypdf.errors",
        "index/sub/mod.py imports streamlit",
    ]
    kernel = ("brieven",)
    assert violations("index", kernel, allowed=("brieven.kernel",), root=tmp_path) == [
        "index/sub/mod.py imports brieven",
        "index/sub/mod.py imports brieven.cli",
    ]


def test_there_is_one_encoder_protocol():
    folders = ("brieven", "ingest", "index", "bench", "scripts", "tests")
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
        for path in [ROOT / "app.py", *(p for folder in folders for p in sources(folder))]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and node.name == "Encoder"
        and any(ast.unparse(base).endswith("Protocol") for base in node.bases)
    ]
    assert len(found) == 1, found
