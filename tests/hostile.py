"""Hostile files for the robustness tests, and `brieven build` run over them in its own process.

`generate(out_dir, seed, n, ...)` writes at least `n` damaged, malicious or odd files made from the
sample corpus and from nothing: truncated and bit-flipped PDFs, random bytes behind PDF, XML, HTML
and zip headers, deeply nested HTML and XML, entity bombs, external entities, DTDs and XIncludes
pointing at a local file and at a watched URL, remote resources in HTML, DOCX zip bombs, encrypted
PDFs, wrong extensions, non-UTF-8 text, empty and binary files, a named pipe, symlink loops, a
dangling link, a folder named like a file, a file without read permission and, with `huge=True`, a
200 MB text file and a DOCX whose XML takes gigabytes to parse. The same seed gives the same files.

Each file says whether every reader must refuse it (`must_skip`) or may read it (a bit-flip in a
page's text, a PDF saved as .xml, Latin-1 text are still letters); either way a build must index it
or name it with a reason, never crash or hang on it.
"""

from __future__ import annotations

import collections
import contextlib
import http.server
import io
import os
import random
import re
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from brieven_process import run_build
from pypdf import PdfReader, PdfWriter

TESTS = Path(__file__).resolve().parent
LETTERS = TESTS.parent / "data" / "letters"
PDFS = sorted(LETTERS.rglob("*.pdf"))
DOCX = next(LETTERS.rglob("*.docx"))
TEXT = (LETTERS / "kst-29362-354__berthub_tkconv_2024D11607.txt").read_text(encoding="utf-8")
GOOD = sorted(p for p in LETTERS.rglob("*") if p.is_file() and not p.name.endswith(".meta.json"))

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


@dataclass(frozen=True, slots=True)
class Hostile:
    path: Path
    kind: str
    must_skip: bool  # no reader may accept it


