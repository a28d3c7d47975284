"""Exact-behaviour tests of the line classifier's rules (parse/linetypes.py: find_date,
is_timestamp, is_byline, byline_name, _PLACE; parse/classify.py: main_run, is_full_paragraph,
_name_other), written to kill mutants that survived the other tests (see bench/MUTATION.md). Each rule is
called directly, at the edges of its bounds; nothing here needs the learned model."""

from __future__ import annotations

import pytest

from feedsvc.parse import features
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _name_other
from feedsvc.parse.classify import is_full_paragraph
from feedsvc.parse.classify import main_run
from feedsvc.parse.linetypes import _PLACE
from feedsvc.parse.linetypes import byline_name
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_byline
from feedsvc.parse.linetypes import is_timestamp

# --------------------------------------------------------------------------- find_date


@pytest.mark.parametrize(
    ("line", "date"),
    [
        # a date with a "T" (an upper-case month) or a ":" in it is taken without a time
        ("SEPT 3, 2019 10:30", "SEPT 3, 2019"),
        ("OCT 3, 2019 10:30", "OCT 3, 2019"),
        ("2019-11-18 10:00 GMT", "2019-11-18 10:00"),
        ("2019-11-18T10:00 11:30", "2019-11-18T10:00"),
        # ... any other with the time found in the line
        ("Sept 3, 2019 10:30", "Sept 3, 2019 10:30"),
        ("3 May 2019, 0930 GMT", "3 May 2019 0930 GMT"),
        ("3 May 2019", "3 May 2019"),
        ("No date here 10:30", None),
    ],
)
def test_find_date(line: str, date: str | None) -> None:
    assert find_date(line) == date


# --------------------------------------------------------------------------- is_timestamp

_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]


@pytest.mark.parametrize(
    ("line", "timestamp"),
    [
        (" ".join(_WORDS[:10]) + " 3 May 2019", True),  # 10 other words
        (" ".join(_WORDS[:11]) + " 3 May 2019", False),  # 11
        (" ".join(_WORDS[:10]) + " 3 May 2019 10:30", True),
        (" ".join(_WORDS[:9]) + " 3 May 2019 10:30 11:45", True),
        (" ".join(_WORDS[:11]) + " 3 May 2019 10:30", False),
        ("3 May 2019.", True),  # a full stop alone: no sentence
        ("Published 3 May 2019.", False),
        ("It rained on 3 May 2019.", False),  # a sentence
        ("Did it rain on 3 May 2019?", False),
        ("It rained on 3 May 2019!", False),
        ("It rained on 3 May 2019.\u201d", False),  # a closing quote after the stop
        ("Updated 3 May 2019 by AX", True),
        ("Updated 3 May 2019 by Al.", False),
        ("Updated 2019", False),  # a year alone is no date
    ],
)
def test_is_timestamp(line: str, timestamp: bool) -> None:
    assert is_timestamp(line) is timestamp


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Jane Smith X", "Jane Smith X"),
        ("By Jane Smith.", "Jane Smith"),
        ("By Jane Smith \u2014", "Jane Smith"),
        ("By Jane", None),  # one word
        ("By A B C D E F G H", "A B C D E F G H"),  # 8 words
        ("By A B C D E F G H I", None),  # 9
        ("By " + "A" * 40 + " " + "B" * 39, "A" * 40 + " " + "B" * 39),  # 80 characters
        ("By " + "A" * 40 + " " + "B" * 40, None),  # 81
        ("By Jane smith", None),
        ("By Jane Smith\u00b2", None),  # a digit \d does not cut at
        ("Jane Smith, Reporter", "Jane Smith"),
        ("Jane Smith | CNN", "Jane Smith"),
        ("Jane Smith", None),  # no byline word, no comma, no bar
        ("Jane Smith / CNN", None),
        ("Ana and Bia Souza, CNN", "Ana and Bia Souza"),
        ("By Ana & Bia Souza", "Ana & Bia Souza"),
        ("Von Anna und Bert Maier", "Anna und Bert Maier"),
        ("Por Ana e Bia Souza", "Ana e Bia Souza"),
        ("Par Anne et Marc Roux", "Anne et Marc Roux"),
        ("Por Ana y Bia Ruiz", "Ana y Bia Ruiz"),
        ("Ana i Bia Puig, Barcelona", "Ana i Bia Puig"),
        (
            "\u0410\u0432\u0442\u043e\u0440 \u0410\u043d\u043d\u0430 \u0438 \u0411\u043e\u0440\u0438\u0441",
            "\u0410\u043d\u043d\u0430 \u0438 \u0411\u043e\u0440\u0438\u0441",
        ),
        ("Door Jan de Vries", "Jan de Vries"),
        ("Door Jan van Dijk", "Jan van Dijk"),
        ("By Hans von Trier", "Hans von Trier"),
        ("Por Ana da Silva", "Ana da Silva"),
        ("Di Luca di Mare", "Luca di Mare"),
        ("Por Ana del Rio", "Ana del Rio"),
        ("Por Ana la Rosa", "Ana la Rosa"),
        ("Par Jean le Blanc", "Jean le Blanc"),
        ("By Ana bis Souza", None),
    ],
)
def test_byline_name(line: str, name: str | None) -> None:
    assert byline_name(line) == name


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Jane Smith, CNN", True),
        ("Jane Smith, CNN", False),  # a name but no byline word
        ("By Jane", False),  # a byline word but no name
        ("By jane smith", False),
    ],
)
def test_is_byline(line: str, byline: bool) -> None:
    assert is_byline(line) is byline


