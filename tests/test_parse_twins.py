"""The parser's cheap forms held to their plain definitions: each one below was rewritten for
speed (the model path of parse/, bench/RESULTS.md), and must give what the obvious code gives.

Deterministic examples pin the edges; Hypothesis adds mixed pages of chrome and prose in
several scripts (no deadline: an example measures whole pages, and a busy machine is slow).
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feedsvc.parse import features
from feedsvc.parse import split_sentences
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _prose_lead
from feedsvc.parse.classify import is_full_paragraph
from feedsvc.parse.classify import is_one_run_of_prose
from feedsvc.parse.lead import _is_title_sentence
from feedsvc.parse.linetypes import find_date
from feedsvc.parse.model_lines import lead_names
from feedsvc.parse.model_lines import lead_vectors
from feedsvc.parse.model_lines import line_model
from feedsvc.parse.model_lines import stage2_names
from feedsvc.parse.model_lines import stage2_vectors

SAMPLES = [
    "Sign in",
    "Home | News | Sport",
    "By Jane Smith, Reuters",
    "Updated 10:32 GMT, 18 November 2019",
    "The council voted on Monday to close three libraries in the west of the city next spring.",
    "The libraries close in spring, the council said; three of the city's libraries will close.",
    "“We will fight this,” said one parent, who asked not to be named.",
    "© 2024 Example Media. All rights reserved.",
    "Related: Ten things to know about the budget",
    "Оппозиция потребовала отставки министра после публикации доклада о расходах.",
    "警察の調べでは、乗用車が赤信号を無視して交差点に進入した可能性があるという。",
    "ÉTÉ 2019",
    "Le conseil municipal a voté lundi la fermeture de trois bibliothèques de la ville.",
    "",
]
LINES = st.lists(st.sampled_from(SAMPLES[:-1]), min_size=1, max_size=14)


# --------------------------------------------------------------------------- model_lines


def _plain_word_score(words: dict[str, float], tokens: frozenset[str]) -> float:
    return sum(words.get(t, 0.0) for t in tokens) / math.sqrt(len(tokens)) if tokens else 0.0


@settings(deadline=None)
@given(LINES)
@example(SAMPLES[:-1])
def test_word_score_is_every_words_weight(lines: list[str]) -> None:
    model = line_model().first
    for shape in features.shapes(lines):
        assert model.word_score(shape.tokens) == pytest.approx(
            _plain_word_score(model.words, shape.tokens), abs=1e-12
        )
    assert model.word_score(frozenset()) == 0.0


def test_probability_adds_the_words_only_when_there_are_some() -> None:
    model = line_model().first
    row = [0.5] * len(model.names)
    tokens = frozenset({"the", "council", "voted", "zzz-not-a-word"})
    z = model._folded[1] + sum(c * x for c, x in zip(model._folded[0], row, strict=True))
    assert model.probability(row) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    with_words = z + _plain_word_score(model.words, tokens)
    assert model.probability(row, tokens) == pytest.approx(1 / (1 + math.exp(-with_words)), abs=1e-12)


@settings(deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=16))
@example([0.5])
@example([0.9])
@example([0.8, 0.1, 0.1, 0.1, 0.79999, 0.1, 0.95])
@example([0.1, 0.1, 0.1, 0.85])
@example([0.85, 0.1, 0.1, 0.1])
def test_stage2_gap_is_the_distance_to_the_nearest_strong_line(p: list[float]) -> None:
    shapes = features.shapes(["A line of text."] * len(p))
    column = stage2_names().index("gap_to_strong")
    strong = [i for i, x in enumerate(p) if x >= 0.8]
    for i, row in enumerate(stage2_vectors(p, shapes)):
        nearest = min((abs(i - j) for j in strong), default=len(p))
        assert row[column] == math.log1p(nearest), (i, p)


def _plain_overlaps(shapes: list[features.LineShape], i: int) -> tuple[float, float]:
    own = frozenset(t for t in shapes[i].tokens if len(t) >= 4 and not t.isdigit())
    near = frozenset().union(*(s.tokens for s in shapes[i + 1 : i + 4]))
    rest = near.union(*(s.tokens for s in shapes[i + 4 :]))
    if not own:
        return 0.0, 0.0
    return len(own & near) / len(own), len(own & rest) / len(own)


@settings(deadline=None)
@given(LINES, st.data())
@example(
    [SAMPLES[4], SAMPLES[0], SAMPLES[5], SAMPLES[1], SAMPLES[2], SAMPLES[3], SAMPLES[4], SAMPLES[6]],
    None,
)
def test_lead_overlaps_are_the_shared_words(lines: list[str], data: st.DataObject | None) -> None:
    """Of a candidate's long words, the share found in the next three lines and the share found
    anywhere below it (the words of the candidate's own line and of lines above do not count)."""
    shapes = features.shapes(lines)
    n = len(lines)
    if data is None:
        candidates = [0, 2, 6]
    else:
        candidates = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=4).map(sorted))
    p = [0.5] * n
    rows = lead_vectors(candidates, shapes, p, p, [True] * n, [False] * n)
    near_col, rest_col = lead_names().index("overlap_next"), lead_names().index("overlap_rest")
    for i, row in zip(candidates, rows, strict=True):
        assert (row[near_col], row[rest_col]) == _plain_overlaps(shapes, i)


