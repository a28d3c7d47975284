"""Behaviour of parse/classify.py that its first whole mutation run (bench/MUTATION.md, round 6:
bench/mutate.py over all of classify.py) found unpinned. Each test fails on at least one mutant
that survived the other tests and states what a reader or a feed would see: the article's date,
author, title, or the class of a line. Fixtures are written here (no publisher's text), in
English, German, Spanish, French, Portuguese, Russian, Chinese and Japanese.

The rules around the learned model (the lead margin, continuing a sentence after text, the
capitals headline, where chrome ends the article) are tested with a stand-in model whose
probabilities are given, as tests/test_classify.py does: the rule is pinned, not the weights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from fake_models import FirstLead
from fake_models import GivenModel
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _labelled_text
from feedsvc.parse.classify import classify
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_credit
from feedsvc.parse.linetypes import is_salutation
from feedsvc.parse.linetypes import is_teaser
from feedsvc.parse.model_lines import LineModel

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# Three paragraphs of one invented story per language: full paragraphs (12 words or more, a
# full stop), so each is a lead candidate.
STORY = {
    "en": [
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints "
        "from island commuters who said the early crossing left too late for work.",
        "Under the new plan the first boat will leave the island at ten past six, forty minutes "
        "earlier than now, and an extra crossing will run on Fridays.",
        "The trust said the change would cost about ninety thousand pounds a year, most of it for "
        "extra crew, and that fares would not rise this year.",
    ],
    "de": [
        "Der Stadtrat hat am Donnerstag beschlossen, entlang der Hauptstraße bis zum Ende des "
        "nächsten Jahres durchgehende Radwege auf beiden Seiten anzulegen.",
        "Dafür fallen etwa achtzig Parkplätze weg, die zum Teil in einem neuen Parkhaus am "
        "Bahnhof ersetzt werden sollen, das im Frühjahr eröffnet.",
        "Die Händler an der Hauptstraße befürchten, dass weniger Kunden aus dem Umland mit dem "
        "Auto in die Innenstadt kommen, und wollen klagen.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes un nuevo horario para los autobuses nocturnos después "
        "de meses de quejas de los vecinos de los barrios del norte.",
        "Con el nuevo plan, el primer autobús saldrá de la plaza mayor a las once y media, y "
        "habrá un servicio más los viernes durante el verano.",
        "La concejala de Transportes dijo que el cambio costará unos noventa mil euros al año y "
        "que el precio del billete no subirá este año.",
    ],
    "pt": [
        "A prefeitura decidiu nesta terça-feira manter a piscina municipal aberta durante o "
        "inverno, depois de um abaixo-assinado com mais de três mil nomes.",
        "A piscina deveria fechar em outubro para economizar com o aquecimento, mas os vereadores "
        "encontraram o dinheiro adiando outras obras.",
        "Os clubes de natação disseram que a decisão permite que os atletas continuem treinando "
        "para as competições da primavera sem viajar.",
    ],
    "ru": [
        "Городской совет во вторник решил оставить бассейн открытым всю зиму после того, как "
        "петицию подписали более трёх тысяч жителей.",
        "Бассейн должны были закрыть в октябре, чтобы сэкономить на отоплении, но депутаты нашли "
        "деньги, отложив другие работы.",
        "В спортивных клубах сказали, что это решение позволит их членам готовиться к весенним "
        "соревнованиям, не уезжая в соседний город.",
    ],
}


def parse(lines: Sequence[str]) -> tuple[str, str, datetime | None, str | None, tuple[str, ...]]:
    article = parse_text("\n".join(lines), RULES)
    return article.title, article.summary, article.date, article.author, article.paragraphs


# --------------------------------------------------------------------------- dates in a line
#
# A short line above the story that gives a date dates the article (no Date: header). The
# forms below were each lost by one surviving mutant of _DATE_IN_LINE or _TIME_IN_LINE.

_MONTH_FIRST = [
    ("January 5, 2024", datetime(2024, 1, 5, tzinfo=UTC)),
    ("Jan 5, 2024", datetime(2024, 1, 5, tzinfo=UTC)),
    ("April 5, 2024", datetime(2024, 4, 5, tzinfo=UTC)),
    ("Apr. 5, 2024", datetime(2024, 4, 5, tzinfo=UTC)),
    ("June 5, 2024", datetime(2024, 6, 5, tzinfo=UTC)),
    ("Jun 5, 2024", datetime(2024, 6, 5, tzinfo=UTC)),
    ("July 5, 2024", datetime(2024, 7, 5, tzinfo=UTC)),
    ("Jul 5, 2024", datetime(2024, 7, 5, tzinfo=UTC)),
    # ordinals, month first and day first
    ("May 1st, 2019", datetime(2019, 5, 1, tzinfo=UTC)),
    ("May 22nd, 2019", datetime(2019, 5, 22, tzinfo=UTC)),
    ("May 3rd, 2019", datetime(2019, 5, 3, tzinfo=UTC)),
    ("May 4th, 2019", datetime(2019, 5, 4, tzinfo=UTC)),
    ("1st May 2019", datetime(2019, 5, 1, tzinfo=UTC)),
    ("22nd May 2019", datetime(2019, 5, 22, tzinfo=UTC)),
    ("3rd May 2019", datetime(2019, 5, 3, tzinfo=UTC)),
    ("4th May 2019", datetime(2019, 5, 4, tzinfo=UTC)),
    # years of the last century, in each form
    ("04.03.1999", datetime(1999, 3, 4, tzinfo=UTC)),
    ("March 4, 1999", datetime(1999, 3, 4, tzinfo=UTC)),
    ("4th March 1999", datetime(1999, 3, 4, tzinfo=UTC)),
    # an ISO time with a negative offset, and evening hours (20-23)
    ("2024-03-04T09:15:00-05:00", datetime(2024, 3, 4, 14, 15, tzinfo=UTC)),
    ("2024-03-04 21:05-0100", datetime(2024, 3, 4, 22, 5, tzinfo=UTC)),
    ("Updated 18 November 2019 21:30", datetime(2019, 11, 18, 21, 30, tzinfo=UTC)),
    ("Updated 18 November 2019 20:05", datetime(2019, 11, 18, 20, 5, tzinfo=UTC)),
    ("Updated November 18, 2019 23:59", datetime(2019, 11, 18, 23, 59, tzinfo=UTC)),
]


@pytest.mark.parametrize(("line", "date"), _MONTH_FIRST)
def test_a_date_line_above_the_story_dates_the_article(line: str, date: datetime) -> None:
    title, _, found, _, paragraphs = parse(["Home", line, *STORY["en"]])
    assert found == date
    assert STORY["en"][0].startswith(title.rstrip(".…"))
    assert line not in paragraphs


def test_a_timestamp_counts_its_words_without_the_date() -> None:
    """Ten words and a month-first date: the date's three words are not counted, so it is a
    timestamp and dates the article (with them it would be 13 words, a sentence's share)."""
    line = "Updated by the city desk of the morning team: April 5, 2024"
    _, _, found, _, paragraphs = parse(["Home", line, *STORY["en"]])
    assert found == datetime(2024, 4, 5, tzinfo=UTC)
    assert line not in paragraphs


def test_find_date_reads_a_time_with_a_five_letter_zone() -> None:
    """A 24-hour time before a zone abbreviation of up to four letters and a T ("ACWST",
    Australian Central Western Standard Time) is the time of the date."""
    assert find_date("18 November 2019 1909 ACWST") == "18 November 2019 1909 ACWST"
    assert find_date("18 November 2019 1909 HKT") == "18 November 2019 1909 HKT"


# --------------------------------------------------------------------------- a given model


@dataclass(frozen=True)
class _SurestLead:
    """A lead model that rates each candidate by the line model's probability for it."""

    def probability(self, row: Sequence[float], tokens: frozenset[str] = frozenset()) -> float:
        return row[2]  # p of the candidate line


CHROME = "© 2024 Example Media Ltd"  #: a line a [parse] boilerplate pattern names
CAPTION = "Photo: Jane Smith / Example Agency"  #: a line a [parse] caption pattern names


def classes(page: Sequence[tuple[str, float]], lead: object | None = None) -> list[str]:
    """Each line's class, with the model's probabilities given and CHROME and CAPTION decided
    by [parse] patterns, as the configured ones would."""
    model = cast(LineModel, GivenModel(tuple(p for _, p in page), lead or FirstLead()))
    out = classify(
        [text for text, _ in page],
        is_boilerplate=lambda line: line == CHROME,
        is_caption=lambda line: line == CAPTION,
        cut_debris=lambda line: line,
        model=model,
    )
    return [line.kind for line in out]


@pytest.mark.parametrize("lang", sorted(STORY))
def test_a_later_paragraph_the_lead_model_prefers_is_the_lead(lang: str) -> None:
    """LEAD_MARGIN is 0: any preference of the lead model passes over the first paragraph
    (which then is a stand-first), however small; on a tie the first stays the lead."""
    p0, p1, p2 = STORY[lang]
    page = [("Home", 0.1), (p0, 0.6), (p1, 0.9), (p2, 0.7)]
    assert classes(page, _SurestLead()) == ["boilerplate", "standfirst", "lead", "body"]
    page = [("Home", 0.1), (p0, 0.9), (p1, 0.9), (p2, 0.7)]
    assert classes(page, _SurestLead()) == ["boilerplate", "lead", "body", "body"]


# A CJK paragraph of 30 characters or more that ends like a sentence is a full paragraph, a
# lead candidate, though it has fewer than PROSE_WORDS "words" (a fourth of its characters):
# each first paragraph here has exactly 30.
CJK_STORY = {
    "zh": [
        "市政府宣布，明年起市立图书馆每天开放到晚上九点，周末也开放。",
        "图书馆馆长说，延长开放时间需要新招聘二十名工作人员，每年增加的费用大约为三百万元，由市财政全额承担，读者不需要多付任何费用。",
        "不少读者对这一决定表示欢迎，一位经常在晚上来看书的大学生说，以前图书馆八点就关门，下班以后的上班族根本没有时间来借书。",
    ],
    "ja": [
        "市は月曜、来年から図書館の開館を夜九時まで延ばすと発表した。",
        "館長によると、開館時間の延長には職員を二十人新たに採用する必要があり、年間の費用はおよそ三千万円で、市の予算でまかなうという。",
        "利用者の多くはこの決定を歓迎しており、夜に本を読みに来る大学生は、これまで八時に閉まっていたので仕事帰りの人は借りられなかったと話した。",
    ],
}


@pytest.mark.parametrize("lang", sorted(CJK_STORY))
def test_a_short_cjk_paragraph_is_a_full_one_and_the_lead(lang: str) -> None:
    first, second, third = CJK_STORY[lang]
    assert len(first) == 30
    page = [("首页" if lang == "zh" else "ホーム", 0.1), (first, 0.9), (second, 0.9), (third, 0.9)]
    assert classes(page) == ["boilerplate", "lead", "body", "body"]


CJK_SHORT = {  # (a sentence of 29 characters, a headline of 30 or more without a stop)
    "zh": (
        "图书馆将从明年起延长开放时间，每天都开放到晚上九点半为止。",
        "市政府宣布明年起市立图书馆每天开放到晚上九点周末和节假日也照常开放",
    ),
    "ja": (
        "図書館は来年から開館時間を延ばして、毎日夜九時半まで開く。",
        "市立図書館の開館時間を来年から夜九時まで延長し週末と祝日も休まず開館へ",
    ),
}


@pytest.mark.parametrize("lang", sorted(CJK_SHORT))
def test_a_short_cjk_sentence_or_a_long_headline_is_not_the_lead(lang: str) -> None:
    """A CJK full paragraph needs both: 30 characters and a sentence's end."""
    first, second, _ = CJK_STORY[lang]
    for line in CJK_SHORT[lang]:
        assert len(line) == 29 or line[-1] != "。"
        page = [("首页" if lang == "zh" else "ホーム", 0.1), (line, 0.9), (first, 0.9), (second, 0.9)]
        assert classes(page) == ["boilerplate", "body", "lead", "body"], line


PROSE_12 = {  # a paragraph of exactly PROSE_WORDS (12) words, and the same less one word
    "en": (
        "The harbour trust approved a new ferry timetable after months of complaints.",
        "The harbour trust approved a ferry timetable after months of complaints.",
    ),
    "de": (
        "Der Stadtrat hat am Donnerstag neue breite Radwege entlang der Hauptstraße beschlossen.",
        "Der Stadtrat hat am Donnerstag neue Radwege entlang der Hauptstraße beschlossen.",
    ),
    "es": (
        "El ayuntamiento aprobó el martes un nuevo horario para los autobuses nocturnos.",
        "El ayuntamiento aprobó el martes un horario para los autobuses nocturnos.",
    ),
}


@pytest.mark.parametrize("lang", sorted(PROSE_12))
def test_a_paragraph_of_twelve_words_is_a_full_one_of_eleven_not(lang: str) -> None:
    twelve, eleven = PROSE_12[lang]
    assert (len(twelve.split()), len(eleven.split())) == (12, 11)
    p0, p1, _ = STORY[lang]
    assert classes([("Home", 0.1), (twelve, 0.9), (p0, 0.9), (p1, 0.9)]) == [
        "boilerplate",
        "lead",
        "body",
        "body",
    ]
    assert classes([("Home", 0.1), (eleven, 0.9), (p0, 0.9), (p1, 0.9)]) == [
        "boilerplate",
        "body",
        "lead",
        "body",
    ]


# --------------------------------------------------------------------------- which lines are text


def test_a_sentence_after_text_goes_on_with_it_across_a_caption() -> None:
    """CONTINUE: a sentence the model is unsure of (0.2-0.5) right after text is text; a line
    a [parse] pattern decided (a photo caption) between them does not break that."""
    p0, p1, _ = STORY["en"]
    page = [
        ("Home", 0.1),
        (p0, 0.9),
        (p1, 0.9),
        (CAPTION, 0.0),
        ("Residents were told to stay indoors.", 0.3),
    ]
    assert classes(page) == ["boilerplate", "lead", "body", "caption", "body"]


def test_a_doubtful_sentence_at_the_top_goes_on_from_nothing() -> None:
    """The first line has no text above it to go on with: at 0.3 it is not text."""
    p0, p1, _ = STORY["en"]
    page = [("It rained all night long.", 0.3), (p0, 0.9), (p1, 0.9), ("Share this", 0.1)]
    assert classes(page) == ["boilerplate", "lead", "body", "boilerplate"]


SHOUTED = {  # (8 words: a headline, 7 words: a subhead)
    "en": (
        "CITY COUNCIL APPROVES NEW BUDGET FOR ALL LIBRARIES",
        "CITY COUNCIL APPROVES NEW BUDGET FOR LIBRARIES",
    ),
    "de": (
        "STADTRAT BESCHLIESST NEUEN HAUSHALT FÜR ALLE BIBLIOTHEKEN HEUTE",
        "STADTRAT BESCHLIESST NEUEN HAUSHALT FÜR ALLE BIBLIOTHEKEN",
    ),
    "es": (
        "EL AYUNTAMIENTO APRUEBA EL NUEVO PRESUPUESTO DE BIBLIOTECAS",
        "EL AYUNTAMIENTO APRUEBA EL PRESUPUESTO DE BIBLIOTECAS",
    ),
}


@pytest.mark.parametrize("lang", sorted(SHOUTED))
def test_a_line_in_capitals_of_eight_words_is_a_headline_of_seven_a_subhead(lang: str) -> None:
    headline, subhead = SHOUTED[lang]
    assert (len(headline.split()), len(subhead.split())) == (8, 7)
    p0, p1, p2 = STORY[lang]
    for middle, kind in ((headline, "boilerplate"), (subhead, "body")):
        page = [(p0, 0.9), (p1, 0.9), (middle, 0.9), (p2, 0.9)]
        assert classes(page) == ["lead", "body", kind, "body"], middle


# --------------------------------------------------------------------------- where chrome ends it

# The story, then a line of chrome, then lines the model is less sure of (0.8 < 0.95): the
# article ends at the chrome unless the next NEXT (3) text lines below share at least TOPIC
# (a quarter) of their longer words with the story.
_ABOUT = [
    "The city will build new cycle lanes along the high street and near the station.",
    "The cycle lanes along the high street will cost the city two million pounds.",
]
_POOL = "The swimming pool opens early in May this year."  # no word of the story
_CLUB = "The football club celebrates one hundred years."  # none either
_LIBRARY = "The library opens on Saturdays until six in the evening."  # none either
_LANES = "Cycle lanes along the high street near the station."  # all of its words are the story's
_LANES_LONG = "Cycle lanes along the high street near the station will cost the city two million pounds."


def _ends(below: Sequence[str]) -> list[str]:
    page = [("Home", 0.1), (_ABOUT[0], 0.95), (_ABOUT[1], 0.95), (CHROME, 0.0), *((x, 0.8) for x in below)]
    return classes(page)[4:]


def test_the_third_line_below_the_chrome_still_tells_the_story_goes_on() -> None:
    assert _ends([_POOL, _CLUB, _LANES]) == ["body", "body", "body"]


def test_the_fourth_line_below_the_chrome_tells_nothing() -> None:
    # (the fourth, a full paragraph below the article's end, is taken for a reader's comment)
    assert _ends([_POOL, _CLUB, _LIBRARY, _LANES_LONG]) == ["boilerplate"] * 3 + ["comment"]


def test_a_fifth_of_the_words_below_shared_is_another_story() -> None:
    """2 of the 11 longer words below are the story's ("cycle", "lanes"): under a quarter."""
    below = [_POOL, "The football club wants new cycle lanes."]
    assert _ends(below) == ["boilerplate", "boilerplate"]
    below = [_POOL, "The new cycle lanes along the river help the club."]  # 3 of 12: a quarter
    assert _ends(below) == ["body", "body"]


# --------------------------------------------------------------------------- the lead, in a wire story

# Three full paragraphs (an editor's note, a photo's description, a stand-first), then the
# story under a wire dateline: DATELINE_REACH is 3, so the fourth paragraph is still the lead.
WIRE = {
    "en": [
        "Editor's note: In this series our correspondents travel along one river each month and "
        "report on the people who live on its banks.",
        "A fisherman mends his nets on the bank of the river at dawn, not far from the old harbour wall.",
        "Fewer fish, warmer water and new dams have changed life on the river more in ten years "
        "than in the century before.",
        "LISBON, Portugal (Reuters) -- The river's fishermen say their catch has fallen by half in "
        "ten years, and many of their sons have left for the city.",
        "The port authority blames warmer water and new dams upstream and says it will study how "
        "the fish could return to their spawning grounds.",
    ],
    "fr": [
        "Note de la rédaction : dans cette série, nos correspondants suivent chaque mois un fleuve "
        "et racontent la vie des gens qui habitent sur ses rives.",
        "Un pêcheur répare ses filets au bord du fleuve à l'aube, non loin du vieux mur du port de la ville.",
        "Moins de poissons, une eau plus chaude et de nouveaux barrages ont changé la vie sur le "
        "fleuve plus en dix ans qu'en un siècle.",
        "NANTES (AFP) — Les pêcheurs du fleuve disent que leurs prises ont diminué de moitié en dix "
        "ans, et beaucoup de leurs fils sont partis en ville.",
        "Le port accuse l'eau plus chaude et les nouveaux barrages en amont, et promet d'étudier "
        "comment aider les poissons à revenir.",
    ],
    "de": [
        "Hinweis der Redaktion: In dieser Serie reisen unsere Korrespondenten jeden Monat an einem "
        "Fluss entlang und berichten über die Menschen an seinem Ufer.",
        "Ein Fischer flickt im Morgengrauen seine Netze am Ufer des Flusses, nicht weit von der "
        "alten Mauer des Hafens.",
        "Weniger Fische, wärmeres Wasser und neue Staustufen haben das Leben am Fluss in zehn "
        "Jahren mehr verändert als im ganzen Jahrhundert davor.",
        "DÜSSELDORF (dpa) — Die Fischer am Rhein sagen, ihr Fang habe sich in zehn Jahren "
        "halbiert, und viele ihrer Söhne seien in die Städte gezogen.",
        "Die Hafenbehörde macht wärmeres Wasser und neue Staustufen verantwortlich und will "
        "prüfen, wie die Fische zurückkehren können.",
    ],
}


@pytest.mark.parametrize("lang", sorted(WIRE))
def test_a_wire_dateline_three_paragraphs_down_opens_the_story(lang: str) -> None:
    lines = WIRE[lang]
    title, _, _, _, paragraphs = parse(lines)
    story = lines[3].split(") ", 1)[1].lstrip("-—– ")
    assert story.startswith(title.rstrip(".…"))
    assert paragraphs == tuple(lines)  # the note, the caption and the stand-first stay in the body


# --------------------------------------------------------------------------- what opens the article

_COOKIES = {
    "en": (
        "We use cookies to improve your visit to this site. By going on you agree to our use of cookies.",
        "Accept all",
        "By Jane Smith",
    ),
    "pt": (
        "Este site usa cookies para melhorar a sua experiência. Ao continuar a navegar, você concorda com o seu uso.",
        "Aceitar todos",
        "Por Ana Souza",
    ),
    "es": (
        "Este sitio usa cookies para mejorar su experiencia. Si sigue navegando, acepta el uso que hacemos de ellas.",
        "Aceptar todo",
        "Por Lucía Fernández",
    ),
}


@pytest.mark.parametrize("lang", sorted(_COOKIES))
def test_a_byline_below_the_cookie_notice_opens_the_article_though_a_date_is_above_it(lang: str) -> None:
    """A date line at the very top, a cookie notice (a full paragraph), its button, the byline,
    the story: the byline between the notice and the story opens the article, so the notice is
    not the lead, whatever stands above it."""
    notice, button, byline = _COOKIES[lang]
    story = STORY[lang]
    page = [("4 March 2024", 0.9), (notice, 0.9), (button, 0.9), (byline, 0.9), *((x, 0.9) for x in story)]
    assert classes(page) == ["timestamp", "standfirst", "boilerplate", "byline", "lead", "body", "body"]


@pytest.mark.parametrize("lang", sorted(_COOKIES))
def test_a_short_line_at_the_very_top_above_the_byline_is_chrome(lang: str) -> None:
    """The byline is the second line: the one line above it is chrome too (a button, a label)."""
    _, button, byline = _COOKIES[lang]
    story = STORY[lang]
    page = [(button, 0.9), (byline, 0.9), *((x, 0.9) for x in story)]
    assert classes(page) == ["boilerplate", "byline", "lead", "body", "body"]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("es", "Actualizado por la redacción de deportes del diario local el 18 de noviembre de 2019"),
        (
            "de",
            "Zuletzt aktualisiert von der Sportredaktion unserer Zeitung am frühen Morgen, 18. November 2019",
        ),
        (
            "ru",
            "Обновлено редакцией спортивных новостей нашей городской газеты утром в понедельник 18 ноября 2019",
        ),
    ],
)
def test_ten_words_and_a_date_in_another_language_are_a_timestamp(lang: str, line: str) -> None:
    """A date written with another language's month name ("18 de noviembre de 2019") is not
    counted among a timestamp's words either: ten words and the date date the article."""
    _, _, found, _, paragraphs = parse(["Home", line, *STORY[lang]])
    assert found == datetime(2019, 11, 18, tzinfo=UTC)
    assert line not in paragraphs