# --------------------------------------------------------------------------- _PLACE


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("WASHINGTON", True),
        ("BAAR, SWITZERLAND", True),
        ("BAAR,SWITZERLAND", True),
        ("NEW YORK", True),
        ("WINSTON-SALEM", True),
        ("ST. JOHN'S", True),
        ("ST JOHN\u2019S", True),
        ("AB", True),  # 1 + 1
        ("A", False),
        ("A" + "B" * 30, True),  # 1 + 30
        ("A" + "B" * 31, False),
        ("BAAR, CD", True),
        ("BAAR, C", False),
        ("BAAR, C" + "D" * 30, True),
        ("BAAR, C" + "D" * 31, False),
        ("BAAR, NEW YORK", True),
        ("BAAR, WINSTON-SALEM", True),
        ("BAAR, SWITZERLAND, EUROPE", False),
        ("Washington", False),
        ("xWASHINGTON", False),
        ("WASHINGTON x", False),
        ("1WASHINGTON", False),
    ],
)
def test_place(line: str, place: bool) -> None:
    assert (_PLACE.match(line) is not None) is place


# --------------------------------------------------------------------------- main_run

T, F = True, False
_RULE = Line("Share", "boilerplate", 0.0, "a rule", rule=True)


@pytest.mark.parametrize(
    ("text", "sizes", "fixed", "out"),
    [
        ([T, F, F, T], [10, 1, 1, 1], [None] * 4, [T, F, F, T]),  # a gap of 2 joins
        ([T, F, F, F, T], [10, 1, 1, 1, 1], [None] * 5, [T, F, F, F, F]),  # 3 splits
        ([T, F, F, F, T], [10, 1, 1, 1, 5], [None] * 5, [T, F, F, F, T]),  # half stays
        ([T, F, F, F, T], [10, 1, 1, 1, 4], [None] * 5, [T, F, F, F, F]),
        ([T, T, F, F, F, T], [3, 3, 0, 0, 0, 3], [None] * 6, [T, T, F, F, F, T]),  # sums
        ([T, T, F, F, F, T], [3, 3, 0, 0, 0, 2], [None] * 6, [T, T, F, F, F, F]),
        ([T, F, F, F, T, T], [1, 0, 0, 0, 5, 5], [None] * 6, [F, F, F, F, T, T]),
        ([F, F, F, T, F, F, F], [9, 9, 9, 1, 9, 9, 9], [None] * 7, [F, F, F, T, F, F, F]),
        # lines the rules decided are no gap, and keep what they were given
        ([T, F, F, F, T], [10, 0, 0, 0, 1], [None, _RULE, None, None, None], [T, F, F, F, T]),
        ([T, T, F, F, T], [10, 0, 0, 0, 1], [None, _RULE, None, None, None], [T, T, F, F, T]),
        (
            [T, F, T, F, F, F, T],
            [1, 0, 100, 0, 0, 0, 1],
            [None, _RULE, _RULE, None, None, None, None],
            [T, F, T, F, F, F, T],
        ),
        ([T, F, F, F, T, F, F, F, T], [4, 0, 0, 0, 10, 0, 0, 0, 4], [None] * 9, [F, F, F, F, T, F, F, F, F]),
        ([T, F, F, F, T, F, F, F, T], [5, 0, 0, 0, 10, 0, 0, 0, 6], [None] * 9, [T, F, F, F, T, F, F, F, T]),
    ],
)
def test_main_run(text: list[bool], sizes: list[int], fixed: list[Line | None], out: list[bool]) -> None:
    assert main_run(text, sizes, fixed) == out
    assert main_run(text, sizes, fixed, [F] * len(text)) == out  # no line unsure: the same


