"""The line classifier (parse/classify.py, features.py): scraped pages in five languages, the
byline and timestamp rules, the shape features, and a clean article that must lose nothing.

The pages in tests/data/classify/ are invented (not publishers' text). Each is site chrome,
then the article's paragraphs, then footer chrome; PAGES says how many lines each part has.
An assertion the shipped model fails on a realistic page is an xfail(strict=True) with the
reason, so that a better model shows up as an XPASS to turn into a plain assertion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedsvc.config import Settings
from feedsvc.model import ParsedArticle
from feedsvc.parse import features
from feedsvc.parse import parse_bytes
from feedsvc.parse import parse_text
from feedsvc.parse.article import classify_lines
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import classify
from feedsvc.parse.linetypes import byline_name
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_timestamp
from feedsvc.parse.model_lines import LineModel

DATA = Path(__file__).parent / "data" / "classify"
RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()


# --------------------------------------------------------------------------- scraped pages


@dataclass(frozen=True)
class Page:
    """A fixture page: ``top`` lines of chrome (navigation, sign in, a cookie notice, a byline,
    a timestamp), ``prose`` paragraphs of the article, then footer chrome to the end."""

    name: str
    top: int
    prose: int
    cjk: bool = False

    @functools.cached_property
    def lines(self) -> list[str]:
        return (DATA / f"{self.name}.txt").read_text("utf-8").splitlines()

    @property
    def header(self) -> list[str]:
        return self.lines[: self.top]

    @property
    def paragraphs(self) -> list[str]:
        return self.lines[self.top : self.top + self.prose]

    @property
    def footer(self) -> list[str]:
        return self.lines[self.top + self.prose :]


PAGES = {
    p.name: p
    for p in (
        Page("en-library-flood", top=13, prose=6),
        Page("pt-metro-greve", top=12, prose=6),
        Page("de-bahn-baustelle", top=12, prose=6),
        Page("ru-teplo-avariya", top=12, prose=6),
        Page("ja-kotsu-jiko", top=11, prose=5, cjk=True),
    )
}

# None today: the cookie notice's button above the byline ("Accept all cookies") was one until
# classify._above_opener.
XFAIL: dict[tuple[str, str], str] = {}


def pages(check: str) -> list[object]:
    """Every page as a parameter, marked xfail where the model fails ``check`` on it."""
    return [
        pytest.param(
            name, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=XFAIL[check, name])
        )
        if (check, name) in XFAIL
        else name
        for name in PAGES
    ]


@functools.cache
def parsed(name: str) -> ParsedArticle:
    return parse_bytes((DATA / f"{name}.txt").read_bytes(), RULES)


def sentences(paragraph: str) -> list[str]:
    """A plain splitter for the fixtures' own prose (none has abbreviations)."""
    return [s for s in re.split(r"(?<=[.!?])\s+|(?<=。)", paragraph) if s]


def opening(text: str, cjk: bool) -> str:
    """The first few words of a text (CJK: characters)."""
    return text[:12] if cjk else " ".join(text.split()[:8])


def test_pages_are_shaped_as_the_brief_says() -> None:
    """Guards the layout numbers above: 4-8 paragraphs of 25-60 words, chrome around them."""
    for page in PAGES.values():
        assert 4 <= len(page.paragraphs) <= 8, page.name
        for p in page.paragraphs:
            size = len(p) if page.cjk else len(p.split())
            assert (60 <= size <= 150) if page.cjk else (25 <= size <= 60), (page.name, p)
            assert p.endswith("。" if page.cjk else "."), (page.name, p)
        assert len(page.header) >= 8 and len(page.footer) >= 5, page.name


@pytest.mark.parametrize("name", pages("title"))
def test_page_title_is_the_first_sentence_of_the_lead(name: str) -> None:
    page, article = PAGES[name], parsed(name)
    first = sentences(page.paragraphs[0])[0].rstrip("。.")
    if article.title.endswith("…"):  # a first sentence longer than title_length is cut
        assert len(article.title) <= RULES.title_length
        assert first.startswith(article.title[:-1].rstrip())
        assert article.title.startswith(opening(first, page.cjk))
    else:
        assert article.title.rstrip("。.") == first


