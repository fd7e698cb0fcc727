"""Title, date, kamerstuk, document type and sender read from a letter's own text.

Used when the format states no metadata (plain text), and to fill what a format leaves open.
Dates are written in Dutch ("Den Haag, 25 maart 2024", "Datum 25 november 2022",
"(ontvangen 14 november 2024)") and returned as YYYY-MM-DD.
"""

from __future__ import annotations

import re

from brieven.kernel.refs import normalise_kamerstuk, references, strip_markers
from brieven.kernel.sentences import split_sentences
from ingest.raw import Metadata

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
# Where a letter states its own date, strongest first: its dateline, a "Datum" field, the day
# an answer (or notice) was received, the day questions were sent in, a web page's date.
_DATED = (
    re.compile(
        r"^(?:Den Haag|'s-Gravenhage|’s-Gravenhage|s-Gravenhage|[A-Z][a-z]+),"
        r"\s*(\d{1,2}\s+\w+\s+\d{4})",
        re.M,
    ),
    re.compile(r"^Datum\s+(.*)$", re.M),
    re.compile(r"\(ontvangen\s+([^)]*)\)"),
    re.compile(r"\(ingezonden\s+([^)]*)\)"),
    re.compile(r"^Gepubliceerd:\s*(.*)$", re.M),
)


def dutch_date(text: str) -> str | None:
    """The first date in `text` ("25 maart 2024" or "2024-03-25") as YYYY-MM-DD, or None."""
    match = _DATE.search(text)
    if match:
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], match.group(3)
        if 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    match = _ISO.search(text)
    return match.group() if match else None


def from_text(blocks: list[str], head: list[str] = ()) -> Metadata:
    """Metadata from the first blocks of a letter, and from page chrome above it (`head`)."""
    top = [line for block in blocks[:40] for line in block.split("\n")]
    return Metadata(
        title=_title(top, list(head)),
        date=_date(top, list(head)),
        kamerstuk=_kamerstuk(top, list(head)),
        doc_type=doc_type(blocks),
        sender=_sender(top),
        references=tuple(references("\n".join(list(head) + top))),
    )


def date_in(blocks: list[str]) -> str | None:
    """The date a letter states in its first blocks (the answer's date for Kamervragen), or None."""
    return _date([line for block in blocks[:40] for line in block.split("\n")], [])


def sender_in(blocks: list[str]) -> str | None:
    """Who a letter says sent it in its first blocks ("BRIEF VAN DE MINISTER VAN …", "Antwoord
    van Minister Koolmees (Sociale Zaken en Werkgelegenheid)"), or None."""
    return _sender([line for block in blocks[:40] for line in block.split("\n")])


def _date(top: list[str], head: list[str]) -> str | None:
    for line in head:
        match = re.search(r"datum: (\d{4}-\d{2}-\d{2})", line)
        if match:
            return match.group(1)
    # Lines are stripped and rejoined so "(ontvangen" and "14 november 2024)" on two lines meet.
    text = "\n".join(line.strip() for line in top)
    for pattern in _DATED:
        for match in pattern.finditer(text if pattern.flags & re.M else " ".join(text.split())):
            if found := dutch_date(match.group(1)):
                return found
    for line in top[:15]:
        if found := dutch_date(line):
            return found
    return None


_DOSSIER_LINE = re.compile(
    r"^(\d{2}\s?\d{3})(?:\s?[-–]\s?(\d{2}|[A-Z]{1,5})|\s+([IVXLC]{1,5}|[A-Z]))?(?:\s+(.*))?$"
)
_NUMBER_LINE = re.compile(r"^nr\.\s*(\d+)\b", re.IGNORECASE)


def _kamerstuk(top: list[str], head: list[str]) -> str | None:
    for line in head:
        match = re.search(r"\((kst-[^)]+)\)", line)
        if match and (found := normalise_kamerstuk(match.group(1))):
            return found
    for line in top:
        match = re.match(r"^(?:ID|Bron):\s*(.*)$", line)
        if match:
            text = match.group(1)
            found = normalise_kamerstuk(text if "kst-" in text else "kst-" + text.strip())
            if found:
                return found
    dossier = None
    for line in top[:25]:
        line = (
            line.strip().replace("O", "0")
            if re.match(r"^\d{2}\s?[\dO]{3}\b", line.strip())
            else line.strip()
        )
        match = _DOSSIER_LINE.match(line)
        if match and dossier is None:
            dossier = (match.group(1).replace(" ", ""), match.group(2) or match.group(3))
            continue
        number = _NUMBER_LINE.match(line)
        if number and dossier:
            parts = (
                [dossier[0], dossier[1], number.group(1)]
                if dossier[1]
                else [dossier[0], number.group(1)]
            )
            return "-".join(parts)
    return None


