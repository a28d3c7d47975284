"""The ``[parse]`` patterns a user writes, as the parser asks them of a line (feedsvc/parse/
patterns.py): whatever regex syntax a pattern uses, a line is boilerplate, a caption or holds
debris exactly when the pattern says so. The parser skips the regex engine on lines that lack a
pattern's required literal (read from the pattern's text); a literal read wrong would let
boilerplate through. Each case below failed or was unpinned in the mutation run of round 5
(bench/MUTATION.md). Patterns and lines are written here, in several languages."""

from __future__ import annotations

import re
import warnings
from datetime import UTC
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feedsvc.config import DEFAULT_BOILERPLATE
from feedsvc.config import DEFAULT_CAPTIONS
from feedsvc.config import DEFAULT_DEBRIS
from feedsvc.config import Settings
from feedsvc.model import ParseRules
from feedsvc.parse import parse_text
from feedsvc.parse.patterns import _fold
from feedsvc.parse.patterns import required_literal
from feedsvc.parse.patterns import rule_matchers
from feedsvc.parse.text import clean_line

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
    # round 9: free text re does not read as syntax, a comment and a verbose group's "#" comment;
    # a "[" or ")" in it, or a repeat after a comment (which repeats what came before it), put
    # the scanner out of step with re, and it named a literal that these matches lack
    (r"(?#[)[])Ww]erbung", "Werbung 3", "Werbun 3"),
    (r"Anzeigen(?# Plural: n)?", "Anzeige: Sommerreifen", "Anzeig"),
    (r"(?x: Jetzt \s* # Abo)" "\n" r")abonnieren", "Jetzt abonnieren", "Bitte abonnieren"),
    # round 9: IGNORECASE takes I, i, İ and ı for one letter; casefold alone does not
    (r"Giriş yap", "GİRİŞ YAP", "Çıkış yap"),
    (r"Paylaşın", "PAYLAŞIN", "Paylaş"),
    (r"Hemen TIKLAYIN", "hemen tıklayın", "hemen tıkla"),
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
    assert hint is None or hint in _fold(matching)  # the line folded as the parser folds it


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
        # round 9: an octal escape of three digits at most, of two when the second ends it
        (r"\1012 Werbung", "2 werbung"),
        (r"\01Werbung", "werbung"),
        (r"^Preis in \044", "preis in "),  # at the very end
        (r"(\w) Seite \1", " seite "),  # a back reference of one digit at the very end
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


# --------------------------------------------------------------------------- round 9: hostile user patterns
# Round 8 judged the scanner's checks for an unclosed class or group and a trailing backslash
# dead (re refuses such a pattern) and `_joinable`'s compile check unreachable. Read again: the
# checks were dead, but the scanner could be out of step with re on a pattern config accepts
# (a comment or a verbose group holding "[" or ")", a repeat after a comment: the cases above),
# and the compile check is reached by a pattern nested as deep as re's parser goes, with an
# error it did not catch. The checks are gone; these pin what replaced them.

DEEP_WORD = "Werbung$"


def _nested(depth: int) -> str:
    return "^" + "(?:" * depth + DEEP_WORD + ")" * depth


def _deepest(accepted) -> str:  # type: ignore[no-untyped-def]
    """The most deeply nested pattern of non-capturing groups ``accepted`` takes (no
    RecursionError), found here: how deep re's parser goes depends on the stack below it."""
    lo, hi = 1, 2000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        re.purge()  # a compile from re's cache would say nothing
        try:
            accepted(_nested(mid))
        except RecursionError:
            hi = mid - 1
        else:
            lo = mid
    re.purge()
    return _nested(lo)


def _deeper(frames: int, call):  # type: ignore[no-untyped-def]
    return call() if frames == 0 else _deeper(frames - 1, call)


def test_free_text_in_a_pattern_is_not_read() -> None:
    """A comment or a verbose group anywhere: no literal (the regex runs on every line) and
    never joined; the pattern still answers as itself."""
    from feedsvc.parse.patterns import _joinable

    for pattern in (
        r"Anzeige(?# Werbung)",
        r"(?x: Jetzt  abonnieren )",
        r"(?ax: Teilen )",
        r"(?x-i: Teilen )",
        r"^Menü(?#Navigation)",
    ):
        assert required_literal(re.compile(pattern, IC)) is None, pattern
    # verbose turned off ("-x") is no free text: the pattern is read
    assert required_literal(re.compile(r"(?i-x:Jetzt) abonnieren", IC)) == " abonnieren"
    plain = re.compile(r"^Menü", IC)
    assert _joinable(plain) and not _joinable(re.compile(r"^Menü(?#Navigation)", IC))
    is_boilerplate, _, _ = rule_matchers(_rules(boilerplate=(r"^Menü(?#Navigation)", r"(?-x:^Teilen\b)")))
    assert is_boilerplate("MENÜ") and is_boilerplate("Teilen") and not is_boilerplate("Das Menü war gut.")


