"""Seed text -> ParsedArticle: header block, captions, boilerplate and debris, then the title
and summary (lead.py) of the cleaned text (text.py).

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
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
from .classify import TEXT_KINDS
from .classify import Line
from .classify import byline_name
from .classify import classify
from .classify import find_date
from .lead import lead_paragraphs
from .lead import make_summary
from .lead import make_title
from .lead import make_title_and_summary
from .text import clean_line
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


# --------------------------------------------------------------------------- article


# How many characters of argument follow an escape letter that stands for one character.
_ESCAPE_ARGS = {"x": 2, "u": 4, "U": 8}


def _class_end(src: str, i: int) -> int:
    """The index of the ``]`` closing the character class that opens at ``src[i]``; -1."""
    j = i + 1
    if j < len(src) and src[j] == "^":
        j += 1
    if j < len(src) and src[j] == "]":  # a "]" first in a class is a plain character
        j += 1
    while j < len(src):
        if src[j] == "\\":
            j += 2
            continue
        if src[j] == "]":
            return j
        j += 1
    return -1


def _group_end(src: str, i: int) -> int:
    """The index of the ``)`` closing the group that opens at ``src[i]``; -1."""
    depth, j = 0, i
    while j < len(src):
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(src, j)
            if j < 0:
                return -1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def _escape(src: str, i: int) -> tuple[str | None, int]:
    """The escape at ``src[i]`` (a backslash): the plain character it stands for, or None
    for a class, an anchor, a reference or a code point (never guessed), and where it ends."""
    if i + 1 >= len(src):
        raise ValueError("a trailing backslash")
    e = src[i + 1]
    if not e.isalnum():
        return e, i + 2  # "\\." "\\[": the character itself
    end = i + 2 + _ESCAPE_ARGS.get(e, 0)
    if e == "N":  # \N{NAME}
        end = src.find("}", i) + 1 or len(src)
    elif e.isdigit():  # a back reference or an octal escape
        while end < len(src) and end < i + 4 and src[end].isdigit():
            end += 1
    return None, end


def _atoms(pattern: re.Pattern[str]) -> list[str | None] | None:
    """The top-level atoms of ``pattern``, in order: a plain character that every match holds
    there, or None for anything else (a class, a group, an anchor, an escape class, a repeated
    atom). None when the pattern has a top-level alternation, is verbose, or cannot be read."""
    if pattern.flags & re.VERBOSE:
        return None
    src, out, i = pattern.pattern, [], 0
    try:
        while i < len(src):
            c = src[i]
            if c == "\\":
                atom, i = _escape(src, i)
                out.append(atom)
                continue
            if c in "[(":
                end = _class_end(src, i) if c == "[" else _group_end(src, i)
                if end < 0:
                    return None
                out.append(None)
                i = end + 1
                continue
            if c == "|":
                return None
            quantifier = _QUANTIFIER.match(src, i) if c == "{" else None
            if c in "*+?" or (quantifier and (quantifier.group(1) or quantifier.group(2))):
                if out:
                    out[-1] = None  # "ab+c": the repeated "b" may occur more than once
                i = quantifier.end() if quantifier else i + 1
                if i < len(src) and src[i] in "?+":  # lazy or possessive
                    i += 1
                continue
            out.append(None if c in ".^$" else c)
            i += 1
    except ValueError:
        return None
    return out


@functools.lru_cache(maxsize=512)
def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest run of plain characters every match of ``pattern`` must contain, casefolded.

    A line without it cannot match, so the regex engine is skipped for most lines: patterns
    like ``\\s+Watch ...»`` have no literal prefix for ``re`` to search on and cost ~10 µs a
    line otherwise. Works for user patterns too; None when no such run is found. Read from the
    pattern's text by a small scanner of its own (no private ``re`` module).
    """
    atoms = _atoms(pattern)
    if atoms is None:
        return None
    best = run = ""
    for atom in atoms:
        run = run + atom if atom is not None else ""
        if len(run) > len(best):
            best = run
    return best.casefold() or None


def _joinable(pattern: re.Pattern[str]) -> bool:
    """True when every match of ``pattern`` starts at the start of the line (``^...``), and it
    can go into one alternation with others: no groups to renumber, no inline global flags."""
    if pattern.groups or not pattern.pattern.startswith(("^", "\\A")) or _atoms(pattern) is None:
        return False
    try:
        re.compile(f"^(?:(?:{pattern.pattern}))", pattern.flags)
    except re.error:  # "(?i)^...": global flags must open the whole pattern
        return False
    return True


