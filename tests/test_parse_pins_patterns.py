"""The ``[parse]`` patterns a user writes, as the parser asks them of a line (feedsvc/parse/
patterns.py): whatever regex syntax a pattern uses, a line is boilerplate, a caption or holds
debris exactly when the pattern says so. The parser skips the regex engine on lines that lack a
pattern's required literal (read from the pattern's text); a literal read wrong would let
boilerplate through. Each case below failed or was unpinned in the mutation run of round 5
(bench/MUTATION.md). Patterns and lines are written here, in several languages."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

import pytest

from feedsvc.config import DEFAULT_BOILERPLATE
from feedsvc.config import DEFAULT_CAPTIONS
from feedsvc.config import DEFAULT_DEBRIS
from feedsvc.config import Settings
from feedsvc.model import ParseRules
from feedsvc.parse import parse_text
from feedsvc.parse.patterns import required_literal
from feedsvc.parse.patterns import rule_matchers

# (pattern as a user writes it in [parse], a line it matches, a line it does not match)
CASES = [
    # escapes of one character with an argument: \x, \u, \U, \N{...} and an octal escape
    (r"\x41nzeige\b", "Anzeige", "Bnzeige"),
    (r"\u00e9dition du soir", "Édition du soir", "edition du soir"),
    (r"\U0001F4F8 Foto", "📸 Foto: Reuters", "📷 Foto: Reuters"),
    (r"\N{EM DASH} Advertisement", "— Advertisement —", "- Advertisement 2"),  # not the label alone
    (r"Werbung\N{NO-BREAK SPACE}\d+", "Werbung\u00a012", "Werbung 12"),
    (r"\101nzeige", "Anzeige", "nzeige"),
    (r"^Preis in \044", "Preis in $", "Preis in €"),  # an octal escape ends the pattern
    (r"^(\W)\1", "——", "—a"),  # a back reference ends it (round 8: read past the end)
    # classes: "]" first is a member, "^" negates, escapes inside
    (r"[^]x]yz Newsletter", "ayz Newsletter", "xyz Newsletter"),
    (r"[]a]bc Abonnieren", "]bc Abonnieren", "bbc Abonnieren"),
    (r"[\]]Share", "]Share this", "Share this"),
    (r"[\]x]yz Abo", "]yz Abo", "yz Abo"),
    # groups: escaped brackets inside, nested groups, a class holding ")"
    (r"(?:a\)b)cd anuncio", "a)bcd anuncio", "abcd anuncio"),
    (r"(?:(?:Read)|(?:Lire)) more", "Lire more", "Lese more"),
    (r"(?:[)]x)Подписаться", ")xПодписаться", "xПодписаться"),
    # repeats: a repeated character is not required twice, nor once when it may be absent
    (r"ab*c Cookies", "ac Cookies", "abd Cookies"),
    (r"Cooki{0}es", "Cookes", "Cookies"),
    (r"Anmel{1,2}den", "Anmellden", "Anmeden"),
    (r"x{,2}Teilen", "Teilen", "Tilen"),
    (r"Teil{,}en", "Teilllen", "Tein"),  # "{,}" is "*": any number of "l"
    (r"Teil{2,}en!", "Teilllen!", "Teilen!"),
    (r"a{}b Mehr", "a{}b Mehr", "ab Mehr"),  # "{}" repeats nothing: two plain characters
    (r"\s*X\.com/\w+", "Follow us: x.com/harbournews", "Follow us: x.org/harbournews"),
    (r"[\.\]]Werbung", ".Werbung", "Werbung 2"),
    (r"[a]]b Seite", "a]b Seite", "ab Seite"),
    # no literal at all: the regex runs on every line
    (r"^\W+$", "• • •", "• a •"),
    (r"^[\d\s/.:-]+$", "12.03.2024 / 10:45", "12.03.2024 Uhr"),
]


def _rules(**patterns: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return Settings(seeds_dir=Path("seeds"), db_path=Path("x"), **patterns).parse_rules()  # type: ignore[arg-type]


@pytest.mark.parametrize(("pattern", "matching", "other"), CASES)
def test_a_user_pattern_matches_the_lines_it_matches(pattern: str, matching: str, other: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    assert compiled.search(matching) and not compiled.search(other)  # the case is what it claims
    # alone, and among the default patterns (joined with the anchored ones, or hinted)
    for rules in (
        _rules(boilerplate=(pattern,), captions=(pattern,), debris=(pattern,)),
        _rules(
            boilerplate=(*DEFAULT_BOILERPLATE, pattern),
            captions=(*DEFAULT_CAPTIONS, pattern),
            debris=(pattern, *DEFAULT_DEBRIS),
        ),
    ):
        is_boilerplate, is_caption, cut_debris = rule_matchers(rules)
        assert is_boilerplate(matching) and is_caption(matching)
        assert not is_boilerplate(other) and not is_caption(other)
        assert cut_debris(matching) != matching
        assert cut_debris(other) == other


@pytest.mark.parametrize(("pattern", "matching", "other"), CASES)
def test_the_literal_the_parser_looks_for_is_in_every_match(pattern: str, matching: str, other: str) -> None:
    """The lines without it are never shown to the regex engine."""
    hint = required_literal(re.compile(pattern, re.IGNORECASE))
    assert hint is None or hint in matching.casefold()


@pytest.mark.parametrize(
    ("pattern", "hint"),
    [
        (r"\u00e9dition du soir", "dition du soir"),  # a code point is never guessed
        (r"\U0001F4F8 Foto", " foto"),
        (r"\N{EM DASH} Advertisement", " advertisement"),
        (r"\x41nzeige\b", "nzeige"),
        (r"[^]x]yz Newsletter", "yz newsletter"),
        (r"(?:a\)b)cd anuncio", "cd anuncio"),
        (r"\101nzeige", "nzeige"),
        (r"Werbung\d+ \(Anzeige\)", " (anzeige)"),
        (r"\s*X\.com/\w+", "x.com/"),  # "X" is a letter, "." escaped is one too
        (r"AB*XYZ", "xyz"),
        (r"[a]]b Seite", "]b seite"),  # the class ends at the first "]" after its first member
        (r"[]]Share", "share"),  # "]" first is that member
        (r"[^]]Share", "share"),
        (r"[\.\]]Werbung", "werbung"),
        (r"Anzeige?n", "anzeig"),
        (r"Teil{,}en", "tei"),
        (r"a{}b Mehr", "a{}b mehr"),
        (r"(\w)\1 Share", " share"),
        (r"Wer\bbung", "bung"),
        (r"(?:a(?:b)c)Lesen", "lesen"),
        (r"^\s*Teilen\s*$", "teilen"),
        (r"\(Foto: \w+\)", "(foto: "),
        (r"ab+?cde", "cde"),
        (r"ab*+cde", "cde"),
    ],
)
def test_a_pattern_with_escapes_still_skips_most_lines(pattern: str, hint: str) -> None:
    """The literal is the longest plain run after the escape, not nothing: a user's pattern
    keeps the parser's fast path (a refresh asks every pattern of every line)."""
    assert required_literal(re.compile(pattern)) == hint