# --------------------------------------------------------------------------- the lead model's input


@dataclass(frozen=True)
class _DatelinedLead:
    """A lead model that goes only by whether a candidate opens with a wire dateline."""

    def probability(self, row: Sequence[float], tokens: frozenset[str] = frozenset()) -> float:
        return row[7]  # datelined


@pytest.mark.parametrize("lang", sorted(WIRE))
def test_the_lead_model_is_told_which_candidate_opens_with_a_dateline(lang: str) -> None:
    note, caption, _, story, more = WIRE[lang]
    page = [("Home", 0.1), (note, 0.9), (caption, 0.9), (story, 0.9), (more, 0.9)]
    assert classes(page, _DatelinedLead()) == ["boilerplate", "standfirst", "standfirst", "lead", "body"]


def test_the_reason_names_a_date_or_a_place_above_the_lead() -> None:
    """`feedsvc explain` shows why a line above the lead is a timestamp or a dateline."""
    p0, p1, _ = STORY["en"]
    page = [("LONDON", 0.9), ("4 March 2024", 0.9), (p0, 0.9), (p1, 0.9)]
    out = classify_given([text for text, _ in page], tuple(p for _, p in page))
    assert [(x.kind, x.reason) for x in out[:2]] == [
        ("dateline", "a place in capitals above the lead"),
        ("timestamp", "a date in a short line above the lead"),
    ]