@pytest.mark.parametrize("name", pages("summary"))
def test_page_summary_starts_with_the_lead(name: str) -> None:
    page, article = PAGES[name], parsed(name)
    lead = page.paragraphs[0]
    if article.summary.startswith(opening(lead, page.cjk)):
        return
    # ... or the title is cut short and the summary goes on where it stops, after an ellipsis,
    title = article.title.rstrip("。.")
    if title.endswith("…"):
        assert lead.startswith(title[:-1]), article.title
        rest = lead[len(title) - 1 :].lstrip(",;:、， ")
        assert article.summary.startswith("…" + opening(rest, page.cjk)), article.summary
        return
    # ... or the title is the lead's whole first sentence(s) and the summary goes on after it
    # rather than repeat it.
    assert not title.endswith("…") and lead.startswith(title), article.summary
    rest = " ".join(page.paragraphs)[len(title) :].lstrip("。. ")
    assert article.summary.startswith(opening(rest, page.cjk))


@pytest.mark.parametrize("name", list(PAGES))
def test_page_keeps_every_paragraph(name: str) -> None:
    page, article = PAGES[name], parsed(name)
    assert [p for p in page.paragraphs if p not in article.paragraphs] == []


@pytest.mark.parametrize("name", pages("header"))
def test_page_header_chrome_is_not_in_paragraphs(name: str) -> None:
    """Navigation, sign in, the cookie notice, the byline and the timestamp."""
    page, article = PAGES[name], parsed(name)
    assert [line for line in page.header if line in article.paragraphs] == []


@pytest.mark.parametrize("name", pages("footer"))
def test_page_footer_chrome_is_not_in_paragraphs(name: str) -> None:
    """The copyright line, related headlines, the comment form notice."""
    page, article = PAGES[name], parsed(name)
    assert [line for line in page.footer if line in article.paragraphs] == []


@pytest.mark.parametrize("name", pages("headline chrome"))
def test_page_chrome_is_not_in_title_or_summary(name: str) -> None:
    page, article = PAGES[name], parsed(name)
    shown = f"{article.title}\n{article.summary}"
    for line in page.header + page.footer:
        for sentence in sentences(line):
            # Navigation words ("Home", "ニュース") may be words of the text too: only lines
            # long enough to be chrome of their own are looked for.
            if (len(sentence) >= 8) if page.cjk else (len(sentence.split()) >= 3):
                assert sentence.rstrip("。.") not in shown, sentence


def test_a_russian_title_is_the_first_sentence() -> None:
    lead = (
        "Авария на теплотрассе оставила без отопления двести домов в Заречном районе. "
        "Ремонт продлится до вечера вторника, сообщили в администрации города."
    )
    more = "Жители жалуются, что о проблемах с трубопроводом говорили несколько лет, но ремонт откладывали."
    article = parse_text(f"{lead}\n{more}", RULES)
    assert article.title == "Авария на теплотрассе оставила без отопления двести домов в Заречном районе"


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Jane Smith, CNN", "Jane Smith"),
        ("Meg Kinnard and Errin Haines, Associated Press", "Meg Kinnard and Errin Haines"),
        ("Por Ana Souza", "Ana Souza"),
        ("Von Katrin Hoffmann", "Katrin Hoffmann"),
        ("Автор: Ирина Волкова", "Ирина Волкова"),
        ("By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy", "Mike Wall"),
        ("Jane Smith | Reuters", "Jane Smith"),
        ("By Jane Smith in London", "Jane Smith"),
        ("By Anna Beth Carl Dora Emil Fritz Gus Hans", "Anna Beth Carl Dora Emil Fritz Gus Hans"),
        # not bylines
        ("The minister said the talks would resume on Monday.", None),
        ("by jane smith", None),  # lower case
        ("By Anna Beth Carl Dora Emil Fritz Gus Hans Ida", None),  # nine words: too many
        ("By Jane", None),  # one word
        ("Jane Smith", None),  # a name alone: no byline word, no comma or bar
        ("By Agent 007", None),
    ],
)
def test_byline_name(line: str, name: str | None) -> None:
    assert byline_name(line) == name


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Updated 1909 GMT (0309 HKT) November 18, 2019", "November 18, 2019 1909 GMT"),
        ("November 20, 2019 / 1:07 AM / CBS News", "November 20, 2019 1:07 AM"),
        ("2019-11-18T20:51:19Z", "2019-11-18T20:51:19Z"),
        ("Posted: 2019-11-18 20:51", "2019-11-18 20:51"),
        ("Published 18 November 2019", "18 November 2019"),
        ("04/03/2024 09h15 Atualizado há 2 horas", "04/03/2024 09h15"),
    ],
)
def test_find_date_in_a_timestamp(line: str, date: str) -> None:
    assert find_date(line) == date
    assert is_timestamp(line)


