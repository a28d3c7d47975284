"""Behaviour the parser's mutation run (bench/MUTATION.md, round 4: bench/mutate.py over whole
modules) found unpinned: each test fails on at least one surviving mutant and states what a
reader or a feed would see. Fixtures are written here, in several languages."""

from __future__ import annotations

import math
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import ParseError
from feedsvc.parse import clean_text
from feedsvc.parse import features
from feedsvc.parse import parse_text
from feedsvc.parse import split_lines
from feedsvc.parse.article import author_name
from feedsvc.parse.article import classify_lines
from feedsvc.parse.article import parse_date
from feedsvc.parse.article import split_header
from feedsvc.parse.linetypes import _PLACE
from feedsvc.parse.linetypes import byline_name
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.linetypes import is_byline

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()


# --------------------------------------------------------------------------- text.split_lines


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Tom &amp; Jerry", ["Tom & Jerry"]),
        ("Crème br&ucirc;l&eacute;e &mdash; 3 &euro;", ["Crème brûlée — 3 €"]),
        ("Москва &laquo;сегодня&raquo;\nВторая строка", ["Москва «сегодня»", "Вторая строка"]),
        ("a &lt;b&gt; &#8217; &#x41;", ["a <b> ’ A"]),
    ],
)
def test_split_lines_decodes_character_references(text: str, lines: list[str]) -> None:
    # the fast path and the slow one (the Cyrillic line is not ASCII) alike
    assert split_lines(text) == lines


def test_an_article_body_shows_decoded_references() -> None:
    article = parse_text(
        "Title: Fish &amp; chips\n\nThe shop sold fish &amp; chips to the whole street for forty years.",
        RULES,
    )
    assert article.title == "Fish & chips"  # header values are decoded too
    assert [b.text for b in article.blocks] == [
        "The shop sold fish & chips to the whole street for forty years."
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Line one.\nLine two.\n", ["Line one.", "Line two."]),  # no empty line after a final line end
        ("\nLine two.", ["", "Line two."]),  # an opening empty line stays, the last line too
        ("Zeile eins.\r\nZeile zwei.\r\n", ["Zeile eins.", "Zeile zwei."]),  # CRLF is one line end
        ("Ligne un.\rLigne deux.", ["Ligne un.", "Ligne deux."]),
        ("a\r\n\r\nb", ["a", "", "b"]),
    ],
)
def test_split_lines_line_ends(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize("control", ["\x01", "\x08", "\x1e", "\x1f", "\x7f"])
def test_split_lines_removes_every_ascii_control(control: str) -> None:
    assert split_lines(f"One{control} line") == ["One line"]


# --------------------------------------------------------------------------- text.clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1b]0;window title\x07b", "ab"),  # OSC ended by BEL: the title goes, the text stays
        ("a\x1b]2;title\x1b\\b", "ab"),  # OSC ended by ST
        ("a\x1b]0;unterminated\nb", "a\nb"),  # an unterminated OSC stops at the line end
    ],
)
def test_operating_system_commands_are_removed_whole(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "&#00000065;",  # 8 decimal digits: more than any code point needs
        "&#x0000041;",  # 7 hex digits
        "&amp" + "x" * 30 + ";",  # a 34-character name: longer than any entity's
    ],
)
def test_overlong_references_stay_as_written(raw: str) -> None:
    assert clean_text(raw) == raw


# --------------------------------------------------------------------------- article.parse_date

_INDIA = timezone(timedelta(hours=5, minutes=30))  # the default zone: a date without a zone is in it


@pytest.mark.parametrize(
    ("abbreviation", "hours"),
    [
        ("UT", 0), ("UTC", 0), ("GMT", 0), ("Z", 0), ("WET", 0),
        ("BST", 1), ("IST", 1), ("CET", 1), ("WEST", 1),  # IST as Irish, its common news meaning
        ("CEST", 2), ("EET", 2), ("EEST", 3), ("MSK", 3),
        ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7),
        ("AEST", 10), ("AEDT", 11), ("JST", 9), ("HKT", 8), ("SGT", 8),
    ],
)  # fmt: skip
def test_every_timezone_abbreviation(abbreviation: str, hours: int) -> None:
    # noon in that zone: never read as the default zone's (+05:30) noon
    out = parse_date(f"15 January 2024 12:00 {abbreviation}", _INDIA)
    assert out == datetime(2024, 1, 15, 12, tzinfo=UTC) - timedelta(hours=hours)