@pytest.mark.parametrize(
    ("text", "sizes", "soft", "out", "hard"),
    [
        # a list below the article: its items alternate with lines the model is unsure of
        # (soft); three of those in a row no longer split it from the article
        (
            [T, T, F, F, F, T, F, F, F, T],
            [9, 9, 1, 1, 1, 2, 1, 1, 1, 2],
            [F, F, T, T, T, F, T, T, T, F],
            [T, T, F, F, F, T, F, F, F, T],
            [T, T, F, F, F, F, F, F, F, F],
        ),
        # ... but lines sure to be chrome among them count in the gap, as before: three split
        ([T, T, F, F, F, F, T], [9, 9, 1, 1, 1, 1, 2], [F, F, T, F, F, F, F], [T, T, F, F, F, F, F], [T, T, F, F, F, F, F]),
        ([T, T, F, F, F, F, T], [9, 9, 1, 1, 1, 1, 2], [F, F, T, F, T, F, F], [T, T, F, F, F, F, T], [T, T, F, F, F, F, F]),
        # above the start of the largest run, unsure lines break runs as before: a menu or a
        # notice above the article stays out
        ([T, F, F, F, T, T], [2, 1, 1, 1, 9, 9], [F, T, T, T, F, F], [F, F, F, F, T, T], [F, F, F, F, T, T]),
    ],
)
def test_main_run_below_the_article_an_unsure_line_is_no_gap(
    text: list[bool], sizes: list[int], soft: list[bool], out: list[bool], hard: list[bool]
) -> None:
    assert main_run(text, sizes, [None] * len(text), soft) == out
    assert main_run(text, sizes, [None] * len(text)) == hard


# A meal plan's or a schedule's days repeat one template; a few unsure lines between two days
# cut the list in two runs, and the second, smaller, would go as chrome.
_DAY = ["Frühstück vor dem Training", "Haferbrei mit Beeren", "Mittagessen", "Ensalada de tomate"]
_MENU = ["Inicio", "Inicio", "x", "y"]