@pytest.mark.parametrize(
    ("line", "date"), [("18.11.2019", "18.11.2019"), ("04.03.2024 09:15", "04.03.2024 09:15")]
)
def test_find_date_in_a_dotted_date(line: str, date: str) -> None:
    assert find_date(line) == date


def test_a_dotted_date_is_a_timestamp() -> None:
    assert is_timestamp("18.11.2019")
    assert is_timestamp("04.03.2024, 09:15 Uhr")


def test_a_pm_time_is_kept() -> None:
    assert find_date("November 20, 2019 / 1:07 PM / CBS News") == "November 20, 2019 1:07 PM"
    assert find_date("Posted Nov. 20, 2019 at 9:15 a.m.") == "Nov. 20, 2019 9:15 a.m"
    assert find_date("November 20, 2019 9:15") == "November 20, 2019 9:15"  # no AM/PM: as written


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("On December 3, 2004 it rained.", "December 3, 2004"),
        ("The council met on November 18, 2019, and voted to close the library.", "November 18, 2019"),
        ("2019", None),
        ("In 2019 the council met.", None),
        ("Sign in", None),
    ],
)
def test_a_sentence_or_a_year_is_not_a_timestamp(line: str, date: str | None) -> None:
    assert find_date(line) == date
    assert not is_timestamp(line)


# --------------------------------------------------------------------------- byline and date in an article

_BYLINE = "By Jane Smith, CNN"
_TIMESTAMP = "Updated 1909 GMT (0309 HKT) November 18, 2019"
_PROSE = (
    "The city council voted on Monday to close the central library for six months while engineers "
    "repair the damage caused by last week's flood.",
    "Councillors said the building had flooded twice in ten years and that new barriers along the "
    "river would be built before the library opens again.",
    "A temporary lending service will run from the community centre, and no late fees will be "
    "charged to readers while the library is closed.",
)
_BODY = "\n".join((_BYLINE, _TIMESTAMP, *_PROSE))


def test_byline_and_timestamp_lines_are_classified() -> None:
    lines = classify_lines(_BODY.splitlines(), RULES)
    assert [(line.text, line.kind) for line in lines] == [
        (_BYLINE, "byline"),
        (_TIMESTAMP, "timestamp"),
        (_PROSE[0], "lead"),
        (_PROSE[1], "body"),
        (_PROSE[2], "body"),
    ]
    assert [line.sentence for line in lines] == [False, False, True, True, True]


def test_byline_and_timestamp_give_author_and_date() -> None:
    article = parse_text(_BODY, RULES)
    assert article.author == "Jane Smith"
    assert article.date == datetime(2019, 11, 18, 19, 9, tzinfo=UTC)
    assert article.paragraphs == _PROSE
    assert article.title == _PROSE[0].rstrip(".")


def test_headers_win_over_byline_and_timestamp() -> None:
    header = "Date: 2020-01-02T03:04:05Z\nAuthor: Sam Lee <sam@example.com>\n\n"
    article = parse_text(header + _BODY, RULES)
    assert article.author == "Sam Lee"
    assert article.date == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert article.paragraphs == _PROSE