_LABELS = re.compile(r"^(Betreft|Onderwerp)\s+(.+)$")
_QUESTIONS = re.compile(
    r"^((?:(?:Mondelinge v|V)ragen van (?:het|de) (?:lid|leden)|Antwoord van|Mededeling van) .*?)"
    r"(?:\s*\((?:ingezonden|ontvangen).*)?$"
)
_ID_LINE = re.compile(r"^(AH \d+|\d{4}[DZ]\d{5}|\d+)$")
_LETTER_OF = re.compile(r"^(?:Nr\.\s*\d+\s+)?(BRIEF VAN (?:DE|HET) .+)$", re.IGNORECASE)
_MOTION = re.compile(r"^(?:Nr\.\s*\d+\s+)?((?:(?:NADER )?GEWIJZIGDE )?MOTIE VAN (?:HET|DE) .+)$")


def title_in(blocks: list[str]) -> str | None:
    """The title a letter states in its first blocks (subject line, the question's wording,
    dossier and "BRIEF VAN …"/"MOTIE VAN …"), or None when it states none."""
    return _stated_title([line for block in blocks[:40] for line in block.split("\n")])


def _title(top: list[str], head: list[str]) -> str | None:
    if head:
        return head[0].strip()
    if stated := _stated_title(top):
        return stated
    first = next(
        (line.strip()[:200] for line in top if line.strip() and not _ID_LINE.match(line.strip())),
        None,
    )
    if first and _NOT_OPENING.match(first):  # "Vergaderjaar 2017-2018" is no title
        return opening(top) or first
    return first


# page chrome, the paper's heading, addressee, dateline and salutation: none of them a title
_NOT_OPENING = re.compile(
    r"^(?:Vergaderjaar \d{4}|Nr\. ?\d+$|(?:Tweede|Eerste) Kamer der Staten-Generaal$|Direct naar"
    r"|• Download|Aan de [Vv]oorzitter|(?:De )?[Vv]oorzitter van de|Den Haag,|[’'‘]?s-Gravenhage"
    r"|Geachte|Datum\b|>|\d+$|[A-Z][a-z]+, \d{1,2} \w+ \d{4})"
)


def opening(texts: list[str]) -> str | None:
    """The letter's first sentence, as a title for a letter that states no subject ("Hierbij
    bied ik u het Nationaal Sportakkoord «Sport verenigt Nederland» aan"), or None."""
    for text in texts[:40]:
        text = " ".join(text.split())
        if len(text) < 40 or _NOT_OPENING.match(text) or not re.search(r" [a-z]{3,} ", text):
            continue
        sentence = split_sentences(strip_markers(text))[0].rstrip(".")
        return sentence if len(sentence) <= 200 else sentence[:200].rsplit(" ", 1)[0] + " …"
    return None


def _stated_title(top: list[str]) -> str | None:
    for i, line in enumerate(top):
        match = _LABELS.match(line.strip())
        if match:
            title = re.sub(r"\s+Geachte .*$", "", match.group(2)).strip()
            # A PDF letterhead may wrap the subject: take the next line when it continues it.
            if i + 1 < len(top) and not re.match(r"^(Geachte|Ons kenmerk|Uw |Bijlage)", top[i + 1]):
                nxt = top[i + 1].strip()
                if nxt and (nxt[:1].islower() or nxt.startswith("(")):
                    title += " " + nxt
            return title
    for line in top:
        match = _QUESTIONS.match(line.strip())
        if match:
            return match.group(1).strip()
    letter = next(
        (
            m.group(1)
            for line in top
            if (m := _LETTER_OF.match(line.strip()) or _MOTION.match(line.strip()))
        ),
        None,
    )
    subject = _dossier_subject(top)
    if subject and letter:
        return f"{subject} — {_proper(letter)}"
    return subject or (_proper(letter) if letter else None)


