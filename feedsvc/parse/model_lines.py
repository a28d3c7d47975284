"""The learned part of the line classifier: the features of a line and of its neighbours ->
the probability that it belongs to the article's text.

Two logistic regressions, stacked. The first reads each line's shape (features.py), its
neighbours' shapes, running means over a window, and its words (a small learned vocabulary:
only words seen on several sites, so no site's own phrases). The second reads the first's
probabilities around the line and across the article: the article is one run of prose, and a
prose-like line far from that run (a reader's comment, a cookie notice) is not part of it.
The weights are ``data/lines.json``, written by ``tools/train_classifier.py``.

Pure functions: the weights are read once, lazily, from the package's own data.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from importlib import resources
from operator import mul
from typing import Any

from .features import NAMES
from .features import LineShape

# Features of the neighbours that go into a line's own vector (by index into NAMES).
_NEIGHBOUR = tuple(NAMES.index(n) for n in ("log_chars", "terminal", "stop_density", "short", "no_stop"))
_TERM = NAMES.index("terminal")
_CHARS = NAMES.index("log_chars")
_STOP = NAMES.index("stop_density")
_WINDOW = 3  # lines each side for the running means


def stage1_names() -> tuple[str, ...]:
    """The names of the first model's dense inputs, in order."""
    neighbour = [NAMES[i] for i in _NEIGHBOUR]
    return (
        NAMES
        + tuple(f"prev_{n}" for n in neighbour)
        + tuple(f"next_{n}" for n in neighbour)
        + ("win_terminal", "win_log_chars", "win_stop_density", "rel_chars", "rel_stop_density")
    )


def stage2_names() -> tuple[str, ...]:
    """The names of the second model's inputs, in order."""
    return (
        "p",
        "p_prev",
        "p_next",
        "p_win",
        "p_before",  # mean probability of every line above
        "p_after",  # mean probability of every line below
        "text_before",  # share of the article's likely text that lies above this line
        "before_first_strong",  # above the first line the first stage is sure of
        "after_last_strong",  # below the last such line
        "gap_to_strong",  # lines to the nearest line the first stage is sure of (log)
        "log_chars",
        "terminal",
        "stop_density",
    )


def vectors(shapes: Sequence[LineShape]) -> list[list[float]]:
    """The first model's dense input for every line: its own features, its neighbours', running
    means over a window, and its length and function words relative to the article's longest."""
    n = len(shapes)
    zero = [0.0] * len(_NEIGHBOUR)
    own = [s.values for s in shapes]
    picked = [[v[i] for i in _NEIGHBOUR] for v in own]
    max_chars = max((v[_CHARS] for v in own), default=0.0)
    max_stop = max((v[_STOP] for v in own), default=0.0)
    out = []
    for i in range(n):
        lo, hi = max(0, i - _WINDOW), min(n, i + _WINDOW + 1)
        span = own[lo:hi]
        k = len(span)
        v = own[i]
        out.append(
            list(v)
            + (picked[i - 1] if i > 0 else zero)
            + (picked[i + 1] if i + 1 < n else zero)
            + [
                sum(x[_TERM] for x in span) / k,
                sum(x[_CHARS] for x in span) / k,
                sum(x[_STOP] for x in span) / k,
                v[_CHARS] - max_chars,
                v[_STOP] - max_stop,
            ]
        )
    return out


_STRONG = 0.8


def stage2_vectors(p: Sequence[float], shapes: Sequence[LineShape]) -> list[list[float]]:
    """The second model's input: the first model's probabilities in context."""
    n = len(p)
    total = sum(p) or 1.0
    strong = [i for i, x in enumerate(p) if x >= _STRONG]
    first = strong[0] if strong else n
    last = strong[-1] if strong else -1
    # Lines to the nearest strong line, above or below: two sweeps.
    nearest = [n] * n
    seen = -1
    for i in range(n):
        if p[i] >= _STRONG:
            seen = i
        if seen >= 0:
            nearest[i] = i - seen
    seen = -1
    for i in range(n - 1, -1, -1):
        if p[i] >= _STRONG:
            seen = i
        if seen >= 0 and seen - i < nearest[i]:
            nearest[i] = seen - i
    out = []
    before = 0.0
    for i in range(n):
        lo, hi = max(0, i - 2), min(n, i + 3)
        v = shapes[i].values
        out.append(
            [
                p[i],
                p[i - 1] if i > 0 else 0.0,
                p[i + 1] if i + 1 < n else 0.0,
                sum(p[lo:hi]) / (hi - lo),
                before / i if i else 0.0,
                (total - before - p[i]) / (n - i - 1) if i + 1 < n else 0.0,
                before / total,
                1.0 if i < first else 0.0,
                1.0 if i > last else 0.0,
                math.log1p(nearest[i]),
                v[_CHARS],
                v[_TERM],
                v[_STOP],
            ]
        )
        before += p[i]
    return out