_WALL = "By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy"


def test_a_byline_with_a_timestamp_dates_the_article() -> None:
    article = parse_text("\n".join((_WALL, *_PROSE)), RULES)
    assert article.date == datetime(2019, 11, 18, 20, 51, 19, tzinfo=UTC)
    assert article.paragraphs == _PROSE


def test_a_byline_with_a_timestamp_gives_the_author() -> None:
    assert parse_text("\n".join((_WALL, *_PROSE)), RULES).author == "Mike Wall"


def test_a_byline_with_a_date_below_the_threshold_gives_author_and_date() -> None:
    """Scored below the threshold (not text), the line is named by _name_other, which asks for a byline
    first: the author and the date both come from it."""
    article = parse_text("\n".join(("By Jane Smith 18 November 2019", *_PROSE)), RULES)
    assert article.author == "Jane Smith"
    assert article.date == datetime(2019, 11, 18, tzinfo=UTC)
    assert article.paragraphs == _PROSE


# --------------------------------------------------------------------------- rules, with a fixed model


@dataclass(frozen=True)
class _FirstCandidate:
    """A lead model that prefers the first paragraph (``rank0``), or the second."""

    second: bool = False

    def probability(self, row: Sequence[float], tokens: frozenset[str] = frozenset()) -> float:
        return row[1] if self.second else row[0]


@dataclass(frozen=True)
class FixedModel:
    """Stands in for the learned model: each line's probability is given, so the rules around
    it (THRESHOLD, CONTINUE, naming what is not text, the lead) are tested on their own."""

    probs: tuple[float, ...]
    lead: _FirstCandidate = _FirstCandidate()

    def probabilities(self, shapes: Sequence[features.LineShape]) -> tuple[list[float], list[float]]:
        assert len(shapes) == len(self.probs)
        return list(self.probs), list(self.probs)


def kinds(lines: Sequence[tuple[str, float]], lead: _FirstCandidate = _FirstCandidate()) -> list[str]:
    model = cast(LineModel, FixedModel(tuple(p for _, p in lines), lead))
    out = classify(
        [text for text, _ in lines],
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=model,
    )
    return [line.kind for line in out]


_P = _PROSE


def test_what_is_not_text_is_named_by_its_shape_and_place() -> None:
    page = [
        ("Home", 0.1),
        ("By Jane Smith 18 November 2019", 0.4),
        ("Flooded reading room of the library on Sunday", 0.2),
        ("Published 18 November 2019", 0.3),
        (_P[0], 0.9),
        ("It rained.", 0.2),  # FILL: a likely line between lines of text is text
        (_P[1], 0.9),
        ("Bridge repairs on Mill Lane delayed until next summer", 0.2),
        ("I have lived by this river for forty years and the council has never listened to us.", 0.2),
        ("Sign in", 0.1),
    ]
    assert kinds(page) == [
        "boilerplate",
        "byline",
        "caption",  # 8 words, no full stop, at most 2 lines above the text
        "timestamp",
        "lead",
        "body",
        "body",
        "related",  # a headline-like line below the text
        "comment",  # prose below the text
        "boilerplate",
    ]


@pytest.mark.parametrize(("p", "kind"), [(0.2, "body"), (0.1999, "boilerplate")])
def test_continue_keeps_a_sentence_after_text(p: float, kind: str) -> None:
    assert kinds([(_P[0], 0.9), (_P[1], 0.9), ("It rained.", p)]) == ["lead", "body", kind]


def test_continue_needs_a_full_stop() -> None:
    assert kinds([(_P[0], 0.9), (_P[1], 0.9), ("Residents were told", 0.4)]) == [
        "lead",
        "body",
        "boilerplate",
    ]