class _Maker:
    """What each kind of hostile file is made of. A method per kind: name -> (suffix, bytes)."""

    def __init__(self, rng: random.Random, watch_url: str, secret: Path) -> None:
        self.rng = rng
        self.url = watch_url.rstrip("/")
        self.secret = secret
        self.pdfs = [p.read_bytes() for p in PDFS]
        self._encrypted: list[bytes] = []
        self._bomb = b""

    def noise(self, most: int = 65536) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, most))

    def pdf_truncated(self) -> tuple[str, bytes, bool]:
        data = self.rng.choice(self.pdfs)
        return ".pdf", data[: self.rng.randrange(len(data))], False

    def pdf_bit_flipped(self) -> tuple[str, bytes, bool]:
        data = bytearray(self.rng.choice(self.pdfs))
        for _ in range(self.rng.randint(1, 64)):
            data[self.rng.randrange(len(data))] ^= 1 << self.rng.randrange(8)
        return ".pdf", bytes(data), False

    def pdf_random(self) -> tuple[str, bytes, bool]:
        return (
            ".pdf",
            b"%PDF-1." + str(self.rng.randint(0, 7)).encode() + b"\n" + self.noise(),
            True,
        )

    def pdf_encrypted(self) -> tuple[str, bytes, bool]:
        if not self._encrypted:
            for data in self.pdfs:
                writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
                writer.encrypt(
                    user_password="geheim", owner_password="eigenaar", algorithm="RC4-128"
                )
                out = io.BytesIO()
                writer.write(out)
                self._encrypted.append(out.getvalue())
        return ".pdf", self.rng.choice(self._encrypted), True

    def xml_random(self) -> tuple[str, bytes, bool]:
        return ".xml", b'<?xml version="1.0" encoding="UTF-8"?>\n' + self.noise(), True

    def html_random(self) -> tuple[str, bytes, bool]:
        return ".html", b"<!DOCTYPE html><html><body>" + self.noise(), False

    def zip_random(self) -> tuple[str, bytes, bool]:
        return ".docx", b"PK\x03\x04" + self.noise(), True

    def html_nested(self) -> tuple[str, bytes, bool]:
        depth = self.rng.randint(1_000, 200_000)
        tag = self.rng.choice(["div", "b", "table", "ul"])
        body = f"<{tag}>" * depth + "Geachte voorzitter, dit is een brief." + f"</{tag}>" * depth
        return ".html", f"<html><body>{body}</body></html>".encode(), False

    def xml_nested(self) -> tuple[str, bytes, bool]:
        depth = self.rng.randint(1_000, 200_000)
        return ".xml", ("<al>" * depth + "tekst" + "</al>" * depth).encode(), True

    def xml_billion_laughs(self) -> tuple[str, bytes, bool]:
        entities = ['<!ENTITY lol "lol">'] + [
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        ]
        doc = f"<!DOCTYPE lolz [{''.join(entities)}]><officiele-publicatie><al>&lol9;</al>"
        return ".xml", (doc + "</officiele-publicatie>").encode(), True

    def xml_external_entity(self) -> tuple[str, bytes, bool]:
        target = self.rng.choice([self.secret.as_uri(), f"{self.url}/xxe-{self.rng.random()}"])
        doc = (
            f'<?xml version="1.0"?><!DOCTYPE brief [<!ENTITY x SYSTEM "{target}">]>'
            "<officiele-publicatie><al>Geachte voorzitter, &x;</al></officiele-publicatie>"
        )
        return ".xml", doc.encode(), True

    def xml_parameter_entity(self) -> tuple[str, bytes, bool]:
        doc = (
            f'<?xml version="1.0"?><!DOCTYPE brief [<!ENTITY % p SYSTEM "{self.url}/dtd">%p;]>'
            "<officiele-publicatie><al>Geachte voorzitter.</al></officiele-publicatie>"
        )
        return ".xml", doc.encode(), True

    def xml_external_dtd(self) -> tuple[str, bytes, bool]:
        doc = (
            f'<?xml version="1.0"?><!DOCTYPE brief SYSTEM "{self.url}/brief.dtd">'
            "<officiele-publicatie><al>Geachte voorzitter, hierbij de brief over de "
            "staat van de arbeidsmarkt.</al></officiele-publicatie>"
        )
        return ".xml", doc.encode(), False

    def xml_xinclude(self) -> tuple[str, bytes, bool]:
        source = self.rng.choice([self.secret.as_uri(), f"{self.url}/xinclude"])
        doc = (
            '<officiele-publicatie xmlns:xi="http://www.w3.org/2001/XInclude"><al>Geachte '
            f'voorzitter, hierbij de brief.</al><xi:include href="{source}" parse="text"/>'
            "</officiele-publicatie>"
        )
        return ".xml", doc.encode(), False

    def html_remote(self) -> tuple[str, bytes, bool]:
        url = f"{self.url}/html-{self.rng.random()}"
        doc = (
            f'<!DOCTYPE html SYSTEM "{url}/dtd"><html><head><link rel="stylesheet" href="{url}">'
            f'<script src="{url}"></script><meta http-equiv="refresh" content="0; url={url}">'
            f'</head><body><h1>Brief</h1><p>Geachte voorzitter, <img src="{url}"><iframe '
            f'src="{url}"></iframe><object data="{url}"></object>hierbij de brief.</p>'
            f'<p>&xxe; <a href="{self.secret.as_uri()}">bijlage</a></p></body></html>'
        )
        return ".html", doc.encode(), False

    def docx_zip_bomb(self) -> tuple[str, bytes, bool]:
        if not self._bomb:  # 300 MB of zeros packed into a few hundred KB, made once
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("[Content_Types].xml", CONTENT_TYPES)
                with archive.open("word/document.xml", "w", force_zip64=True) as member:
                    for _ in range(300):
                        member.write(bytes(2**20))
            self._bomb = out.getvalue()
        return ".docx", self._bomb, True

    def wrong_extension(self) -> tuple[str, bytes, bool]:
        source = self.rng.choice(GOOD)
        suffix = self.rng.choice(
            [s for s in (".pdf", ".xml", ".html", ".txt", ".docx", "") if s != source.suffix]
        )
        return suffix, source.read_bytes(), False

    def text_not_utf8(self) -> tuple[str, bytes, bool]:
        encoding = self.rng.choice(["cp1252", "latin-1", "utf-16", "utf-32", "mac-roman"])
        text = TEXT[: self.rng.randint(200, len(TEXT))]
        data = text.encode(encoding, errors="replace")
        if self.rng.random() < 0.3:
            data = bytes(b | 0x80 for b in data)  # every byte high: valid in no UTF-8
        return ".txt", data, False

    def text_binary(self) -> tuple[str, bytes, bool]:
        return ".txt", b"\x00" + self.noise(4096), True

    def empty(self) -> tuple[str, bytes, bool]:
        return (
            self.rng.choice([".pdf", ".txt", ".xml", ".docx", ".html"]),
            self.rng.choice([b"", b" ", b"\n\n\t  \r\n"]),
            True,
        )


