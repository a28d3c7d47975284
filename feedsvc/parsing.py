"""Seed text -> ParsedArticle: decoding, cleaning, header, captions, boilerplate, title, summary.

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import codecs
import functools
import html
import re
import unicodedata
import warnings
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import tzinfo
from email.utils import parseaddr

from dateutil import parser as date_parser
from dateutil.tz import tzoffset

from .errors import ParseError
from .model import Block
from .model import ParsedArticle
from .model import ParseRules
from .model import blocks_html

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


def clean_text(text: str) -> str:
    """Decode HTML character references; remove XML-illegal characters and escape sequences;
    NFC-normalise. Keeps line ends."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = _ILLEGAL.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def clean_line(line: str) -> str:
    """Collapse every run of whitespace (Unicode spaces included) to one space; strip the ends."""
    return " ".join(line.split())


def split_lines(text: str) -> list[str]:
    """Split on every line end (CRLF, CR, LF, Unicode separators) and normalise each line."""
    return [clean_line(line) for line in clean_text(text).splitlines()]


# --------------------------------------------------------------------------- header

HEADER_KEYS = ("title", "date", "author", "tags", "summary", "id")
_HEADER_LINE = re.compile(r"^(title|date|author|tags|summary|id)[ \t]*:[ \t]*(.*)$", re.IGNORECASE)

# Abbreviations dateutil does not know; offsets in hours. Ambiguous ones (IST, CST in Asia) are
# taken in their most common news meaning.
_TZ_ABBREVIATIONS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 1, "CET": 1, "WEST": 1,
    "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AEST": 10, "AEDT": 11, "JST": 9, "HKT": 8, "SGT": 8,
}  # fmt: skip
_TZINFOS = {name: tzoffset(name, hours * 3600) for name, hours in _TZ_ABBREVIATIONS.items()}
_DATE_DEFAULT = datetime(2000, 1, 1)  # fills missing fields deterministically, never "today"


def parse_date(value: str, tz: tzinfo) -> datetime:
    """A header date in any common format -> aware UTC datetime. Raises ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: handled below as naive
        dt = date_parser.parse(value, default=_DATE_DEFAULT, tzinfos=_TZINFOS)
    if not 1900 <= dt.year <= 9999:
        raise ValueError(f"year {dt.year} is out of range")
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=tz)
    out = dt.astimezone(UTC)
    if not 1900 <= out.year <= 9998:  # keep room for any offset when formatting
        raise ValueError(f"year {out.year} is out of range")
    return out


_EMAIL = re.compile(r"<?[^\s<>()@]+@[^\s<>()@]+>?")


def author_name(value: str) -> str | None:
    """The display name from an Author: header; an e-mail address is not published
    ("Jane Doe <jane@example.com>" -> "Jane Doe")."""
    if "@" in value:
        name, address = parseaddr(value)
        if not name or "@" in name:
            name = _EMAIL.sub("", value).strip(" ()<>\"',;")
        value = name or address.split("@", 1)[0]
    return value.strip() or None


def split_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Take an RFC 822-style header block off the top of ``lines``.

    A header block is one or more ``Key: value`` lines with known keys, ended by a blank line
    (or the end of the file). Anything else at the top means there is no header.
    """
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    header: dict[str, str] = {}
    i = start
    while i < len(lines) and lines[i]:
        m = _HEADER_LINE.match(lines[i])
        if not m:
            return {}, lines
        header.setdefault(m.group(1).lower(), m.group(2).strip())
        i += 1
    if not header:
        return {}, lines
    return header, lines[i:]


# --------------------------------------------------------------------------- sentences