@pytest.mark.parametrize(("p", "kind"), [(0.2, "body"), (0.1999, "boilerplate")])
def test_fill_keeps_a_likely_line_between_text(p: float, kind: str) -> None:
    """A list item or a subhead inside the article: no full stop needed."""
    assert kinds([(_P[0], 0.9), ("Residents were told", p), (_P[1], 0.9)]) == ["lead", kind, "body"]


def test_a_small_run_of_text_apart_from_the_article_is_not_text() -> None:
    """More than GAP lines of chrome between them: the smaller run (a cookie notice) goes."""
    cookie = "We use cookies to give you the best experience on our website, and to show you adverts."
    page = [
        (cookie, 0.9),
        ("Accept", 0.1),
        ("Home", 0.1),
        ("News", 0.1),
        (_P[0], 0.9),
        (_P[1], 0.9),
        (_P[2], 0.9),
    ]
    assert kinds(page)[0] == "boilerplate"
    assert kinds(page)[4:] == ["lead", "body", "body"]


def test_a_byline_and_a_timestamp_do_not_join_two_runs() -> None:
    cookie = "We use cookies to give you the best experience on our website, and to show you adverts."
    page = [
        (cookie, 0.9),
        ("Accept", 0.1),
        ("By Jane Smith, Reuters", 0.9),
        ("Updated 10:32 GMT, 18 November 2019", 0.9),
        (_P[0], 0.9),
        (_P[1], 0.9),
        (_P[2], 0.9),
    ]
    assert kinds(page) == ["boilerplate", "boilerplate", "byline", "timestamp", "lead", "body", "body"]


@pytest.mark.parametrize(("p", "kind"), [(0.5, "body"), (0.4999, "boilerplate")])
def test_threshold(p: float, kind: str) -> None:
    page = [("Sign in", 0.1), ("Residents were told", p), (_P[0], 0.9), (_P[1], 0.9)]
    assert kinds(page) == ["boilerplate", kind, "lead", "body"]


def test_text_above_the_lead() -> None:
    page = [
        ("November 18, 2019", 0.9),
        ("By Jane Smith", 0.9),
        ("LONDON", 0.9),
        ("Residents were told", 0.9),
        (_P[0], 0.9),
        (_P[1], 0.9),
        (_P[2], 0.9),
    ]
    assert kinds(page) == ["timestamp", "byline", "dateline", "body", "lead", "body", "body"]
    # The lead model picks the second paragraph: the first is a stand-first.
    assert kinds(page, _FirstCandidate(second=True))[4:] == ["standfirst", "lead", "body"]


def test_too_little_prose_keeps_every_line() -> None:
    """A short note: no line is a full paragraph, so the model is not trusted."""
    assert kinds([("Closed today", 0.9), ("Sign in", 0.1), ("Back on Monday.", 0.1)]) == ["body"] * 3


# --------------------------------------------------------------------------- features


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "The council said that it would not be able to open the library before the end of the year.",
            "English",
        ),
        (
            "O sindicato afirma que a empresa não cumpriu o acordo e que as condições dos trens pioraram.",
            "Portuguese",
        ),
        ("Жители жалуются, что о проблемах с трубопроводом в районе говорили несколько лет.", "Russian"),
    ],
)
def test_article_language(text: str, language: str) -> None:
    assert features.article_language([text]) == features.stop_words().languages.index(language)


@pytest.mark.parametrize(
    "lines",
    [
        ["12:30 45.6 2019-11-18", "#### ----"],
        ["警察の調べでは、乗用車が赤信号を無視して交差点に進入した可能性があるという。"],
        [],
    ],
)
def test_no_function_words_no_language(lines: list[str]) -> None:
    assert features.article_language(lines) == -1
    assert features.article_function_words(lines) == frozenset()


@pytest.mark.parametrize(
    ("text", "language", "word"),
    [
        ("The council said that it would not open the library before the end of the year.", "English", "the"),
        ("Le conseil a dit qu'il ne pourrait pas ouvrir la bibliothèque avant la fin de l'année.", "French", "le"),
        # the lists' first language (index 0): a list like any other
        ("Die raad het gesê dat hulle nie die biblioteek voor die einde van die jaar sal oopmaak nie.", "Afrikaans", "die"),
    ],
)
def test_function_words_are_the_article_language_s_list(text: str, language: str, word: str) -> None:
    stop = features.stop_words()
    assert features.article_function_words([text]) == stop.sets[stop.languages.index(language)]
    assert word in features.article_function_words([text])