Hinted = tuple[tuple[str | None, re.Pattern[str]], ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """Does any of a list of patterns match a line? Answered with as little regex work as the
    patterns allow, and always the same answer as ``any(p.search(line) for p in patterns)``:

    - patterns anchored at the line start (``^...``, as boilerplate patterns are) are joined
      into one ``^(?:...|...)`` regex, which the engine tries at position 0 only;
    - every other pattern runs only on lines that contain its required literal.
    """

    anchored: re.Pattern[str] | None
    hinted: Hinted

    def search(self, line: str, folded: str) -> bool:
        """``folded`` is ``line.casefold()``."""
        if self.anchored is not None and self.anchored.search(line):
            return True
        for hint, pattern in self.hinted:  # noqa: SIM110 (a plain loop is faster than any())
            if (hint is None or hint in folded) and pattern.search(line):
                return True
        return False


@functools.lru_cache(maxsize=16)
def _hinted(patterns: tuple[re.Pattern[str], ...]) -> Hinted:
    """Each pattern with its required literal, worked out once per rule set."""
    return tuple((required_literal(p), p) for p in patterns)


@functools.lru_cache(maxsize=16)
def _matcher(patterns: tuple[re.Pattern[str], ...]) -> Matcher:
    """Worked out once per rule set."""
    joined = [p for p in patterns if _joinable(p)]
    joined = [p for p in joined if p.flags == joined[0].flags]
    combined = None
    if len(joined) > 1:
        try:
            combined = re.compile(
                "^(?:" + "|".join(f"(?:{p.pattern})" for p in joined) + ")", joined[0].flags
            )
        except re.error:  # e.g. inline global flags, which must open a pattern
            combined = None
    rest = patterns if combined is None else tuple(p for p in patterns if p not in joined)
    return Matcher(combined, _hinted(rest))


def _rule_matchers(
    rules: ParseRules,
) -> tuple[Callable[[str], bool], Callable[[str], bool], Callable[[str], str]]:
    """The ``[parse]`` patterns as the three questions the classifier asks of a line."""
    boilerplate = _matcher(rules.boilerplate).search
    captions = _matcher(rules.captions).search
    debris = _hinted(rules.debris)  # applied in order, one after the other: never joined
    last: list[str] = ["", ""]  # the last line casefolded: the three questions ask of the same line

    def folded(line: str) -> str:
        if line is not last[0]:
            last[0], last[1] = line, line.casefold()
        return last[1]

    def is_boilerplate(line: str) -> bool:
        return boilerplate(line, folded(line))

    def is_caption(line: str) -> bool:
        return captions(line, folded(line))

    def cut_debris(original: str) -> str:
        """The line with debris cut out; ``original`` itself when there was none."""
        folded_line = folded(original)
        line, changed = original, False
        for hint, pattern in debris:
            if hint is None or hint in folded_line:
                line, count = pattern.subn("", line)
                changed = changed or count > 0
        return clean_line(line) if changed else original

    return is_boilerplate, is_caption, cut_debris


def classify_lines(lines: list[str], rules: ParseRules, *, explain: bool = False) -> list[Line]:
    """The class of every line of an article body (the header already taken off); ``explain``
    adds the features that decided to each model-scored line's reason."""
    is_boilerplate, is_caption, cut_debris = _rule_matchers(rules)
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
                return parse_date(found, rules.timezone)
            except (ValueError, OverflowError):
                continue
    return None


def parse_text(text: str, rules: ParseRules) -> ParsedArticle:
    """Decoded seed text -> ParsedArticle. Raises ParseError when nothing publishable is left."""
    header, body_lines = split_header(split_lines(text))
    lines = classify_lines(body_lines, rules)
    # Text, and the captions a [parse] pattern found (a credit in brackets). A line the model
    # only takes for a caption is left out: shown as one, a misjudged headline would be worse.
    blocks = tuple(
        Block("p" if line.kind in TEXT_KINDS else "caption", line.text)
        for line in lines
        if line.kind in TEXT_KINDS or (line.kind == "caption" and line.rule)
    )
    paragraphs = [b.text for b in blocks if b.kind == "p"]
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
    start = next((i for i, line in enumerate(lines) if line.kind == "lead"), None)
    # Subheads and one-line labels inside the text are not summary material.
    lead = [line.text for line in lines[start:] if line.sentence] if start is not None else []
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