KINDS: tuple[Callable[[_Maker], tuple[str, bytes, bool]], ...] = tuple(
    getattr(_Maker, name) for name in vars(_Maker) if not name.startswith("_") and name != "noise"
)


def generate(
    out_dir: Path, seed: int, n: int, watch_url: str, secret: Path, huge: bool = False
) -> list[Hostile]:
    """Write at least `n` hostile files into `out_dir` (created), each kind in turn.

    External entities and links point at `watch_url` (a server the caller watches) and at the
    file `secret` (which should hold a word that must never reach the index).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    maker = _Maker(random.Random(seed), watch_url, secret)
    made = _specials(out_dir, huge)
    for number in range(max(0, n - len(made))):
        kind = KINDS[number % len(KINDS)]
        suffix, data, must_skip = kind(maker)
        path = out_dir / f"{number:04d}-{kind.__name__}{suffix}"
        path.write_bytes(data)
        made.append(Hostile(path, kind.__name__, must_skip))
    return made


def _specials(out_dir: Path, huge: bool) -> list[Hostile]:
    """Files that are odd as files, not in their content: made once each."""
    made = []
    pipe = out_dir / "pipe.pdf"
    os.mkfifo(pipe)
    made.append(Hostile(pipe, "named_pipe", True))
    for name, target in (("loop-a.pdf", "loop-b.pdf"), ("loop-b.pdf", "loop-a.pdf")):
        (out_dir / name).symlink_to(target)
        made.append(Hostile(out_dir / name, "symlink_loop", True))
    (out_dir / "dangling.xml").symlink_to(out_dir / "gone.xml")
    made.append(Hostile(out_dir / "dangling.xml", "dangling_symlink", True))
    folder = out_dir / "folder-loop"
    folder.mkdir()
    (folder / "up").symlink_to("..", target_is_directory=True)  # a folder loop: no file of its own
    (out_dir / "folder.pdf").mkdir()  # a folder named like a file: nothing to read
    locked = out_dir / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4\n" + b"0" * 64)
    locked.chmod(0)
    # root reads a file without read permission all the same; it is then refused for its content
    made.append(Hostile(locked, "unreadable", True))
    if huge:
        giant = out_dir / "giant.txt"
        with open(giant, "wb") as out:
            out.truncate(200 * 2**20)  # sparse: 200 MB in no time and no disk
        made.append(Hostile(giant, "text_200mb", True))
        made.append(Hostile(_xml_bomb_docx(out_dir / "paragraphs.docx"), "docx_gigabyte_xml", True))
    return made


def _xml_bomb_docx(path: Path) -> Path:
    """The sample DOCX with its text replaced by 150 MB of tiny paragraphs: gigabytes to parse.

    Under the unpacked-size limit, so only the worker's memory or time limit stops it.
    """
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    head = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>'
    )
    with zipfile.ZipFile(DOCX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                out.writestr(member, source.read(member))
        with out.open("word/document.xml", "w") as document:
            document.write(head)
            for _ in range(150 * 2**20 // (len(paragraph) * 1024)):
                document.write(paragraph * 1024)
            document.write(b"</w:body></w:document>")
    return path


@dataclass(frozen=True, slots=True)
class FuzzResult:
    """What a build over good letters mixed with hostile files did, as the robustness issue asks."""

    files_tried: int  # hostile files
    crashes: int  # a traceback, or an exit status other than 2
    hangs: int  # the build ran past its time bound
    unaccounted: tuple[str, ...]  # files neither indexed nor named on stderr
    unnamed: tuple[str, ...]  # files no reader may accept, not named on stderr
    good_indexed: int
    good_total: int
    fetches: tuple[str, ...]  # requests that reached the watched server
    secret_leaked: bool  # the secret file's word found in the index
    seconds: float
    peak_rss_kib: int
    peak_worker_rss_kib: int
    reasons: dict[str, int]  # how many files were skipped for each kind of reason
    crash_report: str = ""  # the exit status and stderr from the first traceback, on a crash

    def summary(self) -> str:
        return (
            f"files tried {self.files_tried}, crashes {self.crashes}, hangs {self.hangs}, "
            f"good letters indexed {self.good_indexed}/{self.good_total}, unaccounted "
            f"{len(self.unaccounted)}, must-skip files not named {len(self.unnamed)}, fetches "
            f"{len(self.fetches)}, secret leaked {self.secret_leaked}, build {self.seconds:.0f} s, "
            f"peak RSS build {self.peak_rss_kib / 1024:.0f} MiB, "
            f"largest worker {self.peak_worker_rss_kib / 1024:.0f} MiB"
        )


@contextlib.contextmanager
def watched_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets: (its URL, the requests)."""
    requests: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<!ENTITY leak 'FETCHED'>")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def fuzz(work: Path, seed: int, n: int, huge: bool, timeout: float) -> FuzzResult:
    """Build an index of the sample letters plus `n` hostile files in `work`; what happened."""
    from index import store, whole

    corpus = work / "corpus"
    shutil.copytree(LETTERS, corpus / "good")
    secret = work / "secret.txt"
    word = f"KANARIE{seed}GEHEIM"
    secret.write_text(f"{word}\n", encoding="utf-8")
    index_dir = work / "index"
    with watched_server() as (url, requests):
        made = generate(corpus / "hostile", seed, n, url, secret, huge)
        try:
            run = run_build(
                [str(corpus), "--index", str(index_dir), "--file-timeout", "30"], timeout
            )
        except subprocess.TimeoutExpired:
            run = None
    good = [corpus / "good" / p.relative_to(LETTERS) for p in GOOD]
    if run is None:
        return FuzzResult(
            len(made), 0, 1, (), (), 0, len(good), tuple(requests), False, timeout, 0, 0, {}
        )
    named = run.reasons()
    data = whole.load(index_dir) if store.current_generation(index_dir) else None
    indexed = {path for path, record in data.files.items() if record.letter_id} if data else set()
    texts = [c.text for c in data.chunks] + list(data.sections.values()) if data else []
    crash = _crash_report(run.status, run.stderr)
    kinds = collections.Counter(re.sub(r"[\d,.]+", "N", reason)[:60] for reason in named.values())
    return FuzzResult(
        files_tried=len(made),
        crashes=int(bool(crash)),
        hangs=0,
        unaccounted=tuple(
            str(h.path) for h in made if str(h.path) not in indexed and str(h.path) not in named
        ),
        unnamed=tuple(str(h.path) for h in made if h.must_skip and str(h.path) not in named),
        good_indexed=sum(str(p) in indexed for p in good),
        good_total=len(good),
        fetches=tuple(requests),
        secret_leaked=any(word in text for text in texts),
        seconds=run.seconds,
        peak_rss_kib=run.peak_rss_kib,
        peak_worker_rss_kib=run.peak_worker_rss_kib,
        reasons=dict(kinds.most_common()),
        crash_report=crash,
    )


def _crash_report(status: int, stderr: str) -> str:
    """Empty for a build that ended as one with unreadable files should (status 2, no
    traceback); else its status and its stderr from the first traceback (or the tail)."""
    start = stderr.find("Traceback")
    if start < 0 and status == 2:
        return ""
    return (
        f"exit status {status}; stderr: {stderr[start:][:4000] if start >= 0 else stderr[-2000:]}"
    )
