"""Hostile tag, section and author names, through the app as a subscriber sees them: markup,
control characters, empty and blank tags, duplicates, a 5,000-character tag. Every page and
feed stays valid and escaped; the names come back as the text they are."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import listparser
from conftest import FIXED_NOW
from htmlscan import find
from htmlscan import live_markup

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

MARKUP = "<script>alert(1)</script>"
HUGE = "Ä" * 5000


def test_hostile_names(settings: Settings, store: SQLiteStore) -> None:
    seeds: Path = settings.seeds_dir
    for old in seeds.rglob("*.txt"):
        old.unlink()
    folder = seeds / "<i>sec & co"
    folder.mkdir()
    (folder / "a.txt").write_text(
        f"Title: A\nTags: {MARKUP}, , \u200b ,Dup, DUP, dup,{HUGE}, \x07bell\nAuthor: <i>Eve</i> & \"Mallory\"\n\n"
        "A full sentence of body text.\n",
        "utf-8",
    )
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    client = create_app(settings, store=store).test_client()
    tags = {t.name: t.slug for t in store.topics("tag")}
    assert set(tags) == {MARKUP, "Dup", "Ä" * 199 + "…", "bell"}  # blank tags dropped, DUP/dup are Dup
    (section,) = store.topics("section")
    (author,) = store.topics("author")
    assert (section.name, author.name) == ("<i>sec & co", '<i>Eve</i> & "Mallory"')

    pages = [f"/tags/{slug}/" for slug in tags.values()]
    pages += [f"/sections/{section.slug}/", f"/authors/{author.slug}/", "/tags/", "/sections/", "/authors/"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert live_markup(html) == [], path  # every name is text, never markup
        assert "<script" not in html and "<i>Eve" not in html and "<i>sec" not in html
    (h1,) = find(client.get(f"/tags/{tags[MARKUP]}/").get_data(as_text=True), "h1")
    assert MARKUP in h1.text

    for path in [f"/tags/{tags[MARKUP]}/{f}" for f in ("atom.xml", "rss.xml")] + ["/atom.xml", "/rss.xml"]:
        r = client.get(path)
        parsed = feedparser.parse(r.data, response_headers={"content-type": r.content_type})
        assert parsed.bozo == 0, path
        assert b"<script" not in r.data and b"<i>" not in r.data
        terms = [t.term for t in parsed.entries[0].tags]
        assert MARKUP in terms and "<i>sec & co" in terms
        ET.fromstring(r.data)
    doc = json.loads(client.get(f"/tags/{tags[MARKUP]}/feed.json").data)
    assert doc["title"].endswith(f"Tag {MARKUP}")
    assert doc["items"][0]["tags"] == [MARKUP, "Dup", "Ä" * 199 + "…", "bell", "<i>sec & co"]

    opml = client.get("/feeds.opml")
    assert b"<script" not in opml.data
    listed = listparser.parse(opml.data)
    assert not listed.bozo
    assert len(listed.feeds) == 3 * (1 + len(tags) + 2)


def test_archive_size_cannot_exceed_max_items(tmp_path: Path) -> None:
    """Every article not yet archived must fit in the subscription feed."""
    import pytest

    from feedsvc.config import load_settings
    from feedsvc.errors import ConfigError

    config = tmp_path / "config.toml"
    config.write_text("[feed]\nmax_items = 5\narchive_size = 6\n", "utf-8")
    with pytest.raises(ConfigError, match=r"archive_size \(6\) must not exceed \[feed\] max_items \(5\)"):
        load_settings(config)
    config.write_text("[feed]\nmax_items = 5\narchive_size = 5\narchive_max_age = 60\n", "utf-8")
    settings = load_settings(config)
    assert (settings.archive_page_size, settings.archive_max_age) == (5, 60)
    config.write_text("[feed]\nmax_items = 7\n", "utf-8")
    assert load_settings(config).archive_page_size == 7
