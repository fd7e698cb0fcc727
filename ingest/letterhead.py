"""The letterhead of a ministry letter, read as metadata and lifted out of the body.

Letters as ministries send them (the rijksoverheid template, in PDF or Word) open with:
- a side column of labelled fields: Retouradres, Bezoekadres, Postadres, Contactpersoon, T/E,
  Kenmerk / Ons kenmerk / Onze referentie, Uw brief / Uw kenmerk, Bijlage(n), and the department
  with its address;
- "Datum", "Betreft" (or "Onderwerp"), the addressee ("De Voorzitter van de Tweede Kamer der
  Staten-Generaal / Postbus 20018 / 2500 EA DEN HAAG"), then "Geachte voorzitter," and the body;
- the closing: "Hoogachtend," / "De minister van …," and a name;
- on later pages, running heads: "Kenmerk …", "Datum …", "Pagina 2 van 7", the ministry.
A reader gives these lines in whatever order the file holds them (a PDF often puts the side column
in the middle of the first page's body, a Word file keeps it in text boxes), so they are found by
what they say, not by where they stand. The Betreft line becomes the title, the Datum line the
date, the kenmerk the `reference`, and the signer's role (with the ministry where it is printed)
the `sender`; none of those lines stays in a section.

The template is recognised by at least two of its labels in the first blocks; only then are the
side column and the addressee removed. The closing and page numbers are removed in every letter
(the last passage of kst-29362-354 used to end with "De Minister van Binnenlandse Zaken en
Koninkrijksrelaties, H.M. de Jonge").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.metadata import dutch_date
from ingest.raw import Block

_HEAD = 40  # the template's labels are looked for in this many first blocks
# label -> kind: "one" (the next block is its value), "many" (address lines follow), and the
# fields read as metadata
_LABELS = {
    "retouradres": "many",
    "bezoekadres": "many",
    "postadres": "many",
    "contactpersoon": "many",
    "inlichtingen": "many",
    "behandeld door": "many",
    "afschrift aan": "many",
    "kopie aan": "many",
    "kenmerk": "reference",
    "ons kenmerk": "reference",
    "onze referentie": "reference",
    "ref.": "reference",
    "uw brief": "one",
    "uw kenmerk": "one",
    "uw referentie": "one",
    "projectnaam": "one",
    "bijlage": "one",
    "bijlagen": "one",
    "bijlage(n)": "one",
    "datum": "date",
    "betreft": "title",
    "onderwerp": "title",
}
_LABEL = re.compile(
    r"^(?P<label>"
    + "|".join(sorted((re.escape(k) for k in _LABELS), key=len, reverse=True))
    + r")(?::|\s|$)\s*(?P<value>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DATE_SUBJECT = re.compile(
    r"^Datum:?\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})\s*(?:(?:Betreft|Onderwerp):?\s+(?P<subject>.+))?$",
    re.DOTALL,
)
_FURNITURE = re.compile(
    r"^(?:>\s*Retouradres\b.*|Pagina \d+ van \d+|Correspondentie uitsluitend richten aan\b.*"
    r"|Bij beantwoording (?:de datum en )?(?:ons|het) kenmerk vermelden\b.*"
    r"|(?:https?://)?www\.rijksoverheid\.nl\S*|Ministerie van [^.,]{3,80}(?:, [^.,]{3,40})*)$",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(
    r"^(?:Aan )?(?:de |De )?(?:[Vv]oorzitter van de (?:Tweede|Eerste) Kamer|Tweede Kamer der)"
)
_DEPARTMENT = re.compile(r"^(?:Directoraat-[Gg]eneraal|Directie|Ministerie van|Dienst|Inspectie)\b")
_ADDRESS_SIGNS = (
    re.compile(r"\b\d{4}\s?[A-Z]{2}\b"),  # postcode
    re.compile(r"\bPostbus \d+", re.IGNORECASE),
    re.compile(r"\bwww\.|https?://|\S+@\S+\.\w+"),
    re.compile(r"(?:^|\s)[TFE]\s+[\d+(]|\b0\d{2,3}[ -]?\d{3}\s?\d{2}\s?\d{2}\b|\b\d{10}\b"),
    re.compile(r"\bDEN HAAG\b|\bder Staten-Generaal\b|\bIBAN\b|\bBIC\b|\bKvK", re.IGNORECASE),
)
_STREET = re.compile(r"^[A-Z][\w'’.-]+(?:\s[\w'’.-]+){0,3}\s\d{1,4}[a-z]?\b")  # "Turfmarkt 147"
_REFERENCE = re.compile(r"^(?=[\w./-]*\d)[\w./-]{3,40}(?=\s|$)")
_GREETING = re.compile(r"^(Hoogachtend|Met (?:vriendelijke|hoogachtende) groet(?:en)?)\b,?", re.I)
_ON_BEHALF = re.compile(r"^Mede namens\b.{0,150},?$", re.IGNORECASE)
_ROLE = re.compile(
    r"^(?:De|de|DE) (?P<role>(?:minister(?:-president)?|staatssecretaris|MINISTER|STAATSSECRETARIS"
    r"|Minister(?:-president)?|Staatssecretaris)\b[^.;:]{0,120}?),?(?:\s+(?P<name>"
    r"(?:[A-Z][a-z]{0,2}\.\s?)+(?:[a-z]+ )*[A-Z][\w'’-]+.*))?$"
)
_NAME = re.compile(
    r"^(?:[A-Z][a-z]{0,2}\.\s?)*[A-ZÀ-Ý][\w'’-]+(?:[ -](?:[a-z]{1,3} )*[\w'’.-]+){0,5}$"
)
_SALUTATION = re.compile(r"^Geachte\b")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What a letterhead states. Every field may be unknown."""

    title: str | None = None  # the Betreft or Onderwerp line
    date: str | None = None  # YYYY-MM-DD, from the Datum line
    reference: str | None = None  # the kenmerk
    sender: str | None = None  # the signer's role, with the ministry where it is printed


