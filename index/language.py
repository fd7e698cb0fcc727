"""The language of a question, and how an English question is moved towards Dutch text.

multilingual-e5 places a question and its translation close together, but not on top of each
other: each language adds its own offset to every vector. English questions over Dutch letters
therefore lose to Dutch text that merely shares their language-neutral form (MPs' questions,
short answers such as "Ja."). Adding the mean difference between Dutch and English wordings of
the same questions removes most of that offset (the mean-shift of Libovický et al., "On the
Language Neutrality of Pre-trained Multilingual Representations", 2020). `PAIRS` are those
wordings: everyday government questions and keyword queries, written for this purpose and not
taken from any evaluation set. Their vectors are computed once per model and kept.

A question's language is told by its function words; a question without them (keywords, names,
numbers) is English only when its vector is clearly nearer the English wordings than the Dutch
ones, so names and numbers count as Dutch, the letters' language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from brieven.kernel.encoder import Encoder, encoded_once

PAIRS = (
    (
        "What is the government doing about the housing shortage?",
        "Wat doet de regering aan het woningtekort?",
    ),
    (
        "How many asylum seekers arrived last year?",
        "Hoeveel asielzoekers kwamen er vorig jaar aan?",
    ),
    (
        "When will the new law on pensions take effect?",
        "Wanneer treedt de nieuwe pensioenwet in werking?",
    ),
    (
        "Why did the minister decide to close the prison?",
        "Waarom heeft de minister besloten de gevangenis te sluiten?",
    ),
    (
        "What measures are taken to reduce nitrogen emissions from farms?",
        "Welke maatregelen worden genomen om de stikstofuitstoot van boerderijen te verminderen?",
    ),
    (
        "How much money goes to defence next year?",
        "Hoeveel geld gaat er volgend jaar naar defensie?",
    ),
    (
        "Does the cabinet support the European proposal on data protection?",
        "Steunt het kabinet het Europese voorstel over gegevensbescherming?",
    ),
    (
        "Which municipalities receive extra funding for youth care?",
        "Welke gemeenten krijgen extra geld voor de jeugdzorg?",
    ),
    (
        "What does the minister say about waiting lists in mental health care?",
        "Wat zegt de minister over de wachtlijsten in de geestelijke gezondheidszorg?",
    ),
    (
        "How will schools deal with the teacher shortage?",
        "Hoe gaan scholen om met het lerarentekort?",
    ),
    (
        "Is the government planning to raise the minimum wage?",
        "Is de regering van plan het minimumloon te verhogen?",
    ),
    (
        "What are the consequences of the ruling for farmers?",
        "Wat zijn de gevolgen van de uitspraak voor boeren?",
    ),
    (
        "Who is responsible for the safety of dikes?",
        "Wie is verantwoordelijk voor de veiligheid van dijken?",
    ),
    ("How is the police force tackling cybercrime?", "Hoe pakt de politie cybercriminaliteit aan?"),
    (
        "What did the state secretary promise parliament about the benefits scandal?",
        "Wat heeft de staatssecretaris de Kamer beloofd over het toeslagenschandaal?",
    ),
    (
        "Will the tax on energy go down for households?",
        "Gaat de energiebelasting voor huishoudens omlaag?",
    ),
    (
        "How many people are waiting for a social rental home?",
        "Hoeveel mensen wachten op een sociale huurwoning?",
    ),
    (
        "What is being done to protect drinking water sources?",
        "Wat wordt er gedaan om drinkwaterbronnen te beschermen?",
    ),
    (
        "Why are trains so often delayed in winter?",
        "Waarom hebben treinen in de winter zo vaak vertraging?",
    ),
    (
        "How does the ministry monitor the quality of nursing homes?",
        "Hoe houdt het ministerie toezicht op de kwaliteit van verpleeghuizen?",
    ),
    (
        "What agreements were made with the provinces about nature restoration?",
        "Welke afspraken zijn er met de provincies gemaakt over natuurherstel?",
    ),
    (
        "Is there enough money for the maintenance of bridges and tunnels?",
        "Is er genoeg geld voor het onderhoud van bruggen en tunnels?",
    ),
    (
        "What is the cabinet's position on the trade agreement with Mercosur?",
        "Wat is het standpunt van het kabinet over het handelsverdrag met Mercosur?",
    ),
    (
        "How are small businesses helped with rising costs?",
        "Hoe worden kleine ondernemers geholpen met de stijgende kosten?",
    ),
    (
        "When will parliament receive the evaluation report?",
        "Wanneer ontvangt de Kamer het evaluatierapport?",
    ),
    (
        "What steps are taken against discrimination in the labour market?",
        "Welke stappen worden gezet tegen discriminatie op de arbeidsmarkt?",
    ),
    (
        "How many soldiers are deployed abroad?",
        "Hoeveel militairen zijn er in het buitenland ingezet?",
    ),
    (
        "What does the government do to make the civil service more efficient?",
        "Wat doet de regering om de rijksoverheid efficiënter te maken?",
    ),
    (
        "Does the minister agree that students need more financial support?",
        "Is de minister het ermee eens dat studenten meer financiële steun nodig hebben?",
    ),
    (
        "What are the plans for offshore wind farms in the North Sea?",
        "Wat zijn de plannen voor windparken op de Noordzee?",
    ),
    (
        "How is the government preparing for floods and heavy rainfall?",
        "Hoe bereidt de regering zich voor op overstromingen en zware regenval?",
    ),
    ("What happened to the budget surplus?", "Wat is er met het begrotingsoverschot gebeurd?"),
    (
        "Why was the subsidy for electric cars reduced?",
        "Waarom werd de subsidie voor elektrische auto's verlaagd?",
    ),
    (
        "Which rules apply to lobbyists who meet ministers?",
        "Welke regels gelden voor lobbyisten die ministers ontmoeten?",
    ),
    (
        "How does the cabinet want to reduce the use of plastic?",
        "Hoe wil het kabinet het gebruik van plastic verminderen?",
    ),
    (
        "What is the role of the Council of State in this bill?",
        "Wat is de rol van de Raad van State bij dit wetsvoorstel?",
    ),
    (
        "How are victims of the earthquakes in Groningen compensated?",
        "Hoe worden slachtoffers van de aardbevingen in Groningen gecompenseerd?",
    ),
    ("Will the retirement age be raised further?", "Wordt de pensioenleeftijd verder verhoogd?"),
    (
        "What does the report say about poverty among children?",
        "Wat zegt het rapport over armoede onder kinderen?",
    ),
    (
        "How does the government cooperate with other countries on migration?",
        "Hoe werkt de regering samen met andere landen op het gebied van migratie?",
    ),
    (
        "What are the costs of the new IT system for the tax authority?",
        "Wat zijn de kosten van het nieuwe ICT-systeem van de Belastingdienst?",
    ),
    (
        "Is the minister willing to investigate the incident?",
        "Is de minister bereid het incident te onderzoeken?",
    ),
    (
        "How is the quality of education in primary schools measured?",
        "Hoe wordt de kwaliteit van het onderwijs op basisscholen gemeten?",
    ),
    (
        "What is done to shorten the procedures for building permits?",
        "Wat wordt er gedaan om de procedures voor bouwvergunningen te verkorten?",
    ),
    (
        "How many companies have applied for the energy subsidy?",
        "Hoeveel bedrijven hebben de energiesubsidie aangevraagd?",
    ),
    (
        "What are the risks of artificial intelligence for government decisions?",
        "Wat zijn de risico's van kunstmatige intelligentie voor overheidsbesluiten?",
    ),
    (
        "Why does the ministry not publish the underlying documents?",
        "Waarom publiceert het ministerie de onderliggende stukken niet?",
    ),
    (
        "What will change for people who receive social assistance?",
        "Wat verandert er voor mensen met een bijstandsuitkering?",
    ),
    ("housing shortage young people", "woningtekort jongeren"),
    ("nitrogen emissions agriculture", "stikstofuitstoot landbouw"),
    ("waiting lists youth care", "wachtlijsten jeugdzorg"),
    ("minimum wage increase", "verhoging minimumloon"),
    ("flood protection rivers", "bescherming tegen overstromingen rivieren"),
    ("teacher shortage primary schools", "lerarentekort basisscholen"),
    ("energy prices households", "energieprijzen huishoudens"),
    ("police capacity neighbourhoods", "politiecapaciteit in wijken"),
    ("asylum reception capacity", "opvangcapaciteit asielzoekers"),
    ("circular economy raw materials", "circulaire economie grondstoffen"),
    ("cost of the new tax system", "kosten van het nieuwe belastingstelsel"),
    ("cooperation between ministries", "samenwerking tussen ministeries"),
    ("privacy of citizens' data", "privacy van gegevens van burgers"),
    ("budget cuts development aid", "bezuinigingen op ontwikkelingshulp"),
    ("road safety cyclists", "verkeersveiligheid fietsers"),
    ("mental health of students", "mentale gezondheid van studenten"),
)
# How far from the midway point towards the English mean a question without function words must
# lie to count as English, as a share of the distance between the two means (the English mean
# is at -0.5). With e5-small, English keyword queries measured -0.52 to -0.33; names, document
# numbers and Dutch keywords -0.25 to +0.46.
KEYWORD_MARGIN = 0.3

_DUTCH = frozenset(
    "de het een en van is dat die op te voor met zijn niet aan er om ook als bij door wordt "
    "worden naar hoe wat welke welk wie waarom wanneer hoeveel kan kunnen moet moeten heeft "
    "hebben over uit tot nog deze dit of zich mag mogen wil willen volgens staat".split()
)
_ENGLISH = frozenset(
    "the a an and of is that on to for with are not what which who why when how does do did was "
    "were be by from has have about into their its this these there been will would should could "
    "can say says much many".split()
)


@dataclass(frozen=True, slots=True)
class Languages:
    """Where one encoder puts English and Dutch questions: the means of `PAIRS`' two sides."""

    english: np.ndarray
    dutch: np.ndarray

    @property
    def offset(self) -> np.ndarray:
        return self.dutch - self.english

    def of(self, question: str, vector: np.ndarray) -> str:
        """ "en" or "nl" for the question whose query vector is `vector`."""
        words = re.findall(r"[^\W\d_]+", question.lower())
        dutch = sum(word in _DUTCH for word in words)
        english = sum(word in _ENGLISH for word in words)
        if dutch != english:
            return "en" if english > dutch else "nl"
        offset = self.offset
        middle = (self.english + self.dutch) / 2
        side = float((vector - middle) @ offset) / float(offset @ offset)
        return "en" if side < -KEYWORD_MARGIN else "nl"

    def towards_dutch(self, vector: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """The English question's vector with `scale` times the language offset added,
        L2-normalised."""
        moved = vector + scale * self.offset
        return (moved / np.linalg.norm(moved)).astype(np.float32)


def languages(encoder: Encoder) -> Languages:
    """The `Languages` of `encoder`, encoded on first use and kept."""
    return encoded_once(encoder, "language pairs", _encode_pairs)


def _encode_pairs(encoder: Encoder) -> Languages:
    english = encoder.encode_query([english for english, _ in PAIRS])
    dutch = encoder.encode_query([dutch for _, dutch in PAIRS])
    return Languages(
        np.asarray(english, dtype=np.float32).mean(axis=0),
        np.asarray(dutch, dtype=np.float32).mean(axis=0),
    )
