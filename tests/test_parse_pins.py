"""Behaviour the parser's mutation run (bench/MUTATION.md, round 4: bench/mutate.py over whole
modules) found unpinned: each test fails on at least one surviving mutant and states what a
reader or a feed would see. Fixtures are written here, in several languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import clean_text
from feedsvc.parse import parse_text
from feedsvc.parse import split_lines

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
