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
# Bytes that do not occur in text: C0 controls other than \t \n \v \f \r and ESC.
_BINARY_BYTES = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 27))
_BINARY_SAMPLE = 65536


def looks_binary(data: bytes) -> bool:
    """True when a sample of ``data`` has NUL bytes or more than 2% other control bytes."""
    sample = data[:_BINARY_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    stripped = sample.translate(None, _BINARY_BYTES)
    return (len(sample) - len(stripped)) > len(sample) * 0.02


def decode(data: bytes) -> str:
    """Bytes of a seed file -> text. Raises ParseError for empty or binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as e:
                raise ParseError(f"undecodable {encoding} text: {e.reason} at byte {e.start}") from e
            if looks_binary(text[:_BINARY_SAMPLE].encode("utf-8")):  # same rule as without a BOM
                raise ParseError("binary file (NUL or control bytes)")
            return text
    if not data.strip():
        raise ParseError("empty file")
    if looks_binary(data):
        raise ParseError("binary file (NUL or control bytes)")
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
