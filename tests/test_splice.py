"""Feeds spliced from cached entry fragments (publish/splice.py) are the plain renderers'
bytes, and the feeds are rendered by the refresh, right after its commit (serve.Service)."""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from conftest import FIXED_NOW

from feedsvc.config import Settings
from feedsvc.model import Article
from feedsvc.model import Block
from feedsvc.model import FeedMeta
from feedsvc.publish import FEEDS
from feedsvc.publish import FeedDoc
from feedsvc.publish import FeedSpec
from feedsvc.publish import Paging
from feedsvc.publish import feed_doc
from feedsvc.publish.splice import SplicedRenderer
from feedsvc.refresh import run_refresh
from feedsvc.serve import Service
from feedsvc.store import open_store

META = FeedMeta("Test <feed> & co", "Sub", "http://127.0.0.1:8000/", "en", "Desk", "0.1.0")
FORMATS = len({s.format for s in FEEDS})
SITE_FEEDS = [s for s in FEEDS if s.scope == "site" and s.page == "current"]  #: what the cache splices


def doc_of(spec: FeedSpec, total: int = 0) -> FeedDoc:
    """A document of ``spec``: a topic's, an archive page (with all its links) or the site's."""
    feed = spec.bind(None if spec.scope == "site" else "some-tag", 2 if spec.page == "archive" else None)
    return feed_doc(feed, META, Paging(total or 500, 50, 50), "Some <tag>")

# Text that looks like the lines the splicer cuts at, or like JSON/XML structure.
NASTY = (
    "  <entry>",
    "\n  <entry>\n",
    "    <item>\n",
    "</feed>",
    "  </channel>",
    '"items": []',
    "\n  {\n",
    "},\n  {",
    "]\n}",
    "&amp; <b>bold</b> ]]> <![CDATA[x]]>",
    "caf\u00e9 \u2014 \u65e5\u672c \U0001f600",
)


def article(i: int, *, title: str | None = None, text: str = "", summary: str | None = None,
            tags: tuple[str, ...] = (), author: str | None = None) -> Article:  # fmt: skip
    when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i)
    body = f"Paragraph {i}. {text}".strip()
    return Article(
        id=f"a{i}", guid=f"urn:uuid:00000000-0000-0000-0000-{i:012d}", slug=f"a-{i}",
        title=title if title is not None else f"Title {i}",
        summary=summary if summary is not None else f"Summary {i} {text}",
        blocks=(Block("paragraph", body), Block("caption", f"Caption {i}")),
        author=author, tags=tags, published=when, updated=when + timedelta(minutes=i % 3),
        path=f"a{i}.txt", size=100 + i, mtime_ns=i, content_hash=f"h{i}",
    )  # fmt: skip


def nasty_articles() -> list[Article]:
    out = []
    for i, s in enumerate(NASTY):
        out.append(
            article(i, title=f"T {s}", text=s, tags=(s.strip() or "t", "x&y"), author=s.strip() or None)
        )
    out.append(article(50, summary=""))  # no summary
    out.append(article(51, summary="Paragraph 51."))  # summary equal to the body
    return out


def check(renderer: SplicedRenderer, articles: Sequence[Article], fallback: datetime = FIXED_NOW) -> None:
    for spec in FEEDS:  # every document kind: the links and title are the skeleton's, never an entry's
        doc = doc_of(spec)
        assert renderer.render(doc, articles, fallback) == spec.render(articles, META, doc, fallback), spec.key
    renderer.prune()


def test_spliced_feeds_are_the_plain_bytes_through_adds_edits_removals_and_reorders() -> None:
    renderer = SplicedRenderer(META)
    nasty = nasty_articles()
    plain = [article(i) for i in range(100, 110)]
    edited = dataclasses.replace(nasty[1], title="Edited \n  <entry>", blocks=(Block("paragraph", "new"),))
    sequences: list[list[Article]] = [
        [],
        nasty,
        nasty,  # all reused
        [article(99), *nasty],  # one new on top
        [article(99), *nasty[:1], edited, *nasty[2:]],  # one edited
        [*nasty[3:], *nasty[:3]],  # reordered
        nasty[:1],
        plain + nasty,
        [],
        plain,
    ]
    for articles in sequences:
        check(renderer, articles)
    check(SplicedRenderer(META), nasty, datetime(2030, 1, 1, tzinfo=UTC))  # fallback newer than all


def test_one_new_article_renders_one_entry_per_feed_and_an_edit_renders_it_again() -> None:
    renderer = SplicedRenderer(META)
    articles = [article(i) for i in range(50)]
    check(renderer, articles)
    assert renderer.rendered == 50 * FORMATS  # fragments are per format, shared by every document of it
    check(renderer, [article(50), *articles[:49]])
    assert renderer.rendered == 51 * FORMATS  # fragments are per format, shared by every document of it
    edited = dataclasses.replace(articles[10], title="A new title")
    check(renderer, [article(50), *articles[:10], edited, *articles[11:49]])
    assert renderer.rendered == 52 * FORMATS  # fragments are per format, shared by every document of it
    # the old version of the edited article was pruned: going back renders it again
    check(renderer, [article(50), *articles[:49]])
    assert renderer.rendered == 53 * FORMATS  # fragments are per format, shared by every document of it