LEAD_CANDIDATES = 4  #: the first few full paragraphs of text compete to be the lead


def lead_names() -> tuple[str, ...]:
    """The names of the lead model's inputs, in order."""
    return (
        "rank0",
        "rank1",
        "p",
        "p1",
        "log_words",
        "sentences",
        "opens_quote",
        "dateline",  # opens with a wire dateline ("MADRID —", "(CNN)")
        "next_p",
        "next_prose",
        "prev_text",  # the line above is text too
        "overlap_next",  # share of its longer words found in the next three lines
        "overlap_rest",  # ... in the rest of the article
        "rel_pos",
    )


def _long_words(shape: LineShape) -> set[str]:
    """Words of four or more characters, numbers aside: the ones that tell what a line is about."""
    return {t for t in shape.tokens if len(t) >= 4 and not t.isdigit()}


def lead_vectors(
    candidates: Sequence[int],
    shapes: Sequence[LineShape],
    p1: Sequence[float],
    p: Sequence[float],
    prose: Sequence[bool],
    datelined: Sequence[bool],
) -> list[list[float]]:
    """The lead model's input for each candidate line (indexes into the article's lines)."""
    n = len(shapes)
    rows = []
    log_words, sentences, quote = (
        NAMES.index("log_words"),
        NAMES.index("sentences"),
        NAMES.index("opens_quote"),
    )
    # The last line each word below the first candidate occurs in: a candidate's word occurs
    # somewhere below it when that line is further down (one pass, instead of a union of all
    # the lines below for every candidate).
    last: dict[str, int] = {}
    for j in range(candidates[0] + 1 if candidates else n, n):
        last.update(dict.fromkeys(shapes[j].tokens, j))
    for rank, i in enumerate(candidates):
        own = _long_words(shapes[i])  # only the candidate's words are filtered: own & x is the same
        near: set[str] = set()  # its words in the next three lines
        for shape in shapes[i + 1 : i + 4]:
            near |= own & shape.tokens
        below = sum(1 for w in own if last.get(w, -1) > i)
        v = shapes[i].values
        rows.append(
            [
                1.0 if rank == 0 else 0.0,
                1.0 if rank == 1 else 0.0,
                p[i],
                p1[i],
                v[log_words],
                v[sentences],
                v[quote],
                1.0 if datelined[i] else 0.0,
                p[i + 1] if i + 1 < n else 0.0,
                1.0 if i + 1 < n and prose[i + 1] else 0.0,
                1.0 if i > 0 and p[i - 1] >= 0.5 else 0.0,
                len(near) / len(own) if own else 0.0,
                below / len(own) if own else 0.0,
                i / (n - 1) if n > 1 else 0.0,
            ]
        )
    return rows


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


@dataclass(frozen=True, slots=True)
class Logistic:
    """A logistic regression over standardised dense inputs, plus optional word weights."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    words: dict[str, float]  #: weight of a word's presence, scaled by 1/sqrt(distinct words)
    _folded: tuple[tuple[float, ...], float] = field(init=False, repr=False, compare=False)
    _vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The standardisation folded into the weights: w·((x-m)/s) + b = (w/s)·x + (b - Σ w·m/s)
        coef = tuple(w / s for w, s in zip(self.weights, self.scale, strict=True))
        offset = self.bias - sum(c * m for c, m in zip(coef, self.mean, strict=True))
        object.__setattr__(self, "_folded", (coef, offset))
        object.__setattr__(self, "_vocabulary", frozenset(self.words))

    def word_score(self, tokens: frozenset[str]) -> float:
        """The words' part of the decision for one line."""
        if not tokens or not self.words:
            return 0.0
        # Only the line's words in the vocabulary: a set intersection runs in C over the
        # smaller of the two, and most of a line's words are not in it.
        known = tokens & self._vocabulary
        return sum(map(self.words.__getitem__, known)) / math.sqrt(len(tokens))

    def probability(self, row: Sequence[float], tokens: frozenset[str] = frozenset()) -> float:
        coef, bias = self._folded
        z = bias + sum(map(mul, coef, row))
        return _sigmoid(z + self.word_score(tokens) if tokens else z)

    def contributions(self, row: Sequence[float]) -> list[tuple[str, float]]:
        """Each dense input's share of the decision for one row, largest first (``explain``)."""
        parts = [
            (name, w * (x - m) / s)
            for name, w, x, m, s in zip(self.names, self.weights, row, self.mean, self.scale, strict=True)
        ]
        return sorted(parts, key=lambda p: -abs(p[1]))