@dataclass
class _Fields:
    title: str | None = None
    date: str | None = None
    reference: str | None = None
    ministry: str | None = None
    role: str | None = None
    signer: str | None = None  # the signature under a greeting, where no minister signed

    def take(self, kind: str, value: str) -> None:
        value = " ".join(value.split())
        if kind == "title" and value and self.title is None:
            self.title = value
        elif kind == "date" and self.date is None:
            self.date = dutch_date(value)
        elif kind == "reference" and value and self.reference is None:
            found = _REFERENCE.match(value)
            self.reference = found.group() if found else None


def read_letterhead(blocks: Sequence[Block]) -> tuple[tuple[Block, ...], Letterhead]:
    """The blocks without letterhead, addressee, closing and page furniture, and what those said."""
    fields = _Fields()
    kept = list(blocks)
    if is_template(kept):
        kept = _without_side_column(kept, fields)
    kept = _without_closing(kept, fields)
    kept = [block for block in kept if not re.fullmatch(r"Pagina \d+ van \d+", block.text.strip())]
    sender = fields.role
    if sender and fields.ministry and " van " not in sender and " voor " not in sender:
        sender = f"{sender} ({fields.ministry})"
    sender = sender or fields.ministry or fields.signer
    head = Letterhead(fields.title, fields.date, fields.reference, sender)
    return tuple(kept), head


def is_template(blocks: Sequence[Block]) -> bool:
    """Whether the letter opens with a ministry letterhead (two of its labels near the top)."""
    found = set()
    for block in blocks[:_HEAD]:
        text = block.text.strip()
        label = _LABEL.match(text)
        if label and (not label.group("value") or len(text) < 200):
            found.add(label.group("label").lower())
        elif text.startswith(">") and "Retouradres" in text:
            found.add("retouradres")
    return len(found) >= 2