# --------------------------------------------------------------------------- where chrome ends it, more


def test_a_label_between_the_story_and_the_chrome_is_not_the_story() -> None:
    """Only the story's text lines say what it is about: a line that is not text between it and
    the chrome (a label naming other stories) does not make the teasers below its topic."""
    page = [
        ("Home", 0.1),
        (_ABOUT[0], 0.95),
        (_ABOUT[1], 0.95),
        ("Swimming pool and football club news", 0.1),
        (CHROME, 0.0),
        (_POOL, 0.8),
        (_CLUB, 0.8),
    ]
    assert classes(page)[4:] == ["boilerplate"] * 3


def test_text_below_the_chrome_without_a_longer_word_is_off_topic() -> None:
    assert _ends(["Up to 50 % off!", "Buy now, pay in May."]) == ["boilerplate", "boilerplate"]


def test_text_below_the_chrome_as_sure_as_the_story_goes_on() -> None:
    """Off topic, but the model is exactly as sure of it as of the story: the article goes on."""
    page = [("Home", 0.1), (_ABOUT[0], 0.5), (_ABOUT[1], 0.5), (CHROME, 0.0), (_POOL, 0.5), (_CLUB, 0.5)]
    assert classes(page)[4:] == ["body", "body"]
    page = [("Home", 0.1), (_ABOUT[0], 0.5), (_ABOUT[1], 0.5), (CHROME, 0.0), (_POOL, 0.49), (_CLUB, 0.5)]
    assert classes(page)[4:] == ["boilerplate", "boilerplate"]


