"""Seed text -> ParsedArticle: the header block, the class of every line (classify.py, after
the [parse] patterns of patterns.py), then the title and summary (lead.py), the author and the
date.

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC
from datetime import datetime
from datetime import tzinfo
from email.utils import parseaddr

from dateutil import parser as date_parser
from dateutil.tz import tzoffset

from ..errors import ParseError
from ..model import Block
from ..model import ParsedArticle
from ..model import ParseRules
from . import features
from .classify import TEXT_KINDS
from .classify import Line
from .classify import classify
from .classify import ends_run
from .lead import lead_paragraphs
from .lead import make_summary
from .lead import make_title
from .lead import make_title_and_summary
from .linetypes import byline_name
from .linetypes import find_date
from .patterns import rule_matchers
from .text import decode
from .text import split_lines

# --------------------------------------------------------------------------- header

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
_DOTTED_DATE = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_SLASHED_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def parse_date(value: str, tz: tzinfo, *, dayfirst: bool = False) -> datetime:
    """A header date in any common format -> aware UTC datetime. Raises ValueError.

    A dotted numeric date ("04.03.2024", German, Russian and most of Europe) is day first; a
    slashed one ("04/03/2024") is month first unless ``dayfirst`` (a number over 12 decides
    either way). ``dayfirst`` changes nothing else (an ISO date stays year-month-day)."""
    dayfirst = _DOTTED_DATE.match(value) is not None or (dayfirst and _SLASHED_DATE.search(value) is not None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: handled below as naive
        dt = date_parser.parse(value, default=_DATE_DEFAULT, tzinfos=_TZINFOS, dayfirst=dayfirst)
    if not 1900 <= dt.year <= 9999:
        raise ValueError(f"year {dt.year} is out of range")
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=tz)
    out = dt.astimezone(UTC)
    if not 1900 <= out.year <= 9998:  # keep room for any offset when formatting
        raise ValueError(f"year {out.year} is out of range")
    return out


# An address is a run of anything but white space and brackets with an "@" inside: a run with
# two ("jane@@example.com", a typo) goes whole, not a piece of it.
_EMAIL = re.compile(r"<?[^\s<>()]+@[^\s<>()]+>?")


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


# --------------------------------------------------------------------------- article


def classify_lines(lines: list[str], rules: ParseRules, *, explain: bool = False) -> list[Line]:
    """The class of every line of an article body (the header already taken off); ``explain``
    adds the features that decided to each model-scored line's reason."""
    is_boilerplate, is_caption, cut_debris = rule_matchers(rules)
    return classify(
        lines, is_boilerplate=is_boilerplate, is_caption=is_caption, cut_debris=cut_debris, explain=explain
    )


def _found_author(lines: list[Line]) -> str | None:
    for line in lines:
        if line.kind == "byline":
            name = byline_name(line.text)
            if name:
                return name
    return None


def _found_date(lines: list[Line], rules: ParseRules) -> datetime | None:
    """The first date a timestamp or date line above the lead gives."""
    for line in lines:
        if line.kind == "lead":
            break
        if line.kind in ("timestamp", "dateline", "byline"):
            found = find_date(line.text)
            if found is None:
                continue
            try:
                return parse_date(found, rules.timezone, dayfirst="/" in found and _day_first(lines))
            except (ValueError, OverflowError):
                continue
    return None


# Languages whose pages write a numeric date month first ("11/19/2019"); the pages of every
# other language with a stop-word list write it day first ("19/11/2019", "04/03/2024" for
# 4 March), as most of the world does.
_MONTH_FIRST = frozenset({"English"})


def _day_first(lines: list[Line]) -> bool:
    """Whether a slashed date in this article is day first: its language says so."""
    language = features.article_language([line.text for line in lines])
    return language >= 0 and features.stop_words().languages[language] not in _MONTH_FIRST


def _blocks(lines: list[Line]) -> tuple[tuple[Block, ...], list[str], int | None]:
    """The body (text, and the captions a [parse] pattern found: a credit in brackets), its
    paragraphs, and the lead's index (None when there is none), in one pass. A line the model
    only takes for a caption is left out: shown as one, a misjudged headline would be worse."""
    blocks: list[Block] = []
    paragraphs: list[str] = []
    start: int | None = None
    for i, line in enumerate(lines):
        kind = line.kind
        if kind in TEXT_KINDS:
            blocks.append(Block("p", line.text))
            paragraphs.append(line.text)
            if start is None and kind == "lead":
                start = i
        elif kind == "caption" and line.rule:
            blocks.append(Block("caption", line.text))
    return tuple(blocks), paragraphs, start


def lead_run(lines: list[Line], start: int) -> list[str]:
    """The lead paragraphs: the lead and the sentences of text after it, up to a line of text
    that ends the run (a name under a quote, a label, a line in capitals: ends_run). A summary
    that went on past one would join two sentences the body keeps apart. Other lines that are
    not sentences (a caption without a full stop) and lines not in the body are passed over."""
    run: list[str] = []
    for line in lines[start:]:
        if line.sentence:
            run.append(line.text)
        elif line.kind in TEXT_KINDS and ends_run(line.text):
            break
    return run


def parse_text(text: str, rules: ParseRules) -> ParsedArticle:
    """Decoded seed text -> ParsedArticle. Raises ParseError when nothing publishable is left."""
    header, body_lines = split_header(split_lines(text))
    lines = classify_lines(body_lines, rules)
    blocks, paragraphs, start = _blocks(lines)
    if not paragraphs:
        if lines:
            raise ParseError("nothing left after removing captions and boilerplate")
        raise ParseError("no article text")
    notes: list[str] = []

    date = None
    if header.get("date"):
        try:
            date = parse_date(header["date"], rules.timezone)
        except (ValueError, OverflowError) as e:
            notes.append(f"unparseable Date: header {header['date']!r} ({e})")
    if date is None and "date" not in header:
        date = _found_date(lines, rules)

    # The title and summary come from the lead on: the stand-first, date lines and other
    # text above the lead are in the body, not in the headline.
    lead = lead_run(lines, start) if start is not None else []
    if not lead:
        lead = list(lead_paragraphs(paragraphs))
    title, summary = header.get("title", ""), header.get("summary", "")
    if not title and not summary:
        title, summary = make_title_and_summary(lead, rules.title_length, rules.summary_length)
    elif not title:
        title = make_title(lead[0], rules.title_length)
    elif not summary:
        summary = make_summary(lead, rules.summary_length)
    tags = tuple(dict.fromkeys(t.strip() for t in header.get("tags", "").split(",") if t.strip()))
    author = author_name(header.get("author", "")) if "author" in header else _found_author(lines)
    return ParsedArticle(
        title=title,
        summary=summary,
        blocks=blocks,
        author=author,
        tags=tags,
        date=date,
        explicit_id=header.get("id") or None,
        warnings=tuple(notes),
    )


def parse_bytes(data: bytes, rules: ParseRules) -> ParsedArticle:
    """Raw bytes of a seed file -> ParsedArticle. Raises ParseError with the reason to skip."""
    return parse_text(decode(data), rules)


__all__ = [  # the package's public face (feedsvc.parse) re-exports these and the helpers
    "author_name",
    "classify_lines",
    "parse_bytes",
    "parse_date",
    "parse_text",
    "split_header",
]