def _without_side_column(blocks: list[Block], fields: _Fields) -> list[Block]:
    """The blocks less the side column, the Datum/Betreft lines, the addressee and running heads;
    the head before the salutation goes too, and a sentence the side column cut is joined again."""
    salutation = next(
        (i for i, b in enumerate(blocks[:_HEAD]) if _SALUTATION.match(b.text.strip())), None
    )
    kept: list[Block] = []
    cut = False  # a block was removed since the last one kept
    i = 0
    while i < len(blocks):
        block = blocks[i]
        text = block.text.strip()
        used, rest = _letterhead_lines(blocks, i, fields)
        if used == 0 and salutation is not None and i < salutation and len(text) < 200:
            used = 1  # before "Geachte …": place and date line, "Urgent", the addressee's names
        if used == 0:
            kept.append(_joined(kept, block, cut))
            cut = False
        else:
            if rest:
                kept.append(_joined(kept, replace(block, text=rest), True))
            cut = not rest
        i += max(used, 1)
    return [block for block in kept if block is not None]


def _joined(kept: list[Block], block: Block, cut: bool) -> Block:
    """`block`, or the last kept block with `block`'s text appended, where the removed lines cut
    a sentence in two ("… (na draagmoederschap" / side column / "aanraking te komen …")."""
    text = block.text.strip()
    if cut and kept and text[:1].islower() and not kept[-1].text.rstrip().endswith((".", ":")):
        previous = kept.pop()
        return replace(previous, text=previous.text.rstrip() + " " + text)
    return block


def _letterhead_lines(blocks: list[Block], i: int, fields: _Fields) -> tuple[int, str]:
    """How many blocks from `i` on are letterhead (0: none), and body text left in the last."""
    text = blocks[i].text.strip()
    if _FURNITURE.match(text):
        if text.lower().startswith("ministerie van") and len(text) < 90:
            fields.ministry = fields.ministry or text
        return 1, ""
    combined = _DATE_SUBJECT.match(text)
    if combined:
        subject, _, body = (combined.group("subject") or "").partition(" Geachte ")
        fields.take("date", combined.group("date"))
        fields.take("title", subject)
        return 1, "Geachte " + body if body else ""
    head = i < _HEAD  # later, only running heads: a bare label, "Kenmerk …", "Datum …"
    if head and _names_side_column(blocks, i):
        return 1, ""
    label = _LABEL.match(text)
    if label and (head or not label.group("value") or _running(label)):
        return _labelled(blocks, i, label, fields)
    if (_ADDRESSEE.match(text) or _DEPARTMENT.match(text)) and len(text) < 200:
        lines = _address_lines(blocks, i + 1)
        return (1 + lines, "") if head or lines else (0, "")
    if head and _address_like(text):
        return 1, ""
    return 0, ""


def _names_side_column(blocks: list[Block], i: int) -> bool:
    """Whether block `i` is a short line right above a side column's address ("@® centraal bureau
    levensmiddelenhandel" / "bezoekadres Overgoo 13" in the Woo letter): the sender's name, set
    as a logo, which is no sentence of the body."""
    text = blocks[i].text.strip()
    following = _LABEL.match(blocks[i + 1].text.strip()) if i + 1 < len(blocks) else None
    return (
        following is not None
        and _LABELS[following.group("label").lower()] == "many"
        and len(text) <= 60
        and not text.endswith((".", ":", ",", ";", "?", "!"))
        and not text[:1].islower()
        and _LABEL.match(text) is None
    )


def _running(label: re.Match[str]) -> bool:
    kind = _LABELS[label.group("label").lower()]
    value = label.group("value").strip()
    if kind == "date":
        return bool(dutch_date(value)) and len(value) < 30
    return kind == "reference" and bool(_REFERENCE.fullmatch(value))


def _labelled(
    blocks: list[Block], i: int, label: re.Match[str], fields: _Fields
) -> tuple[int, str]:
    kind = _LABELS[label.group("label").lower()]
    value = label.group("value").strip()
    if value and kind in ("one", "many") and _prose(value):
        return 0, ""  # "Bijlage 1 bevat …": a sentence of the body
    if kind == "many":
        return 1 + _address_lines(blocks, i + 1), ""
    if kind == "date" and value and not dutch_date(value):
        return 0, ""  # "Datum" opening a sentence of the body
    if kind == "reference" and value and not _REFERENCE.match(value):
        return 0, ""
    if value:
        value, _, body = value.partition(" Geachte ")  # the paragraph joiner ran on
        fields.take(kind, value)
        return 1, "Geachte " + body if body else ""
    following = blocks[i + 1].text.strip() if i + 1 < len(blocks) else ""
    if kind == "reference" and (found := _REFERENCE.match(following)):
        fields.take(kind, found.group())
        rest = following[found.end() :].strip()
        return 2, rest if rest[:1].islower() else ""
    if kind == "date" and not dutch_date(following):
        return 1, ""
    if kind == "one" and len(following) > 200:
        return 1, ""
    fields.take(kind, following)
    return 2, ""


