"""Topics in the index: what a refresh files each article under, and how the Store pages them.

Seeds are written to disk and published by run_refresh, as a user would; the store is then
read through the Store protocol methods the web layer uses (topics, topic, articles).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from feedsvc.config import Settings
from feedsvc.model import Topic
from feedsvc.refresh import run_refresh
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.topics import NAME_MAX
from feedsvc.topics import clean_name
from feedsvc.topics import topic_key
from feedsvc.topics import topic_slug

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def write(seeds: Path, rel: str, *, tags: str = "", author: str = "", day: int = 1, body: str = "Body") -> None:
    path = seeds / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"Title: {rel}\nDate: 2025-01-{day:02d} 08:00 UTC\n"
    header += f"Tags: {tags}\n" if tags else ""
    header += f"Author: {author}\n" if author else ""
    path.write_text(f"{header}\n{body} of {rel}, with a full sentence.\n", "utf-8")


def refresh(settings: Settings, store: SQLiteStore, days: int = 0) -> None:
    stats = run_refresh(settings, store, now=lambda: FIXED_NOW + timedelta(days=days))
    assert stats.ran


@pytest.fixture
def seeds(settings: Settings) -> Path:
    for old in settings.seeds_dir.rglob("*.txt"):
        old.unlink()
    return settings.seeds_dir


def titles(store: SQLiteStore, topic: Topic | None, **kw: object) -> list[str]:
    return [a.title for a in store.articles(topic, **kw)]  # type: ignore[arg-type]


def test_tags_sections_and_authors_are_filed(settings: Settings, store: SQLiteStore, seeds: Path) -> None:
    write(seeds, "world/a.txt", tags="Politics, Europe", author="Jane Doe", day=1)
    write(seeds, "world/deep/b.txt", tags="politics, POLITICS", day=2)  # one topic, filed once
    write(seeds, "c.txt", tags="U.S., Climate change", author="jane doe", day=3)
    write(seeds, "sport/d.txt", tags="US", day=4)
    refresh(settings, store)
    assert store.topics("tag") == [
        Topic("tag", "climate-change", "Climate change", 1),
        Topic("tag", "europe", "Europe", 1),
        Topic("tag", "politics", "Politics", 2),  # one each: the least in code point order
        Topic("tag", "us", "U.S.", 2),
    ]
    assert store.topics("section") == [Topic("section", "sport", "sport", 1), Topic("section", "world", "world", 2)]
    assert store.topics("author") == [Topic("author", "jane-doe", "Jane Doe", 2)]
    assert store.topic("tag", "politics") == Topic("tag", "politics", "Politics", 2)
    assert store.topic("tag", "nothing") is None
    assert store.topic("section", "politics") is None  # kinds never mix
    assert titles(store, Topic("tag", "politics", ""), limit=10) == ["world/deep/b.txt", "world/a.txt"]
    assert titles(store, Topic("section", "world", ""), limit=10, oldest_first=True) == [
        "world/a.txt",
        "world/deep/b.txt",
    ]
    assert titles(store, Topic("author", "jane-doe", ""), limit=10) == ["c.txt", "world/a.txt"]
    # the name is the spelling most articles use: now "politics", two to one
    write(seeds, "e.txt", tags="politics", day=5)
    refresh(settings, store, days=1)
    assert store.topic("tag", "politics") == Topic("tag", "politics", "politics", 3)
    assert all(type(t.count) is int for kind in ("tag", "section", "author") for t in store.topics(kind))
    assert [t.name for t in store.topics("tag") if t.slug == "politics"] == ["politics"]


def test_topics_follow_edits_skips_and_removals(settings: Settings, store: SQLiteStore, seeds: Path) -> None:
    write(seeds, "news/a.txt", tags="one, two", author="Ann")
    write(seeds, "b.txt", tags="two")
    refresh(settings, store)
    assert [t.slug for t in store.topics("tag")] == ["one", "two"]
    write(seeds, "news/a.txt", tags="three", body="Edited body")  # tags and author changed
    refresh(settings, store, days=1)
    assert [(t.slug, t.count) for t in store.topics("tag")] == [("three", 1), ("two", 1)]
    assert store.topics("author") == []
    assert [t.slug for t in store.topics("section")] == ["news"]
    (seeds / "news" / "a.txt").write_bytes(b"")  # now skipped (empty): unpublished
    refresh(settings, store, days=2)
    assert [t.slug for t in store.topics("tag")] == ["two"]
    assert store.topics("section") == []
    (seeds / "b.txt").unlink()
    refresh(settings, store, days=3)
    assert store.topics("tag") == []


def test_an_id_moving_to_another_path_takes_its_topics(settings: Settings, store: SQLiteStore, seeds: Path) -> None:
    (seeds / "old").mkdir()
    (seeds / "old" / "x.txt").write_text("Id: fixed\nTags: alpha\n\nA full sentence here.\n", "utf-8")
    refresh(settings, store)
    (seeds / "old" / "x.txt").unlink()
    (seeds / "new").mkdir()
    (seeds / "new" / "x.txt").write_text("Id: fixed\nTags: beta\n\nA full sentence here.\n", "utf-8")
    refresh(settings, store, days=1)
    assert [t.slug for t in store.topics("section")] == ["new"]
    assert [t.slug for t in store.topics("tag")] == ["beta"]


def test_pages_in_both_directions_cover_everything_once(settings: Settings, store: SQLiteStore, seeds: Path) -> None:
    for n in range(23):  # pairs share a date: the id breaks the tie
        write(seeds, f"s/{n:02d}.txt", tags="all" if n % 3 else "all, third", day=1 + n // 2)
    refresh(settings, store)
    for topic in (None, Topic("tag", "all", ""), Topic("section", "s", ""), Topic("tag", "third", "")):
        everything = titles(store, topic, limit=100)
        assert len(everything) == len(set(everything))
        for oldest_first in (False, True):
            pages = [titles(store, topic, limit=5, offset=o, oldest_first=oldest_first) for o in range(0, 30, 5)]
            flat = [t for p in pages for t in p]
            assert flat == (everything[::-1] if oldest_first else everything)
    assert len(titles(store, None, limit=100)) == 23
    assert len(titles(store, Topic("tag", "third", ""), limit=100)) == 8


def test_an_old_index_is_backfilled(settings: Settings, seeds: Path) -> None:
    write(seeds, "w/a.txt", tags="kept", author="Ann")
    with SQLiteStore(settings.db_path) as store:
        refresh(settings, store)
    conn = sqlite3.connect(settings.db_path)  # back to schema 2, as an index made before topics
    conn.executescript(
        "DROP TRIGGER articles_delete_topics; DROP TABLE topics; PRAGMA user_version = 2;"
    )
    conn.close()
    with SQLiteStore(settings.db_path) as store:
        assert [t.slug for t in store.topics("tag")] == ["kept"]
        assert [t.slug for t in store.topics("section")] == ["w"]
        assert [t.slug for t in store.topics("author")] == ["ann"]


# ---------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Politics", "politics"),
        ("POLITICS", "politics"),
        ("Ｐｏｌｉｔｉｃｓ", "politics"),  # full-width: NFKC
        ("  New \t York ", "new-york"),
        ("U.S.", "us"),
        ("rock’n’roll", "rocknroll"),
        ("", None),
        (" - _ \t", None),
    ],
)
def test_plain_names_are_their_own_slug(name: str, slug: str | None) -> None:
    assert topic_slug(name) == slug


@pytest.mark.parametrize(
    "names",
    [("C", "C++", "C#"), ("Zurich", "Zürich"), ("日本", "中国"), ("x" * 300, "x" * 301), ("a<b", "a b", "ab")],
)
def test_distinct_names_get_distinct_slugs(names: tuple[str, ...]) -> None:
    slugs = [topic_slug(n) for n in names]
    assert len(set(slugs)) == len(names), slugs
    assert all(s is not None and SLUG.fullmatch(s) and len(s) <= 60 for s in slugs)


@given(st.text(max_size=400))
@example("<script>alert(1)</script>")
@example("\x00\u202e\ufeff")
@example("--")
def test_slugs_are_url_safe_and_depend_on_the_key_alone(name: str) -> None:
    slug = topic_slug(name)
    key = topic_key(name)
    if slug is None:
        assert key == ""
        return
    assert SLUG.fullmatch(slug) and len(slug) <= 60
    assert topic_slug(name.upper()) == slug or topic_key(name.upper()) != key
    assert len(clean_name(name)) <= NAME_MAX