# Words that are followed by a full stop but do not end a sentence before a capital.
_NON_TERMINAL = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "col",
        "lt",
        "maj",
        "sgt",
        "cpl",
        "capt",
        "cmdr",
        "cdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "cllr",
        "no",
        "nos",
        "vol",
        "vols",
        "fig",
        "figs",
        "pp",
        "ed",
        "eds",
        "est",
        "approx",
        "dept",
        "univ",
        "vs",
        "v",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "ave",
        "rd",
        "blvd",
        "cf",
        "ca",
        "op",
        "ch",
        "art",
        "sec",
        "para",
        "messrs",
        "mme",
        "mlle",
    ]
)
# Sentence-final punctuation, closing quotes/brackets, then space and a sentence start.
_SENTENCE_END = re.compile(r"""(?:[.!?]+|…)['"’”»)\]]*\s+(?=['"‘“«(\[]*[A-Z0-9À-ÖØ-Þ])""")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def _is_abbreviation(before: str) -> bool:
    words = before[-40:].rsplit(None, 1)
    if not words:
        return False
    token = words[-1].lstrip("""'"‘“«([""")
    if not token:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. K. Rowling"
        return True
    if _DOTTED.fullmatch(token):  # U.S, e.g, i.e, a.m
        return True
    return token.lower() in _NON_TERMINAL


def iter_sentences(paragraph: str) -> Iterator[str]:
    """Yield a paragraph's sentences, not fooled by abbreviations, initials, decimals or quotes.

    Lazy: a title needs only the first sentence, a summary only the first few.
    """
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        is_stop = paragraph[m.start()] == "." and not paragraph.startswith("..", m.start())
        if is_stop and _is_abbreviation(paragraph[start : m.start()]):
            continue
        sentence = paragraph[start : m.start() + len(m.group(0).rstrip())].strip()
        if sentence:
            yield sentence
        start = m.end()
    rest = paragraph[start:].strip()
    if rest:
        yield rest


def split_sentences(paragraph: str) -> list[str]:
    """All sentences of a paragraph (see iter_sentences)."""
    return list(iter_sentences(paragraph))


# --------------------------------------------------------------------------- lead text

# "WASHINGTON (CNN) -- ", "(CNN)", "LONDON, England (Reuters) -- ": wire-service datelines.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'’ -]{0,40}(?:, [A-Z][A-Za-z.'’ -]{0,30})?\s*)?"
    r"\((?:CNN|AP|Reuters|AFP|UPI|PA|BBC)\)\s*(?:--|—|–|-)?\s*"
    r"|^[A-Z][A-Z.'’ -]{2,30}(?:, [A-Z][A-Za-z.'’ -]{1,30})?\s+(?:--|—|–)\s+"
)
_ELLIPSIS = "…"