def test_lead_overlap_counts_a_word_once_and_only_below() -> None:
    lines = [
        "Harbour workers strike again today.",  # above the candidate: not counted
        "Harbour workers strike over pay.",  # the candidate: harbour, workers, strike, over
        "A short line.",
        "Workers march.",  # next three: workers
        "Nothing here.",
        "Other text.",
        "The strike goes on, workers say.",  # below: strike, workers
    ]
    shapes = features.shapes(lines)
    (row,) = lead_vectors([1], shapes, [0.5] * 7, [0.5] * 7, [True] * 7, [False] * 7)
    names = lead_names()
    assert row[names.index("overlap_next")] == 1 / 4
    assert row[names.index("overlap_rest")] == 2 / 4


# --------------------------------------------------------------------------- features


@pytest.mark.parametrize(
    "line",
    [
        "警察の調べでは、乗用車が赤信号を無視して交差点に進入した可能性があるという。",
        "A" * 40 + "警察の調べでは、乗用車が赤信号を無視して交差点に進入した",
        "A" * 39 + "警察の調べでは、乗用車が赤信号を無視して交差点に進入した",
        "A" * 29 + "警察の調べでは、乗用車が赤",
        "A" * 30 + "警察の調べでは、乗用車が赤",
        "Plain ASCII text, nothing else at all in it, for a long while.",
        "Café au lait, naïve résumé: Latin letters beyond ASCII.",
        "",
    ],
)
def test_is_cjk_line_is_more_than_ten_cjk_characters_in_the_first_forty(line: str) -> None:
    plain = len(re.findall("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", line[:40])) > 10
    assert features.is_cjk_line(line) is plain


@pytest.mark.parametrize(
    "line",
    [
        "USA",
        "USA today",
        "ÉTÉ 2019",
        "НОВОСТИ",
        "2019",
        "ABCª",  # ª is lower case and has no upper case: upper() keeps the line
        "STRASSE",
        "STRAßE",  # ß upper-cases to SS: not an upper-case line
        "A" * 300,
        "A" * 300 + "a",
        "a" + "A" * 300,
    ],
)
def test_upper_line_is_upper_and_not_lower(line: str) -> None:
    (shape,) = features.shapes([line])
    plain = line.upper() == line and line.lower() != line
    assert shape.values[features.NAMES.index("upper_line")] == (1.0 if plain else 0.0)


# --------------------------------------------------------------------------- classify


def _plain_prose_lead(lines: list[str]) -> int:
    """Every line a sentence of 4+ words (CJK: 10+ characters), one a full paragraph: the
    first full paragraph; else -1."""
    one_run = all(is_full_paragraph(line, 4) for line in lines) and any(map(is_full_paragraph, lines))
    return next(i for i, line in enumerate(lines) if is_full_paragraph(line)) if one_run else -1


@settings(deadline=None)
@given(
    st.lists(st.sampled_from([*SAMPLES[:-1], "He was 88 years old.", "Aged 88.", "雨が降った。"]), min_size=1)
)
@example(["He was 88 years old.", SAMPLES[4]])
@example(["He was 88 years old."])
@example([SAMPLES[10], "雨が降った。"])
def test_prose_lead_is_the_first_full_paragraph_of_one_run_of_prose(lines: list[str]) -> None:
    fixed: list[Line | None] = [None] * len(lines)
    assert _prose_lead(lines, fixed) == _plain_prose_lead(lines)
    assert is_one_run_of_prose(lines, fixed) is (_plain_prose_lead(lines) >= 0)


@pytest.mark.parametrize(
    "line",
    [
        "Updated 10:32 GMT, 18 November 2019",
        "Posted on 2019-11-18T20:51:19Z",
        "18.11.2019",
        "No digits in this line at all",
        "November eighteenth, twenty nineteen",
        "Published ٢٠١٩-١١-١٨",  # Arabic-Indic digits: \d matches them
        "",
    ],
)
def test_find_date_without_a_digit_is_none(line: str) -> None:
    from feedsvc.parse.linetypes import _DATE_IN_LINE

    m = _DATE_IN_LINE.search(line)
    found = find_date(line)
    assert (found is None) is (m is None)
    if m is not None:
        assert found is not None and found.startswith(m.group(0))