def test_an_unknown_abbreviation_is_the_default_zone() -> None:
    assert parse_date("15 January 2024 12:00 XST", _INDIA) == datetime(2024, 1, 15, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("3 May 2024", datetime(2024, 5, 3, tzinfo=UTC)),  # midnight
        ("May 2024", datetime(2024, 5, 1, tzinfo=UTC)),  # the first of the month
        ("2024", datetime(2024, 1, 1, tzinfo=UTC)),  # the first of January
        ("3 May 10:00", datetime(2000, 5, 3, 10, tzinfo=UTC)),  # no year: 2000, never this year
    ],
)
def test_missing_date_fields_are_filled_the_same_way_every_time(value: str, utc: datetime) -> None:
    assert parse_date(value, UTC) == utc


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("04.03.2024", datetime(2024, 3, 4, tzinfo=UTC)),  # German, Russian: day first
        ("4.3.2024", datetime(2024, 3, 4, tzinfo=UTC)),  # one-digit day and month
        ("04.03.24", datetime(2024, 3, 4, tzinfo=UTC)),  # a two-digit year
        ("4.11.2023 14:30", datetime(2023, 11, 4, 14, 30, tzinfo=UTC)),
        ("04/03/2024", datetime(2024, 4, 3, tzinfo=UTC)),  # slashes: month first, as dateutil reads them
    ],
)
def test_dotted_dates_are_day_first(value: str, utc: datetime) -> None:
    assert parse_date(value, UTC) == utc


# --------------------------------------------------------------------------- article.split_header


def test_a_space_before_the_colon_still_makes_a_header() -> None:
    # French typography puts one there
    assert split_header(["Title : Le marché", "Author :\tAnne", "", "Texte."]) == (
        {"title": "Le marché", "author": "Anne"},
        ["", "Texte."],
    )


# --------------------------------------------------------------------------- article.author_name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Jane Doe jane@@example.com", "Jane Doe"),  # a typo'd address is not published either
        ("Jane Doe a@b@example.com", "Jane Doe"),
        ("José Núñez <jose@@example.es>", "José Núñez"),
        ("@x.org", "@x.org"),  # no name before the "@": no address
        ("Malcolm X malcolm@example.org", "Malcolm X"),  # only the address's debris is stripped
    ],
)
def test_no_part_of_an_address_is_published(value: str, name: str) -> None:
    assert author_name(value) == name


# --------------------------------------------------------------------------- article.parse_text

BRIDGE = [
    "The council voted on Tuesday to close the old bridge to traffic for three months of repairs.",
    "Engineers found cracks in two of its supports during an inspection in the spring, the council said.",
    "Drivers will be sent on a detour through the town centre while the work goes on, it added.",
]


def _article(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_a_date_below_the_lead_is_not_the_articles() -> None:
    # a timestamp under the text (another story's, a comment's) says nothing of this article
    article = parse_text(
        _article("Home | News | Sport", *BRIDGE, "Posted 4 June 2024 10:00", "Share this story"), RULES
    )
    assert article.date is None


def test_a_date_above_the_lead_is_the_articles() -> None:
    article = parse_text(_article("Home | News | Sport", "Updated 3 May 2024 09:15", *BRIDGE), RULES)
    assert article.date == datetime(2024, 5, 3, 9, 15, tzinfo=UTC)


def test_an_unparseable_date_header_is_a_warning_and_no_date() -> None:
    # the header was given: a date line in the text does not stand in for it
    article = parse_text(_article("Date: someday soon", "", "Updated 3 May 2024 09:15", *BRIDGE), RULES)
    assert article.date is None
    with pytest.raises(ValueError) as e:
        parse_date("someday soon", RULES.timezone)
    assert article.warnings == (f"unparseable Date: header 'someday soon' ({e.value})",)


def test_a_summary_header_alone_leaves_the_title_to_the_lead() -> None:
    article = parse_text(_article("Summary: Repairs.", "", *BRIDGE), RULES)
    assert (article.title, article.summary) == (BRIDGE[0][:-1], "Repairs.")


def test_a_title_header_alone_leaves_the_summary_to_the_lead() -> None:
    article = parse_text(_article("Title: Bridge shut", "", *BRIDGE), RULES)
    assert article.title == "Bridge shut"
    assert article.summary.startswith(BRIDGE[0] + " " + BRIDGE[1])  # from the first paragraph on


def test_parse_errors_say_why() -> None:
    with pytest.raises(ParseError) as e:
        parse_text("Title: Only a header\n\n", RULES)
    assert e.value.reason == "no article text"


def test_explain_adds_the_features_to_the_reasons() -> None:
    lines = ["Home | News | Sport", *BRIDGE, "Share this story"]
    plain, explained = classify_lines(lines, RULES), classify_lines(lines, RULES, explain=True)
    assert [x.kind for x in plain] == [x.kind for x in explained]
    lead = next(i for i, x in enumerate(plain) if x.kind == "lead")
    assert explained[lead].reason.startswith(plain[lead].reason + " [")
    assert "[" not in plain[lead].reason


# --------------------------------------------------------------------------- classify: dates in a line


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published 14 February 2024", "14 February 2024"),  # every month, long and short
        ("Updated Aug 3, 2023", "Aug 3, 2023"),
        ("Posted May 2nd, 2024", "May 2nd, 2024"),  # every ordinal suffix
        ("Posted 2nd May 2024", "2nd May 2024"),
        ("Posted 21st May 2024", "21st May 2024"),
        ("Posted 23rd May 2024", "23rd May 2024"),
        ("Posted 24th May 2024", "24th May 2024"),
        ("Archive: March 3, 1999", "March 3, 1999"),  # the last century too
        ("Veröffentlicht 3.5.2024", "3.5.2024"),  # one-digit day and month
        ("Опубликовано 03/05/2024", "03/05/2024"),
        ("Published 2024-05-03 10:00:30+02:00", "2024-05-03 10:00:30+02:00"),  # the offset is kept
        ("Published 2024-05-03T10:00:30Z", "2024-05-03T10:00:30Z"),
        ("Published 2024-05-03T10:00", "2024-05-03T10:00"),
        ("Updated 3 May 2024 10:30 pm", "3 May 2024 10:30 pm"),  # lower-case am/pm
        ("Updated 3 May 2024 10:30 AM", "3 May 2024 10:30 AM"),
        ("Updated 1909 HKT, November 18, 2019", "November 18, 2019 1909 HKT"),  # a zone of 2 letters + T
        ("Updated 1909 UTC, November 18, 2019", "November 18, 2019 1909 UTC"),
        ("Updated 1909 GMT, November 18, 2019", "November 18, 2019 1909 GMT"),
    ],
)
def test_dates_in_a_line(line: str, date: str) -> None:
    assert find_date(line) == date


