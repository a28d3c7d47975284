"""parse_bytes, byte by byte: line ends with debris in them, titles after stray punctuation."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.model import ParsedArticle
from feedsvc.parse import parse_bytes

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("index.sqlite")).parse_rules()


def parse(data: bytes) -> ParsedArticle:
    return parse_bytes(data, RULES)


# --------------------------------------------------------------------------- line ends


def test_control_between_cr_and_lf_is_one_line_end() -> None:
    article = parse(b"Title: T\r\x1b\nAuthor: Jo\r\n\r\nBody.")
    assert article.title == "T"
    assert article.author == "Jo"
    assert article.paragraphs == ("Body.",)


@pytest.mark.parametrize("stray", [b"\x1b[0m", b"\x7f", "\u200b".encode()])
def test_stray_characters_inside_crlf_do_not_end_the_header(stray: bytes) -> None:
    article = parse(
        b"Title: Harbour reopens\r" + stray + b"\nAuthor: Jo\r\n\r" + stray + b"\nBoats are back."
    )
    assert (article.title, article.author, article.paragraphs) == (
        "Harbour reopens",
        "Jo",
        ("Boats are back.",),
    )


def test_cr_then_a_white_space_line_then_lf_is_still_two_line_ends() -> None:
    # White space is not debris: "\r \n" is a CR line end, a blank line, then an LF.
    article = parse(b"Title: T\r \nAuthor: Jo\r\n\r\nBody.")
    assert article.title == "T"
    assert article.author is None
    assert article.paragraphs == ("Author: Jo", "Body.")


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    "lead",
    [
        ". The minister spoke.",
        "... The minister spoke.",
        "… The minister spoke.",
        "— The minister spoke.",
        "—The minister spoke.",
        "- The minister spoke.",
        "!? The minister spoke.",
        "“. The minister spoke.",
        ", . ; The minister spoke.",
        "• The minister spoke.",
    ],
)
def test_punctuation_before_the_first_sentence_is_not_the_title(lead: str) -> None:
    article = parse(f"{lead} He left.".encode())
    assert article.title == "The minister spoke"
    assert article.paragraphs == (f"{lead} He left.",)  # the body is not touched


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("-5 degrees in Oslo. It is cold.", "-5 degrees in Oslo"),
        (".5 percent more. It is little.", ".5 percent more"),
        ("“Go.” The minister spoke.", "“Go.”"),
        ("(Updated) The minister spoke.", "(Updated) The minister spoke"),
        ("#MeToo founder speaks. She left.", "#MeToo founder speaks"),
        ("...", "..."),  # nothing but punctuation: it stays, a title is never empty
        (".", "."),
        ("— —", "— —"),
    ],
)
def test_title_keeps_signs_quotes_and_all_punctuation_leads(lead: str, title: str) -> None:
    assert parse(lead.encode()).title == title