# --------------------------------------------------------------------------- lead


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The minister spoke.", True),
        (".", False),
        ("...", False),
        ("— The end", True),
        ("«»", False),
        ("", False),
        ("9", True),
    ],
)
def test_title_sentence_has_a_letter_or_digit(sentence: str, expected: bool) -> None:
    assert _is_title_sentence(sentence) is expected
    assert any(c.isalnum() for c in sentence) is expected


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("雨が降った。風も強い。", ["雨が降った。", "風も強い。"]),
        ("雨が降った。」 風も強い！ 本当？", ["雨が降った。」", "風も強い！", "本当？"]),
        (
            "It rained. Then it stopped! Why? Nobody knows…  Fine.",
            ["It rained.", "Then it stopped!", "Why?", "Nobody knows…", "Fine."],
        ),
        ("It rained.Then it stopped.", ["It rained.Then it stopped."]),
        ("Он ушёл. Ёлка осталась.", ["Он ушёл.", "Ёлка осталась."]),
        ("Done?! «Yes.» Then — nothing.", ["Done?!", "«Yes.»", "Then — nothing."]),
        ("End。", ["End。"]),
    ],
)
def test_sentence_ends_of_both_kinds(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


# --------------------------------------------------------------------------- features: words, language


@settings(deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
@example("".join(map(chr, range(128))))
@example("Hello, World! It's 3.5% (or so) -- e-mail: a@b.com/x\\y|z & more <tags> {x} [y] #1 *2 +3 =4")
def test_ascii_words_are_casefolded_and_split_on_punctuation(line: str) -> None:
    plain = line[:240].casefold().translate(features._PUNCTUATION).split()
    assert features._sample_words(line) == plain


def _plain_language(words: list[str]) -> int:
    from collections import Counter

    lists = features.stop_words()

    def count(table: dict[str, int]) -> Counter[int]:
        return Counter(
            i for w in words for i in range(table.get(w, 0).bit_length()) if table.get(w, 0) >> i & 1
        )

    per = count(lists.telling)
    if sum(per.values()) < 10:
        per = count(lists.masks)
    if not per:
        return -1
    hits = max(per.values())
    best = min(i for i, n in per.items() if n == hits)
    return best if hits >= 0.05 * len(words) else -1


@pytest.mark.parametrize(
    "text",
    [
        SAMPLES[4] + " " + SAMPLES[5] + " " + SAMPLES[6],
        SAMPLES[9] * 3,
        SAMPLES[12] * 3,
        "Der Gemeinderat hat am Montag beschlossen, drei Bibliotheken im Westen der Stadt zu schließen.",
        "O conselho votou na segunda-feira para fechar três bibliotecas no oeste da cidade.",
        "la la la",  # a few words of many lists: all of them counted
        "xyzzy plugh",  # no list: unknown
        "",
    ],
)
def test_language_is_the_list_with_most_words(text: str) -> None:
    words = features._sample_words(text) * 2
    assert features.stop_words().language_of(words) == _plain_language(words)


# --------------------------------------------------------------------------- patterns


def test_rule_matchers_answer_for_their_own_rules_object() -> None:
    from dataclasses import replace
    from pathlib import Path

    from feedsvc.config import Settings
    from feedsvc.parse.patterns import rule_matchers

    base = Settings(seeds_dir=Path("seeds"), db_path=Path("x"))
    rules = base.parse_rules()
    other = replace(
        rules,
        boilerplate=(re.compile(r"^Harbour news\b", re.IGNORECASE),),
        captions=(re.compile(r"\(Photo\)$"),),
        debris=(re.compile(r"\s*\[ad\]"),),
    )
    equal = base.parse_rules()  # equal patterns, another object: the same answers
    line = "Harbour news for everyone"
    for _ in range(2):  # alternately, so a cache by identity cannot hand one the other's
        b1, c1, d1 = rule_matchers(rules)
        b2, c2, d2 = rule_matchers(other)
        b3, _, _ = rule_matchers(equal)
        assert not b1(line) and b2(line) and not b3(line)
        assert b1("Got a story for us?") and not b2("Got a story for us?") and b3("Got a story for us?")
        assert c2("A boat (Photo)") and not c1("A boat (Photo)")
        assert d2("Text [ad] more") == "Text more" and d1("Text [ad] more") == "Text [ad] more"


# --------------------------------------------------------------------------- model_lines: whole rows


def _plain_stage2(p: list[float], shapes: list[features.LineShape]) -> list[list[float]]:
    n = len(p)
    total = sum(p) or 1.0
    strong = [i for i, x in enumerate(p) if x >= 0.8]
    names = features.NAMES
    rows = []
    for i in range(n):
        window = p[max(0, i - 2) : i + 3]
        v = shapes[i].values
        rows.append(
            [
                p[i],
                p[i - 1] if i > 0 else 0.0,
                p[i + 1] if i + 1 < n else 0.0,
                sum(window) / len(window),
                sum(p[:i]) / i if i else 0.0,
                # what the total leaves below the line (the total is 1 when every p is 0)
                (total - sum(p[: i + 1])) / (n - i - 1) if i + 1 < n else 0.0,
                sum(p[:i]) / total,
                1.0 if not strong or i < strong[0] else 0.0,
                1.0 if not strong or i > strong[-1] else 0.0,
                math.log1p(min((abs(i - j) for j in strong), default=n)),
                v[names.index("log_chars")],
                v[names.index("terminal")],
                v[names.index("stop_density")],
            ]
        )
    return rows


@settings(deadline=None)
@given(LINES, st.data())
@example([SAMPLES[0], SAMPLES[4], SAMPLES[5], SAMPLES[1]], None)
def test_stage2_rows_equal_their_plain_definition(lines: list[str], data: st.DataObject | None) -> None:
    n = len(lines)
    if data is None:
        p = [0.1, 0.9, 0.85, 0.3]
    else:
        p = data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    shapes = features.shapes(lines)
    got = stage2_vectors(p, shapes)
    assert len(got) == n
    for row, plain in zip(got, _plain_stage2(p, shapes), strict=True):
        assert row == pytest.approx(plain, abs=1e-12)


@settings(deadline=None)
@given(LINES, st.data())
@example([SAMPLES[4], SAMPLES[0], SAMPLES[5], SAMPLES[6]], None)
def test_lead_rows_equal_their_plain_definition(lines: list[str], data: st.DataObject | None) -> None:
    n = len(lines)
    shapes = features.shapes(lines)
    if data is None:
        candidates, p, p1 = [0, 2, 3], [0.9, 0.2, 0.6, 0.4], [0.7, 0.1, 0.5, 0.45]
        prose, datelined = [True, False, True, True], [False, False, True, False]
    else:
        candidates = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=4).map(sorted))
        p = data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
        p1 = data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
        prose = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        datelined = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    names = features.NAMES
    got = lead_vectors(candidates, shapes, p1, p, prose, datelined)
    assert len(got) == len(candidates)
    for rank, (i, row) in enumerate(zip(candidates, got, strict=True)):
        v = shapes[i].values
        near, rest = _plain_overlaps(shapes, i)
        plain = [
            float(rank == 0),
            float(rank == 1),
            p[i],
            p1[i],
            v[names.index("log_words")],
            v[names.index("sentences")],
            v[names.index("opens_quote")],
            float(datelined[i]),
            p[i + 1] if i + 1 < n else 0.0,
            float(i + 1 < n and prose[i + 1]),
            float(i > 0 and p[i - 1] >= 0.5),
            near,
            rest,
            i / (n - 1) if n > 1 else 0.0,
        ]
        assert row == plain