def strip_dateline(text: str) -> str:
    """Remove a leading wire-service dateline, as shown in a title or summary."""
    stripped = _DATELINE.sub("", text, count=1)
    return stripped if stripped.strip() else text


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` on a word boundary to at most ``limit`` characters, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—(‘“'\"") + _ELLIPSIS


def make_title(lead: str, limit: int) -> str:
    """A headline from the lead paragraph: its first sentence, without the final full stop."""
    sentence = next(iter_sentences(strip_dateline(lead)), lead)
    if sentence.endswith(".") and not sentence.endswith("..") and sentence[:-1].strip():
        sentence = sentence[:-1].rstrip()  # but a lead of just "." stays: a title is never empty
    return shorten(sentence, limit)


def make_summary(paragraphs: tuple[str, ...] | list[str], limit: int) -> str:
    """Whole sentences from the lead paragraphs, up to ``limit`` characters.

    Cut on a sentence boundary; when even the first sentence is longer than ``limit``, on a
    word boundary with an ellipsis. Never mid-word.
    """
    taken: list[str] = []
    length = 0
    for index, paragraph in enumerate(paragraphs):
        text = strip_dateline(paragraph) if index == 0 else paragraph
        for sentence in iter_sentences(text):
            extra = len(sentence) + (1 if taken else 0)
            if length + extra > limit:
                if not taken:
                    return shorten(sentence, limit)
                return " ".join(taken)
            taken.append(sentence)
            length += extra
    return " ".join(taken)


# --------------------------------------------------------------------------- article


@functools.lru_cache(maxsize=512)
def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest run of plain characters every match of ``pattern`` must contain, casefolded.

    A line without it cannot match, so the regex engine is skipped for most lines: patterns
    like ``\\s+Watch ...»`` have no literal prefix for ``re`` to search on and cost ~10 µs a
    line otherwise. Works for user patterns too; None when no such run is found.
    """
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser (private, but stable since 3.11)

        items = list(_parser.parse(pattern.pattern, pattern.flags))
        literal_op = _parser.LITERAL
    except Exception:  # any parser change or odd pattern: no hint, always run the regex
        return None
    best = run = ""
    for op, arg in items:
        if op is literal_op:
            run += chr(arg)
            if len(run) > len(best):
                best = run
        else:
            run = ""
    return best.casefold() or None


Hinted = tuple[tuple[str | None, re.Pattern[str]], ...]


@functools.lru_cache(maxsize=16)
def _hinted(patterns: tuple[re.Pattern[str], ...]) -> Hinted:
    """Each pattern with its required literal, worked out once per rule set."""
    return tuple((required_literal(p), p) for p in patterns)


def _first_match(patterns: Hinted, line: str, folded: str) -> bool:
    for hint, pattern in patterns:  # noqa: SIM110 (a plain loop is faster than any())
        if (hint is None or hint in folded) and pattern.search(line):
            return True
    return False


def _classify(lines: list[str], rules: ParseRules) -> list[Block]:
    blocks: list[Block] = []
    boilerplate = _hinted(rules.boilerplate)
    debris = _hinted(rules.debris)
    captions = _hinted(rules.captions)
    for line in lines:
        if not line:
            continue
        folded = line.casefold()
        if _first_match(boilerplate, line, folded):
            continue
        changed = False
        for hint, pattern in debris:
            if hint is None or hint in folded:
                line, count = pattern.subn("", line)
                changed = changed or count > 0
        if changed:
            line = clean_line(line)
            folded = line.casefold()
            if not line or _first_match(boilerplate, line, folded):
                continue
        if _first_match(captions, line, folded):
            blocks.append(Block("caption", line))
        else:
            blocks.append(Block("p", line))
    return blocks


def parse_text(text: str, rules: ParseRules) -> ParsedArticle:
    """Decoded seed text -> ParsedArticle. Raises ParseError when nothing publishable is left."""
    header, body_lines = split_header(split_lines(text))
    blocks = _classify(body_lines, rules)
    paragraphs = [b.text for b in blocks if b.kind == "p"]
    if not paragraphs:
        if blocks:
            raise ParseError("nothing left after removing captions and boilerplate")
        raise ParseError("no article text")
    notes: list[str] = []

    date = None
    if header.get("date"):
        try:
            date = parse_date(header["date"], rules.timezone)
        except (ValueError, OverflowError) as e:
            notes.append(f"unparseable Date: header {header['date']!r} ({e})")

    title = header.get("title") or make_title(paragraphs[0], rules.title_length)
    summary = header.get("summary") or make_summary(paragraphs, rules.summary_length)
    tags = tuple(dict.fromkeys(t.strip() for t in header.get("tags", "").split(",") if t.strip()))
    return ParsedArticle(
        title=title,
        summary=summary,
        blocks=tuple(blocks),
        author=author_name(header.get("author", "")),
        tags=tags,
        date=date,
        explicit_id=header.get("id") or None,
        warnings=tuple(notes),
    )


def parse_bytes(data: bytes, rules: ParseRules) -> ParsedArticle:
    """Raw bytes of a seed file -> ParsedArticle. Raises ParseError with the reason to skip."""
    return parse_text(decode(data), rules)


def body_html(blocks: tuple[Block, ...]) -> str:
    """Safe HTML for an article body (see model.blocks_html)."""
    return blocks_html(blocks)


__all__ = [
    "ParseError",
    "body_html",
    "decode",
    "make_summary",
    "make_title",
    "parse_bytes",
    "parse_date",
    "parse_text",
    "split_sentences",
]
