"""Exact-behaviour tests written to kill mutants that survived the parser's own tests (see
bench/MUTATION.md): boundaries, the less common binary magics, entity forms, escape sequences,
sentence and dateline edge cases."""

from __future__ import annotations

import pytest

from feedsvc.parse import ParseError
from feedsvc.parse import clean_text
from feedsvc.parse import decode
from feedsvc.parse import split_lines
from feedsvc.parse.lead import is_date_line
from feedsvc.parse.lead import lead_paragraphs
from feedsvc.parse.lead import make_summary
from feedsvc.parse.lead import make_title
from feedsvc.parse.lead import make_title_and_summary
from feedsvc.parse.lead import shorten
from feedsvc.parse.lead import split_sentences
from feedsvc.parse.lead import strip_dateline

PROSE = b"Boats are back. " * 6


def reason(data: bytes) -> str:
    with pytest.raises(ParseError) as e:
        decode(data)
    return e.value.reason


# --------------------------------------------------------------------------- text.decode


def test_empty_file_reason() -> None:
    assert reason(b" \n\t ") == "empty file"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"RIFF\x10\x00\x00\x00AVI LIST", "WebP, WAV or AVI media"),
        (b"PK\x07\x08", "ZIP archive, docx, odt or epub"),
        (b"BZh9\x17rE8P\x90", "bzip2 data"),
        (b"\xfe\xed\xfa\xce", "Mach-O executable"),
        (b"\xfe\xed\xfa\xcf", "Mach-O executable"),
        (b"\xce\xfa\xed\xfe", "Mach-O executable"),
        (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
        (b"MZ\x90\x01", "Windows/DOS executable"),
    ],
)
def test_less_common_magics(head: bytes, name: str) -> None:
    assert reason(head + PROSE) == f"binary file ({name})"


def test_short_data_with_a_nul_is_judged_by_its_controls() -> None:
    # fewer than 4 bytes: no NUL pattern to sniff (and no division by zero groups)
    assert reason(b"a\x00b") == "binary file (33.3% control bytes)"


def test_wide_sniff_thresholds_are_inclusive() -> None:
    # offset 1 of each 4 bytes is NUL in exactly half the groups: still "mostly NUL" (>= 0.5)
    text = "\u0101a\u0101aaaaa"
    assert decode(text.encode("utf-16-le")) == text
    # offset 0 NUL in exactly 1 of 5 whole groups (<= 0.2); the trailing partial group does not count
    text = "\u0100" + "a" * 9 + "\u0100"
    assert decode(text.encode("utf-16-le")) == text


def test_wide_text_at_exactly_the_binary_share_is_text() -> None:
    text = "a" * 19 + "\x01"  # 1 control in 20 characters: 5%, not more
    assert decode(text.encode("utf-16-le")) == text


def test_only_the_first_64k_bytes_are_judged() -> None:
    # 3276 controls in the first 65536 bytes (4.999%) and nothing but controls after them
    head = (b"\x01" + b"a" * 19) * 3276
    head += b"a" * (65536 - len(head))
    data = head + b"\x01" * 1000
    assert len(decode(data)) == len(data)