@pytest.mark.parametrize(
    ("lines", "text", "out"),
    [
        # the next day repeats the first day's lines: it stays, to its last repeated line
        (
            [*_DAY, "Menu", "Share", "Print", "Frühstück vor dem Training", "Haferbrei mit Beeren", "Gemüse"],
            [T, T, T, T, F, F, F, T, F, T],
            [T, T, T, T, F, F, F, T, F, F],
        ),
        # exactly half of the run's lines repeat: enough
        (
            [*_DAY, "a", "b", "c", "Mittagessen", "otro plato", "Haferbrei mit Beeren", "otra cosa"],
            [T, T, T, T, F, F, F, T, T, T, T],
            [T, T, T, T, F, F, F, T, T, T, F],
        ),
        # fewer than half: chrome, whatever it shares with the article
        (
            [*_DAY, "a", "b", "c", "Mittagessen", "Newsletter", "Kontakt", "Impressum"],
            [T, T, T, T, F, F, F, T, T, T, T],
            [T, T, T, T, F, F, F, F, F, F, F],
        ),
        # one line alone that repeats one of the article's (its author, a heading) is no list
        ([*_DAY, "a", "b", "c", "Mittagessen"], [T, T, T, T, F, F, F, T], [T, T, T, T, F, F, F, F]),
        # what repeats a line above the main run (a menu above the article) counts for nothing
        (
            [*_MENU, *_DAY, "a", "b", "c", "Inicio", "Inicio"],
            [T, F, F, F, T, T, T, T, F, F, F, T, T],
            [F, F, F, F, T, T, T, T, F, F, F, F, F],
        ),
    ],
)
def test_main_run_keeps_a_run_that_repeats_the_articles_lines(
    lines: list[str], text: list[bool], out: list[bool]
) -> None:
    main = range(4, 8) if lines[0] == "Inicio" else range(4)
    sizes = [40 if i in main else 10 for i in range(len(lines))]
    fixed: list[Line | None] = [None] * len(lines)
    assert main_run(text, sizes, fixed, (), lines) == out
    # without the lines, every run apart from the main one goes, as before
    assert main_run(text, sizes, fixed) == [t and i in main for i, t in enumerate(text)]


def test_main_run_a_repeated_run_is_measured_without_the_lines_the_rules_decided() -> None:
    lines = [*_DAY, "a", "b", "c", "Mittagessen", "Share on", "Share on", "Ensalada de tomate", "Gemüse"]
    text = [T, T, T, T, F, F, F, T, F, F, T, T]
    sizes = [40, 40, 40, 40, 10, 10, 10, 10, 10, 10, 10, 10]
    # two of the three lines from the run's first to its last (rules aside) repeat: it stays
    # to its last repeated line; as plain lines, the two "Share on" make it two of five
    fixed: list[Line | None] = [None] * 8 + [_RULE, _RULE, None, None]
    assert main_run(text, sizes, fixed, (), lines) == [*text[:11], F]
    assert main_run(text, sizes, [None] * 12, (), lines) == [*text[:4], *[F] * 8]


# --------------------------------------------------------------------------- is_full_paragraph

_ELEVEN = " ".join(["word"] * 11)


@pytest.mark.parametrize(
    ("line", "full"),
    [
        (_ELEVEN + " end.", True),  # 12 words
        (_ELEVEN + ".", False),  # 11
        (_ELEVEN + " end!", True),
        (_ELEVEN + " end?", True),
        (_ELEVEN + " end\u2026", True),
        (_ELEVEN + " end.\u201d", True),
        (_ELEVEN + " end.\u201d)", True),
        (_ELEVEN + " end", False),
        (_ELEVEN + " end,", False),
        ("", False),
        ("\u201d", False),
        ("\u6c34" * 29 + "\u3002", True),  # CJK: 30 characters
        ("\u6c34" * 28 + "\u3002", False),
        ("\u6c34" * 29, False),
    ],
)
def test_is_full_paragraph(line: str, full: bool) -> None:
    assert is_full_paragraph(line) is full


# --------------------------------------------------------------------------- _name_other


def _kind(line: str, index: int, first_text: int, last_text: int) -> str:
    shape = features.shapes([line])[0]
    return _name_other(line, shape, index, first_text, last_text)[0]


_PROSE = "I have lived by this river for forty years and the council has never listened to us."
_HEADLINE = "Bridge repairs on Mill Lane delayed until next summer"


