"""Bytes -> clean text: decoding (UTF-8/BOM/legacy 8-bit), XML-illegal characters, white space.

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

from ..errors import ParseError

# --------------------------------------------------------------------------- decoding


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as cp1252 (Latin-1 for its 5 undefined bytes).

    A file that is mostly UTF-8 with a few legacy bytes, or wholly cp1252/Latin-1, decodes
    without mojibake in one pass: valid UTF-8 sequences stay UTF-8.
    """
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - only used for decoding
        raise exc
    if _UTF8_SURROGATE.match(exc.object, exc.start):  # a lone surrogate: not text, drop it
        return "", exc.start + 3
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="ignore") or bad.decode("latin-1"), exc.end


# A UTF-16 surrogate encoded as UTF-8 (CESU-8, WTF-8): cp1252 would turn it into "í\xa0€".
_UTF8_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")

# A named codec error handler is the stdlib's way to do this in C speed; registering it only
# touches the in-memory codec registry.
codecs.register_error("feedsvc-cp1252", _cp1252_fallback)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 65536  # bytes (or characters) judged: enough to tell, cheap for a huge file

# Known binary formats by their first bytes: (pattern matched at the start, name for the skip
# reason). A short list of what lands in a folder of articles; the control share below catches
# the rest. Short magics are spelt out far enough that an article cannot begin with them
# ("MZ Wallace opened..." is not an .exe, "ID3 tags" is not an MP3).
_MAGIC: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), name)
    for pattern, name in (
        (rb"\x89PNG\r\n\x1a\n", "PNG image"),
        (rb"\xff\xd8\xff", "JPEG image"),
        (rb"GIF8[79]a", "GIF image"),
        (rb"RIFF.{4}(?:WEBP|WAVE|AVI )", "WebP, WAV or AVI media"),
        (rb"\x00\x00..ftyp", "MP4/QuickTime media"),  # a box size, then "ftyp" at offset 4
        (rb"ID3[\x02-\x04]\x00", "MP3 audio"),
        (rb"OggS\x00", "Ogg media"),
        (rb"%PDF-", "PDF document"),
        (rb"PK(?:\x03\x04|\x05\x06|\x07\x08)", "ZIP archive, docx, odt or epub"),
        (rb"\x1f\x8b", "gzip data"),
        (rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)", "bzip2 data"),
        (rb"\xfd7zXZ\x00", "xz data"),
        (rb"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (rb"\x28\xb5\x2f\xfd", "Zstandard data"),
        (rb".{257}ustar(?:\x0000|  \x00)", "tar archive"),  # POSIX and GNU
        (rb"\x7fELF", "ELF executable"),
        (rb"\xfe\xed\xfa[\xce\xcf]|[\xce\xcf]\xfa\xed\xfe", "Mach-O executable"),
        (rb"\xca\xfe\xba\xbe", "Java class or Mach-O universal binary"),
        (rb"MZ.[\x00\x01]", "Windows/DOS executable"),  # then a byte count below 512
        (rb"SQLite format 3\x00", "SQLite database"),
    )
)

# C0 controls that do not occur in text: all but \t \n \v \f \r, and ESC (a terminal capture
# is text: its escape sequences are removed by the cleaning below). NUL counts.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 27))
_CONTROL_CHARS = dict.fromkeys(_CONTROL_BYTES)  # str.translate table that deletes them
# More than this share of controls in the sample and a file is binary. Random bytes (zip,
# gzip or JPEG data, anything encrypted) hold 26/256, about 10%, of them; executables and
# uncompressed binary formats far more. Text with stray debris (a NUL from a bad copy, a
# pasted BEL) holds well under 1%, and then they are removed. 5% leaves room on both sides:
# a 1 KiB random file sits more than five standard deviations above it, and a 200-character
# article may still carry ten stray controls. At 10% or more, compressed data of a format not
# in _MAGIC would pass as an article of mojibake.
_BINARY_SHARE = 0.05

# Wide text without a BOM is full of NULs in a fixed pattern: ASCII in UTF-16-LE is "T\0e\0x\0t\0".
# (encoding, offsets within each 4 bytes that are mostly NUL, offsets that almost never are)
_WIDE: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("utf-32-le", (2, 3), (0,)),
    ("utf-32-be", (0, 1), (3,)),
    ("utf-16-le", (1, 3), (0, 2)),
    ("utf-16-be", (0, 2), (1, 3)),
)


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.3g}%"


def _controls_in(sample: bytes) -> int:
    return len(sample) - len(sample.translate(None, _CONTROL_BYTES))


def _text_controls_in(sample: str) -> int:
    return len(sample) - len(sample.translate(_CONTROL_CHARS))


def _sniff_wide(sample: bytes) -> str | None:
    """The UTF-32/UTF-16 codec whose NUL pattern ``sample`` shows, or None.

    Only text mostly in U+0000-U+00FF has the pattern in UTF-16 (Latin scripts: English,
    French, German...); Cyrillic or Greek UTF-16 without a BOM is left to the control share.
    """
    groups = len(sample) // 4
    if not groups:
        return None
    nuls = [sample[k : groups * 4 : 4].count(0) / groups for k in range(4)]
    for encoding, mostly_nul, not_nul in _WIDE:
        # "almost never" leaves room for U+xx00 characters (U+2000, U+4E00, an emoji's low
        # surrogate) in a short sample; what decodes is then judged like any other text
        if all(nuls[k] >= 0.5 for k in mostly_nul) and all(nuls[k] <= 0.2 for k in not_nul):
            return encoding
    return None


