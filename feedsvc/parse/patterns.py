"""The ``[parse]`` patterns as the questions the classifier asks of a line: is it boilerplate,
is it a caption, what is left after cutting debris out. Answered with as little regex work as
the patterns allow (see Matcher), always the same answer as running every pattern.

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import ParseRules
from .text import clean_line

# How many characters of argument follow an escape letter that stands for one character.
_ESCAPE_ARGS = {"x": 2, "u": 4, "U": 8}


# The scanner below reads the source of a compiled pattern, so every class and group it meets
# closes and no backslash ends it: it has no checks for text re refuses. Two constructs hold
# free text that re does not read as syntax, and the scanner does not either: a comment
# "(?#...)" and a verbose group "(?x:...)" (a "#" comment to the line's end). A "[" or "(" in
# that text would put the scanner out of step with re and name a literal no match holds, so a
# pattern with either is not read at all (no literal, not joined).
_FREE_TEXT = re.compile(r"\(\?(?:#|\w*x)")  # "(?#", and "(?x" among a group's flags


def _class_end(src: str, i: int) -> int:
    """The index of the ``]`` closing the character class that opens at ``src[i]``."""
    j = i + 1
    if src[j] == "^":
        j += 1
    if src[j] == "]":  # a "]" first in a class is a plain character
        j += 1
    while src[j] != "]":
        j += 2 if src[j] == "\\" else 1
    return j


def _group_end(src: str, i: int) -> int:
    """The index of the ``)`` closing the group that opens at ``src[i]``."""
    depth, j = 0, i
    while True:
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(src, j)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1


_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")


def _escape(src: str, i: int) -> tuple[str | None, int]:
    """The escape at ``src[i]`` (a backslash): the plain character it stands for, or None
    for a class, an anchor, a reference or a code point (never guessed), and where it ends."""
    e = src[i + 1]
    if not e.isalnum():
        return e, i + 2  # "\\." "\\[": the character itself
    end = i + 2 + _ESCAPE_ARGS.get(e, 0)
    if e == "N":  # \N{NAME}
        end = src.index("}", i) + 1
    elif e.isdigit():  # a back reference or an octal escape
        while end < len(src) and end < i + 4 and src[end].isdigit():
            end += 1
    return None, end


def _atoms(pattern: re.Pattern[str]) -> list[str | None] | None:
    """The top-level atoms of ``pattern``, in order: a plain character that every match holds
    there, or None for anything else (a class, a group, an anchor, an escape class, a repeated
    atom). None when the pattern has a top-level alternation, is verbose, or holds free text."""
    if pattern.flags & re.VERBOSE or _FREE_TEXT.search(pattern.pattern):
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
                out.append(None)
                i = (_class_end(src, i) if c == "[" else _group_end(src, i)) + 1
                continue
            if c == "|":
                return None
            # "{3}", "{,2}", "{2,}" and "{,}" (any number, as "*") repeat; only "{}" is two
            # plain characters (what re's parser does)
            quantifier = _QUANTIFIER.match(src, i) if c == "{" else None
            if c in "*+?" or (quantifier and quantifier.group(0) != "{}"):
                if out:
                    out[-1] = None  # "ab+c": the repeated "b" may occur more than once
                i = quantifier.end() if quantifier else i + 1
                if i < len(src) and src[i] in "?+":  # lazy or possessive
                    i += 1
                continue
            out.append(None if c in ".^$" else c)
            i += 1
    except (IndexError, ValueError):  # a safety net: read past the end, out of step with re
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
    return _fold(best) or None


def _fold(text: str) -> str:
    """``text`` casefolded, so that a match's literal is in the folded line: re's IGNORECASE
    takes "I", "i", "İ" and the Turkish dotless "ı" for one letter, which casefold alone keeps
    apart ("ı" stays, "İ" becomes "i" and a combining dot U+0307)."""
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded:
        folded = folded.replace("ı", "i").replace("\u0307", "")
    return folded


def _joinable(pattern: re.Pattern[str]) -> bool:
    """True when every match of ``pattern`` starts at the start of the line (``^...``), and it
    can go into one alternation with others: no groups to renumber, no inline global flags."""
    if pattern.groups or not pattern.pattern.startswith(("^", "\\A")) or _atoms(pattern) is None:
        return False
    try:
        re.compile(f"^(?:(?:{pattern.pattern}))", pattern.flags)
    except (re.error, RecursionError):  # groups nested as deep as re's parser goes: two more fail
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
        """``folded`` is ``_fold(line)``."""
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
        # nested no deeper than each pattern's own test above; the test's compile may have come
        # from re's cache, though, worked out in a call less deep than this one
        with contextlib.suppress(re.error, RecursionError):
            combined = re.compile(
                "^(?:" + "|".join(f"(?:{p.pattern})" for p in joined) + ")", joined[0].flags
            )
    rest = patterns if combined is None else tuple(p for p in patterns if p not in joined)
    return Matcher(combined, _hinted(rest))


class _Same:
    """A cache key equal only to a key for the very same object. Hashing a tuple of compiled
    patterns reads every pattern's compiled code, and a refresh hands the parser the same
    ParseRules for every file; the key holds the object, so its id is not reused while cached."""

    __slots__ = ("obj",)

    def __init__(self, obj: ParseRules) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


@functools.lru_cache(maxsize=16)
def _rule_set(key: _Same) -> tuple[Matcher, Matcher, Hinted]:
    """One rule set's matchers, worked out once per ParseRules object."""
    rules = key.obj
    return _matcher(rules.boilerplate), _matcher(rules.captions), _hinted(rules.debris)


def rule_matchers(
    rules: ParseRules,
) -> tuple[Callable[[str], bool], Callable[[str], bool], Callable[[str], str]]:
    """The ``[parse]`` patterns as the three questions the classifier asks of a line."""
    boilerplate_matcher, caption_matcher, debris = _rule_set(_Same(rules))
    boilerplate = boilerplate_matcher.search
    captions = caption_matcher.search
    # debris: applied in order, one after the other: never joined
    last: list[str] = ["", ""]  # the last line casefolded: the three questions ask of the same line

    def folded(line: str) -> str:
        if line is not last[0]:
            last[0], last[1] = line, _fold(line)
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