@pytest.mark.parametrize(
    ("line", "index", "first_text", "last_text", "kind"),
    [
        ("By Jane Smith, CNN", 2, 3, 9, "byline"),
        ("By Jane Smith, CNN", 3, 3, 9, "boilerplate"),  # not above the text
        ("By Jane Smith, CNN", 10, 3, 9, "related"),  # 4 words below the text
        ("Published 3 May 2019", 0, 3, 9, "timestamp"),
        ("Published 3 May 2019", 12, 3, 9, "timestamp"),
        ("Jane Smith | CNN", 2, 3, 9, "byline"),
        ("Jane Smith | CNN", 3, 3, 9, "boilerplate"),
        ("By Jane Smith 3 May 2019", 2, 3, 9, "byline"),  # the byline is asked first
        ("By Jane Smith 3 May 2019", 12, 3, 9, "timestamp"),
        (_PROSE, 10, 3, 9, "comment"),
        (_PROSE, 9, 3, 9, "boilerplate"),
        (_HEADLINE, 10, 3, 9, "related"),
        (_HEADLINE, 9, 3, 9, "boilerplate"),
        ("Three words here", 10, 3, 9, "boilerplate"),
        ("Four words right here", 10, 3, 9, "related"),
        ("Four words right here.", 10, 3, 9, "boilerplate"),
        ("Flooded reading room of the library on Sunday", 2, 3, 9, "caption"),  # 8 words
        ("Flooded reading room of the library on Sunday", 1, 3, 9, "caption"),
        ("Flooded reading room of the library on Sunday", 0, 3, 9, "boilerplate"),
        ("Flooded reading room of the library on Sunday", 3, 3, 9, "caption"),
        ("Flooded reading room of the library on Sunday", 4, 3, 9, "boilerplate"),
        ("Flooded reading room of the library Sunday", 2, 3, 9, "boilerplate"),  # 7
        ("Flooded reading room of the library on Sunday.", 2, 3, 9, "boilerplate"),
    ],
)
def test_name_other(line: str, index: int, first_text: int, last_text: int, kind: str) -> None:
    assert _kind(line, index, first_text, last_text) == kind


_WATER = "\u6c34"


@pytest.mark.parametrize(
    ("line", "words", "full"),
    [
        ("One two three four.", 4, True),
        ("One two three.", 4, False),
        ("One two three four", 4, False),
        (_ELEVEN + ".", 11, True),
        (_ELEVEN + ".", 12, False),
        (_WATER * 11 + "\u3002", 4, True),  # CJK below PROSE_WORDS: 10 characters
        (_WATER * 11 + "\u3002", 11, True),
        (_WATER * 11 + "\u3002", 12, False),  # ... at PROSE_WORDS: 30
        (_WATER * 29 + "\u3002", 12, True),
        (_WATER * 29 + "\u3002", 0, True),
        (_WATER * 28 + "\u3002", 0, False),
    ],
)
def test_is_full_paragraph_with_a_word_count(line: str, words: int, full: bool) -> None:
    assert is_full_paragraph(line, words) is full


@pytest.mark.parametrize(("spaces", "timestamp"), [(22, True), (23, False)])
def test_a_line_of_more_than_24_spaces_is_no_timestamp(spaces: int, timestamp: bool) -> None:
    # "Updated" and the date's 2 spaces: 24 spaces are looked at, 25 are not
    assert is_timestamp("Updated" + " " * spaces + "3 May 2019") is timestamp


@pytest.mark.parametrize(
    ("line", "index", "named"),
    [
        ("By Jane Smith, CNN", 2, ("byline", "a byline word and a name above the text")),
        ("Published 3 May 2019", 0, ("timestamp", "a date in a short line")),
        ("Jane Smith | CNN", 2, ("byline", "a name in a short line above the text")),
        (_PROSE, 10, ("comment", "prose below the article's text")),
        (_HEADLINE, 10, ("related", "a headline-like line below the text")),
        (
            "Flooded reading room of the library on Sunday",
            2,
            ("caption", "a sentence without a full stop just above the text"),
        ),
        ("Home", 0, ("boilerplate", "site chrome: short, list-like or away from the text")),
    ],
)
def test_name_other_reasons(line: str, index: int, named: tuple[str, str]) -> None:
    assert _name_other(line, features.shapes([line])[0], index, 3, 9) == named