def test_an_equal_copy_reuses_its_fragment_and_a_changed_field_anywhere_does_not() -> None:
    """Fragments are found by id but used only for an equal article: every field counts."""
    renderer = SplicedRenderer(META)
    articles = [article(i) for i in range(5)]
    check(renderer, articles)
    check(renderer, [dataclasses.replace(a) for a in articles])  # fresh objects, equal: no render
    assert renderer.rendered == 5 * FORMATS
    changes = {
        "slug": "moved", "guid": "urn:uuid:x", "mtime_ns": 99, "path": "b.txt",
        "blocks": (Block("paragraph", "Paragraph 2."), Block("caption", "Other")),
        "updated": articles[2].updated + timedelta(seconds=1),
    }  # fmt: skip
    for n, (name, value) in enumerate(changes.items(), 1):
        check(renderer, [*articles[:2], dataclasses.replace(articles[2], **{name: value}), *articles[3:]])
        assert renderer.rendered == (5 + n) * FORMATS, name


def test_two_articles_with_one_id_in_one_list_each_get_their_own_entry() -> None:
    renderer = SplicedRenderer(META)
    one = article(1)
    other = dataclasses.replace(article(2), id=one.id)
    check(renderer, [one, other])
    check(renderer, [other, one])
    check(renderer, [one, other])


def test_a_new_article_on_top_costs_its_entry_and_one_skeleton_per_feed() -> None:
    """Rendering the new entry cuts it against the same skeleton the feed is assembled in."""
    calls: list[int] = []
    atom = next(s for s in FEEDS if s.format == "atom" and s.scope == "site" and s.page == "current")

    def counting(articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime) -> bytes:
        calls.append(len(articles))
        return atom.render(articles, meta, doc, fallback)

    spec = dataclasses.replace(atom, renderer=counting)
    doc = doc_of(spec)
    renderer = SplicedRenderer(META)
    articles = [article(i) for i in range(10)]
    renderer.render(doc, articles, FIXED_NOW)
    renderer.prune()
    calls.clear()
    newer = [article(10), *articles[:9]]
    assert renderer.render(doc, newer, FIXED_NOW) == atom.render(newer, META, doc_of(atom), FIXED_NOW)
    assert calls == [1, 0]  # the new entry's document and one skeleton, not two


def test_a_document_that_does_not_cut_is_rendered_plain_and_not_cached() -> None:
    def odd(articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime) -> bytes:
        return b"<feed>" + b"<entry/>" * len(articles) + b"</feed>"  # not one entry per line

    spec = FeedSpec("atom", "odd.xml", "application/atom+xml", "Odd", odd)
    renderer = SplicedRenderer(META)
    articles = [article(i) for i in range(3)]
    doc = doc_of(spec)
    assert renderer.render(doc, articles, FIXED_NOW) == odd(articles, META, doc, FIXED_NOW)
    assert renderer.rendered == 0


def test_the_refresh_renders_the_feeds_and_serves_the_plain_renderers_bytes(settings: Settings) -> None:
    service = Service(settings, run_refresh, watch=False)
    try:
        cache = service.cache
        service.runner.run()  # what `serve` does first, and the watcher and the interval after
        first = cache._current
        assert first is not None  # rendered by the refresh, before any request
        with open_store(settings) as store:
            assert first.generation == store.generation()
        (settings.seeds_dir / "zz-new.txt").write_text(
            "Title: Fresh off the press\n\nIt happened.\n", "utf-8"
        )
        service.runner.run()
        second = cache._current
        assert second is not None and second.generation == first.generation + 1
        with open_store(settings) as store:
            snap = store.snapshot(settings.max_items)
        client = service.app.test_client()
        for spec in SITE_FEEDS:
            doc = feed_doc(spec.bind(), cache.meta, cache.paging(snap.count))
            want = spec.render(snap.articles, cache.meta, doc, snap.changed_at)
            assert b"Fresh off the press" in want
            rep = second.feeds[spec.key]
            assert rep.body == want and rep.gzipped is not None and gzip.decompress(rep.gzipped) == want
            assert client.get(spec.route).data == want
            got = client.get(spec.route, headers={"Accept-Encoding": "gzip"})
            assert got.headers["Content-Encoding"] == "gzip" and gzip.decompress(got.data) == want
        assert cache._current is second  # the requests rendered nothing
    finally:
        service.stop()


def test_a_feed_not_yet_compressed_is_served_plain_to_gzip_clients(settings: Settings) -> None:
    service = Service(settings, run_refresh, watch=False)
    try:
        service.runner.run()
        published = service.cache._current
        assert published is not None
        plain = {k: dataclasses.replace(r, gzipped=None) for k, r in published.feeds.items()}
        service.cache._current = dataclasses.replace(published, feeds=plain)
        client = service.app.test_client()
        for spec in SITE_FEEDS:
            rep = plain[spec.key]
            for path in (spec.route, spec.route + "?x=1"):  # the WSGI fast path, and Flask's route
                got = client.get(path, headers={"Accept-Encoding": "gzip"})
                assert got.status_code == 200 and "Content-Encoding" not in got.headers
                assert got.data == rep.body and got.headers["ETag"] == rep.etag
            again = client.get(
                spec.route, headers={"Accept-Encoding": "gzip", "If-None-Match": rep.gzip_etag}
            )
            assert again.status_code == 304
    finally:
        service.stop()


@pytest.mark.parametrize("spec", FEEDS, ids=lambda s: s.key)
def test_empty_feeds_are_the_plain_bytes(spec: FeedSpec) -> None:
    doc = doc_of(spec)
    assert SplicedRenderer(META).render(doc, [], FIXED_NOW) == spec.render([], META, doc, FIXED_NOW)