def test_explain_lists_three_features_then_the_words_share() -> None:
    """`feedsvc explain`'s reason of a model-scored line ends with "[name +1.2, name -0.3, name
    +0.1, words +0.4]"; a [parse] decision has no such list."""
    lines = ["Home", *STORY["de"], CHROME]
    out = classify(
        lines,
        is_boilerplate=lambda line: line == CHROME,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        explain=True,
    )
    listed = re.compile(r" \[(?:[a-z0-9_]+ [+-]\d+\.\d, ){3}words [+-]\d+\.\d\]$")
    assert [listed.search(x.reason) is not None for x in out] == [True, True, True, True, False]


@pytest.mark.parametrize(
    ("lang", "byline", "author"),
    [("en", "By— Jane Smith", "Jane Smith"), ("pt", "Por— Ana Souza", "Ana Souza")],
)
def test_a_dash_glued_to_the_byline_word_still_gives_the_author(lang: str, byline: str, author: str) -> None:
    _, _, _, found, paragraphs = parse(["Home", byline, *STORY[lang]])
    assert found == author
    assert byline not in paragraphs


# --------------------------------------------------------------------------- reasons `explain` shows


def reasons(page: Sequence[tuple[str, float]], lead: object | None = None) -> list[tuple[str, str]]:
    model = cast(LineModel, GivenModel(tuple(p for _, p in page), lead or FirstLead()))
    out = classify(
        [text for text, _ in page],
        is_boilerplate=lambda line: line == CHROME,
        is_caption=lambda line: line == CAPTION,
        cut_debris=lambda line: line,
        model=model,
    )
    return [(x.kind, x.reason) for x in out]


