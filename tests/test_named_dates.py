"""Dates written with a month's name in other languages than English, or the CJK way, in a
byline or timestamp line: the article's date when no Date: header is given, and out of the
body (feedsvc.parse.dates, the month names of data/months.json from CLDR)."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.dates import find_named_date
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_timestamp

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

LEAD = {
    "es": "El Gobierno aprobó este martes un plan para reducir a la mitad las emisiones de los "
    "coches antes de 2030, según anunció la ministra en una rueda de prensa.",
    "de": "Die Bundesregierung hat am Dienstag einen Plan beschlossen, mit dem die Emissionen der "
    "Autos bis 2030 halbiert werden sollen, wie die Ministerin mitteilte.",
    "ru": "Правительство во вторник одобрило план, который должен вдвое сократить выбросы "
    "автомобилей до 2030 года, сообщила министр на пресс-конференции.",
    "fr": "Le gouvernement a adopté mardi un plan pour réduire de moitié les émissions des "
    "voitures d'ici 2030, a annoncé la ministre lors d'une conférence de presse.",
    "pt": "O governo aprovou nesta terça-feira um plano para reduzir pela metade as emissões dos "
    "carros até 2030, anunciou a ministra em entrevista coletiva.",
    "ja": "政府は火曜日、2030年までに自動車の排出量を半減させる計画を承認したと、大臣が記者会見で発表した。"
    "計画には電気自動車の購入支援と全国の充電設備の整備が含まれている。",
    "ko": "정부는 화요일 2030년까지 자동차 배출가스를 절반으로 줄이는 계획을 승인했다고 장관이 기자회견에서 밝혔다. "
    "계획에는 전기차 구매 지원과 전국 충전소 확충이 포함됐다.",
}
SECOND = "The plan includes grants for electric cars and new charging stations across the country."

STAMPED = [
    ("es", "Actualizado 19:09 GMT 18 de noviembre de 2019", datetime(2019, 11, 18, 19, 9, tzinfo=UTC)),
    ("de", "Von Moritz Bachmann publiziert am 25. September 2018", datetime(2018, 9, 25, tzinfo=UTC)),
    ("ru", "Текст: Лида Буслаева·11 октября 2018", datetime(2018, 10, 11, tzinfo=UTC)),
    ("fr", "Publié le 3 mars 2020 à 10h05", datetime(2020, 3, 3, 10, 5, tzinfo=UTC)),
    ("pt", "Atualizado em 7 de maio de 2021, 08:30", datetime(2021, 5, 7, 8, 30, tzinfo=UTC)),
    ("ja", "公開日：2019年11月18日", datetime(2019, 11, 18, tzinfo=UTC)),
    ("ko", "입력 2019년 11월 18일", datetime(2019, 11, 18, tzinfo=UTC)),
]


@pytest.mark.parametrize(("lang", "stamp", "when"), STAMPED, ids=[x[0] for x in STAMPED])
def test_a_timestamp_in_the_articles_language_dates_it(lang: str, stamp: str, when: datetime) -> None:
    article = parse_text("\n".join([stamp, LEAD[lang], SECOND]), RULES)
    assert article.date == when
    assert stamp not in article.paragraphs  # a timestamp is not shown in the body
    assert article.title and article.title.rstrip("…") in LEAD[lang]  # the lead, not the stamp


def test_a_date_header_still_wins() -> None:
    text = "Date: 2024-03-04T09:15:00Z\n\n" + "\n".join([STAMPED[0][1], LEAD["es"], SECOND])
    assert parse_text(text, RULES).date == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("18 de noviembre de 2019", "2019-11-18"),
        ("18. November 2019", "2019-11-18"),
        ("18 ноября 2019 г.", "2019-11-18"),
        ("5 Mar. 2020", "2020-03-05"),  # an abbreviation with its full stop
        ("1 gennaio 2000", "2000-01-01"),
        ("30 Kasım 2021", "2021-11-30"),  # Turkish: a capital dotless I's casefold
        ("2 de abril de 2019", "2019-04-02"),
        ("2019年1月5日", "2019-01-05"),
        ("2019 年 1 月 5 日", "2019-01-05"),
        ("2019년 1월 5일", "2019-01-05"),
    ],
)
def test_named_dates(line: str, iso: str) -> None:
    text = "Publicado " + line + " por la redacción"
    named = find_named_date(text)
    assert named is not None and named.iso == iso
    assert text[named.start : named.end] == line.removesuffix(" г.")  # the date's own characters


@pytest.mark.parametrize(
    "line",
    [
        "31 de febrero de 2020",  # no such day: the next date of the line, if any, is taken
        "2019年13月1日",
        "18 de 2019",  # no month
        "18 listopada 2019",  # November in Polish, October in Croatian: left out as ambiguous
        "18 de noviembre de 1850",  # a year out of 1900-2099
        "118 de noviembre de 2019",  # no day of three digits
        "18 de noviembre de 20190",
        "La fiesta del 18 de noviembre",  # no year
    ],
)
def test_not_named_dates(line: str) -> None:
    assert find_named_date(line) is None


def test_an_impossible_date_is_passed_over_for_the_next() -> None:
    named = find_named_date("31 de febrero de 2020 o 1 de marzo de 2020")
    assert named is not None and named.iso == "2020-03-01"


def test_find_date_gives_dateutil_what_it_reads() -> None:
    assert find_date("Actualizado 19:09 GMT 18 de noviembre de 2019") == "2019-11-18 19:09"
    assert find_date("November 18, 2019 -- 19:14 GMT") == "November 18, 2019 19:14"  # English as before
    assert find_date("Sin fecha aquí, 2019") is None


def test_a_sentence_that_mentions_a_date_is_no_timestamp() -> None:
    assert is_timestamp("Actualizado 18 de noviembre de 2019")
    assert not is_timestamp(
        "El 18 de noviembre de 2019 el Gobierno aprobó un plan para reducir las emisiones de los coches."
    )
    # two dates and a time, and four words: still a short line
    assert is_timestamp("Publicado 3 de marzo de 2020, actualizado 4 de marzo de 2020 a las 10:05")


def test_the_month_table_is_complete_and_unambiguous() -> None:
    raw = json.loads(resources.files("feedsvc.parse").joinpath("data/months.json").read_text("utf-8"))
    months: dict[str, int] = raw["months"]
    assert "CLDR" in raw["source"]
    assert all(1 <= m <= 12 for m in months.values())
    wide = {
        "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
               "septiembre", "octubre", "noviembre", "diciembre"],
        "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
               "сентября", "октября", "ноября", "декабря"],
    }  # fmt: skip
    for names in wide.values():
        assert [months[n] for n in names] == list(range(1, 13))
    assert all(name == name.casefold() and len(name) >= 3 for name in months)


# Round 9 (bench/MUTATION.md): dates.py's first mutation run left these forms unpinned.
@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("1º de mayo de 2020", "2020-05-01"),  # an ordinal mark after the day (es, pt)
        ("Publicado em 1° de janeiro de 2021", "2021-01-01"),  # the degree sign, as often typed for it
        ("Actualizado el 18 de noviembre de 1999", "1999-11-18"),  # the last century
        ("1999年12月31日", "1999-12-31"),
    ],
)
def test_a_named_date_of_each_form(line: str, iso: str) -> None:
    found = find_named_date(line)
    assert found is not None and found.iso == iso


@pytest.mark.parametrize(
    "line",
    [
        "Publicado en noviembre de 2019",  # a month and a year: no day
        "2019年11月日本政府は発表した",  # year and month, then "日本" (Japan): no day
        "2019年月18日に発表",  # no month
        "Heft 012 März 2020",  # a number of three digits is no day
        "2019年011月5日",  # nor a month, the CJK way
        "2019年11月005日",  # nor a day
    ],
)
def test_no_named_date_without_a_day(line: str) -> None:
    assert find_named_date(line) is None