def test_article_language_reads_the_first_200_words() -> None:
    """The first 240 characters of each line, up to 200 words: a menu at the top does not
    hide the language unless it fills the whole sample."""
    menu = " ".join(["Home News Business Sport Culture Science Weather Travel Podcasts Video"] * 20)
    assert len(features._sample_words(menu)) == 35  # 240 characters of it, the last word cut
    text = " ".join(
        ["The council said that it would not be able to open the library before the end of the year."] * 4
    )
    english = features.stop_words().languages.index("English")
    assert features.article_language([menu, text]) == english  # 35 + 76 words
    assert features.article_language([menu] * 6 + [text]) == -1  # 210 words of menu


def _value(shape: features.LineShape, name: str) -> float:
    return shape.values[features.NAMES.index(name)]


@pytest.mark.parametrize(
    ("line", "terminal"),
    [
        ("It rained.", True),
        ("Is it over?", True),
        ("He said: “It rained.”", True),  # a closing quote after the full stop
        ("She called it «a disaster».", True),
        ("雨が降った。", True),
        ("「雨が降った。」", True),
        ("Wait…", True),
        ("Related stories", False),
        ("(Photo: AP)", False),
        ("Read more:", False),
    ],
)
def test_shape_terminal(line: str, terminal: bool) -> None:
    shape = features.shapes([line])[0]
    assert shape.terminal is terminal
    assert _value(shape, "terminal") == float(terminal)


def test_shape_values() -> None:
    lines = ["BREAKING NEWS", "Breaking News", "2019-11-18", "Read more:", "“It rained,” she said."]
    upper, title_case, date, label, quote = features.shapes(lines)
    assert _value(upper, "upper_line") == 1.0
    assert [_value(s, "upper_line") for s in features.shapes(["USA", "UK", "ÉTÉ 2019", "НОВОСТИ"])] == [
        1.0,
        1.0,  # any line with letters of a case and none in lower case
        1.0,
        1.0,
    ]
    assert [_value(s, "upper_line") for s in features.shapes(["2019", "USA today", "Ёлка"])] == [
        0.0,
        0.0,
        0.0,
    ]
    assert _value(title_case, "upper_line") == 0.0
    assert _value(title_case, "capital_share") == 1.0
    assert _value(date, "digit_share") == 0.8  # 8 digits of 10 characters
    assert _value(date, "upper_line") == 0.0
    assert _value(label, "colon_end") == 1.0
    assert _value(quote, "opens_quote") == 1.0
    assert _value(quote, "comma_rate") == 0.25  # one comma, four words
    assert (upper.words, date.words, quote.words) == (2, 1, 4)  # words are what spaces separate
    assert [_value(s, "short") for s in (upper, quote)] == [1.0, 0.0]
    # position
    assert [_value(s, "rel_pos") for s in (upper, date, quote)] == [0.0, 0.5, 1.0]
    assert [_value(s, "first") for s in (upper, title_case)] == [1.0, 0.0]
    assert [_value(s, "last") for s in (label, quote)] == [0.0, 1.0]


def test_shape_stop_density_in_the_articles_language() -> None:
    line = "The cat and the dog sat on a mat near the door of the house."
    shape = features.shapes([line])[0]
    words = line.casefold().rstrip(".").split()
    english = features.stop_words().sets[features.stop_words().languages.index("English")]
    assert features.article_language([line]) == features.stop_words().languages.index("English")
    assert shape.stop_density == sum(w in english for w in words) / len(words)
    assert shape.stop_density > 0.4
    assert _value(shape, "no_stop") == 0.0


