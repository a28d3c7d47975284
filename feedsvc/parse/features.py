"""What a line of scraped text shows about itself, as numbers: the classifier's input.

Language-neutral: lengths, words, how much is function words (in the article's own language,
from the stop-word lists in ``data/stopwords.txt``), sentence punctuation, capitals, digits,
separators, position. No phrase of any language is looked for here.

Pure functions: the stop-word lists are read once, lazily, from the package's own data.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

# Characters that end a sentence in the scripts feedsvc meets (Latin, Cyrillic, Greek, CJK,
# Arabic, Devanagari), and closing quotes/brackets that may follow them.
TERMINAL = frozenset(".!?…。！？।؟")
CLOSERS = "\"'”’“‘»«)]›‹」』）"
_OPENERS = frozenset("\"'“‘«„‹「『")
# Punctuation that may cling to a word: turned into spaces before a line is split into words
# (str.translate and str.split run in C; a \w+ regex costs three times as much).
_PUNCTUATION_CHARS = ".,;:!?\"'()[]{}“”‘’«»„‹›—–-/\\|&*%$#@+=<>…·•。、！？「」『』（）"
_PUNCTUATION = str.maketrans(dict.fromkeys(_PUNCTUATION_CHARS, " "))
# Marks of site chrome and lists rather than prose: separators, arrows, bullets, pipes.
# One str.translate marks digits as "0" and separators as "|", so two counts measure both.
_SEPARATOR_CHARS = "|/>•·»«→←▶►★☆#@©®™=+*_~^[]{}<\\"
_MARKS = str.maketrans({**dict.fromkeys("0123456789", "0"), **dict.fromkeys(_SEPARATOR_CHARS, "|")})
_DIGIT_BYTES = b"0123456789"
_SEPARATOR_BYTES = bytes(c for c in _SEPARATOR_CHARS.encode("utf-8") if c < 128)
_CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# A sentence break inside a line: sentence punctuation, then a space.
_BREAKS = (". ", "! ", "? ", "。")
_URL = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w")


@dataclass(frozen=True, slots=True)
class StopWords:
    """Each language's function words, and which languages a word belongs to."""

    languages: tuple[str, ...]
    sets: tuple[frozenset[str], ...]
    masks: dict[str, int]  #: word -> bit i set when the word is in language i's list
    telling: dict[str, int]  #: the same for words of at most _SHARED lists: "a" or "la", in
    #: dozens of lists, tell no language apart, and counting them is most of the cost

    def language_of(self, words: Sequence[str]) -> int:
        """The index of the language whose function words cover most of ``words``; -1 when
        no list covers at least 5 % of them (CJK text without spaces, code, lists). Only words
        of a few lists count: they tell languages apart."""
        per_language = _per_language(self.telling, words)
        if sum(per_language.values()) < 10:  # too few telling words (a short text): count them all
            per_language = _per_language(self.masks, words)
        if not per_language:
            return -1
        # The most hits; on a tie, the first language in the file's (alphabetical) order.
        hits = max(per_language.values())
        best = min(i for i, n in per_language.items() if n == hits)
        return best if hits >= 0.05 * len(words) else -1


def _per_language(masks: dict[str, int], words: Sequence[str]) -> dict[int, int]:
    """How many of ``words`` are in each language's list: the words' masks counted first
    (a few dozen distinct ones), then spread over their bits."""
    out: dict[int, int] = {}
    for mask, n in Counter(filter(None, map(masks.get, words))).items():
        for i in _bits(mask):
            out[i] = out.get(i, 0) + n
    return out


@functools.lru_cache(maxsize=4096)
def _bits(mask: int) -> tuple[int, ...]:
    """The indexes of the bits set in ``mask`` (the same few masks recur in every article)."""
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


_SHARED = 10


@functools.cache
def stop_words() -> StopWords:
    """The stop-word lists shipped in ``data/stopwords.txt`` (from jusText; see its header)."""
    text = resources.files(__package__).joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    languages: list[str] = []
    sets: list[frozenset[str]] = []
    masks: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, words = line.partition("\t")
        bit = 1 << len(languages)
        languages.append(name)
        sets.append(frozenset(words.split()))
        for word in sets[-1]:
            masks[word] = masks.get(word, 0) | bit
    telling = {w: m for w, m in masks.items() if m.bit_count() <= _SHARED}
    return StopWords(tuple(languages), tuple(sets), masks, telling)


# The names of the features, in the order line_features returns them.
NAMES = (
    "log_chars",
    "log_words",
    "short",  # fewer than 4 words
    "long",  # 25 words or more
    "terminal",  # ends in sentence punctuation (closing quotes aside)
    "sentences",  # sentence breaks inside the line, capped at 3
    "stop_density",  # share of words that are function words of the article's language
    "no_stop",  # not one function word in a line of 4+ words
    "capital_share",  # share of words that start with a capital
    "upper_line",  # the whole line in capitals
    "digit_share",
    "separator_share",
    "comma_rate",  # commas per word
    "opens_quote",
    "url",
    "cjk",  # mostly CJK characters: word counts mean little
    "first",  # position: the first line
    "last",  # the last line
    "rel_pos",  # 0 at the top, 1 at the bottom
    "colon_end",  # ends in a colon: a label or an introduction
    "no_language",  # no stop-word list fits the article (CJK, or too little text): the
    # function-word features say nothing, and the model must go by the others
)


