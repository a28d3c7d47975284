"""Behaviour of parse/linetypes.py that its first whole mutation run (bench/MUTATION.md, round
7: bench/mutate.py over all of linetypes.py) found unpinned: where a date written in a line
begins and ends. A day has one or two digits, a month-and-year without a day is no date, and a
number glued to a month and a year ("Nr.3.2024", "123/4/2024") is a reference, not a day.
Fixtures are written here (no publisher's text); the story above which the lines stand is the
one of tests/test_parse_pins_classify.py, in English, German and Spanish.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.linetypes import byline_name
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_share_button
from feedsvc.parse.linetypes import is_time_note
from feedsvc.parse.linetypes import is_timestamp

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

STORY = {
    "en": [
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints "
        "from island commuters who said the early crossing left too late for work.",
        "Under the new plan the first boat will leave the island at ten past six, forty minutes "
        "earlier than now, and an extra crossing will run on Fridays.",
    ],
    "de": [
        "Der Stadtrat hat am Donnerstag beschlossen, entlang der Hauptstraße bis zum Ende des "
        "nächsten Jahres durchgehende Radwege auf beiden Seiten anzulegen.",
        "Dafür fallen etwa achtzig Parkplätze weg, die zum Teil in einem neuen Parkhaus am "
        "Bahnhof ersetzt werden sollen, das im Frühjahr eröffnet.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes un nuevo horario para los autobuses nocturnos después "
        "de meses de quejas de los vecinos de los barrios del norte.",
        "Con el nuevo plan, el primer autobús saldrá de la plaza mayor a las once y media, y "
        "habrá un servicio más los viernes durante el verano.",
    ],
}


# Lines that hold a month (or a number where a month stands) and a year but no day: none of
# them dates the article. Each was read as a date by one surviving mutant of _DATE_IN_LINE.
_NO_DAY = [
    ("en", "Published in May 2019"),  # a day of no digits before the month: " May 2019"
    ("de", "Heft Nr.3.2024"),  # an issue number: ".3.2024", a day of no digits
    ("en", "Vol.3.2024"),
    ("de", "Az. 123/4/2024"),  # a file reference: a "day" of three digits
    ("es", "Expediente 3.123.2024"),  # ... a "month" of three digits
]


@pytest.mark.parametrize(("lang", "line"), _NO_DAY)
def test_a_month_and_a_year_or_a_reference_number_is_no_date(lang: str, line: str) -> None:
    assert find_date(line) is None
    assert not is_timestamp(line)
    article = parse_text("\n".join(["Home", line, *STORY[lang]]), RULES)
    assert article.date is None
    assert article.title.rstrip(".…") and STORY[lang][0].startswith(article.title.rstrip(".…"))


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published 12 May 2019", datetime(2019, 5, 12, tzinfo=UTC)),
        ("Heft 3.10.2024", datetime(2024, 10, 3, tzinfo=UTC)),
        ("Az. 23/4/2024", datetime(2024, 4, 23, tzinfo=UTC)),  # no month 23: day first
    ],
)
def test_the_same_lines_with_a_day_date_the_article(line: str, date: datetime) -> None:
    """The counterpart of the test above: one or two digits of day make the line a date."""
    article = parse_text("\n".join(["Home", line, *STORY["en"]]), RULES)
    assert article.date == date


def test_a_day_has_at_most_two_digits() -> None:
    """Month first or day first, "12" is a day and "123" is not (a page or a room number)."""
    assert find_date("May 12, 2019") == "May 12, 2019"
    assert find_date("May 123, 2019") is None
    assert find_date("12 May 2019") == "12 May 2019"
    assert find_date("Room 123 May 2019") is None


# How long ago a page was published, or how long it takes to read: a timestamp above the story
# (linetypes.is_time_note), never text; no date comes of it.
TIME_NOTES = [
    ("en", "3 hours ago"),
    ("en", "Updated 2 hours ago"),
    ("en", "an hour ago"),
    ("en", "4 min read"),
    ("en", "Reading time: 4 minutes"),
    ("de", "vor 2 Stunden"),
    ("de", "Lesezeit: 3 Min."),
    ("es", "hace 5 minutos"),
    ("es", "Actualizado hace 2 horas"),
    ("es", "Tiempo de lectura: 3 min"),
    ("en", "Story updated 2 hours ago"),  # five words: TIME_NOTE_WORDS
    ("de", "Lesezeit etwa 3 Min"),
]
NO_TIME_NOTES = [
    "He scored after 90 minutes.",  # a sentence
    "He left 3 hours ago.",
    "3 hours ago we left the harbour",  # the note does not end the line
    "Il y a 2 heures · Lecture 3 min",  # ... nor here
    "2 min 30 sec",  # two numbers: a time, no reading time
    "The ferry left three hours ago and has not been seen since then by anyone",  # too long
    "ago",
    "The story was updated 2 hours ago",  # six words: more than TIME_NOTE_WORDS
    "Die Lesezeit beträgt etwa 3 Min",
]


@pytest.mark.parametrize(("lang", "note"), TIME_NOTES)
def test_a_time_note_is_a_timestamp_above_the_story(lang: str, note: str) -> None:
    assert is_time_note(note) and is_timestamp(note)
    text = "\n".join(["Home | News | Local", note, *STORY[lang]]) + "\n"
    article = parse_text(text, RULES)
    assert article.paragraphs == tuple(STORY[lang])
    assert article.date is None


@pytest.mark.parametrize(
    "note",
    [
        "il y a 3 heures",
        "Temps de lecture : 3 min.",
        "há 2 dias",
        "3 минуты назад",
        "Время чтения: 5 минут",
        "5分前",
        "3小时前",
        "読了時間：3分",
        "2 uur geleden",
        "3 giorni fa",
    ],
)
def test_time_notes_in_other_languages(note: str) -> None:
    assert is_time_note(note)


@pytest.mark.parametrize("line", NO_TIME_NOTES)
def test_no_time_note(line: str) -> None:
    assert not is_time_note(line)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("2024年3月3日 10時42分", "2024-03-03 10:42"),  # Japanese
        ("2024年03月03日 9时5分", "2024-03-03 9:05"),  # Chinese
        ("2024년 3월 3일 10시 42분", "2024-03-03 10:42"),  # Korean
        ("نشر في 3 مارس 2024 - 10:42", "2024-03-03 10:42"),  # Arabic: the month's name (CLDR)
        ("2024年3月3日 25時42分", "2024-03-03"),  # no hour
        ("Madrid, 03/03/2024 - 10:42h", "03/03/2024 10:42"),  # an "h" after the minutes
        ("03/03/2024 10h42", "03/03/2024 10h42"),
        ("3 March 2024 10:42hours", "3 March 2024"),  # no time: a word glued to it
    ],
)
def test_times_in_characters_or_with_an_h_and_an_arabic_month(line: str, date: str) -> None:
    assert find_date(line) == date


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("بقلم: أحمد علي", "أحمد علي"),
        ("بقلم أحمد علي، القاهرة", "أحمد علي"),  # the Arabic comma ends the name
        ("أخبار العالم | الشرق الأوسط", None),  # no byline word: a caseless line is no name
        ("By jane smith", None),  # a script with capitals still needs them
    ],
)
def test_a_name_in_a_script_without_capitals_after_a_byline_word(line: str, name: str | None) -> None:
    assert byline_name(line) == name


@pytest.mark.parametrize(
    ("line", "button"),
    [
        ("Share on Facebook", True),
        ("Compartir en WhatsApp", True),
        ("Auf Facebook teilen", True),
        ("Поделиться во ВКонтакте", True),
        ("Share this on Facebook now", False),  # five words: more than SHARE_WORDS
        ("He quit Facebook.", False),  # a sentence of the story
        ("Artikel teilen", False),  # no network named
    ],
)
def test_a_share_button_names_a_social_network_in_a_few_words(line: str, button: bool) -> None:
    assert is_share_button(line) is button