def test_shape_cjk() -> None:
    line = "警察の調べでは、乗用車が赤信号を無視して交差点に進入した可能性があるという。"
    shape = features.shapes([line])[0]
    assert _value(shape, "cjk") == 1.0
    assert _value(shape, "short") == 0.0  # one "word" without spaces, but not a short line
    assert _value(shape, "long") == 0.0  # under 60 characters
    assert _value(shape, "upper_line") == 0.0


def test_a_short_cjk_line_is_not_upper_case() -> None:
    assert _value(features.shapes(["雨が降った。"])[0], "upper_line") == 0.0


# --------------------------------------------------------------------------- a clean article

# Invented news sentences, 15-40 words each, every one ending in a full stop.
SENTENCES = (
    "The regional council approved a plan on Tuesday to rebuild the old harbour wall, which was badly damaged in the storms of last winter.",
    "Officials said the work would begin in the spring and should be finished before the start of the tourist season next year.",
    "Fishermen who use the harbour every day welcomed the decision but warned that any delay could put their boats at risk again.",
    "The cost of the project is estimated at four million euros, most of which will come from a national fund for coastal protection.",
    "A spokesman for the environment ministry said the new wall would be higher and stronger than the one it replaces.",
    "Residents of the seafront streets have complained for years that water reaches their doors whenever a strong wind blows from the west.",
    "Engineers will also repair the road that runs along the top of the wall, which has been closed to cars since January.",
    "Local businesses said the closure of the road had cut the number of visitors to the town centre by almost half.",
    "The mayor told reporters that she had asked the government to speed up the payment so that contracts could be signed this month.",
    "Opposition councillors voted for the plan but said the council had ignored warnings about the state of the wall for more than a decade.",
    "A public meeting about the works will be held at the town hall next Thursday evening, and everyone who lives nearby is invited.",
    "Scientists at the university have said that storms of this strength are likely to become more common along this part of the coast.",
)


def test_the_vocabulary_is_as_the_property_says() -> None:
    assert all(15 <= len(s.split()) <= 40 and s.endswith(".") for s in SENTENCES)


@given(
    st.lists(
        st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map(" ".join),
        min_size=3,
        max_size=15,
    )
)
def test_a_clean_article_loses_nothing(paragraphs: list[str]) -> None:
    """No chrome at all: every paragraph is text, in order."""
    assert parse_text("\n".join(paragraphs), RULES).paragraphs == tuple(paragraphs)


# --------------------------------------------------------------------------- the fast paths


class _NoModel:
    def probabilities(self, shapes: Sequence[features.LineShape]) -> tuple[list[float], list[float]]:
        raise AssertionError("the model must not be asked")


def without_model(lines: list[str]) -> list[Line]:
    """classify() with no [parse] rules and a model that fails the test when asked."""
    return classify(
        lines,
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, _NoModel()),
    )


def test_one_run_of_full_paragraphs_is_all_text_without_the_model() -> None:
    paragraphs = [
        "The council voted on Monday to close three libraries in the west of the city next spring.",
        "Campaigners said the closures would leave thousands of children without a place to study.",
        "A spokesman said the council faced a gap of four million pounds in next year's budget.",
    ]
    out = classify(
        ["Advert", *paragraphs],
        is_boilerplate=lambda line: line == "Advert",
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, _NoModel()),
    )
    assert [x.kind for x in out] == ["boilerplate", "lead", "body", "body"]
    assert [x.text for x in out[1:]] == paragraphs
    assert all(x.sentence for x in out[1:])


def test_one_short_line_sends_the_article_to_the_model() -> None:
    lines = [
        "Sign in",
        "The council voted on Monday to close three libraries in the west of the city next spring.",
    ]
    with pytest.raises(AssertionError, match="must not be asked"):
        without_model(lines)


