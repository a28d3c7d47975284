"""A headline in capitals set between the paragraphs (another story's title, "CLICK HERE TO
GET THE APP") is not the article's text, whatever the model says of it; a subhead in
capitals (a few words) and a sentence in capitals (it ends like one) are
(classify._shouted, SHOUT_WORDS).

The pages are invented (no publisher's text), in English, Portuguese, German and Russian: two
paragraphs, a line in capitals, two more paragraphs. A model double scores every line as
text, so the rule is what decides; the shipped model is asked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from fake_models import FirstLead

from feedsvc.config import Settings
from feedsvc.parse import features
from feedsvc.parse import parse_text
from feedsvc.parse.classify import SHOUT_WORDS
from feedsvc.parse.classify import classify
from feedsvc.parse.model_lines import LineModel

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

PROSE = {
    "en": [
        "The regional rail company said on Monday that it would add two early trains on the coast line from March, after a year of complaints from commuters.",
        "The first train will leave at a quarter past five, and a second one half an hour later, the company said in a statement published on its website.",
        "Passenger groups welcomed the change but said the company should also fix the delays that have made one train in four late since the autumn.",
        "The company said the new trains would be reviewed after six months, when it would know how many people used them on a normal working day.",
    ],
    "pt": [
        "A companhia de trens anunciou nesta segunda-feira que vai colocar dois trens a mais na linha do litoral a partir de março, depois de um ano de reclamações.",
        "O primeiro trem vai sair às cinco e quinze, e o segundo meia hora depois, segundo um comunicado publicado no site da empresa nesta manhã.",
        "As associações de passageiros aprovaram a mudança, mas disseram que a empresa também precisa resolver os atrasos que se repetem desde o outono.",
        "A empresa afirmou que os novos horários serão avaliados depois de seis meses, quando souber quantas pessoas usam os trens em um dia normal.",
    ],
    "de": [
        "Die regionale Bahngesellschaft hat am Montag angekündigt, ab März zwei zusätzliche Frühzüge auf der Küstenstrecke einzusetzen, nachdem sich Pendler ein Jahr lang beschwert hatten.",
        "Der erste Zug soll um Viertel nach fünf abfahren, der zweite eine halbe Stunde später, teilte das Unternehmen in einer Erklärung auf seiner Webseite mit.",
        "Fahrgastverbände begrüßten die Änderung, forderten aber auch, dass die Bahn die Verspätungen behebt, die seit dem Herbst jeden vierten Zug betreffen.",
        "Das Unternehmen erklärte, die neuen Züge würden nach sechs Monaten überprüft, wenn feststehe, wie viele Menschen sie an einem normalen Werktag nutzen.",
    ],
    "ru": [
        "Региональная железнодорожная компания в понедельник объявила, что с марта пустит два дополнительных утренних поезда по прибрежной линии после года жалоб пассажиров.",
        "Первый поезд будет отправляться в четверть шестого, а второй через полчаса, говорится в заявлении, опубликованном на сайте компании.",
        "Объединения пассажиров одобрили это решение, но потребовали также устранить задержки, из-за которых с осени опаздывает каждый четвёртый поезд.",
        "В компании сообщили, что новые поезда будут оценены через полгода, когда станет ясно, сколько людей пользуются ими в обычный рабочий день.",
    ],
}
HEADLINE = {
    "en": "CITY COUNCIL APPROVES NEW BUDGET FOR LIBRARIES AND PARKS",
    "pt": "PREFEITURA APROVA NOVO ORÇAMENTO PARA BIBLIOTECAS E PARQUES DA CIDADE",
    "de": "STADTRAT BESCHLIESST NEUEN HAUSHALT FÜR BIBLIOTHEKEN UND PARKS IN DER STADT",
    "ru": "ГОРОДСКОЙ СОВЕТ УТВЕРДИЛ НОВЫЙ БЮДЖЕТ ДЛЯ БИБЛИОТЕК И ПАРКОВ ГОРОДА",
}


@dataclass(frozen=True)
class _AllText:
    """Every line is text, as far as the model goes."""

    lead: FirstLead = FirstLead()

    def probabilities(self, shapes: Sequence[features.LineShape]) -> tuple[list[float], list[float]]:
        return [0.9] * len(shapes), [0.9] * len(shapes)


def kinds(lines: list[str]) -> list[str]:
    out = classify(
        lines,
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, _AllText()),
    )
    return [line.kind for line in out]


def page(lang: str, middle: str) -> list[str]:
    prose = PROSE[lang]
    return [*prose[:2], middle, *prose[2:]]


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_a_headline_in_capitals_between_paragraphs_is_not_text(lang: str) -> None:
    assert kinds(page(lang, HEADLINE[lang])) == ["lead", "body", "boilerplate", "body", "body"]


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_the_shipped_model_leaves_the_headline_out_of_the_body(lang: str) -> None:
    article = parse_text("\n".join(page(lang, HEADLINE[lang])), RULES)
    assert article.paragraphs == tuple(PROSE[lang])


def test_a_subhead_in_capitals_stays() -> None:
    """One word short of SHOUT_WORDS: a subhead, part of the article."""
    subhead = " ".join(HEADLINE["en"].split()[: SHOUT_WORDS - 1])
    assert kinds(page("en", subhead))[2] == "body"


def test_a_sentence_in_capitals_stays() -> None:
    """Ending like a sentence, a line in capitals is someone shouting in the story."""
    assert kinds(page("en", HEADLINE["en"] + "!"))[2] == "body"


def test_a_long_line_in_lower_case_without_a_full_stop_stays() -> None:
    """Only capitals make the headline: the same words in lower case are a list item or a
    subhead the model keeps."""
    assert kinds(page("en", HEADLINE["en"].capitalize()))[2] == "body"


def test_a_headline_in_capitals_never_fills_a_gap_in_the_text() -> None:
    """Scored low, between two lines of text, a line is usually filled in as text (FILL): a
    headline in capitals is not."""

    @dataclass(frozen=True)
    class _LowMiddle:
        lead: FirstLead = FirstLead()

        def probabilities(self, shapes: Sequence[features.LineShape]) -> tuple[list[float], list[float]]:
            p = [0.9, 0.9, 0.3, 0.9, 0.9]
            return p, p

    lines = page("en", HEADLINE["en"])
    out = classify(
        lines,
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, _LowMiddle()),
    )
    assert out[2].kind != "body"
    subhead = " ".join(HEADLINE["en"].split()[:3])
    out = classify(
        page("en", subhead),
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, _LowMiddle()),
    )
    assert out[2].kind == "body"


# A headline in capitals that keeps a few small letters of its own: a plural of an
# abbreviation, a name's prefix (classify._mostly_upper).
MOSTLY_UPPER = {
    "en": "CITY COUNCIL APPROVES NEW BUDGET FOR LIBRARIES AND PARKS AFTER MPs OBJECT",
    "pt": "PREFEITURA APROVA NOVO ORÇAMENTO PARA AS ONGs E PARQUES DA CIDADE",
    "de": "STADTRAT BESCHLIESST NEUEN HAUSHALT FÜR DIE KiTAs UND PARKS IN DER STADT",
    "ru": "ГОРОДСКОЙ СОВЕТ УТВЕРДИЛ НОВЫЙ БЮДЖЕТ ДЛЯ НКОшек И ПАРКОВ ГОРОДА",
}


@pytest.mark.parametrize("lang", sorted(MOSTLY_UPPER))
def test_a_headline_with_a_few_small_letters_is_still_shouted(lang: str) -> None:
    assert kinds(page(lang, MOSTLY_UPPER[lang])) == ["lead", "body", "boilerplate", "body", "body"]


@pytest.mark.parametrize(
    "middle",
    [
        # more than a tenth of the cased letters small: a title-cased line, a list item
        "City Council Approves New Budget For Libraries And Parks After Long Debate",
        # two capitals per word is the most a name or an abbreviation has: "NHS Trust", "US Army"
        "NHS Trust And US Army Sign Deal On Care For Veterans In The North",
    ],
)
def test_a_line_with_more_small_letters_is_no_headline(middle: str) -> None:
    assert kinds(page("en", middle))[2] == "body"


def test_mostly_upper_bounds() -> None:
    from feedsvc.parse.classify import UPPER_LETTERS
    from feedsvc.parse.classify import UPPER_SHARE
    from feedsvc.parse.classify import _mostly_upper

    assert (UPPER_SHARE, UPPER_LETTERS) == (0.9, 20)
    assert _mostly_upper("A" * 18 + "bb")  # exactly nine in ten
    assert not _mostly_upper("A" * 17 + "bbb")
    assert _mostly_upper("A" * 20 + " 123 -- !!")  # what has no case does not count
    assert not _mostly_upper("A" * 19)  # too few letters to tell
    assert not _mostly_upper("広告広告広告広告広告広告広告広告広告広告広告")  # no case at all