def test_joined_patterns_keep_their_back_references_and_flags() -> None:
    """Anchored patterns are joined into one regex; one with a group (a back reference counts
    groups), one with an inline flag, and one anchored in one branch only are asked alone."""
    rules = _rules(
        boilerplate=(r"^(\w)\1 Share", r"(?-i:^NEWS)", r"^Home|Sign in", r"^Menu", r"^Log ?in"),
        captions=(),
        debris=(),
    )
    is_boilerplate, _, _ = rule_matchers(rules)
    assert is_boilerplate("ee Share") and not is_boilerplate("ef Share")
    assert is_boilerplate("NEWS today") and not is_boilerplate("news today")
    assert is_boilerplate("Please Sign in") and not is_boilerplate("Please Home")
    assert is_boilerplate("Menu") and is_boilerplate("LOGIN") and not is_boilerplate("A Menu")


def test_a_user_boilerplate_pattern_with_an_escape_keeps_the_line_out_of_the_feed() -> None:
    rules = _rules(boilerplate=(r"\N{BLACK RIGHT-POINTING TRIANGLE} Video",))
    article = parse_text(
        "Title: Hafen öffnet wieder\n\n"
        "Der Hafen der Stadt öffnet am Montag wieder, teilte die Verwaltung am Freitag mit.\n"
        "▶ Video: Die ersten Schiffe\n"
        "Die Arbeiten hatten zwei Jahre gedauert und kosteten mehr als geplant.\n",
        rules,
    )
    assert "▶ Video: Die ersten Schiffe" not in article.paragraphs
    assert len(article.paragraphs) == 2