def test_reasons_of_one_run_of_prose() -> None:
    p0, p1, _ = STORY["es"]
    page = [("Los vecinos esperaron toda la noche.", 1.0), (p0, 1.0), (p1, 1.0)]
    assert reasons(page) == [
        ("body", "one run of prose; a sentence above the first paragraph"),
        ("lead", "one run of prose, no chrome: the first paragraph"),
        ("body", "one run of prose, no chrome"),
    ]


def test_reasons_of_lines_above_the_lead() -> None:
    p0, p1, p2 = STORY["de"]
    notice = (
        "Alle Inhalte © 2024 Beispiel Verlag GmbH, Nachdruck nur mit schriftlicher Genehmigung der Redaktion."
    )
    page = [("Startseite", 0.1), (notice, 0.9), ("Kurz gemeldet", 0.9), (p0, 0.6), (p1, 0.9), (p2, 0.9)]
    assert reasons(page, _SurestLead()) == [
        ("boilerplate", "model 0.10 < 0.5; site chrome: short, list-like or away from the text"),
        ("boilerplate", "model 0.90; a copyright notice above the lead"),
        ("body", "model 0.90; not yet a full paragraph"),
        ("standfirst", "model 0.60; a paragraph above the lead"),
        ("lead", "model 0.90; the lead model's pick"),
        ("body", "model 0.90"),
    ]


