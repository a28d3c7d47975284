"""What an article is about: its tags, its section and its author as topics with stable slugs.

Pure, no I/O. A topic is (kind, slug); its slug is its identity, so spellings that differ only
in case, width, white space or dots ("Politics", "POLITICS", "U.S.", "US") are one topic, and
a topic's URL never depends on which other topics exist. The store indexes these (put_articles)
and publish/ builds the topic URLs from the same slugs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from slugify import slugify

from .model import Article
from .model import Topic
from .model import TopicKind

SLUG_MAX = 60  #: characters of readable slug before the hash suffix
NAME_MAX = 200  #: characters of a topic's name kept for display (longer names end with "…")

_SPACE = re.compile(r"[\s_\-‐-―]+")  # white space, underscores and dashes separate words
_IGNORED = re.compile(r"['’.]")  # "U.S." is "US", "rock'n'roll" is "rocknroll"
_SLUG_OK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _normal(text: str) -> str:
    """NFC, control characters removed, white space collapsed."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def clean_name(text: str) -> str:
    """A topic's display name: _normal, at most NAME_MAX characters (then ending in "…")."""
    name = _normal(text)
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - 1].rstrip() + "…"
    return name


def topic_key(text: str) -> str:
    """The spelling-independent form of a name: case-folded NFKC, dots and apostrophes dropped,
    separators as single hyphens. Two names with the same key are the same topic."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub("-", _IGNORED.sub("", folded)).strip("-")


def topic_slug(text: str) -> str | None:
    """The URL segment of a topic name, ASCII ``[a-z0-9-]``; None for a name with nothing in it.

    A name whose key is already plain ASCII words is its own slug ("Climate change" ->
    "climate-change"). Any other (transliterated "Zürich", symbols "C++", markup, anything over
    SLUG_MAX) gets a readable part plus 8 hex digits of the key's hash, so distinct names never
    share a URL ("c" and "c++") and the slug depends on the name alone.
    """
    key = topic_key(text)
    if not key:
        return None
    if len(key) <= SLUG_MAX and _SLUG_OK.fullmatch(key):
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    readable = slugify(key, max_length=SLUG_MAX - 9, word_boundary=True, save_order=True)
    return f"{readable}-{digest}" if readable else digest


def section_of(path: str) -> str | None:
    """The section of a seed path: its first-level folder ("world/x.txt" -> "world"), or None."""
    head, sep, _ = path.partition("/")
    return head if sep and head else None


def article_topics(article: Article) -> tuple[Topic, ...]:
    """Every topic an article belongs to, one per (kind, slug), in header order: its tags, its
    section, its own author (never the site's)."""
    found: dict[tuple[TopicKind, str], Topic] = {}
    candidates: list[tuple[TopicKind, str]] = [("tag", t) for t in article.tags]
    section = section_of(article.path)
    if section is not None:
        candidates.append(("section", section))
    if article.author:
        candidates.append(("author", article.author))
    for kind, raw in candidates:
        slug = topic_slug(_normal(raw))  # of the whole name: long names differ past NAME_MAX
        if slug is not None:
            found.setdefault((kind, slug), Topic(kind, slug, clean_name(raw)))
    return tuple(found.values())