# --------------------------------------------------------------------------- the fast path itself
# Round 8 (bench/MUTATION.md): the mutants below give the same answers, slower. The Matcher's
# promise (its docstring) is both: the answers of asking every pattern, and anchored patterns
# asked as one regex at position 0, the rule set's matchers built once per ParseRules object (a
# refresh asks them of every line of every file). These pin the second half.

IC = re.IGNORECASE


def test_two_anchored_patterns_are_one_regex() -> None:
    from feedsvc.parse.patterns import _matcher

    menu, login = re.compile(r"^Menü", IC), re.compile(r"\AIniciar sesi[oó]n", IC)  # "^" and "\A"
    matcher = _matcher((menu, login))
    assert matcher.anchored is not None and matcher.hinted == ()
    assert matcher.anchored.pattern == r"^(?:(?:^Menü)|(?:\AIniciar sesi[oó]n))"
    assert matcher.search("Iniciar sesión", "iniciar sesión") and matcher.search("MENÜ", "menü")
    assert not matcher.search("Der Menüplan der Mensa", "der menüplan der mensa")


def test_a_pattern_that_cannot_be_joined_leaves_the_others_joined() -> None:
    """A pattern opening with an inline global flag ("(?s)^...": the flag must open the whole
    pattern) is not anchored by its first character: it is asked alone, the others still as
    one."""
    from feedsvc.parse.patterns import _joinable
    from feedsvc.parse.patterns import _matcher

    flagged = re.compile(r"(?s)^Реклама.*", IC)
    assert flagged.pattern.startswith("(?s)^") and not _joinable(flagged)
    menu, share = re.compile(r"^Menü", IC), re.compile(r"^Teilen\b", IC)
    assert _joinable(menu) and _joinable(share)
    matcher = _matcher((menu, flagged, share))
    assert matcher.anchored is not None and matcher.anchored.pattern == r"^(?:(?:^Menü)|(?:^Teilen\b))"
    assert [p for _, p in matcher.hinted] == [flagged]
    assert matcher.search("Реклама\nи ещё", "реклама\nи ещё") and matcher.search("Teilen", "teilen")


def test_patterns_with_other_flags_are_asked_alone() -> None:
    """ParseRules built in code may mix flags (config compiles every pattern ignoring case):
    only the patterns with the first one's flags are joined, and each answers as itself."""
    strict = re.compile(r"^NEWS\b")  # case matters
    loose = (re.compile(r"^Menu\b", IC), re.compile(r"^Log ?in\b", IC))
    rules = ParseRules(captions=(), boilerplate=(*loose, strict), debris=(), timezone=UTC)
    is_boilerplate, _, _ = rule_matchers(rules)
    assert is_boilerplate("NEWS in brief") and not is_boilerplate("News of the day was grim.")
    assert is_boilerplate("MENU") and is_boilerplate("login")
    rules = ParseRules(captions=(), boilerplate=(strict, *loose), debris=(), timezone=UTC)  # strict first
    is_boilerplate, _, _ = rule_matchers(rules)
    assert is_boilerplate("NEWS in brief") and not is_boilerplate("News of the day was grim.")
    assert is_boilerplate("MENU") and is_boilerplate("login")


def test_a_rule_set_is_worked_out_once_per_rules_object() -> None:
    from feedsvc.parse.patterns import _rule_set
    from feedsvc.parse.patterns import _Same

    rules = _rules()
    first = _rule_set(_Same(rules))
    assert _rule_set(_Same(rules)) is first  # the same object: the cached matchers
    assert _rule_set(_Same(_rules())) is not first  # an equal one: its own (hashing patterns costs)