def test_reasons_of_chrome_above_the_opener_and_of_a_page_without_text() -> None:
    p0, p1, _ = STORY["es"]
    page = [("Aceptar todo", 0.9), ("Por Lucía Fernández", 0.9), (p0, 0.9), (p1, 0.9)]
    assert reasons(page)[0] == (
        "boilerplate",
        "model 0.90; not yet a full paragraph; above the byline or date that opens the article",
    )
    page = [("Por Lucía Fernández", 0.9), ("4 de marzo de 2024", 0.9)]
    assert reasons(page) == [
        ("body", "a name after a byline word above the lead; kept: nothing else is text"),
        ("body", "a date in a short line above the lead; kept: nothing else is text"),
    ]


# --------------------------------------------------------------------------- picture credits (code after round 6)

# Each picture word of is_credit's list, as a label: a credit between two paragraphs is the
# picture's (a caption), out of the body; the words whose class has two letters, with both.
CREDITS = [
    ("en", "Photograph: Jane Smith"),
    ("en", "Photographs: Jane Smith and Tom Brown"),
    ("en", "Photography: Jane Smith"),
    ("en", "Pictures: Jane Smith"),
    ("en", "Pics: Jane Smith"),
    ("en", "Images: Jane Smith"),
    ("en", "Illustration: Jane Smith"),
    ("en", "Illustrations: Jane Smith"),
    ("en", "Credit: Jane Smith"),
    ("en", "Credits: Jane Smith"),
    ("pt", "Imagens: Ana Souza"),
    ("pt", "Créditos: Ana Souza"),
    ("pt", "Fotografia: Ana Souza"),
    ("es", "Imágenes: Lucía Fernández"),
    ("es", "Imagen: Lucía Fernández"),
    ("es", "Fotografía: Lucía Fernández"),
    ("es", "Crédito: Lucía Fernández"),
    ("es", "Credito: Lucía Fernández"),
    ("en", "Immagini: Marco Rossi"),
    ("en", "Immagine: Marco Rossi"),
    ("de", "Fotografie: Jana Schmidt"),
    ("de", "Bilder: Jana Schmidt"),
    ("ru", "Фотография: Анна Петрова"),
    ("ru", "Фотографии: Анна Петрова"),
    ("en", "Zdjęcie: Jan Kowalski"),
    ("en", "Zdjęcia: Jan Kowalski"),
    ("en", "Crédit : Marie Dupont"),
]