# --------------------------------------------------------------------------- classify: bylines

_BYLINE_WORDS = [
    "By", "Written by", "Words by", "Posted by", "Reported by", "Por", "Par", "Von", "Di", "Da", "Door",
    "Av", "Af", "Oleh", "Przez", "Od", "Autor", "Автор", "Від", "От", "Tarafından", "Του", "Της", "Bởi",
]  # fmt: skip


@pytest.mark.parametrize("word", _BYLINE_WORDS)
def test_every_byline_word(word: str) -> None:
    # no comma or bar: only the byline word makes it a byline
    assert byline_name(f"{word} Anna Nowak") == "Anna Nowak"
    assert is_byline(f"{word.lower()}: Anna Nowak")


@pytest.mark.parametrize("mark", [",", "|", "•", "·", "/", " - ", " – ", " — ", "(", " for ", " in ", " on "])
def test_a_byline_name_ends_at_every_mark(mark: str) -> None:
    assert byline_name(f"By Anna Nowak{mark}Reporter Extra") == "Anna Nowak"


def test_a_lower_case_accented_letter_is_no_capital() -> None:
    # a dateline is a place in capitals: "À" counts, "à" (U+00E0) does not
    assert _PLACE.match("ÉVRY À PARIS")
    assert not _PLACE.match("ÉVRY à PARIS")
    assert not _PLACE.match("STRAßE")


@pytest.mark.parametrize(
    "place",
    ["BADEN-BADEN", "SAINT-ÉTIENNE", "BONN, NORDRHEIN-WESTFALEN", "A" * 31, "LONDON, " + "B" * 31],
)
def test_places_in_capitals_with_hyphens_and_at_full_length(place: str) -> None:
    assert _PLACE.match(place)


def test_a_date_with_its_time_is_taken_without_another_time_in_the_line() -> None:
    assert find_date("2024-05-03 10:00 (updated 11:30)") == "2024-05-03 10:00"


# --------------------------------------------------------------------------- classify: one run of prose

TWELVE = "The new library opened its doors to readers on a rainy Monday."
ELEVEN = "The new library opened its doors to readers on rainy Monday."
TWELVE_RU = "Новая библиотека открыла свои двери для читателей в этот дождливый понедельник утром."


def _reasons(lines: list[str]) -> list[tuple[str, str]]:
    return [(x.kind, x.reason) for x in classify_lines(lines, RULES)]