@pytest.mark.parametrize("short", [("scale", "mean"), ("mean",), ("scale",)])
def test_a_logistic_with_inputs_of_unequal_length_is_refused(short: tuple[str, ...]) -> None:
    """Folding the standardisation into the weights pairs them with the scales and the means
    one to one: a model file with one of them shorter is an error, not a quietly shorter model."""
    from feedsvc.parse.model_lines import Logistic

    values = {"names": ("a", "b"), "mean": (0.0, 1.0), "scale": (1.0, 2.0), "weights": (0.5, -0.5)}
    for name in short:
        values[name] = values[name][:1]
    with pytest.raises(ValueError, match="zip"):
        Logistic(bias=0.0, words={}, **values)  # type: ignore[arg-type]


def test_title_and_summary_start_at_the_lead_not_at_the_first_text_line() -> None:
    """A short sentence above the first full paragraph is body text, but the headline is the
    lead's (article._blocks finds the lead's index in the same pass as the blocks)."""
    from pathlib import Path

    from feedsvc.config import Settings
    from feedsvc.parse import parse_text

    rules = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()
    text = (
        "He was 88 years old.\n"
        "The Rev. Robert Hale, the founder of a ministry watched by millions, died on Thursday.\n"
        "He had been ill for some time, his family said.\n"
    )
    article = parse_text(text, rules)
    assert (
        article.title
        == "The Rev. Robert Hale, the founder of a ministry watched by millions, died on Thursday"
    )
    assert article.summary == "He had been ill for some time, his family said."
    assert [b.text for b in article.blocks][0] == "He was 88 years old."