@pytest.mark.parametrize(("lang", "credit"), CREDITS)
def test_every_picture_word_labels_a_credit(lang: str, credit: str) -> None:
    p0, p1, p2 = STORY[lang]
    article = parse_text("\n".join([p0, p1, credit, p2]), RULES)
    assert article.paragraphs == (p0, p1, p2)
    assert article.captions == (credit,)
    assert article.author is None


@pytest.mark.parametrize(
    "line",
    [
        # a label with a preposition before its colon, in each language of the list
        "Photo by: Jane Smith",
        "Foto de: Ana Souza",
        "Foto di: Marco Rossi",
        "Foto von: Jana Schmidt",
        "Photo par : Marie Dupont",
        "Photo par: Marie Dupont",
        "Foto por: Lucía Fernández",
        # ... or with the preposition alone
        "Foto de Ana Souza",
        "Foto di Marco Rossi",
        "Foto von Jana Schmidt",
        "Photo par Marie Dupont",
        "Foto por Lucía Fernández",
        "Foto | Ana Souza",  # a bar as the label's mark
        "AP/Northfield Images",  # an agency of two letters before the separator
        "Jo Bloggs/Pictures",  # nothing between the separator and the picture word
    ],
)
def test_more_credit_shapes(line: str) -> None:
    assert is_credit(line)


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Flooded streets in Lisbon.",  # a caption's sentence, not a name
        "Photo: Where is the river?",
        "Photo by Jane Smith. More pictures on page six.",
        "Photo by Jane Smith?",
    ],
)
def test_a_labelled_sentence_is_no_credit(line: str) -> None:
    assert not is_credit(line)


def test_a_credit_name_of_61_characters_is_the_longest() -> None:
    name = "Northfield Regional Historical Society Photographic Archive X"
    assert len(name) == 61
    for label in ("Photo: ", "Photo by "):
        assert is_credit(label + name)
        assert not is_credit(label + name + "Y")
    first = "Northfield Regional Historical Society Photographic Archives"  # before the separator
    assert len(first) == 60
    assert is_credit(first + "/Northfield Images")
    assert not is_credit(first + "X/Northfield Images")
    middle = " Northfield Regional Historical Society "  # between the separator and the word
    assert len(middle) == 40
    assert is_credit("Jo Bloggs/" + middle + "Images")
    assert not is_credit("Jo Bloggs/X" + middle + "Images")


# --------------------------------------------------------------------------- teasers and salutations (after round 6)


@pytest.mark.parametrize(
    ("line", "teaser"),
    [
        ("Related: Council closes old bridge", True),  # TEASER_WORDS (4) words
        ("Read more: Xi Jinping visits the port", True),  # a headline opening with "X"
        ("À lire aussi : Le conseil municipal ferme le vieux pont", True),  # a space before the colon
        ("TV: Council closes the old bridge", True),  # a label of two characters
        ("Internationale Nachrichtenwelt: Council closes the old bridge", True),  # of 30
        ("Internationale Nachrichtenwelte: Council closes the old bridge", False),  # of 31
        ("Mehr dazu (Video): Stadtrat beschließt neue Radwege", True),  # a label ending in a bracket
        ("Q&A: Council explains the new bridge plans", True),
        ("Lesen Sie auch hier: Stadtrat beschließt neue Radwege", False),  # a label of four words
        ("Watch: Video: Interview: Mayor opens new library today", False),  # three colons
        ("Related: J. Smith wins the city prize", True),  # an initial's stop is no sentence end
        ("Read more: Council votes on all of these plans:", False),  # an introduction
        ("Related: council closes the old bridge", False),  # no capital opens the headline
        ("Related: Council closes", False),  # two words
        ("Results: The 2024 cup final ends 12 to 10", True),  # 8 digits, 17 letters
        ("Results: Top 2024 cup final 12 to 10 now", False),  # 8 digits, 16 letters: a list
    ],
)
def test_teaser_shapes_at_their_edges(line: str, teaser: bool) -> None:
    assert is_teaser(line) is teaser


def test_a_salutation_with_a_word_before_the_name() -> None:
    assert is_salutation("Olá querida Ana,")
    assert is_salutation("Dear Mr Smith,")


# --------------------------------------------------------------------------- the article's end (after round 6)

_CONTACT = "Write to the harbour trust at info@harbourtrust.example.org"


def test_a_caption_below_a_contact_line_does_not_hide_the_text_after_it() -> None:
    """A line with an address ends the article when less text follows it than half the
    story's; a [parse]-decided caption right below it is passed over, not taken for the end of
    what follows."""
    head = [("Home", 0.1), (_ABOUT[0], 0.95), (_ABOUT[1], 0.95), (_CONTACT, 0.9), (CAPTION, 0.0)]
    assert classes([*head, (_POOL, 0.8)])[3:] == ["related", "caption", "boilerplate"]  # 48 < 78
    assert classes([*head, (_POOL, 0.8), (_CLUB, 0.8)])[3:] == ["body", "caption", "body", "body"]


def test_a_thread_of_replies_may_start_right_below_the_lead() -> None:
    p0, _, _ = STORY["en"]
    page = [
        ("Home", 0.1),
        (p0, 0.9),
        ("Hi Milan,", 0.9),
        ("Thanks for reading, the ferry leaves at six on weekdays.", 0.9),
        ("Hi Ana,", 0.9),
        ("Yes, the fares stay the same this year.", 0.9),
    ]
    assert "body" not in classes(page)[2:]