@dataclass(frozen=True, slots=True)
class LineModel:
    """Both stages."""

    first: Logistic
    second: Logistic
    lead: Logistic

    def probabilities(self, shapes: Sequence[LineShape]) -> tuple[list[float], list[float]]:
        """(first-stage, final) probability that each line is article text."""
        p1 = self.first_stage(shapes)
        rows2 = stage2_vectors(p1, shapes)
        return p1, [self.second.probability(r) for r in rows2]

    def first_stage(self, shapes: Sequence[LineShape]) -> list[float]:
        """``[first.probability(row, tokens) for each row of vectors(shapes)]``, computed without
        building the rows: the model is linear, so a line's score is its own features' part, its
        neighbours' parts and the window means' part, each a dot product done once per line (a
        test holds the two to the same values)."""
        n = len(shapes)
        if not n:
            return []
        coef, bias = self.first._folded
        k = len(NAMES)
        m = len(_NEIGHBOUR)
        own_c, prev_c, next_c = coef[:k], coef[k : k + m], coef[k + m : k + 2 * m]
        w_term, w_chars, w_stop, r_chars, r_stop = coef[k + 2 * m :]
        own = [s.values for s in shapes]
        own_part = [sum(map(mul, own_c, v)) for v in own]
        picked = [[v[i] for i in _NEIGHBOUR] for v in own]
        as_prev = [sum(map(mul, prev_c, x)) for x in picked]  # what line i adds to line i+1
        as_next = [sum(map(mul, next_c, x)) for x in picked]  # ... and to line i-1
        # Prefix sums of the window features, so every window mean is two lookups.
        term, chars, stop = [0.0], [0.0], [0.0]
        for v in own:
            term.append(term[-1] + v[_TERM])
            chars.append(chars[-1] + v[_CHARS])
            stop.append(stop[-1] + v[_STOP])
        max_chars = max(v[_CHARS] for v in own)
        max_stop = max(v[_STOP] for v in own)
        vocabulary, weight = self.first._vocabulary, self.first.words.__getitem__
        out = []
        for i in range(n):
            lo, hi = max(0, i - _WINDOW), min(n, i + _WINDOW + 1)
            width = hi - lo
            v = own[i]
            z = (
                bias
                + own_part[i]
                + (as_prev[i - 1] if i > 0 else 0.0)
                + (as_next[i + 1] if i + 1 < n else 0.0)
                + w_term * (term[hi] - term[lo]) / width
                + w_chars * (chars[hi] - chars[lo]) / width
                + w_stop * (stop[hi] - stop[lo]) / width
                + r_chars * (v[_CHARS] - max_chars)
                + r_stop * (v[_STOP] - max_stop)
            )
            tokens = shapes[i].tokens  # word_score, inlined
            if tokens:
                z += sum(map(weight, tokens & vocabulary)) / math.sqrt(len(tokens))
            out.append(_sigmoid(z))
        return out


def logistic_from_json(raw: dict[str, Any], names: tuple[str, ...]) -> Logistic:
    """A Logistic from its JSON form; its inputs must be the ones this code computes."""
    if tuple(raw["names"]) != names:
        raise ValueError("data/lines.json was trained on other features: run tools/train_classifier.py")
    return Logistic(
        names=names,
        mean=tuple(float(v) for v in raw["mean"]),
        scale=tuple(float(v) for v in raw["scale"]),
        weights=tuple(float(v) for v in raw["weights"]),
        bias=float(raw["bias"]),
        words={str(k): float(v) for k, v in raw.get("words", {}).items()},
    )


def from_json(raw: dict[str, dict[str, Any]]) -> LineModel:
    """Both stages and the lead model from data/lines.json's form."""
    return LineModel(
        first=logistic_from_json(raw["first"], stage1_names()),
        second=logistic_from_json(raw["second"], stage2_names()),
        lead=logistic_from_json(raw["lead"], lead_names()),
    )


@functools.cache
def data_fingerprint() -> str:
    """A short hash of the shipped data files (the weights, the stop-word lists, the month
    names): retrained weights change what the parser makes of the same text, so they are part
    of the rules."""
    digest = hashlib.sha256()
    for name in ("data/lines.json", "data/stopwords.txt", "data/months.json"):
        digest.update(resources.files(__package__).joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def line_model() -> LineModel:
    """The shipped model (``data/lines.json``)."""
    text = resources.files(__package__).joinpath("data/lines.json").read_text(encoding="utf-8")
    return from_json(json.loads(text))
