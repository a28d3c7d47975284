"""Exact-behaviour tests written to kill mutants that survived the parser's own tests (see
bench/MUTATION.md): boundaries, the less common binary magics, entity forms, escape sequences,
sentence and dateline edge cases."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from feedsvc.parse import ParseError
from feedsvc.parse import clean_text
from feedsvc.parse import decode
from feedsvc.parse import features
from feedsvc.parse import split_lines
from feedsvc.parse.article import author_name
from feedsvc.parse.article import parse_date
from feedsvc.parse.article import split_header
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
    # other alphabets and agencies: capitals are told by case, not by A-Z
    ("SEVILLA, España (EFE) — El texto.", "El texto."),
    ("MOSCÚ (AP) — El texto.", "El texto."),
    ("São Paulo (Reuters) - Texto.", "Texto."),
    ("Berlin (dpa) - Der Text.", "Der Text."),
    ("ROMA (ANSA) - Il testo.", "Il testo."),
    ("ÜBERLINGEN – Der Text.", "Der Text."),
    ("МОСКВА — Текст.", "Текст."),
    ("ΑΘΗΝΑ — Το κείμενο.", "Το κείμενο."),
    ("Übersicht – der Text.", "Übersicht – der Text."),  # a word in title case is no place in capitals
    ("MÜNCHEN, bayern – Text.", "MÜNCHEN, bayern – Text."),  # a region starts with a capital
    ("the city (AP) — Text.", "the city (AP) — Text."),
    ("São Paulo (Folha) - Texto.", "São Paulo (Folha) - Texto."),  # not a wire service
    ("서울 — 기사 본문.", "서울 — 기사 본문."),  # no capitals, no dateline of this shape
    ("ÉTÉ — Texte.", "Texte."),
    ("ÉT — Texte.", "ÉT — Texte."),  # two letters are too few for a place
    # a place in capitals, a source in brackets that is no wire service, then a dash
    ("HONOLULU, Hawaii (KHNL News) - The text.", "The text."),
    ("BOGOTÁ (El Tiempo) — El texto.", "El texto."),
    ("NASA (the agency) - said more.", "NASA (the agency) - said more."),  # a source has a capital
    ("Honolulu (KHNL) - The text.", "Honolulu (KHNL) - The text."),  # the place in capitals
    ("HONOLULU (KHNL) The text.", "HONOLULU (KHNL) The text."),  # and a dash after it
    # a date after the place: its month is a month's name in some language, its day a day
    ("LONDON, March 3 (Reuters) - The text.", "The text."),
    ("WASHINGTON, March 3, 2024 — The text.", "The text."),
    ("NEW YORK, Mar. 3 — The text.", "The text."),
    ("MADRID, 3 mar (EFE).- El texto.", "El texto."),
    ("SÃO PAULO, 3 de março de 2024 (Reuters) - O texto.", "O texto."),
    ("BERLIN, 3. März (dpa) - Der Text.", "Der Text."),
    ("PARIS, 3 mars 2024 (AFP) - Le texte.", "Le texte."),
    ("МОСКВА, 3 марта — Текст.", "Текст."),
    ("МОСКВА, 3 мар — РИА Новости. Текст.", "Текст."),  # the agency after the dash, then a full stop
    ("ПАРИЖ, 3 марта. /ТАСС/. Текст.", "Текст."),  # the agency between slashes
    ("ΑΘΗΝΑ, 3 Μαρτίου — Το κείμενο.", "Το κείμενο."),
    ("HONOLULU, Hawaii, March 3 (KHNL) - The text.", "The text."),
    ("LONDON, Flat 3 — The text.", "LONDON, Flat 3 — The text."),  # no month
    ("LONDON, March 45 — The text.", "LONDON, March 45 — The text."),  # "March 45": not read as a date...
    ("MOSCOW, 45 March — The text.", "MOSCOW, 45 March — The text."),  # ... nor this: no day
    ("LONDON, March 31 — The text.", "The text."),  # the first and the last day of a month
    ("LONDON, 1 March — The text.", "The text."),
    ("LONDON, March 32 — The text.", "LONDON, March 32 — The text."),
    ("LONDON, 0 March — The text.", "LONDON, 0 March — The text."),
    ("LONDON, March 3, 1899 — The text.", "LONDON, March 3, 1899 — The text."),  # a year of 19xx or 20xx
    ("London, March 3 — The text.", "London, March 3 — The text."),  # the place in capitals
    ("/TASS/ The text.", "/TASS/ The text."),  # the agency between slashes ends a sentence's dateline
    # a place (and an agency) in lenticular brackets opens a Japanese story
    ("【金沢】記録的な大雪のため。", "記録的な大雪のため。"),
    ("【ワシントン共同】米政府は3日、発表した。", "米政府は3日、発表した。"),
    ("【金沢】", "【金沢】"),  # nothing after it: the text stays
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
    (["One two three.", "Four five."], 8, "One…", ("One…", "…two…"), ("One two three", "Four…")),
    (["One two three.", "Four five."], 9, "One two…", ("One…", "…two…"), ("One two three", "Four…")),
    (["One two three.", "Four five."], 10, "One two…", ("One…", "…two…"), ("One two three", "Four five.")),
    (
        ["One two three.", "Four five."],
        20,
        "One two three.",
        ("One…", "…two three."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        24,
        "One two three.",
        ("One…", "…two three. Four five."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        25,
        "One two three. Four five.",
        ("One…", "…two three. Four five."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        100,
        "One two three. Four five.",
        ("One…", "…two three. Four five."),
        ("One two three", "Four five."),
    ),
    # a title cut short: its summary is the rest of the sentence ("…two three.", 11 characters),
    # then the next sentence when the room holds both (22)
    (
        ["One two three.", "Four five."],
        21,
        "One two three.",
        ("One…", "…two three."),
        ("One two three", "Four five."),
    ),
    (
        ["One two three.", "Four five."],
        22,
        "One two three.",
        ("One…", "…two three. Four five."),
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


# --------------------------------------------------------------------------- lead.py, round 2

_DOTTED_39 = ".".join("abcdefghijklmnopqrst")  # 20 letters and 19 dots: 39 characters

SENTENCE_EDGES = [
    # a full stop then "?" after an abbreviation is no sentence end; "!" after one is
    ("Ask Mr.? Then go.", ["Ask Mr.? Then go."]),
    ("Thank you Dr! Then he left.", ["Thank you Dr!", "Then he left."]),
    # an ellipsis after an abbreviation ends the sentence
    ("Wait for Mr... Then go.", ["Wait for Mr...", "Then go."]),
    # a closing and an opening straight single quote
    ("He said 'go.' Then he left.", ["He said 'go.'", "Then he left."]),
    ("It ended. 'Go,' he said.", ["It ended.", "'Go,' he said."]),
    # lower-case dotted abbreviations
    ("Fruit, e.g. Apples are good.", ["Fruit, e.g. Apples are good."]),
    # no word before the stop: nothing to call an abbreviation
    ("It was \u201c. Then he left.", ["It was \u201c.", "Then he left."]),
    (". Then he left.", [".", "Then he left."]),
    ("Go. . Then he left.", ["Go. .", "Then he left."]),
    # "X" is not a quote to strip off a word
    ("Size XL. Then it shrank.", ["Size XL.", "Then it shrank."]),
    # the 40 characters before a stop are read whole: "Xa.b.(...).t" is no dotted abbreviation
    (f"See X{_DOTTED_39}. Then go.", [f"See X{_DOTTED_39}.", "Then go."]),
]


@pytest.mark.parametrize(("paragraph", "sentences"), SENTENCE_EDGES)
def test_sentence_edges(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    "line",
    [
        "December 13, 2004",
        "December 1st, 2004",
        "December 2nd, 2004",
        "December 4th, 2004",
        "Monday, December 13, 2004",
        "Mon 13 December 2004",
        "Tue 13 December 2004",
        "Tues. December 13, 2004",
        "Thu 13 December 2004",
        "Thur December 13, 2004",
        "Thursday December 13, 2004",
        "Sat 13 December 2004",
        "Sunday 13 December 2004",
    ],
)
def test_more_date_lines(line: str) -> None:
    assert is_date_line(line)


_OFFICIALS = "Officials said."


@pytest.mark.parametrize(
    "dateline",
    [
        "(Reuters) ",
        "(AFP) ",
        "WASHINGTON (CNN) -- ",
        "Winston-Salem (AP) -- ",
        "Paris, FRANCE (AFP) ",
        "LONDON, Stoke-on-Trent (Reuters) - ",
        "A" + "b" * 40 + " (CNN) ",  # 1 + 40 characters before the agency
        "Paris, B" + "c" * 30 + " (CNN) ",  # a region of 1 + 30
        "WINSTON-SALEM -- ",
        "UAE \u2014 ",  # a place of 3 capitals
        "C" * 31 + " -- ",  # ... and of 31
        "NEW YORK, NY -- ",
        "NEW YORK, Winston-Salem -- ",
        "ROME, B" + "c" * 30 + " -- ",
        "WINSTON-SALEM, North Carolina - ",
        "CAPE CANAVERAL, FL - ",
        "CAPE CANAVERAL, New Mexico - ",
        "UAE, Florida - ",
        "UAE, NY - ",
        "C" * 31 + ", Florida - ",
        "ROME, B" + "c" * 30 + " - ",
    ],
)
def test_more_datelines_are_stripped(dateline: str) -> None:
    assert strip_dateline(dateline + _OFFICIALS) == _OFFICIALS


def test_a_hyphen_between_tabs_is_no_dateline() -> None:
    # the plain-hyphen form needs " - ": every dateline has one of _DATELINE_MARKS
    text = "CAPE CANAVERAL, Florida\t-\tOfficials said."
    assert strip_dateline(text) == text


@pytest.mark.parametrize("lead", ["- , The minister spoke.", "- The minister spoke."])
def test_title_junk_with_spaces_and_hyphens(lead: str) -> None:
    assert make_title(lead, 80) == "The minister spoke"


# --------------------------------------------------------------------------- article.py header

_PLUS_2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("1900-01-01 00:00 UTC", datetime(1900, 1, 1, tzinfo=UTC)),
        ("1900-01-01 00:00 -02:00", datetime(1900, 1, 1, 2, tzinfo=UTC)),
        ("9998-12-31 23:00 UTC", datetime(9998, 12, 31, 23, tzinfo=UTC)),
        ("9999-01-01 00:00 +02:00", datetime(9998, 12, 31, 22, tzinfo=UTC)),
        ("9998-12-31 21:00 -02:00", datetime(9998, 12, 31, 23, tzinfo=UTC)),
        ("2024-05-03 10:00 PDT", datetime(2024, 5, 3, 17, tzinfo=UTC)),
        ("2024-05-03 10:00", datetime(2024, 5, 3, 8, tzinfo=UTC)),  # naive: the given zone
        ("3 May 2024 10:00 XYZ", datetime(2024, 5, 3, 8, tzinfo=UTC)),  # unknown zone: naive
    ],
)
def test_parse_date(value: str, utc: datetime) -> None:
    out = parse_date(value, _PLUS_2)
    assert out == utc
    assert out.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("1899-12-31 23:00 UTC", 1899),
        ("1899-12-31 23:00 -02:00", 1899),  # 1900 in UTC, but out of range as written
        ("1900-01-01 01:00 +02:00", 1899),  # in range, but not in UTC
        ("1900-01-01", 1899),  # naive, in +02:00
        ("9999-12-31", 9999),
        ("9998-12-31 22:00 -02:00", 9999),
        ("9999-06-01 00:00 UTC", 9999),
    ],
)
def test_parse_date_out_of_range(value: str, year: int) -> None:
    with pytest.raises(ValueError, match=f"^year {year} is out of range$"):
        parse_date(value, _PLUS_2)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Jane Doe <jane@example.com>", "Jane Doe"),
        ("jane@example.com", "jane"),
        ("<jane@example.com>", "jane"),
        ('"jane@example.com" <jane@example.com>', "jane"),
        ("Jane Doe (jane@example.com)", "Jane Doe"),
        ('"Bob" <bob@x.org>', "Bob"),
        ("jane@example.com, Bob", "Bob"),
        ("j@x; Bob", "Bob"),
        ("Jane Doe jane@x.org", "Jane Doe"),
        ("'Jane' <j@x>", "'Jane'"),
        ("@x.org", "@x.org"),
        ("bob@", "bob@"),
        ("  Jane  ", "Jane"),
        ("", None),
        (" ", None),
    ],
)
def test_author_name(value: str, name: str | None) -> None:
    assert author_name(value) == name


@pytest.mark.parametrize(
    ("lines", "header", "rest"),
    [
        (["", "Title: A", "Date: 2024", "", "Body"], {"title": "A", "date": "2024"}, ["", "Body"]),
        (["Title: A", "title: B", "", "x"], {"title": "A"}, ["", "x"]),  # the first one counts
        (["Title: A", "Body"], {}, ["Title: A", "Body"]),
        (["TITLE:A"], {"title": "A"}, []),
        (["Title\t:\tA"], {"title": "A"}, []),
        (["Title:  A  \t", "ID: 7"], {"title": "A", "id": "7"}, []),
        (["", "", ""], {}, ["", "", ""]),
        (["", "Body"], {}, ["", "Body"]),
        (["Body"], {}, ["Body"]),
        ([], {}, []),
    ],
)
def test_split_header(lines: list[str], header: dict[str, str], rest: list[str]) -> None:
    assert split_header(lines) == (header, rest)


# --------------------------------------------------------------------------- clauses, CJK, Cyrillic

_A20 = "a" * 20


@pytest.mark.parametrize("mark", [", ", "; ", ": ", " – ", " — ", " -- ", "、", "，"])
def test_shorten_after_every_clause_end(mark: str) -> None:
    assert shorten(_A20 + mark + "bbbb cccc dddd eeee", 30) == _A20 + "…"


@pytest.mark.parametrize(
    ("limit", "short"),
    [
        (29, _A20 + "…"),
        (30, _A20 + "…"),
        (31, _A20 + "…"),  # the clause ends at 20 = (2 * 31) // 3
        (32, _A20 + ", bbbb…"),  # 20 < 21: on a word boundary
        (33, _A20 + ", bbbb cccc…"),
    ],
)
def test_shorten_clause_in_the_last_third(limit: int, short: str) -> None:
    assert shorten(_A20 + ", bbbb cccc dddd eeee ffff", limit) == short


def test_shorten_after_a_clause_keeps_an_x() -> None:
    assert shorten("a" * 19 + "X, bbbb cccc dddd eeee", 30) == "a" * 19 + "X…"


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("水。火", ["水。", "火"]),
        ("水。 火", ["水。", "火"]),
        ("水！火", ["水！", "火"]),
        ("水？火", ["水？", "火"]),
        ("水。」火", ["水。」", "火"]),
        ("水。』火", ["水。』", "火"]),
        ("水。）火", ["水。）", "火"]),
        ('水。"火', ['水。"', "火"]),
        ("水。”火", ["水。”", "火"]),
        ("水。’火", ["水。’", "火"]),
        ("水。", ["水。"]),
        ("Он ушёл. Она пришла.", ["Он ушёл.", "Она пришла."]),
        ("Он ушёл. Ёлка стоит.", ["Он ушёл.", "Ёлка стоит."]),
        ("Он ушёл. „Да“, сказала она.", ["Он ушёл.", "„Да“, сказала она."]),
        ("He left. Ωmega came.", ["He left.", "Ωmega came."]),
        ("He left. Αlpha came.", ["He left.", "Αlpha came."]),
        ("He left. [Sic] It came.", ["He left.", "[Sic] It came."]),
        ("He left. 'Sic' it came.", ["He left.", "'Sic' it came."]),
    ],
)
def test_sentences_in_cjk_cyrillic_greek(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(("lead", "title"), [("水が来た。火も。", "水が来た"), ("水が来た。", "水が来た")])
def test_a_cjk_title_loses_its_full_stop(lead: str, title: str) -> None:
    assert make_title(lead, 80) == title


def test_a_lead_of_cjk_stops_only_is_titled_by_its_first() -> None:
    # two "sentences" without a word: the first one is the title
    assert split_sentences("。！") == ["。", "！"]
    assert make_title("。！", 80) == "。"
    assert make_title("？。", 80) == "？"


# --------------------------------------------------------------------------- quotes that close
# German „…“ and ‚…‘, Danish and German »…«: the closing mark is one that opens elsewhere.


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "Er sagte: „Wir kommen nicht.“ Dann ging er nach Hause.",
            ["Er sagte: „Wir kommen nicht.“", "Dann ging er nach Hause."],
        ),
        ("Sie fragte: ‚Wann?‘ Niemand antwortete.", ["Sie fragte: ‚Wann?‘", "Niemand antwortete."]),
        ("Han sagde: »Vi kommer ikke.« Så gik han.", ["Han sagde: »Vi kommer ikke.«", "Så gik han."]),
        ("Er schrieb: ›Nein.‹ Das war alles.", ["Er schrieb: ›Nein.‹", "Das war alles."]),
    ],
)
def test_a_sentence_ends_inside_closing_quotes_of_any_style(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    "line",
    [
        "Der Minister sagte: „Wir werden das Gesetz noch in diesem Jahr ändern.“",
        "Han sagde til avisen: »Vi ændrer loven i år, som vi har lovet vælgerne.«",
        "Sie sagte: ‚Wir ändern das Gesetz noch in diesem Jahr.‘",
    ],
)
def test_a_paragraph_in_closing_quotes_of_any_style_ends_like_a_sentence(line: str) -> None:
    (shape,) = features.shapes([line])
    assert shape.terminal