def _dossier_subject(top: list[str]) -> str | None:
    """The dossier's name printed with its number ("21 501-02 Raad Algemene Zaken …"), or on the
    line after a number of its own ("36 278" / "Wijziging van de Wet …")."""
    lines = [line.strip() for line in top[:12]]
    for i, line in enumerate(lines):
        match = _DOSSIER_LINE.match(line)
        if not match:
            continue
        subject = match.group(4)
        if subject is None and i + 1 < len(lines) and lines[i + 1][:1].isupper():
            subject = None if _NUMBER_LINE.match(lines[i + 1]) else lines[i + 1]
            # OCR may glue the paper's number to it: "…; Managua, 26 augustus 1992 Nr. 1".
            subject = re.sub(r"\s+(Nr\.\s*\d+|\d{2} ?\d{3})$", "", subject or "") or None
        if subject and not subject[:1].isdigit():
            return subject.strip()
    return None


_DOC_TYPES = (
    (
        "Mededeling uitstel beantwoording",
        re.compile(r"niet binnen de (gebruikelijke|gestelde) termijn", re.I),
    ),
    (
        "Antwoord schriftelijke vragen",
        re.compile(
            r"^Antwoord (van|op vraag|vraag)\b|^Antwoord \d+$|^Antwoord$"
            r"|\bvragen .* zijn beantwoord (middels|bij|in) (een|de) brief",
            re.I | re.M,
        ),
    ),
    (
        "Schriftelijke vragen",
        re.compile(r"^(Vragen van (het|de) (lid|leden)|Vraag 1$)", re.I | re.M),
    ),
    ("Mondelinge vragen", re.compile(r"^Mondelinge vragen van (het|de) (lid|leden)", re.I | re.M)),
    ("Motie", re.compile(r"^(Nr\. ?\d+ )?((NADER )?GEWIJZIGDE )?MOTIE VAN\b", re.M)),
    (
        "Besluitenlijst",
        re.compile(r"^(Document: )?Besluitenlijst\b|^Voortouwcommissie:", re.I | re.M),
    ),
    ("BNC-fiche", re.compile(r"^Fiche( \d+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?:", re.M)),
    ("Brief Voorzitter", re.compile(r"BRIEF VAN DE VOORZITTER\b")),
    (
        "Brief regering",
        re.compile(
            r"BRIEF VAN (DE|HET)|\bGeachte [Vv]oorzitter,|^Aan de Voorzitter|^Brief regering$"
            r"|^De [Vv]oorzitter van de (Tweede|Eerste) Kamer der Staten-Generaal",
            re.M,
        ),
    ),
)


def doc_type(blocks: list[str]) -> str | None:
    """A readable Dutch document type from the wording of the letter, or None."""
    text = "\n".join(blocks[:60])
    for name, pattern in _DOC_TYPES:
        if pattern.search(text):
            return name
    return None


_SIGNED = re.compile(
    r"^(?:De|DE) ((?:Minister|MINISTER|Staatssecretaris|STAATSSECRETARIS)\b[^,]*),"
)
_ANSWERED_BY = re.compile(r"^Antwoord van (.+?)\s*\((?:ontvangen|\d)")


def _sender(top: list[str]) -> str | None:
    for line in top:
        line = line.strip()
        letter = _LETTER_OF.match(line)
        if letter:
            return _proper(re.sub(r"^BRIEF VAN (DE|HET) ", "", letter.group(1), flags=re.I))
        answered = _ANSWERED_BY.match(line)
        if answered:
            return answered.group(1)
    return None


_SMALL_WORDS = {
    "van",
    "de",
    "het",
    "en",
    "voor",
    "der",
    "den",
    "in",
    "op",
    "met",
    "aan",
    "over",
    "lid",
    "leden",
}


def _proper(caps: str) -> str:
    """ "BRIEF VAN DE MINISTER VAN FINANCIËN" -> "Brief van de Minister van Financiën"; members'
    names after "lid"/"leden" get each part capitalised ("Rikkers-Oosterkamp")."""
    out: list[str] = []
    names = False
    for i, word in enumerate(caps.lower().split()):
        if word in _SMALL_WORDS and i:
            out.append(word)
        elif names:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word[:1].upper() + word[1:])
        names = names or word in ("lid", "leden")
    return " ".join(out)