# --------------------------------------------------------------------------- text.clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a&#X41;b", "aAb"),
        ("&Eacute;t&eacute;", "Été"),
        ("&AElig;", "Æ"),
        ("&frac12;", "½"),
        ("&#0000065;", "A"),  # 7 decimal digits
        ("&#x000041;", "A"),  # 6 hex digits
        ("a&#x9;b", "a\tb"),  # 1 hex digit
        ("&amp" + "x" * 29 + ";", "&" + "x" * 29 + ";"),  # a 32-character name
    ],
)
def test_character_references(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1bMb", "ab"),  # two-byte escape, @-Z
        ("a\x1b^b", "ab"),  # two-byte escape, \\-_
        ("a\u2060b", "ab"),  # word joiner
        ("e\u0301", "\u00e9"),  # NFC
    ],
)
def test_clean_characters(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_split_lines_keeps_edge_letters() -> None:
    assert split_lines("X and X\nfoo  X\nXX") == ["X and X", "foo X", "XX"]


# --------------------------------------------------------------------------- lead
SENTENCES = [
    ('He said "Go." Then he left.', ['He said "Go."', "Then he left."]),
    ('He left. "Why?" she asked.', ["He left.", '"Why?" she asked.']),
    ("Wait!? Yes.", ["Wait!?", "Yes."]),
    ("It ended… Then more.", ["It ended…", "Then more."]),
    ("(Yes.) No.", ["(Yes.)", "No."]),
    ("Fin.» Suite.", ["Fin.»", "Suite."]),
    ("It rose. 5 people came.", ["It rose.", "5 people came."]),
    ("Il part. Élise reste.", ["Il part.", "Élise reste."]),
    ("Er geht. Øyvind bleibt.", ["Er geht.", "Øyvind bleibt."]),
    ("Er geht. Þór bleibt.", ["Er geht.", "Þór bleibt."]),
    ("Mr. Smith came. He sat.", ["Mr. Smith came.", "He sat."]),
    ("J. K. Rowling wrote. Yes.", ["J. K. Rowling wrote.", "Yes."]),
    ("The U.S. Army left. Yes.", ["The U.S. Army left.", "Yes."]),
    ('He met "Dr. No" there. Yes.', ['He met "Dr. No" there.', "Yes."]),
    ("Wait... Then go.", ["Wait...", "Then go."]),
    ("Go!! Now.", ["Go!!", "Now."]),
    ("See (Fig. 3) now. Ok.", ["See (Fig. 3) now.", "Ok."]),
    ("He went to St. Paul.", ["He went to St. Paul."]),
    (
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA Mr. Smith came.",
        ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA Mr. Smith came."],
    ),
    ("Yes. [Note] No.", ["Yes.", "[Note] No."]),
    ("Yes.’ No.", ["Yes.’", "No."]),
    ("Yes.” No.", ["Yes.”", "No."]),
    ("He won. ‘Great’ he said.", ["He won.", "‘Great’ he said."]),
    ("He won. “Great” he said.", ["He won.", "“Great” he said."]),
    ("He won. «Bien» dit-il.", ["He won.", "«Bien» dit-il."]),
    ("He won. (Really) yes.", ["He won.", "(Really) yes."]),
    ("He won. [Sic] yes.", ["He won.", "[Sic] yes."]),
    ("He won.) Yes.", ["He won.)", "Yes."]),
    ("He won.] Yes.", ["He won.]", "Yes."]),
    ("Pi is 3.14 today. Yes.", ["Pi is 3.14 today.", "Yes."]),
    ("I. Am.", ["I. Am."]),
    ("x. Y.", ["x. Y."]),
    ("Ok ?. No", ["Ok ?.", "No"]),
]


@pytest.mark.parametrize(("paragraph", "sentences"), SENTENCES)
def test_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


DATELINES = [
    ("WASHINGTON (CNN) -- The news.", "The news."),
    ("LONDON, England (Reuters) - Text here.", "Text here."),
    ("(AP) — Text.", "Text."),
    ("(AFP) – Text.", "Text."),
    ("(UPI) Text.", "Text."),
    ("(PA) Text.", "Text."),
    ("(BBC) Text.", "Text."),
    ("PARIS — Text.", "Text."),
    ("PARIS -- Text.", "Text."),
    ("PARIS – Text.", "Text."),
    ("CAPE CANAVERAL, Florida - Text.", "Text."),
    ("(CNN)", "(CNN)"),
    ("(CNN) -- ", "(CNN) -- "),
    ("NEW YORK, New York -- Text.", "Text."),
    ("Washington (CNN) Text.", "Text."),
    ("PA — Text.", "PA — Text."),
    ("ABC - Text.", "ABC - Text."),
    ("A B - Text.", "A B - Text."),
]


@pytest.mark.parametrize(("text", "stripped"), DATELINES)
def test_datelines(text: str, stripped: str) -> None:
    assert strip_dateline(text) == stripped


DATE_LINES = [
    ("December 3, 2004", True),
    ("Friday, 3 December 2004", True),
    ("2004-12-03", True),
    ("Wed. Dec. 3rd, 2004.", True),
    ("Wednesday, 3rd September 2004", True),
    ("Wednesday, 3rd September            2004", True),
    ("Wednesday, 3rd September             2004", False),
    ("Saturday, May 1, 2010", True),
    ("Thurs. Sept 9 2010", True),
]


@pytest.mark.parametrize(("line", "is_date"), DATE_LINES)
def test_date_lines(line: str, is_date: bool) -> None:
    assert is_date_line(line) is is_date


def test_lead_paragraphs_skip_an_opening_date_line_only_before_more() -> None:
    assert list(lead_paragraphs(["December 3, 2004"])) == ["December 3, 2004"]
    assert list(lead_paragraphs(["December 3, 2004", "Text."])) == ["Text."]


SHORTEN = [
    ("abcde", 5, "abcde"),
    ("abcdef", 5, "abcd…"),
    ("aaaa bbbbbbbb", 10, "aaaa…"),
    ("aaa bbbbbbbb", 10, "aaa bbbbb…"),
    ("abc", 1, "a…"),
    ("abc", 2, "a…"),
    ("aaaaaaa, bbbbbbbbbb", 12, "aaaaaaa…"),
    ("abcdefgX hijklmnop", 12, "abcdefgX…"),
    ("aaaaaa - bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa ( bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa 'bbbbbbb", 10, "aaaaaa…"),
    ('aaaaaa "bbbbbbb', 10, "aaaaaa…"),
    ("aaaaaa; bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa: bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa — bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa – bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa ‘bbbbbbb", 10, "aaaaaa…"),
    ("aaaaaa “bbbbbbb", 10, "aaaaaa…"),
]


@pytest.mark.parametrize(("text", "limit", "short"), SHORTEN)
def test_shorten(text: str, limit: int, short: str) -> None:
    assert shorten(text, limit) == short


TITLES = [
    ("The cat sat.", 80, "The cat sat"),
    ("The cat sat.", 9, "The cat…"),
    (". The cat sat.", 80, "The cat sat"),
    (". The cat sat.", 9, "The cat…"),
    ("— The cat sat.", 80, "The cat sat"),
    ("— The cat sat.", 9, "The cat…"),
    ("-5 degrees today.", 80, "-5 degrees today"),
    ("-5 degrees today.", 9, "-5 degre…"),
    ("...", 80, "..."),
    ("...", 9, "..."),
    (".", 80, "."),
    (".", 9, "."),
    ("The end...", 80, "The end..."),
    ("The end...", 9, "The end.…"),
    ("Hello world. Second one.", 80, "Hello world"),
    ("Hello world. Second one.", 9, "Hello…"),
    ("!? Hi there.", 80, "Hi there"),
    ("!? Hi there.", 9, "Hi there"),
    ("* Bullet point.", 80, "Bullet point"),
    ("* Bullet point.", 9, "Bullet…"),
    ("• Dot.", 80, "Dot"),
    ("• Dot.", 9, "Dot"),
    ("· Mid.", 80, "Mid"),
    ("· Mid.", 9, "Mid"),
    (", comma.", 80, "comma"),
    (", comma.", 9, "comma"),
    ("; semi.", 80, "semi"),
    ("; semi.", 9, "semi"),
    (": colon.", 80, "colon"),
    (": colon.", 9, "colon"),
    ("‐ a.", 80, "a"),
    ("‐ a.", 9, "a"),
    ("‑ b.", 80, "b"),
    ("‑ b.", 9, "b"),
    ("‒ c.", 80, "c"),
    ("‒ c.", 9, "c"),
    ("― d.", 80, "d"),
    ("― d.", 9, "d"),
    ("– e.", 80, "e"),
    ("– e.", 9, "e"),
    ("… f.", 80, "f"),
    ("… f.", 9, "f"),
    ("\t g.", 80, "g"),
    ("\t g.", 9, "g"),
    ("abcdefghij", 10, "abcdefghij"),
    ("abcdefghijk", 10, "abcdefghi…"),
    ("abcdefghij.", 10, "abcdefghij"),
]


@pytest.mark.parametrize(("lead", "limit", "title"), TITLES)
def test_titles(lead: str, limit: int, title: str) -> None:
    assert make_title(lead, limit) == title


SUMMARIES = [
    (["One two. Three four five. Six."], 8, "One two.", ("One two", "Three…"), ("One two", "Three…")),
    (["One two. Three four five. Six."], 9, "One two.", ("One two", "Three…"), ("One two", "Three…")),
    (["One two. Three four five. Six."], 10, "One two.", ("One two", "Three…"), ("One two", "Three…")),
    (
        ["One two. Three four five. Six."],
        20,
        "One two.",
        ("One two", "Three four five."),
        ("One two", "Three four five."),
    ),
    (
        ["One two. Three four five. Six."],
        24,
        "One two.",
        ("One two", "Three four five. Six."),
        ("One two", "Three four five. Six."),
    ),
    (
        ["One two. Three four five. Six."],
        25,
        "One two. Three four five.",
        ("One two", "Three four five. Six."),
        ("One two", "Three four five. Six."),
    ),
    (
        ["One two. Three four five. Six."],
        100,
        "One two. Three four five. Six.",
        ("One two", "Three four five. Six."),
        ("One two", "Three four five. Six."),
    ),
    (["One two three.", "Four five."], 8, "One…", ("One…", "One…"), ("One two three", "Four…")),
    (["One two three.", "Four five."], 9, "One two…", ("One…", "One two…"), ("One two three", "Four…")),
    (["One two three.", "Four five."], 10, "One two…", ("One…", "One two…"), ("One two three", "Four five.")),
    (
        ["One two three.", "Four five."],
        20,
        "One two three.",
        ("One…", "One two three."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        24,
        "One two three.",
        ("One…", "One two three."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        25,
        "One two three. Four five.",
        ("One…", "One two three. Four five."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        100,
        "One two three. Four five.",
        ("One…", "One two three. Four five."),
        ("One two three", "Four five."),
    ),
    (["(CNN) -- One two. Three."], 8, "One two.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 9, "One two.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 10, "One two.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 20, "One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 24, "One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 25, "One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    (["(CNN) -- One two. Three."], 100, "One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 8, ". .", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 9, ". .", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 10, ". .", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 20, ". . One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 24, ". . One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 25, ". . One two. Three.", ("One two", "Three."), ("One two", "Three.")),
    ([". . One two. Three."], 100, ". . One two. Three.", ("One two", "Three."), ("One two", "Three.")),
]


@pytest.mark.parametrize(("paragraphs", "limit", "summary", "short_title", "long_title"), SUMMARIES)
def test_summaries(
    paragraphs: list[str], limit: int, summary: str, short_title: tuple[str, str], long_title: tuple[str, str]
) -> None:
    assert make_summary(paragraphs, limit) == summary
    assert make_title_and_summary(paragraphs, 8, limit) == short_title
    assert make_title_and_summary(paragraphs, 80, limit) == long_title
