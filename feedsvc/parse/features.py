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

# Characters that end a sentence in the scripts feedsvc meets (Latin, Cyrillic, Greek, CJK,
# Arabic, Devanagari), and closing quotes/brackets that may follow them.
_TERMINAL = frozenset(".!?…。！？।؟")
CLOSERS = "\"'”’»)]›」』）"
_OPENERS = frozenset("\"'“‘«„‹「『")
_WORD = re.compile(r"\w+")
# Marks of site chrome and lists rather than prose: separators, arrows, bullets, pipes.
_SEPARATORS = frozenset("|/>•·»«→←▶►★☆#@©®™=+*_~^[]{}<\\")
_SENTENCE_BREAK = re.compile(r"[.!?。！？][\"'”’»)\]]*\s+\S")
_URL = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w")


@dataclass(frozen=True, slots=True)
class StopWords:
    """Each language's function words, and which languages a word belongs to."""

    languages: tuple[str, ...]
    sets: tuple[frozenset[str], ...]
    masks: dict[str, int]  #: word -> bit i set when the word is in language i's list

    def language_of(self, words: Sequence[str]) -> int:
        """The index of the language whose function words cover most of ``words``; -1 when
        no list covers at least 10 % of them (CJK text without spaces, code, lists)."""
        masks = self.masks
        counts = Counter(masks[w] for w in words if w in masks)
        if not counts:
            return -1
        per_language: Counter[int] = Counter()
        for mask, n in counts.items():
            while mask:
                low = mask & -mask
                per_language[low.bit_length() - 1] += n
                mask ^= low
        best, hits = per_language.most_common(1)[0]
        return best if hits >= 0.1 * len(words) else -1


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
    return StopWords(tuple(languages), tuple(sets), masks)


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"


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
)


@dataclass(frozen=True, slots=True)
class LineShape:
    """The features of one line, and the few raw counts the later rules look at again."""

    values: tuple[float, ...]
    tokens: frozenset[str]  #: the line's distinct words, casefolded
    words: int
    terminal: bool
    stop_density: float


def _shape(line: str, stops: frozenset[str] | None, index: int, count: int) -> LineShape:
    words = _WORD.findall(line.casefold())
    n_words = len(words)
    n_chars = len(line)
    stripped = line.rstrip(CLOSERS)
    terminal = bool(stripped) and stripped[-1] in _TERMINAL
    cjk = sum(1 for ch in line[:40] if _is_cjk(ch)) > 10
    stop_density = sum(1 for w in words if w in stops) / n_words if stops is not None and n_words else 0.0
    tokens = line.split()
    capitals = sum(1 for t in tokens if t[:1].isupper()) / len(tokens) if tokens else 0.0
    letters = [ch for ch in line if ch.isalpha()]
    upper_line = len(letters) >= 3 and all(not ch.islower() for ch in letters) and not cjk
    digits = sum(1 for ch in line if ch.isdigit()) / n_chars if n_chars else 0.0
    separators = sum(1 for ch in line if ch in _SEPARATORS) / n_chars if n_chars else 0.0
    values = (
        math.log1p(n_chars),
        math.log1p(n_words),
        1.0 if n_words < 4 and not cjk else 0.0,
        1.0 if n_words >= 25 or (cjk and n_chars >= 60) else 0.0,
        1.0 if terminal else 0.0,
        min(3, len(_SENTENCE_BREAK.findall(line))) / 3,
        stop_density,
        1.0 if stops is not None and n_words >= 4 and stop_density == 0.0 else 0.0,
        capitals,
        1.0 if upper_line else 0.0,
        digits,
        separators,
        line.count(",") / n_words if n_words else 0.0,
        1.0 if line[:1] in _OPENERS else 0.0,
        1.0 if _URL.search(line) else 0.0,
        1.0 if cjk else 0.0,
        1.0 if index == 0 else 0.0,
        1.0 if index == count - 1 else 0.0,
        index / (count - 1) if count > 1 else 0.0,
        1.0 if line.endswith(":") else 0.0,
    )
    return LineShape(values, frozenset(words), n_words, terminal, stop_density)


def article_language(lines: Sequence[str]) -> int:
    """The article's language as an index into stop_words().languages; -1 when unknown."""
    sample: list[str] = []
    for line in lines:
        sample.extend(_WORD.findall(line.casefold()))
        if len(sample) >= 400:
            break
    return stop_words().language_of(sample)


def shapes(lines: Sequence[str]) -> list[LineShape]:
    """The features of every line of one article, in order."""
    language = article_language(lines)
    stops = stop_words().sets[language] if language >= 0 else None
    count = len(lines)
    return [_shape(line, stops, i, count) for i, line in enumerate(lines)]
