"""parse_bytes, byte by byte: encodings, what is binary and what is text with debris in it, line
ends with debris in them, titles after stray punctuation. Every case pins the exact output."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.model import ParsedArticle
from feedsvc.parse import ParseError
from feedsvc.parse import decode
from feedsvc.parse import parse_bytes

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("index.sqlite")).parse_rules()


def parse(data: bytes) -> ParsedArticle:
    return parse_bytes(data, RULES)


def reason(data: bytes) -> str:
    with pytest.raises(ParseError) as e:
        parse(data)
    return e.value.reason


ARTICLE = "Title: Zürich\n\nGrüße aus Zürich. 😀 Ça va.\n"
PROSE = b"Boats are back. " * 6  # 96 bytes


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le", "utf-8"])
def test_bom_names_the_encoding(encoding: str) -> None:
    bom = {"utf-32-be": codecs.BOM_UTF32_BE, "utf-32-le": codecs.BOM_UTF32_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-16-le": codecs.BOM_UTF16_LE, "utf-8": codecs.BOM_UTF8}[encoding]  # fmt: skip
    article = parse(bom + ARTICLE.encode(encoding))
    assert (article.title, article.paragraphs) == ("Zürich", ("Grüße aus Zürich. 😀 Ça va.",))


@pytest.mark.parametrize("encoding", ["utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le"])
def test_wide_text_without_a_bom_is_known_by_its_nuls(encoding: str) -> None:
    text = "Zoë’s café in Zürich opened. It is busy, привет 😀.\r\n"
    assert decode(text.encode(encoding)) == text
    article = parse(text.encode(encoding))
    assert (article.title, article.paragraphs) == ("Zoë’s café in Zürich opened", (text.strip(),))


def test_wide_text_without_a_bom_may_have_some_nul_low_bytes() -> None:
    # U+3000 (and U+2000, U+4E00, an emoji's low surrogate) has a NUL low byte: here 2 of the
    # 13 even-offset bytes, and 1 of the 13 others.
    text = "Mind\u3000the gap.\u3000It is\u3000wide.\n"
    assert decode(text.encode("utf-16-le")) == text
    assert parse(text.encode("utf-16-be")).paragraphs == ("Mind the gap. It is wide.",)


def test_wide_text_without_a_bom_needs_the_nul_pattern() -> None:
    # Cyrillic UTF-16 has no NULs to tell it by: it is not guessed, and its 0x04 bytes count.
    assert reason("Привет мир. Это текст.".encode("utf-16-le")) == "binary file (52.3% control bytes)"
    # Half of the characters in U+0000-U+00FF is where the pattern starts: 12 of 26 is under...
    assert reason("Москва 2025: 12 новостей.\n".encode("utf-16-le")) == "binary file (51.9% control bytes)"
    # ...17 of 29 is over.
    assert decode("Привет мир, hello world. Да.\n".encode("utf-16-le")) == "Привет мир, hello world. Да.\n"
    # The pattern, but an odd length: not UTF-16 after all.
    assert reason("Text.\n".encode("utf-16-le") + b"\n") == "binary file (46.2% control bytes)"
    # NULs at both offsets: no pattern (as UTF-16 it would be "AAA䄀䄀" over and over).
    assert reason((b"A\x00" * 3 + b"\x00A" * 2) * 20) == "binary file (50% control bytes)"
    # The pattern, and it decodes, but to controls.
    assert reason(bytes([1, 0, 2, 0, 3, 0, 65, 0]) * 20) == "binary file (87.5% control bytes)"


def test_bad_text_after_a_bom_is_undecodable() -> None:
    assert reason(codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00") == (
        "undecodable utf-32-le text: code point not in range(0x110000) at byte 0"
    )


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_cp1252_undefined_bytes_are_latin1_controls_and_removed(byte: bytes) -> None:
    # cp1252 leaves these five undefined: they decode as Latin-1 (C1 controls)...
    assert decode(b"caf\xe9 " + byte + b" \x80 5") == "café " + byte.decode("latin-1") + " € 5"
    # ...which the cleaning removes, like every C1 control.
    assert parse(b"A" + byte + b"B caf\xe9 costs \x805.").paragraphs == ("AB café costs €5.",)


def test_all_five_cp1252_undefined_bytes_at_once() -> None:
    data = b"Caf\xe9 \x93A\x81B\x8dC\x8fD\x90E\x9dF\x94. Done."
    assert decode(data) == "Café “A\x81B\x8dC\x8fD\x90E\x9dF”. Done."
    assert parse(data).paragraphs == ("Café “ABCDEF”. Done.",)


def test_lone_surrogates_in_utf8_are_dropped() -> None:
    data = (
        b"Lone \xed\xa0\x80surrogate, a CESU-8 pair \xed\xa0\xbd\xed\xb8\x80gone, caf\xe9 \xed\xb0\x80kept."
    )
    assert decode(data) == "Lone surrogate, a CESU-8 pair gone, café kept."
    assert parse(data).paragraphs == ("Lone surrogate, a CESU-8 pair gone, café kept.",)


# --------------------------------------------------------------------------- binary or text


def test_a_few_nuls_and_escapes_are_removed_not_fatal() -> None:
    data = (
        b"Title: Harbour\n\nBoats\x00 are back\x1b[0m.\x00 The\x1b quay\x07 is open.\n"
        + PROSE
        + b"\nIt\x00 rained."
    )  # 4 controls in 166 bytes (ESC does not count): 2.4%
    article = parse(data)
    assert (article.title, article.paragraphs) == (
        "Harbour",
        ("Boats are back. The quay is open.", PROSE.decode().strip(), "It rained."),
    )


@pytest.mark.parametrize(
    "bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")], ids=["utf-8", "utf-16"]
)
def test_a_nul_after_a_bom_is_removed(bom: bytes, encoding: str) -> None:
    article = parse(bom + "A sentence with\x00 one NUL character inside it.".encode(encoding))
    assert article.paragraphs == ("A sentence with one NUL character inside it.",)


def test_five_percent_control_bytes_is_still_text() -> None:
    article = parse(PROSE[:95] + b"\x00\x01\x02\x07\x1f")  # 5 of 100 bytes
    assert article.paragraphs == ((PROSE[:95]).decode(),)


@pytest.mark.parametrize("controls", [b"\x00" * 6, b"\x01\x02\x07\x08\x0e\x1f"], ids=["nul", "c0"])
def test_over_five_percent_control_bytes_is_binary(controls: bytes) -> None:
    assert reason(PROSE[:94] + controls) == "binary file (6% control bytes)"  # 6 of 100 bytes


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["utf-8", "utf-16"],
)
def test_after_a_bom_the_same_share_of_control_characters_is_binary(bom: bytes, encoding: str) -> None:
    text = PROSE.decode()
    article = parse(bom + (text[:95] + "\x00\x01\x02\x07\x1f").encode(encoding))  # 5 of 100 characters
    assert article.paragraphs == (text[:95],)
    data = bom + (text[:94] + "\x00\x01\x02\x07\x08\x1f").encode(encoding)  # 6 of 100
    assert reason(data) == "binary file (6% control characters)"


def test_white_space_controls_and_escape_do_not_count() -> None:
    data = PROSE.replace(b" ", b"\t\x0b\x0c\x1b\r\n")  # 6 bytes of them for each space
    assert parse(data).paragraphs == ("Boats", "are", "back.") * 6


def test_controls_after_the_first_64_kib_are_not_counted() -> None:
    head = b"Boats are back. " * 4096  # exactly the 65,536 bytes judged
    article = parse(head + b"\x00" * 40_000 + PROSE)
    assert article.paragraphs == ((head + PROSE).decode().strip(),)
    assert reason(b"\x00" * 3300 + head[3300:] + PROSE) == "binary file (5.04% control bytes)"


@pytest.mark.parametrize(
    ("size", "share"), [(200, "13%"), (1024, "10.7%"), (4096, "11.2%")], ids=["200", "1024", "4096"]
)
def test_random_bytes_are_binary(size: int, share: str) -> None:
    # Like compressed or encrypted data: 26 of the 256 byte values count, about 10%.
    assert reason(random.Random(size).randbytes(size)) == f"binary file ({share} control bytes)"


MAGIC = [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
    (b"GIF89a", "GIF image"),
    (b"GIF87a", "GIF image"),
    (b"RIFF\x24\x08\x00\x00WEBPVP8 ", "WebP, WAV or AVI media"),
    (b"RIFF\x24\x08\x00\x00WAVEfmt ", "WebP, WAV or AVI media"),
    (b"\x00\x00\x00\x18ftypisom", "MP4/QuickTime media"),
    (b"ID3\x04\x00\x00", "MP3 audio"),
    (b"OggS\x00\x02", "Ogg media"),
    (b"%PDF-1.7\n", "PDF document"),
    (b"PK\x03\x04\x14\x00", "ZIP archive, docx, odt or epub"),
    (b"PK\x05\x06", "ZIP archive, docx, odt or epub"),
    (b"\x1f\x8b\x08\x00", "gzip data"),
    (b"BZh91AY&SY", "bzip2 data"),
    (b"\xfd7zXZ\x00\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "Zstandard data"),
    (b"notes.txt".ljust(257) + b"ustar\x0000", "tar archive"),
    (b"notes.txt".ljust(257) + b"ustar  \x00", "tar archive"),
    (b"\x7fELF\x02\x01\x01", "ELF executable"),
    (b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01", "Mach-O executable"),
    (b"\xfe\xed\xfa\xce", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x41", "Java class or Mach-O universal binary"),
    (b"MZ\x90\x00\x03\x00", "Windows/DOS executable"),
    (b"SQLite format 3\x00\x10\x00", "SQLite database"),
]


@pytest.mark.parametrize(("magic", "name"), MAGIC, ids=[name + f"-{i}" for i, (_, name) in enumerate(MAGIC)])
def test_magic_bytes_name_the_format(magic: bytes, name: str) -> None:
    # Text after the magic: the format is known by its first bytes alone, not by a control share.
    assert reason(magic + PROSE * 4) == f"binary file ({name})"


@pytest.mark.parametrize(
    "text",
    ["MZ Wallace opened a shop.", "ID3 tags are metadata.", "RIFF raff gathered.", "PK fired the shot.",
     "BZh is no word.", "GIF8 is no image.", "OggSmith won."],
)  # fmt: skip
def test_text_that_starts_like_a_magic_is_text(text: str) -> None:
    assert parse(text.encode()).paragraphs == (text,)


# --------------------------------------------------------------------------- line ends


def test_control_between_cr_and_lf_is_one_line_end() -> None:
    article = parse(b"Title: T\r\x1b\nAuthor: Jo\r\n\r\nBody.")
    assert article.title == "T"
    assert article.author == "Jo"
    assert article.paragraphs == ("Body.",)


@pytest.mark.parametrize("stray", [b"\x00", b"\x07", b"\x1b[0m", b"\x7f", "\u200b".encode()])
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
        ("“Go.” The minister spoke.", "“Go”"),  # its quotes stay; the full stop goes, as in any title
        ("(Updated) The minister spoke.", "(Updated) The minister spoke"),
        ("#MeToo founder speaks. She left.", "#MeToo founder speaks"),
        ("...", "..."),  # nothing but punctuation: it stays, a title is never empty
        (".", "."),
        ("— —", "— —"),
    ],
)
def test_title_keeps_signs_quotes_and_all_punctuation_leads(lead: str, title: str) -> None:
    assert parse(lead.encode()).title == title