class LineShape(NamedTuple):
    """The features of one line, and the few raw counts the later rules look at again. A
    NamedTuple, not a frozen dataclass: one is made for every line the model reads, and a
    frozen dataclass's __init__ costs four times as much."""

    values: tuple[float, ...]
    tokens: frozenset[str]  #: the line's distinct words, casefolded
    words: int
    terminal: bool
    stop_density: float


def is_cjk_line(line: str) -> bool:
    """Mostly Chinese, Japanese or Korean characters (in its first 40): words are not spaced."""
    # An ASCII head has none: the common case answered without the regex.
    return not line[:40].isascii() and len(_CJK.findall(line, 0, 40)) > 10


_SAMPLE = 240  #: characters of a line its word-level shares are measured on


def _shape(line: str, words: list[str], stops: frozenset[str] | None, index: int, count: int) -> LineShape:
    # Word-level shares are measured on the line's first _SAMPLE characters (``words`` are
    # that sample's words): a paragraph shows its nature in its first sentence, and regex
    # scans of whole 700-character paragraphs cost more than the rest of a refresh.
    sample = line[:_SAMPLE]
    n_sample = len(words)
    n_words = line.count(" ") + 1 if line else 0  # lines come with single spaces only
    n_chars = len(line) or 1
    stripped = line.rstrip(CLOSERS)
    terminal = bool(stripped) and stripped[-1] in TERMINAL
    cjk = is_cjk_line(line)
    if cjk:
        n_words = max(n_words, n_chars // 4)
    stop_density = sum(map(stops.__contains__, words)) / n_sample if stops is not None and n_sample else 0.0
    tokens = sample.count(" ") + 1 if sample else 0
    capitals = sum(map(str.istitle, sample.split())) / tokens if tokens else 0.0
    # (the sample first: upper() maps each character on its own, so a sample that changes
    # tells without copying a long line)
    upper_line = not cjk and sample.upper() == sample and line.upper() == line and line.lower() != line
    length = len(sample) or 1
    if sample.isascii():  # bytes.translate deletes a set of bytes at C speed
        raw = sample.encode("ascii")
        digits = (length - len(raw.translate(None, _DIGIT_BYTES))) / length
        separators = (length - len(raw.translate(None, _SEPARATOR_BYTES))) / length
    else:
        marked = sample.translate(_MARKS)
        digits = marked.count("0") / length
        separators = marked.count("|") / length
    url = (
        "://" in sample or "www." in sample or ".com" in sample or ".org" in sample or "@" in sample
    ) and bool(_URL.search(sample))
    breaks = min(3, sum(map(sample.count, _BREAKS)))
    values = (
        math.log1p(n_chars),
        math.log1p(n_words),
        1.0 if n_words < 4 and not cjk else 0.0,
        1.0 if n_words >= 25 or (cjk and n_chars >= 60) else 0.0,
        1.0 if terminal else 0.0,
        breaks / 3,
        stop_density,
        1.0 if stops is not None and n_words >= 4 and stop_density == 0.0 else 0.0,
        capitals,
        1.0 if upper_line else 0.0,
        digits,
        separators,
        line.count(",") / n_words if n_words else 0.0,
        1.0 if line[:1] in _OPENERS else 0.0,
        1.0 if url else 0.0,
        1.0 if cjk else 0.0,
        1.0 if index == 0 else 0.0,
        1.0 if index == count - 1 else 0.0,
        index / (count - 1) if count > 1 else 0.0,
        1.0 if line.endswith(":") else 0.0,
        1.0 if stops is None else 0.0,
    )
    return LineShape(values, frozenset(words), n_words, terminal, stop_density)


# The same for ASCII text, as bytes: a 256-byte table instead of a lookup per character.
_ASCII_PUNCTUATION = bytes(ord(" ") if chr(c) in _PUNCTUATION_CHARS else c for c in range(256))


def _sample_words(line: str) -> list[str]:
    sample = line[:_SAMPLE]
    if sample.isascii():  # casefold() of ASCII is lower()
        return sample.encode("ascii").lower().translate(_ASCII_PUNCTUATION).decode("ascii").split()
    return sample.casefold().translate(_PUNCTUATION).split()


def article_language(lines: Sequence[str]) -> int:
    """The article's language as an index into stop_words().languages; -1 when unknown."""
    return _language([_sample_words(line) for line in lines])


def article_function_words(lines: Sequence[str]) -> frozenset[str]:
    """The function words (the stop-word list) of the article's language; none when unknown."""
    language = article_language(lines)
    return stop_words().sets[language] if language >= 0 else frozenset()


def _language(words: Sequence[list[str]]) -> int:
    sample: list[str] = []
    for w in words:
        sample.extend(w)
        if len(sample) >= 200:
            break
    return stop_words().language_of(sample)


def shapes(lines: Sequence[str], *, known_language: bool = True) -> list[LineShape]:
    """The features of every line of one article, in order. ``known_language=False`` measures
    them as if no stop-word list fitted (the training script teaches the model that case)."""
    words = [_sample_words(line) for line in lines]
    language = _language(words) if known_language else -1
    stops = stop_words().sets[language] if language >= 0 else None
    count = len(lines)
    return [_shape(line, w, stops, i, count) for i, (line, w) in enumerate(zip(lines, words, strict=True))]