def _prose(value: str) -> bool:
    """Whether a label's value reads as a sentence rather than names, numbers or an address:
    mostly lower-case words ("1 bevat het overzicht van …"), where a list of addressees
    ("Minister van Landbouw, Natuur en Voedselkwaliteit, mevrouw Schouten …") is mostly not."""
    words = value.split()
    lower = sum(1 for word in words if word[:1].islower())
    return len(words) > 3 and lower / len(words) > 0.5 or len(value) > 400


def _address_lines(blocks: list[Block], start: int) -> int:
    """How many blocks from `start` on are lines of an address (street, postcode, Postbus, web
    site, telephone) or short pieces of one ("der Staten-Generaal")."""
    count = 0
    for block in blocks[start : start + 8]:
        text = block.text.strip()
        short = len(text) <= 40 and not text.endswith((".", ":", ",")) and not _LABEL.match(text)
        if _address_like(text) or (short and not _SALUTATION.match(text) and count < 6):
            count += 1
        else:
            break
    return count


def _address_like(text: str) -> bool:
    """Whether a block is (part of) an address: two signs of one, or one in a short line; a street
    and number ("Turfmarkt 147", but also "Vraag 1") counts only beside another sign."""
    signs = sum(1 for sign in _ADDRESS_SIGNS if sign.search(text))
    if signs and _STREET.match(text):
        signs += 1
    return len(text) <= 200 and (signs >= 2 or (signs == 1 and len(text) <= 40))


def _without_closing(blocks: list[Block], fields: _Fields) -> list[Block]:
    """The blocks less every closing: "Hoogachtend," or "Mede namens …," then "De minister van
    …," and the signer's name. The first role signed is the sender."""
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        text = block.text.strip()
        role = _ROLE.match(text)
        if role is None or len(text) > 160:
            continue
        following = blocks[i + 1].text.strip() if i + 1 < len(blocks) else ""
        signed = role.group("name") or _NAME.match(following)
        greeted = i > 0 and (
            _GREETING.match(blocks[i - 1].text.strip())
            or _ON_BEHALF.match(blocks[i - 1].text.strip())
        )
        if not (signed or (greeted and text.endswith(","))):
            continue
        fields.role = fields.role or _capital(role.group("role").rstrip(", "))
        drop.add(i)
        if not role.group("name") and _NAME.match(following):
            drop.add(i + 1)
        back = i - 1
        while back >= 0 and back >= i - 2 and _closing_line(blocks[back].text.strip()):
            drop.add(back)
            back -= 1
    kept = [block for i, block in enumerate(blocks) if i not in drop]
    return _without_signature(kept, fields)


def _without_signature(blocks: list[Block], fields: _Fields) -> list[Block]:
    """The blocks less a closing greeting with one or two short lines of signature after it
    ("Met vriendelijke groet" / "Bert Roetert Voorzitter CBL"), which name the sender when no
    minister signed."""
    for i, block in enumerate(blocks):
        if not _closing_line(block.text.strip()) or _ON_BEHALF.match(block.text.strip()):
            continue
        signature = []
        for later in blocks[i + 1 : i + 3]:
            text = later.text.strip()
            if len(text) > 80 or text.endswith((".", ":", "?")) and not _NAME.match(text):
                break
            signature.append(text)
        if signature:
            fields.signer = fields.signer or " ".join(signature)
            return blocks[:i] + blocks[i + 1 + len(signature) :]
    return blocks


def _closing_line(text: str) -> bool:
    return bool(_GREETING.fullmatch(text) or _GREETING.match(text) and len(text) < 40) or bool(
        _ON_BEHALF.match(text)
    )


def _capital(role: str) -> str:
    role = " ".join(role.split())
    if role.isupper():
        role = role.capitalize()
    return role[:1].upper() + role[1:]