@pytest.mark.parametrize("paragraph", [TWELVE, TWELVE_RU])
def test_one_run_of_prose_needs_a_paragraph_of_twelve_words(paragraph: str) -> None:
    assert _reasons(["Readers queued for hours.", paragraph]) == [
        ("body", "one run of prose; a sentence above the first paragraph"),
        ("lead", "one run of prose, no chrome: the first paragraph"),
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["Readers queued for hours.", ELEVEN],  # no paragraph of 12 words
        ["Readers queued early.", TWELVE],  # a line of 3 words: chrome, not a sentence
    ],
)
def test_not_one_run_of_prose(lines: list[str]) -> None:
    assert not any(reason.startswith("one run of prose") for _, reason in _reasons(lines))


_JA = "市立図書館は月曜日に新しい建物で開館し、多くの市民が朝から長い列を作った"  # 36 characters


@pytest.mark.parametrize(("length", "one_run"), [(29, False), (30, True)])
def test_a_cjk_paragraph_is_thirty_characters(length: int, one_run: bool) -> None:
    line = _JA[: length - 1] + "。"
    reasons = _reasons(["読者が並んだ。" * 2, line])
    assert reasons[1][1].startswith("one run of prose") is one_run


def test_a_byline_above_the_first_paragraph_is_the_author() -> None:
    lines = ["Reported by Anna Maria Nowak.", TWELVE, ELEVEN]
    assert _reasons(lines)[0] == ("byline", "a name after a byline word above the lead")
    article = parse_text(_article(*lines), RULES)
    assert article.author == "Anna Maria Nowak"
    assert [b.text for b in article.blocks] == [TWELVE, ELEVEN]  # the byline is not in the body


def test_a_line_of_debris_only_is_boilerplate() -> None:
    lines = ["[email protected]", *BRIDGE]  # what a scraper leaves of a hidden address
    first = classify_lines(lines, RULES)[0]
    assert (first.text, first.kind, first.reason) == (
        "[email protected]",
        "boilerplate",
        "nothing left after [parse] debris patterns",
    )


def test_rule_lines_score_zero_and_one_run_lines_one() -> None:
    lines = ["Readers queued for hours.", TWELVE, ELEVEN, "[email protected]", "Share this on Facebook"]
    out = classify_lines(lines, RULES)
    assert [(x.kind, x.score, x.rule, x.sentence) for x in out] == [
        ("body", 1.0, False, True),
        ("lead", 1.0, False, True),
        ("body", 1.0, False, True),
        ("boilerplate", 0.0, True, False),  # debris only
        ("boilerplate", 0.0, True, False),  # a [parse] boilerplate pattern
    ]


def test_model_scored_lines_say_the_models_probability() -> None:
    lines = ["Home | News | Sport", "Updated 3 May 2024 09:15", "Bridge repairs", *BRIDGE, "Share this story"]
    reasons = {x.kind: x.reason for x in classify_lines(lines, RULES)}
    assert re.fullmatch(r"model 0\.\d\d; the lead model's pick", reasons["lead"])
    assert re.fullmatch(r"model 0\.\d\d", reasons["body"])
    assert re.fullmatch(r"model 0\.\d\d < 0\.5; a date in a short line", reasons["timestamp"])


# --------------------------------------------------------------------------- features: what a line shows


def _features(lines: list[str], *, known_language: bool = True) -> list[dict[str, float]]:
    return [
        dict(zip(features.NAMES, s.values, strict=True))
        for s in features.shapes(lines, known_language=known_language)
    ]


def _feature(line: str, name: str) -> float:
    # the line after an English paragraph, so that the article's language is known
    return _features([TWELVE, line])[1][name]


@pytest.mark.parametrize(
    ("line", "short", "long"),
    [
        ("Three words here", 1.0, 0.0),
        ("Four words are here", 0.0, 0.0),
        (" ".join(["word"] * 24), 0.0, 0.0),
        (" ".join(["word"] * 25), 0.0, 1.0),
    ],
)
def test_short_is_under_four_words_and_long_twenty_five_or_more(line: str, short: float, long: float) -> None:
    assert (_feature(line, "short"), _feature(line, "long")) == (short, long)