def test_two_salutations_to_one_name_are_no_thread() -> None:
    """A letters page's "Dear Editor," twice greets one name: the text goes on."""
    p0, p1, p2 = STORY["en"]
    page = [
        ("Home", 0.1),
        (p0, 0.9),
        (p1, 0.9),
        ("Dear Editor,", 0.9),
        ("The ferry should leave even earlier on Mondays.", 0.9),
        ("Dear Editor,", 0.9),
        (p2, 0.9),
    ]
    assert classes(page) == ["boilerplate", "lead", "body", "body", "body", "body", "body"]


# --------------------------------------------------------------------------- round 7: _thread, _labelled_text

# A sentence broken after a place ("In Kaapstad," / "В Москве,") looks like a salutation: two
# words, capitals, a comma. Two of them to different places are no thread of replies, because
# the greeting is a function word of the article's language: of Afrikaans (the stop-word lists'
# first language, index 0) and of Russian (where a default of Afrikaans would not know "в").
_BROKEN_AFTER_A_PLACE = {
    "af": [
        "Die stadsraad het Dinsdag besluit om die biblioteek in die middestad vir nog twee jaar oop "
        "te hou nadat honderde inwoners 'n brief onderteken het.",
        "In Kaapstad,",
        "soos elders in die land, is die biblioteke verlede jaar gesluit.",
        "In Pretoria,",
        "daarenteen, is twee nuwe biblioteke oopgemaak.",
        "Die biblioteek leen elke jaar meer as vierduisend boeke uit, die meeste aan ouer lesers "
        "wat nie meer self na die groot dorp ry nie.",
    ],
    "ru": [
        STORY["ru"][0],
        "В Москве,",
        "как и в других городах, бассейны зимой закрывали.",
        "В Казани,",
        "напротив, открыли два новых бассейна.",
        STORY["ru"][1],
    ],
}


@pytest.mark.parametrize("lang", sorted(_BROKEN_AFTER_A_PLACE))
def test_lines_broken_after_a_place_are_no_thread_of_replies(lang: str) -> None:
    lines = _BROKEN_AFTER_A_PLACE[lang]
    assert is_salutation(lines[1]) and is_salutation(lines[3])
    page = [("Home", 0.1), *((line, 0.9) for line in lines)]
    assert classes(page) == ["boilerplate", "lead"] + ["body"] * (len(lines) - 1)


def test_a_line_without_a_label_is_no_labelled_text() -> None:
    """_labelled_text answers for a labelled line only: a line without a label ("Q" is too
    short to be one) is not one of a run of labelled lines, whatever follows it."""
    lines = ["Q: What changes for commuters on Monday", "Step two: The first boat leaves earlier"]
    assert _labelled_text(lines, [None, None], 0) is False
    lines = ["Step one: Mix the flour and water", "Step two: Knead the dough on a floured table"]
    assert _labelled_text(lines, [None, None], 0) is True


def test_a_step_a_parse_pattern_decided_is_no_sibling_of_a_labelled_line() -> None:
    """A "Step two: ..." line that a [parse] pattern decided is not the text's: it does not make
    "Step one: ..." one of a run of labelled lines."""
    steps = ["Step one: Mix the flour and water", "The dough rests.", "Step two: Knead the dough on a table"]
    rule = Line(steps[2], "caption", 0.0, "a [parse] caption pattern", rule=True)
    assert _labelled_text(steps, [None, None, None], 0) is True
    assert _labelled_text(steps, [None, None, rule], 0) is False


# --------------------------------------------------------------------------- round 7: credits beside the text

_CREDIT_LINE = "Jo Bloggs | Northfield Images"
_PICTURED = "The minister, pictured in May, at the harbour."


def test_a_credit_beside_the_text_at_either_edge_of_the_page() -> None:
    """A credit is a picture's (a caption) when the line right above or right below it is text,
    also when that line is the page's first; a credit with no text next to it is chrome, even
    when the page's last line is text (no wrapping around)."""
    p0, p1, p2 = STORY["en"]
    page = [(p0, 0.9), (_CREDIT_LINE, 0.1), ("Home", 0.1), ("Contact", 0.1)]
    assert classes(page) == ["lead", "caption", "boilerplate", "boilerplate"]
    page = [(_CREDIT_LINE, 0.1), ("Home", 0.1), (p0, 0.9), (p1, 0.9)]
    assert classes(page) == ["boilerplate", "boilerplate", "lead", "body"]
    page = [("Home", 0.1), (p0, 0.9), (p1, 0.9), ("Advertisement", 0.1), (_CREDIT_LINE, 0.1), (p2, 0.9)]
    assert classes(page) == ["boilerplate", "lead", "body", "boilerplate", "caption", "body"]


def test_a_sentence_below_an_opening_credit_that_is_not_text_is_no_caption() -> None:
    """The sentence below a credit is its caption only when it is the first line of text; a
    sentence the model does not take for text is left to the model (chrome here), and the
    credit, with no text or caption beside it, is chrome too."""
    p0, p1, _ = STORY["en"]
    page = [(_CREDIT_LINE, 0.1), (_PICTURED, 0.1), (p0, 0.9), (p1, 0.9)]
    assert classes(page) == ["boilerplate", "boilerplate", "lead", "body"]
    page = [(_CREDIT_LINE, 0.1), (_PICTURED, 0.9), (p0, 0.9), (p1, 0.9)]
    assert classes(page) == ["caption", "caption", "lead", "body"]