LINES = st.lists(
    st.sampled_from(
        [
            "Sign in",
            "Home | News | Sport",
            "By Jane Smith, Reuters",
            "Updated 10:32 GMT, 18 November 2019",
            "The council voted on Monday to close three libraries in the west of the city next spring.",
            "“We will fight this,” said one parent, who asked not to be named.",
            "© 2024 Example Media. All rights reserved.",
            "Related: Ten things to know about the budget",
            "Оппозиция потребовала отставки министра после публикации доклада о расходах.",
            "警察の調べでは、乗用車が赤信号を無視して交差点に進入した可能性があるという。",
        ]
    ),
    min_size=1,
    max_size=14,
)


@given(LINES)
def test_first_stage_equals_its_plain_definition(lines: list[str]) -> None:
    """first_stage folds the linear model over neighbours and windows; it must give what the
    model gives on the rows vectors() builds, line by line."""
    from feedsvc.parse import model_lines

    model = model_lines.line_model()
    shapes = features.shapes(lines)
    plain = [
        model.first.probability(r, s.tokens) for r, s in zip(model_lines.vectors(shapes), shapes, strict=True)
    ]
    assert model.first_stage(shapes) == pytest.approx(plain, abs=1e-12)


def test_a_short_closing_sentence_still_takes_the_fast_path() -> None:
    lines = [
        "The Rev. Robert Hale, the founder of a television ministry watched by millions, died on Thursday.",
        "He was 88 years old.",
    ]
    out = without_model(lines)
    assert [x.kind for x in out] == ["lead", "body"]


def test_the_fast_path_leads_with_the_first_full_paragraph() -> None:
    lines = [
        "By Jane Smith, Reuters.",
        "He was 88 years old.",
        "The Rev. Robert Hale, the founder of a ministry watched by millions, died on Thursday.",
        "He had been ill for some time.",
    ]
    out = without_model(lines)
    assert [x.kind for x in out] == ["byline", "body", "lead", "body"]


@pytest.mark.parametrize(
    "lines",
    [
        ["He was 88 years old.", "Aged 88, he died on Thursday."],
        [
            "The Rev. Robert Hale, the founder of a ministry watched by millions, died on Thursday.",
            "Aged 88.",
        ],
        [
            "The Rev. Robert Hale, the founder of a ministry watched by millions, died on Thursday.",
            "Read more",
        ],
    ],
    ids=["no-full-paragraph", "three-words", "no-full-stop"],
)
def test_the_fast_path_needs_a_full_paragraph_and_only_sentences(lines: list[str]) -> None:
    with pytest.raises(AssertionError, match="must not be asked"):
        without_model(lines)


def test_a_sentence_inside_the_run_of_text_is_text_whatever_the_model_says() -> None:
    """Scraped copy loses links ("won the men's 400m, with ..." once began with a name): a
    sentence between lines of text is part of the article."""
    assert kinds([(_P[0], 0.9), ("won the men's 400m in record time.", 0.01), (_P[1], 0.9)]) == [
        "lead",
        "body",
        "body",
    ]
    # Not a sentence (no full stop, or under SENTENCE_WORDS words): the model decides.
    assert kinds([(_P[0], 0.9), ("Attendance 42,093", 0.01), (_P[1], 0.9)])[1] != "body"
    assert kinds([(_P[0], 0.9), ("Won it.", 0.01), (_P[1], 0.9)])[1] != "body"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04.03.2024 09:15", datetime(2024, 3, 4, 9, 15, tzinfo=UTC)),  # day first, as dotted dates are
        ("4.3.2024", datetime(2024, 3, 4, tzinfo=UTC)),
        ("03/04/2024", datetime(2024, 3, 4, tzinfo=UTC)),  # slashes: month first, as dateutil reads them
        ("November 20, 2019 1:07 PM", datetime(2019, 11, 20, 13, 7, tzinfo=UTC)),
    ],
)
def test_dates_from_timestamps_read_right(value: str, expected: datetime) -> None:
    from feedsvc.parse.article import parse_date

    assert parse_date(value, UTC) == expected


def test_a_dotted_timestamp_dates_the_article() -> None:
    article = parse_text("\n".join(("Von Hans Meier", "04.03.2024 09:15", *_PROSE)), RULES)
    assert article.date == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)