# All of _MAGIC as one alternation, a group each (the patterns have no groups of their own):
# one regex match per file instead of twenty.
_ANY_MAGIC = re.compile(b"|".join(b"(" + magic.pattern + b")" for magic, _ in _MAGIC), re.DOTALL)


def _magic(sample: bytes) -> str | None:
    """The name of the known binary format ``sample`` starts like, or None."""
    m = _ANY_MAGIC.match(sample)
    return None if m is None or m.lastindex is None else _MAGIC[m.lastindex - 1][1]


def _wide_text(data: bytes, encoding: str) -> str | None:
    """``data`` decoded as UTF-16/32 when it decodes and is text; else None."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    sample = text[:_SAMPLE]
    return None if _text_controls_in(sample) > len(sample) * _BINARY_SHARE else text


def decode(data: bytes) -> str:
    """Bytes of a seed file -> text. Raises ParseError for empty or binary data.

    A BOM names the encoding; UTF-16/32 without one is known by its NUL pattern; anything else is
    UTF-8, with bytes UTF-8 rejects read as cp1252.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as e:
                raise ParseError(f"undecodable {encoding} text: {e.reason} at byte {e.start}") from e
            head = text[:_SAMPLE]
            controls = _text_controls_in(head)
            if controls > len(head) * _BINARY_SHARE:  # the same rule as without a BOM
                raise ParseError(f"binary file ({_share(controls, len(head))} control characters)")
            return text
    if not data.strip():
        raise ParseError("empty file")
    sample = data[:_SAMPLE]
    name = _magic(sample)
    if name:
        raise ParseError(f"binary file ({name})")
    if b"\x00" in sample:
        wide = _sniff_wide(sample)
        wide_text = _wide_text(data, wide) if wide else None
        if wide_text is not None:
            return wide_text
    # Binary when it looks binary: a few NULs or controls in text are removed by the cleaning.
    controls = _controls_in(sample)
    if controls > len(sample) * _BINARY_SHARE:
        raise ParseError(f"binary file ({_share(controls, len(sample))} control bytes)")
    return data.decode("utf-8", errors="feedsvc-cp1252")


# --------------------------------------------------------------------------- cleaning

# ANSI/VT escape sequences (CSI, OSC, two-byte escapes): debris from terminal captures.
# An unterminated OSC stops at the line end, so one stray "ESC ]" cannot eat the rest of the file.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\r\n]*(?:\x07|\x1b\\)?|[@-Z\\-_])?")
# Not allowed in XML 1.0 (C0 but \t\n\r, surrogates, U+FFFE/U+FFFF), or discouraged and never
# meaningful in an article (DEL, C1 controls, zero-width and BOM characters).
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff\ufeff\u200b\u2060]")


# HTML character references left in scraped text ("&mdash;", "&#8217;", "&amp;"): decoded, so a
# reader shows the character and not the reference (all text is escaped again on output).
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape(m: re.Match[str]) -> str:
    return html.unescape(m.group(0))


def _clean_characters(text: str) -> str:
    """clean_text without the character references: escape sequences, illegal characters, NFC."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = _ILLEGAL.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def clean_text(text: str) -> str:
    """Decode HTML character references; remove XML-illegal characters and escape sequences;
    NFC-normalise. Keeps line ends."""
    if "&" in text:
        text = _ENTITY.sub(_unescape, text)
    return _clean_characters(text)


def clean_line(line: str) -> str:
    """Collapse every run of whitespace (Unicode spaces included) to one space; strip the ends."""
    return " ".join(line.split())


# Every ASCII character str.isprintable() rejects: the C0 controls and DEL.
_ASCII_CONTROLS = bytes(range(32)) + b"\x7f"


def split_lines(text: str) -> list[str]:
    """Split on every line end (CRLF, CR, LF, Unicode separators) and normalise each line.

    The same as ``[clean_line(l) for l in clean_text(text).splitlines()]`` (a test holds it to
    that): characters are cleaned *before* the text is split, so a control between CR and LF
    ("\\r\\x1b\\n") leaves one CRLF, not two line ends with an empty line between. A fast path
    skips the regex and the per-word split in the common case: when every line is printable (no
    controls, no white space but the plain space, nothing XML-illegal) and the text is NFC
    already. About 4x cheaper on typical articles.
    """
    if "&" in text:
        text = _ENTITY.sub(_unescape, text)
    # Only the fast path may split first: it is taken only when there is nothing to clean.
    joined = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    lines = joined.split("\n")
    if lines[-1] == "":  # str.splitlines() gives no empty line after a final line end
        lines.pop()
    if joined.isascii():
        raw = joined.encode("ascii")
        plain = len(raw.translate(None, _ASCII_CONTROLS)) + raw.count(b"\n") == len(raw)
    else:
        plain = all(line.isprintable() for line in lines) and unicodedata.is_normalized("NFC", joined)
    if not plain:
        return [clean_line(line) for line in _clean_characters(text).splitlines()]
    return [line.strip(" ") if "  " not in line else " ".join(line.split()) for line in lines]