def test_a_source_read_past_its_end_gives_no_literal() -> None:
    """The scanner reads compiled patterns only, which close every class, group and escape, so
    it has no checks for unclosed ones. Were it ever out of step with re and read past the end,
    the pattern gets no literal instead of an error in every parse: shown with sources re
    refuses, handed over as if compiled."""
    from feedsvc.parse.patterns import _atoms

    for source in ("Werbung [abc", "Werbung (?:abc", "Werbung (?:[abc)", "Werbung \\", r"Werbung \N{EM DASH"):
        assert _atoms(SimpleNamespace(pattern=source, flags=0)) is None, source  # type: ignore[arg-type]
    assert _atoms(SimpleNamespace(pattern="Werbung [abc]", flags=0)) == [*"Werbung ", None]  # type: ignore[arg-type]


def test_the_fold_takes_the_four_turkish_i_for_one_letter() -> None:
    assert {_fold(c) for c in "Iiİı"} == {"i"}
    assert _fold("GİRİŞ YAP") == _fold("Giriş yap") == _fold("GIRIŞ YAP") == "giriş yap"
    assert _fold("i\u0307") == "i" and _fold("Straße") == "strasse"  # the rest is casefold's
    assert required_literal(re.compile("Paylaşın", IC)) == "paylaşin"


def test_a_pattern_nested_as_deep_as_re_goes_is_asked_alone() -> None:
    """A [parse] pattern of groups nested as deep as re's parser goes compiles in config;
    joined with others it is two groups deeper, and re's parser runs out of stack (a
    RecursionError, not re.error: it stopped every parse). It is asked alone; the default
    anchored patterns are still one regex."""
    from feedsvc.parse.patterns import _rule_set
    from feedsvc.parse.patterns import _Same

    deep = _deepest(lambda pattern: _rules(boilerplate=(pattern,)))
    rules = _rules(boilerplate=(*DEFAULT_BOILERPLATE, deep))
    is_boilerplate, _, _ = rule_matchers(rules)
    assert is_boilerplate("Werbung") and not is_boilerplate("Werbung ist teuer, sagte die Händlerin.")
    boilerplate, _, _ = _rule_set(_Same(rules))
    assert boilerplate.anchored is not None and deep not in boilerplate.anchored.pattern
    assert deep in [p.pattern for _, p in boilerplate.hinted]


def test_a_deep_pattern_joinable_in_a_shallower_call_is_asked_alone() -> None:
    """Whether a pattern can be joined is asked with a compile that may come from re's cache,
    worked out in a call less deep than a later rule set's: the joined regex of that rule set
    then runs out of stack, and its patterns are asked alone."""
    from feedsvc.parse.patterns import _joinable
    from feedsvc.parse.patterns import _matcher

    def joinable_here(pattern: str) -> None:
        if not _joinable(re.compile(pattern, IC)):
            raise RecursionError

    deep = re.compile(_deepest(joinable_here), IC)
    assert _joinable(deep)  # the wrapped compile now in re's cache
    other = re.compile(r"^Anzeige\b", IC)
    matcher = _deeper(60, lambda: _matcher((deep, other)))
    assert matcher.anchored is None and [p for _, p in matcher.hinted] == [deep, other]
    assert matcher.search("Werbung", "werbung") and matcher.search("ANZEIGE", "anzeige")
    assert not matcher.search("Werbung wirkt", "werbung wirkt")


# Pieces of patterns a user might write, and hostile ones: regex syntax of every kind (comments,
# verbose and flagged groups, lookarounds, conditionals, escapes with arguments), the letters
# IGNORECASE folds in its own way, words.
PIECES = st.sampled_from(
    [
        "(", ")", "[", "]", "^", "$", "\\", "?", "+?", "*", ".", "|", "#", ":", "-", ",", "{", "}",
        "{2}", "{,}", "1", "x", " ", "\n", "(?#", "(?:", "(?x:", "(?i:", "(?-i:", "(?=", "(?<=", "(?!",
        "(?P<n>", "(?(1)", "[^", "\\x41", "\\N{LATIN SMALL LETTER A}", "\\\\", "\\1", "\\0", "\\b",
        "\\d", "a", "A", "I", "i", "İ", "ı", "\u0307", "ß", "Σ", "ς", "Werbung", "Anzeige",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_any_pattern_config_accepts_answers_as_itself(data: st.DataObject) -> None:
    """Whatever a [parse] pattern is, if re compiles it the parser's answers are the regex's:
    boilerplate and caption when it matches the line, the match cut as debris. (On round 8's
    scanner the 300 examples here fail on "ı" against "I"; a run of 3,000 also found "](?#)?"
    against "", the comment cases above.)"""
    source = data.draw(st.lists(PIECES, max_size=12).map("".join), label="pattern")
    with warnings.catch_warnings():  # "[[" and the like: a FutureWarning
        warnings.simplefilter("ignore")
        try:
            pattern = re.compile(source, IC)
        except (re.error, RecursionError):
            assume(False)
    try:  # a line the pattern matches, most of the time; any line otherwise
        line = data.draw(st.from_regex(pattern), label="line")
    except Exception:  # noqa: BLE001 - constructs from_regex does not draw from
        line = data.draw(st.lists(PIECES, max_size=8).map("".join), label="line")
    rules = ParseRules(captions=(pattern,), boilerplate=(pattern,), debris=(pattern,), timezone=UTC)
    is_boilerplate, is_caption, cut_debris = rule_matchers(rules)
    matched = pattern.search(line) is not None
    assert is_boilerplate(line) == matched and is_caption(line) == matched
    assert cut_debris(line) == (clean_line(pattern.sub("", line)) if matched else line)
