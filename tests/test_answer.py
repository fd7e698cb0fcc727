"""The extractive answer: cited sentences from the passages, or an honest "not found"."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from conftest import SEED, FakeEncoder
from seed_passages import seed_passages

from brieven.answer import compose, everyday, extractive
from brieven.cli import main
from brieven.kernel.sentences import split_sentences
from brieven.serialize import answer_to_dict

STAFF = (
    "Hoe gaat het kabinet om met de structurele schaarste aan menskracht, pooling en expertteams?"
)
# The fake encoder sees only shared words, and Dutch function words ("het", "met", "wat") are
# everywhere in the letters; the real-model test below asks the apple-pie question in Dutch.
APPLE_PIE = "What is the recipe for apple pie with cinnamon?"


def cited_sentences(text: str) -> list[tuple[str, int]]:
    return [(s.strip(), int(n)) for s, n in re.findall(r"(.+?) \[(\d+)\]", text)]


def test_answer_quotes_sentences_of_the_passages_each_cited_to_its_rank(fake_encoder):
    passages = seed_passages("3", "7", "1")
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.found and answer.method == "extractive"
    pairs = cited_sentences(answer.text)
    assert 2 <= len(pairs) <= 4
    assert "".join(f"{s} [{n}]" for s, n in pairs).replace(" ", "") == answer.text.replace(" ", "")
    for sentence, rank in pairs:
        assert sentence in passages[rank - 1].chunk.text
    assert answer.citations == tuple(dict.fromkeys(rank for _, rank in pairs))
    assert 2 in answer.citations  # section 7 is about staff scarcity
    assert any("schaarste" in s or "expertteams" in s for s, _ in pairs)


def test_answer_is_in_reading_order_by_rank_then_position(fake_encoder):
    passages = seed_passages("7", "3")
    answer = compose(STAFF, passages, fake_encoder)

    order = []
    for sentence, rank in cited_sentences(answer.text):
        order.append((rank, passages[rank - 1].chunk.text.index(sentence)))
    assert order == sorted(order)


def test_repeated_sentence_is_quoted_once(fake_encoder):
    repeated = "De structurele schaarste aan menskracht vraagt om pooling en expertteams."
    passages = seed_passages(
        "7", "3", text_of={"7": f"{repeated} Verder niets.", "3": f"Inleiding hier. {repeated}"}
    )
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.text.count(repeated) == 1
    assert f"{repeated} [1]" in answer.text  # cited to the better-ranked passage


def test_footnote_markers_stay_in_the_quoted_sentence(fake_encoder):
    planted = "De schaarste aan menskracht wordt met pooling en expertteams aangepakt.¹⁰"
    passages = seed_passages("7", text_of={"7": f"{planted} Dat is alles voor nu hier."})
    answer = compose(STAFF, passages, fake_encoder)

    assert f"{planted} [1]" in answer.text


def test_questions_quoted_in_a_passage_are_not_given_as_the_answer(fake_encoder):
    asked = "Hoe gaat het kabinet om met de structurele schaarste aan menskracht en pooling?"
    closing = "De Minister van Binnenlandse Zaken en de schaarste aan menskracht,"
    passages = seed_passages(
        "3", "7", text_of={"3": f"{asked} Welke expertteams zijn er?\n\n{closing}"}
    )
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.found
    assert all(not sentence.endswith(("?", ",")) for sentence, _ in cited_sentences(answer.text))
    assert answer.citations == (2,)


def test_a_passage_of_questions_alone_is_still_quoted(fake_encoder):
    asked = "Hoe gaat het kabinet om met de structurele schaarste aan menskracht en pooling?"
    passages = seed_passages("7", text_of={"7": f"{asked} Welke expertteams zet het kabinet in?"})
    answer = compose(STAFF, passages, fake_encoder)

    assert f"{asked} [1]" in answer.text


def test_answer_quotes_one_letter_only(fake_encoder):
    best = "De structurele schaarste aan menskracht vraagt om pooling en expertteams."
    lunch = "Werkgevers bieden gezonde lunches tegen de schaarste aan menskracht."
    passages = seed_passages("7", "3", text_of={"7": f"{best} Verder niets.", "3": lunch})
    passages[1] = replace(passages[1], chunk=replace(passages[1].chunk, letter_id="2024Z00001"))
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.text == f"{best} [1]"


def test_answer_quotes_the_first_letters_other_passages_but_no_other_letter(fake_encoder):
    best = "Het kabinet zet pooling en expertteams in tegen de structurele schaarste aan menskracht."
    lunch = "Werkgevers bieden gezonde lunches tegen de schaarste aan menskracht en expertteams."
    passages = seed_passages("3", "4", "7", text_of={"4": lunch, "7": best})
    passages[1] = replace(passages[1], chunk=replace(passages[1].chunk, letter_id="2024Z00001"))
    answer = compose(STAFF, passages, fake_encoder)

    assert f"{best} [3]" in answer.text
    assert "lunches" not in answer.text and 2 not in answer.citations


def test_of_two_sentences_scoring_alike_the_first_passages_is_quoted(fake_encoder):
    said = "Het kabinet zet pooling en expertteams in tegen de structurele schaarste aan menskracht"
    first, second = f"{said} vandaag.", f"{said} gisteren."
    passages = seed_passages("3", "7", text_of={"3": first, "7": second})
    one = extractive.Selection(chosen=1, follow=0)

    scored = extractive.score(STAFF, passages, fake_encoder, one)
    assert scored.cosines[0] == pytest.approx(scored.cosines[1])
    assert scored.scores[0] > scored.scores[1]
    assert extractive.extract(STAFF, passages, fake_encoder, one).text == f"{first} [1]"


def test_the_best_sentence_brings_the_one_after_it(fake_encoder):
    best = "Het kabinet zet pooling en expertteams in tegen de structurele schaarste aan menskracht."
    after = "Een voorbeeld is de flexpoolregeling die het Rijk beschikbaar heeft gesteld."
    other = "De raad wijst op de uitvoerbaarheid van regelgeving bij decentrale overheden."
    passages = seed_passages("7", text_of={"7": f"{other} {best} {after}"})
    one = extractive.Selection(chosen=1)

    assert extractive.extract(STAFF, passages, fake_encoder, one).text == f"{best} [1] {after} [1]"


def test_answer_is_a_few_sentences_however_many_match(fake_encoder):
    matching = [
        f"Het kabinet zet pooling en expertteams in tegen de schaarste aan menskracht in {place}."
        for place in ("Utrecht", "Zwolle", "Assen", "Breda", "Delft", "Emmen", "Gouda", "Hoorn")
    ]
    passages = seed_passages("7", text_of={"7": " ".join(matching)})
    answer = compose(STAFF, passages, fake_encoder)

    assert 1 <= len(cited_sentences(answer.text)) <= 4  # the best three and the one after it


def test_a_motions_request_is_quoted_though_it_ends_in_a_comma(fake_encoder):
    request = (
        "verzoekt de regering pooling en expertteams in te zetten tegen de structurele schaarste "
        "aan menskracht bij gemeenten en provincies,"
    )
    preamble = "constaterende dat de uitvoering onder druk staat door het tekort aan mensen;"
    motion = f"{preamble}\n\n{request}\n\nen gaat over tot de orde van de dag."
    passages = seed_passages("7", text_of={"7": motion})
    answer = compose(STAFF, passages, fake_encoder)

    assert f"{request} [1]" in answer.text


def test_a_heading_or_address_line_is_not_quoted(fake_encoder):
    heading = "Aan de Voorzitter over structurele schaarste aan menskracht, pooling en expertteams"
    said = "Het kabinet gaat de structurele schaarste aan menskracht tegen met flexibele teams."
    passages = seed_passages("7", text_of={"7": f"{heading}\n\n{said}"})
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.text == f"{said} [1]"


def test_an_opening_formula_loses_to_a_statement_saying_as_much(fake_encoder):
    said = "het kabinet zet pooling en expertteams in tegen de structurele schaarste aan menskracht"
    opening, statement = f"Hierbij meld ik: {said}.", f"Vandaag meld ik: {said}."
    passages = seed_passages("7", text_of={"7": f"{opening} {statement}"})
    one = extractive.Selection(chosen=1, follow=0)

    assert extractive.extract(STAFF, passages, fake_encoder, one).text == f"{statement} [1]"


@pytest.mark.parametrize(
    "pointing",
    [
        "Een dergelijke werkwijze met pooling en expertteams gaat de schaarste tegen.",
        "Via deze regeling met pooling en expertteams gaat het kabinet de schaarste tegen.",
    ],
)
def test_a_sentence_pointing_back_brings_the_one_before_it(fake_encoder, pointing):
    other = "Eerst komt de structurele schaarste aan menskracht ter sprake."
    before = "Het Rijk heeft daartoe een regeling opgesteld voor flexibele inzet."
    passages = seed_passages("7", text_of={"7": f"{other} {before} {pointing}"})
    answer = compose(STAFF, passages, fake_encoder)

    assert answer.text == f"{other} [1] {before} [1] {pointing} [1]"


def test_off_topic_question_is_not_found(fake_encoder):
    answer = compose(APPLE_PIE, seed_passages("7", "3", "1"), fake_encoder)

    assert not answer.found
    assert answer.citations == ()
    assert "[" not in answer.text
    assert answer.text == extractive.NOT_FOUND_TEXT


def test_no_passages_is_not_found(fake_encoder):
    assert not compose(STAFF, [], fake_encoder).found


def test_at_most_the_sentence_budget_is_embedded(fake_encoder):
    seen = []

    class Counting(type(fake_encoder)):
        def encode_document(self, texts, progress=None):
            if list(texts) != list(everyday.EVERYDAY):  # embedded once per model, not per question
                seen.append(len(texts))
            return super().encode_document(texts, progress)

    passages = seed_passages("2", "7", "6", "1", "3", "4", "5")
    compose(STAFF, passages, Counting())

    assert sum(seen) == extractive.MAX_SENTENCES


def test_answer_to_dict_matches_the_json_contract(fake_encoder):
    answer = compose(STAFF, seed_passages("7", "3"), fake_encoder)
    out = answer_to_dict(answer)

    assert set(out) == {"text", "citations", "found", "method"}
    assert out["found"] is True and out["method"] == "extractive"
    for rank in out["citations"]:
        assert f"[{rank}]" in out["text"] and rank in (1, 2)
    assert "notice" in answer_to_dict(type(answer)("x [1]", (1,), True, "llm", notice="n"))


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Dit geldt o.a. voor gemeenten. Zie bijv. nr. 354 en art. 5. Klaar is het werk.",
            [
                "Dit geldt o.a. voor gemeenten.",
                "Zie bijv. nr. 354 en art. 5.",
                "Klaar is het werk.",
            ],
        ),
        (
            "Dhr. Jansen en mr. De Vries, d.w.z. de raadsman, tekenden. H.M. de Jonge ook.",
            ["Dhr. Jansen en mr. De Vries, d.w.z. de raadsman, tekenden.", "H.M. de Jonge ook."],
        ),
        (
            "Het beleid wordt herzien.¹⁰ Dat gebeurt in 2024. Daarna volgt meer.",
            ["Het beleid wordt herzien.¹⁰", "Dat gebeurt in 2024.", "Daarna volgt meer."],
        ),
        (
            "De Rli doet aanbevelingen:\n1. Maak beleid gelijkwaardig.\n2. Geef een stem.",
            ["De Rli doet aanbevelingen:", "1. Maak beleid gelijkwaardig.", "2. Geef een stem."],
        ),
        (
            "7. Ga slim om met schaarste. Het bedrag is € 1.000.000 in 2.1 genoemd.",
            ["7. Ga slim om met schaarste.", "Het bedrag is € 1.000.000 in 2.1 genoemd."],
        ),
    ],
)
def test_sentences_are_split_without_cutting_dutch_abbreviations(text, sentences):
    assert split_sentences(text) == sentences


@pytest.fixture
def seed_index(tmp_path, monkeypatch):
    """An index of the seed letter, built and searched with the fake encoder."""
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    index_dir = tmp_path / "index"
    assert main(["build", str(SEED), "--index", str(index_dir)]) == 0
    return index_dir


def test_ask_prints_the_answer_above_the_passages(seed_index, capsys):
    capsys.readouterr()
    assert main(["ask", STAFF, "-k", "3", "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out

    answer, passages = out.split("\n\n[1] ", 1)
    assert answer.startswith("Answer\n")
    assert re.search(r"\[\d\]", answer) and "schaarste" in answer
    assert "\n\n[2] " in passages


def test_ask_json_answer_cites_only_returned_passages(seed_index, capsys):
    capsys.readouterr()
    assert main(["ask", STAFF, "--json", "-k", "3", "--index", str(seed_index)]) == 0
    result = json.loads(capsys.readouterr().out)

    answer = result["answer"]
    assert answer["found"] is True and answer["method"] == "extractive" and answer["citations"]
    ranks = {p["rank"] for p in result["passages"]}
    for rank in answer["citations"]:
        assert rank in ranks and f"[{rank}]" in answer["text"]
    assert set(re.findall(r"\[(\d+)\]", answer["text"])) == {str(n) for n in answer["citations"]}


def test_ask_json_for_an_off_topic_question_says_not_found(seed_index, capsys):
    capsys.readouterr()
    assert main(["ask", APPLE_PIE, "--json", "--index", str(seed_index)]) == 0

    assert json.loads(capsys.readouterr().out)["answer"] == {
        "text": extractive.NOT_FOUND_TEXT,
        "citations": [],
        "found": False,
        "method": "extractive",
    }


def test_ask_without_answer_prints_passages_only(seed_index, capsys):
    capsys.readouterr()
    assert main(["ask", STAFF, "--json", "--no-answer", "--index", str(seed_index)]) == 0

    assert "answer" not in json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_mission_question_is_answered_from_section_7_of_the_seed_letter(real_encoder, real_index):
    from index.search import Searcher

    searcher = Searcher.open(real_index, real_encoder)
    passages = searcher.search("How does the cabinet handle staff scarcity?", k=5)
    answer = compose("How does the cabinet handle staff scarcity?", passages, real_encoder)

    assert answer.found and answer.citations
    cited = [passages[rank - 1].chunk for rank in answer.citations]
    assert any(c.kamerstuk == "29362-354" and c.section_number == "7" for c in cited)
    assert "schaarste aan menskracht" in answer.text


@pytest.mark.slow
def test_staff_scarcity_answer_quotes_pooling_from_section_7_alone(real_encoder, real_index):
    from index.search import Searcher

    question = "How does the cabinet handle staff scarcity?"
    passages = Searcher.open(real_index, real_encoder).search(question, k=5)
    answer = compose(question, passages, real_encoder)

    sevens = [p.rank for p in passages if p.chunk.section_number == "7"]
    assert sevens and sevens[0] <= 2
    assert "pooling en expertteams" in answer.text or "flexpoolregeling" in answer.text
    assert {passages[rank - 1].chunk.kamerstuk for rank in answer.citations} == {"29362-354"}


@pytest.mark.slow
def test_a_motions_answer_quotes_its_request_with_the_real_model(real_encoder, real_index):
    from index.search import Searcher

    question = "What does parliament ask the government to do for seriously injured children from Gaza?"
    passages = Searcher.open(real_index, real_encoder).search(question, k=5)
    answer = compose(question, passages, real_encoder)

    assert "verzoekt de regering tijdelijke medische evacuaties" in answer.text
    assert len({passages[rank - 1].chunk.letter_id for rank in answer.citations}) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "Wat is het recept voor appeltaart met kaneel?",
        "What is the recipe for apple pie with cinnamon?",
        "Who won the football world cup in 2022?",
        "Hoe repareer ik een lekke fietsband?",
    ],
)
def test_off_topic_question_is_not_found_with_the_real_model(real_encoder, real_index, question):
    from index.search import Searcher

    passages = Searcher.open(real_index, real_encoder).search(question, k=5)

    assert not compose(question, passages, real_encoder).found