@pytest.mark.parametrize(
    ("line", "no_stop"), [("Quarterly revenue forecasts rose", 1.0), ("Quarterly revenue rose", 0.0)]
)
def test_no_stop_is_four_or_more_words_without_a_function_word(line: str, no_stop: float) -> None:
    assert _feature(line, "no_stop") == no_stop
    assert _features([TWELVE, line], known_language=False)[1]["no_stop"] == 0.0  # no list: no such word


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("One. Two! Three? Four. Five.", 1.0),
        ("One. Two! Three.", 2 / 3),
        ("Один. Два.", 1 / 3),
        ("一。二。", 2 / 3),
    ],
)
def test_sentence_breaks_are_counted_up_to_three(line: str, sentences: float) -> None:
    assert _feature(line, "sentences") == pytest.approx(sentences)


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ('He said "yes."', "terminal", 1.0),  # closing quotes aside
        ("Ends with a colon:", "colon_end", 1.0),
        ("Ends with a colon:", "terminal", 0.0),
        ("BREAKING NEWS TODAY", "upper_line", 1.0),
        ("Breaking News Today", "upper_line", 0.0),
        ("2024 1234 5678", "upper_line", 0.0),  # no letter: nothing in capitals
        ("Breaking News Today", "capital_share", 1.0),
        ("Breaking news today", "capital_share", 1 / 3),
        ("Tel 123", "digit_share", 3 / 7),
        ("Цена 100", "digit_share", 3 / 8),
        ("a|b/c", "separator_share", 2 / 5),
        ("а » б", "separator_share", 1 / 5),
        ("one, two, three", "comma_rate", 2 / 3),
        ('"A quote opens', "opens_quote", 1.0),
        ("«Цитата", "opens_quote", 1.0),
        ("A quote closes»", "opens_quote", 0.0),
        ("see https://example.net/a", "url", 1.0),
        ("see example.org now", "url", 1.0),
        ("see www.example.net", "url", 1.0),
        ("write to @desk", "url", 1.0),
        ("see example.net now", "url", 0.0),
    ],
)
def test_line_features(line: str, name: str, value: float) -> None:
    assert _feature(line, name) == pytest.approx(value)


def test_position_features() -> None:
    rows = _features(["First line", "Middle line", "Last line"])
    assert [(r["first"], r["last"], r["rel_pos"]) for r in rows] == [
        (1.0, 0.0, 0.0),
        (0.0, 0.0, 0.5),
        (0.0, 1.0, 1.0),
    ]
    (only,) = _features(["Only line"])
    assert (only["first"], only["last"], only["rel_pos"]) == (1.0, 1.0, 0.0)


_CJK_TEXT = "市立図書館は月曜日に新しい建物で開館し多くの市民が朝から長い列を作った" * 3


@pytest.mark.parametrize(
    ("line", "cjk"),
    [
        (_CJK_TEXT[:11], 1.0),  # more than 10 CJK characters
        (_CJK_TEXT[:10], 0.0),
        ("x" * 29 + _CJK_TEXT[:11], 1.0),  # ... in the first 40
        ("x" * 30 + _CJK_TEXT[:11], 0.0),
        ("ひらがなとカタカナだけのぶんしょうです", 1.0),  # kana count
    ],
)
def test_a_cjk_line_is_more_than_ten_cjk_characters_in_its_first_forty(line: str, cjk: float) -> None:
    assert _feature(line, "cjk") == cjk


@pytest.mark.parametrize(("length", "long"), [(59, 0.0), (60, 1.0)])
def test_a_cjk_line_is_long_at_sixty_characters(length: int, long: float) -> None:
    row = _features([_CJK_TEXT[:length]])[0]
    assert (row["long"], row["short"]) == (long, 0.0)
    assert row["log_words"] == pytest.approx(math.log1p(length // 4))  # words: a quarter of the characters


def test_no_language_when_no_list_fits() -> None:
    assert _features([TWELVE])[0]["no_language"] == 0.0
    assert _features([TWELVE], known_language=False)[0]["no_language"] == 1.0
    assert _features([_CJK_TEXT])[0]["no_language"] == 1.0


def test_word_shares_are_measured_on_the_first_240_characters() -> None:
    # "a" (a function word) is the 241st character: not in the sample
    assert _feature("x" * 239 + " a", "stop_density") == 0.0
    assert _feature("x" * 238 + " a", "stop_density") == 0.5


def test_brackets_are_separators() -> None:
    assert _feature("[1]", "separator_share") == pytest.approx(2 / 3)
    assert _feature("[1] «a»", "separator_share") == pytest.approx(4 / 7)  # the other path


def test_the_first_stop_word_list_counts_too() -> None:
    # Afrikaans is the first list in the file (index 0): its function words count
    lines = ["Die kinders het gister in die park gespeel en hulle was baie gelukkig met die mooi weer."]
    assert features.stop_words().languages[features.article_language(lines)] == "Afrikaans"
    assert _features(lines)[0]["no_language"] == 0.0


def test_the_stop_word_file_has_no_unnamed_list() -> None:
    # its comment lines and blank lines are no languages
    names = features.stop_words().languages
    assert len(names) == len(set(names)) >= 50
    assert all(name and not name.startswith("#") and name[0].isupper() for name in names)
