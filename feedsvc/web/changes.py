"""Which topic feeds (tag, section, author) a run of generations changed, for WebSub's pings.

Topic feeds are rendered on request, so there are no bytes from before to compare with. What
a topic's subscription document is made of is known, though: its name (the spelling most of
its articles use), its paging (the prev-archive link and its length, from its article count)
and its newest articles, each entry from that article alone. So the feed changed exactly when
one of those did, and only the articles a write touched can have moved any of them: the store's
change log (``Store.changes``) has each such article as it was and as it is, with its topics.
Per touched topic that is a few index reads (its count, its newest keys, its spellings only
when a name could have moved), whatever the size of the site; rendering and comparing every
topic feed after each refresh would cost thousands of renders at 100,000 articles.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from ..model import TopicKind
from ..publish import Paging
from ..store import Filed
from ..store import Store

log = logging.getLogger(__name__)

Key = tuple[datetime, str]  #: where an article sorts in a topic: (published, id)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One article in one topic: the spelling it files the topic under, what its entry is made of."""

    name: str
    entry: tuple[str, datetime, str, str]


def _entries(states: dict[str, Filed | None]) -> dict[tuple[str, str], dict[Key, _Entry]]:
    """(kind, slug) -> each of these articles filed under it, by sort key."""
    out: dict[tuple[str, str], dict[Key, _Entry]] = {}
    for article_id, state in states.items():
        if state is None:
            continue
        for kind, slug, name in state.topics:
            out.setdefault((kind, slug), {})[(state.published, article_id)] = _Entry(name, state.entry)
    return out


def _named(spellings: Counter[str]) -> str | None:
    """The topic's name: the spelling most of its articles use, ties to the least (Store.topics)."""
    used = [(-count, name) for name, count in spellings.items() if count > 0]
    return min(used)[1] if used else None


def changed_topics(
    store: Store, since: int, paging: Callable[[int], Paging]
) -> tuple[int, list[tuple[TopicKind, str]]] | None:
    """The generation the store is at, and the topics whose subscription documents the
    generations after ``since`` changed (not those that no longer exist: a 404 has nothing to
    deliver). None when the store no longer knows what they changed (``since`` is too old).
    ``paging(count)``: how a topic with ``count`` articles is paged."""
    with store.reading():  # one snapshot: the log and the topics as they are at its end
        changes = store.changes(since)
        if changes is None:
            return None
        before, after = _entries(changes.before), _entries(changes.after)
        changed = [
            cast(tuple[TopicKind, str], topic)
            for topic in sorted(before.keys() | after.keys())
            if _changed(store, cast(TopicKind, topic[0]), topic[1], before.get(topic, {}), after.get(topic, {}), paging)
        ]  # fmt: skip
    return changes.generation, changed


def _changed(
    store: Store, kind: TopicKind, slug: str, old: dict[Key, _Entry], new: dict[Key, _Entry],
    paging: Callable[[int], Paging],
) -> bool:  # fmt: skip
    """Whether one topic's subscription document changed, given the touched articles in it as
    they were (``old``) and are (``new``); its other articles are the same before and after."""
    added = new.keys() - old.keys()
    removed = old.keys() - new.keys()
    edited = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    if not (added or removed or edited):
        return False  # touched, but not in a way this topic shows
    count = store.topic_count(kind, slug)
    if count == 0:
        return False  # the feed is gone
    count_before = count - len(added) + len(removed)
    if count_before == 0:
        return True  # a new feed
    now, then = paging(count), paging(count_before)
    if (now.archived, now.subscription_items) != (then.archived, then.subscription_items):
        return True  # another prev-archive link, or another number of entries
    window = now.subscription_items
    # The newest `window` before: the other articles are the same, so they are among the
    # newest window + len(added) now, less the added ones, plus the removed ones.
    head = store.topic_keys(kind, slug, window + len(added))
    shown = head[:window]
    shown_before = sorted([k for k in head if k not in added] + list(removed), reverse=True)[:window]
    if shown != shown_before or any(k in edited for k in shown):
        return True
    # Same entries; the title names the topic by its most used spelling, which an added,
    # removed or respelled article may have moved.
    if not (added or removed or any(old[k].name != new[k].name for k in edited)):
        return False
    spellings = Counter(store.topic_spellings(kind, slug))
    spelled_before = spellings.copy()
    for k in added | edited:
        spelled_before[new[k].name] -= 1
    for k in removed | edited:
        spelled_before[old[k].name] += 1
    return _named(spellings) != _named(spelled_before)
