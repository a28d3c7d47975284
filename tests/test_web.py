"""The Flask app through its test client: routes, headers, caching, errors and POST /refresh."""

from __future__ import annotations

import dataclasses
import gzip
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from email.utils import format_datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from conftest import FIXED_NOW
from conftest import reaches
from flask import Flask
from flask.testing import FlaskClient
from htmlscan import find

import feedsvc.web as web
from feedsvc.config import Settings
from feedsvc.errors import LockTimeout
from feedsvc.errors import StoreError
from feedsvc.model import RefreshStats
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.web import create_app
from feedsvc.web.metrics import RequestMetrics

BASE = "http://127.0.0.1:8000/"  # conftest's settings.base_url
TOKEN = "s3cret-token-for-tests-0123456789"
FEEDS = {
    "/atom.xml": "application/atom+xml",
    "/rss.xml": "application/rss+xml",
    "/feed.json": "application/feed+json",
}
ROUTES = {"/": "text/html", **FEEDS}
HEADER_ARTICLE = (
    "/articles/council-bike-lanes"  # tests/data/seeds/header-example.txt (Id: council-bike-lanes)
)
METRO_ARTICLE = "/articles/000-b13d5d3931fdf2cc"  # tests/data/seeds/000_b13d5d3931fdf2cc.txt
CACHEABLE = [*ROUTES, HEADER_ARTICLE, "/style.css"]
NEW_SEED = "Title: A freshly added story\n\nSomething new happened in the city today, officials said.\n"


@pytest.fixture
def app(settings: Settings, store: Store) -> Flask:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    return create_app(settings, store=store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def other_store(settings: Settings) -> Iterator[Store]:
    """A second Store on the same file: what the CLI in another process would use."""
    with open_store(settings) as s:
        yield s


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts calls to the three renderers the app uses (``render_atom``...) and the entries
    they were given (``render_atom entries``): the feed cache renders an entry only when it is
    new or changed (publish/splice.py), so a feed of N articles renders N entries once."""
    calls: Counter[str] = Counter()
    specs = []
    for spec in web.cache.FEEDS:
        real, name = spec.renderer, spec.renderer.__name__  # render_atom, render_rss, render_json

        def counting(*args: Any, _real: Callable[..., bytes] = real, _name: str = name) -> bytes:
            calls[_name] += 1
            calls[_name + " entries"] += len(args[0])
            return _real(*args)

        specs.append(dataclasses.replace(spec, renderer=counting))
    monkeypatch.setattr(web.cache, "FEEDS", tuple(specs))
    return calls


def replace_renderer(monkeypatch: pytest.MonkeyPatch, fmt: str, renderer: Callable[..., bytes]) -> None:
    """Render the feed of format ``fmt`` with ``renderer`` from now on."""
    specs = tuple(
        dataclasses.replace(s, renderer=renderer) if s.format == fmt else s for s in web.cache.FEEDS
    )
    monkeypatch.setattr(web.cache, "FEEDS", specs)


def later(**delta: float) -> Callable[[], datetime]:
    return lambda: FIXED_NOW + timedelta(**delta)


def assert_no_traceback(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    for leak in (
        r"Traceback",
        r'File "',
        r"\bline \d+",
        r"werkzeug",
        r"sqlite3",
        r"\b[A-Z]\w*(?:Error|Exception):",
    ):
        assert not re.search(leak, text), f"error page leaks {leak!r}:\n{text}"


# ---------------------------------------------------------------------------- routes


@pytest.mark.parametrize(("path", "mimetype"), ROUTES.items())
def test_route_status_and_content_type(client: FlaskClient, path: str, mimetype: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{mimetype}; charset=utf-8"
    assert response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stylesheet(client: FlaskClient) -> None:
    response = client.get("/style.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"


def _resolved(html: str, page_url: str, tag: str, **attrs: str) -> dict[str, str]:
    """href (resolved against the page's URL, as a browser does) -> text, of matching elements;
    every href must be relative (the site works under any host name)."""
    out = {}
    for el in find(html, tag, **attrs):
        href = el.attrs.get("href") or ""
        assert not urlsplit(href).scheme and not href.startswith("/"), f"absolute link {href!r}"
        out[urljoin(page_url, href)] = el.text
    return out


def test_index_autodiscovery_and_visible_links(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    alternates = find(html, "link", rel="alternate")
    assert {link.attrs["type"]: urljoin(BASE, link.attrs["href"] or "") for link in alternates} == {
        "application/atom+xml": BASE + "atom.xml",
        "application/rss+xml": BASE + "rss.xml",
        "application/feed+json": BASE + "feed.json",
    }
    assert len(alternates) == 3
    for link in alternates:
        assert link.attrs.get("title")
    for rel in ("alternate", "stylesheet", "icon", "apple-touch-icon"):
        assert _resolved(html, BASE, "link", rel=rel)  # relative, except the canonical URL
    (canonical,) = find(html, "link", rel="canonical")
    assert canonical.attrs["href"] == BASE
    visible = _resolved(html, BASE, "a")
    # the footer and the header point at the page that explains the feeds, not at raw XML
    assert BASE + "feeds" in visible
    assert not any(url.endswith((".xml", ".json")) and "sitemap" not in url for url in visible)
    # every article is listed, linked relatively, newest first
    assert visible[BASE + HEADER_ARTICLE[1:]] == "Council approves new <bike> lanes & crossings"
    assert BASE + METRO_ARTICLE[1:] in visible
    assert "&lt;bike&gt; lanes &amp; crossings" in html
    # the site's name once, at the top
    assert html.split("<body>")[1].count("Test feed") == 1
    (brand,) = find(html, "h1")
    assert brand.text.strip() == "Test feed" and "header" in brand.parents


def test_article_page(client: FlaskClient) -> None:
    response = client.get(HEADER_ARTICLE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    (h1,) = find(html, "h1")
    assert h1.text == "Council approves new <bike> lanes & crossings"
    assert "<h1>Council approves new &lt;bike&gt; lanes &amp; crossings</h1>" in html
    (time,) = find(html, "time")
    assert time.attrs["datetime"] == "2025-03-03T14:05:00Z"
    assert time.text == "3 March 2025, 14:05 UTC"
    (meta,) = find(html, "p", class_="meta")
    assert "by Jane Doe" in meta.text
    assert [li.text for li in find(html, "li")] == ["transport", "city"]
    assert [c.text for c in find(html, "figcaption")] == [
        "Cyclists gathered outside the town hall before the vote (Photo: J. Smith)"
    ]
    (canonical,) = find(html, "link", rel="canonical")
    assert canonical.attrs["href"] == BASE + HEADER_ARTICLE[1:]
    # boilerplate is gone, paragraphs are paragraphs
    assert "For more stories like this" not in html
    assert [p.text for p in find(html, "p") if "div" in p.parents] == [
        "The city council approved a plan on Monday to add 40 km of protected bike lanes by 2027.",
        "Dr. A. B. Jones, who chairs the transport committee, said the lanes would cost £3.5m in total.",
        "Work starts in May. Residents can comment until 1 April.",
    ]


def test_article_page_captions_are_figcaptions(client: FlaskClient) -> None:
    html = client.get(METRO_ARTICLE).get_data(as_text=True)
    captions = find(html, "figcaption")
    assert [c.text for c in captions] == [
        "Iranian officials have long denied the accusations (Pictures: AP / Reuters)",
        "Kyiv has described some drones as Iranian-made (Picture: AP)",
        "Russia’s drone strikes are mainly striking civilian infrastructure (Picture: Getty Images)",
    ]
    assert all(c.parents[-1] == "figure" for c in captions)
    paragraphs = [p.text for p in find(html, "p") if "div" in p.parents]
    assert len(paragraphs) == 13
    assert not any("(Picture" in p for p in paragraphs)
    assert not any("Get in touch with our news team" in p for p in paragraphs)


def test_healthz(client: FlaskClient, settings: Settings, store: Store, other_store: Store) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["articles"] == 2
    assert body["last_refresh"] == "2025-03-03T14:05:00Z"

    # A refresh that changed nothing is still a refresh (regression: it used to report the
    # time of the last *change*, cached with the rendered feeds).
    with reaches(store):
        run_refresh(settings, other_store, now=later(hours=1))
    assert client.get("/healthz").get_json()["last_refresh"] == "2025-03-03T15:05:00Z"

    (settings.seeds_dir / "header-example.txt").unlink()
    with reaches(store):
        run_refresh(settings, other_store, now=later(hours=2))
    body = client.get("/healthz").get_json()
    assert body["articles"] == 1
    assert body["last_refresh"] == "2025-03-03T16:05:00Z"


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "path",
    ["/nope", "/articles/no-such-article", "/articles/UPPER", "/articles/", "/atom.xml/x", "/?page=99"],
)
def test_unknown_path_is_a_404_html_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    (h1,) = find(response.get_data(as_text=True), "h1")
    assert h1.text == "404 Not Found"
    assert_no_traceback(response.data)


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=-1", "page=1.5", "page=", "page=1&page=2"])
def test_bad_page_is_a_400_html_page(client: FlaskClient, query: str) -> None:
    response = client.get("/?" + query)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    (h1,) = find(html, "h1")
    assert h1.text == "400 Bad Request"
    assert "page must be a whole number" in html
    assert_no_traceback(response.data)


def test_unexpected_error_is_a_500_page_without_traceback(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object) -> bytes:
        raise RuntimeError("secret internal detail")

    replace_renderer(monkeypatch, "atom", boom)
    response = client.get("/atom.xml")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"secret internal detail" not in response.data
    assert b"RuntimeError" not in response.data
    assert_no_traceback(response.data)
    assert "secret internal detail" in caplog.text  # logged for the operator instead


@pytest.mark.parametrize("path", ["/", HEADER_ARTICLE, "/nope", "/?page=abc"])
def test_html_security_headers(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # no scripts at all: default-src 'none' covers it
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


# ---------------------------------------------------------------------------- HTTP caching


@pytest.mark.parametrize("path", CACHEABLE)
def test_etag_strong_and_stable(client: FlaskClient, path: str) -> None:
    first, second = client.get(path), client.get(path)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{16,}"', etag), etag  # strong: no W/ prefix
    assert second.headers["ETag"] == etag
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert second.data == first.data


def test_etags_differ_between_representations(client: FlaskClient) -> None:
    etags = {client.get(path).headers["ETag"] for path in CACHEABLE}
    assert len(etags) == len(CACHEABLE)


@pytest.mark.parametrize("path", CACHEABLE)
def test_if_none_match_gives_304(client: FlaskClient, path: str) -> None:
    etag = client.get(path).headers["ETag"]
    for value in (etag, f'"nope", {etag}', "*", "W/" + etag):
        response = client.get(path, headers={"If-None-Match": value})
        assert response.status_code == 304, value
        assert response.data == b""
        assert response.headers["ETag"] == etag
        assert "Content-Type" not in response.headers
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: FlaskClient) -> None:
    last_modified = client.get("/atom.xml").headers["Last-Modified"]
    future = format_datetime(FIXED_NOW + timedelta(days=3650), usegmt=True)
    # a stale ETag with a fresh date: the ETag decides, so the full body comes back
    response = client.get("/atom.xml", headers={"If-None-Match": '"stale"', "If-Modified-Since": future})
    assert response.status_code == 200
    assert response.data
    # a current ETag with an old date: still 304
    etag = response.headers["ETag"]
    past = format_datetime(FIXED_NOW - timedelta(days=3650), usegmt=True)
    response = client.get("/atom.xml", headers={"If-None-Match": etag, "If-Modified-Since": past})
    assert response.status_code == 304
    assert parsedate_to_datetime(last_modified) == FIXED_NOW


@pytest.mark.parametrize("path", [*ROUTES, HEADER_ARTICLE])
def test_if_modified_since(client: FlaskClient, path: str) -> None:
    last_modified = client.get(path).headers["Last-Modified"]
    assert parsedate_to_datetime(last_modified) == FIXED_NOW  # the newest article, not "now"
    response = client.get(path, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.data == b""
    earlier = format_datetime(FIXED_NOW - timedelta(seconds=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200


@pytest.mark.parametrize("path", CACHEABLE)
def test_gzip(client: FlaskClient, path: str) -> None:
    plain = client.get(path)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["Content-Type"] == plain.headers["Content-Type"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data)
    gz_etag = zipped.headers["ETag"]
    assert gz_etag != plain.headers["ETag"]  # a different representation, a different strong ETag
    assert client.get(path, headers={"Accept-Encoding": "gzip"}).data == zipped.data  # stable bytes
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": gz_etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == gz_etag
    # gzip;q=0 means "not gzip"
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data


@pytest.mark.parametrize("path", CACHEABLE)
def test_head(client: FlaskClient, path: str) -> None:
    full = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == full.headers["Content-Type"]
    assert head.headers["ETag"] == full.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(full.data)


@pytest.mark.parametrize("path", CACHEABLE)
def test_cache_control_has_a_max_age(client: FlaskClient, path: str) -> None:
    cache_control = client.get(path).headers["Cache-Control"]
    match = re.search(r"(?:^|[ ,])max-age=(\d+)(?:$|[ ,])", cache_control)
    assert match, cache_control
    assert 0 < int(match.group(1)) <= 3600


# ---------------------------------------------------------------------------- rendering and change


def test_no_rerender_while_the_store_is_unchanged(
    client: FlaskClient, settings: Settings, store: Store, other_store: Store, render_calls: Counter[str]
) -> None:
    first = {path: client.get(path).data for path in ROUTES}
    count = other_store.snapshot(100).count
    names = ("render_atom", "render_rss", "render_json")
    assert count > 1 and all(render_calls[f"{n} entries"] == count for n in names)  # each entry once
    rendered = render_calls.copy()
    for _ in range(3):
        for path in ROUTES:
            assert client.get(path).data == first[path]
    assert render_calls == rendered

    # a refresh that finds nothing new: the store was written (last_refresh), nothing re-rendered
    with reaches(store):
        stats = run_refresh(settings, other_store, now=later(hours=1))
    assert not stats.changed
    assert {path: client.get(path).data for path in ROUTES} == first
    assert render_calls == rendered

    # a refresh that changed one article: its entry alone is rendered again, the change is served
    seed = settings.seeds_dir / "header-example.txt"
    seed.write_text(seed.read_text("utf-8").replace("approves new", "rejects new"), "utf-8")
    with reaches(store):
        assert run_refresh(settings, other_store, now=later(hours=2)).updated == 1
    second = {path: client.get(path).data for path in ROUTES}
    assert all(render_calls[f"{n} entries"] == count + 1 for n in names)
    for path in ROUTES:
        assert second[path] != first[path]
        assert b"Council rejects new" in second[path]
        assert client.get(path).data == second[path]
    assert all(render_calls[f"{n} entries"] == count + 1 for n in names)


def test_refresh_through_another_store_is_visible_in_the_next_request(
    client: FlaskClient, settings: Settings, store: Store, other_store: Store
) -> None:
    before = {path: client.get(path) for path in (*FEEDS, HEADER_ARTICLE)}
    (settings.seeds_dir / "fresh.txt").write_text(NEW_SEED, "utf-8")
    (settings.seeds_dir / "header-example.txt").unlink()
    with reaches(store):
        stats = run_refresh(settings, other_store, now=later(hours=1))
    assert (stats.added, stats.removed) == (1, 1)

    for path in FEEDS:
        response = client.get(path, headers={"If-None-Match": before[path].headers["ETag"]})
        assert response.status_code == 200  # the old ETag no longer matches
        assert b"A freshly added story" in response.data
        assert b"Council approves" not in response.data
        assert parsedate_to_datetime(response.headers["Last-Modified"]) == FIXED_NOW + timedelta(hours=1)
    assert b"A freshly added story" in client.get("/").data
    assert client.get("/articles/fresh").status_code == 200
    assert client.get(HEADER_ARTICLE).status_code == 404


def test_store_error_after_a_good_render_serves_the_last_good_state(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    good = {path: client.get(path) for path in ROUTES}

    def broken(*args: object, **kwargs: object) -> object:
        raise StoreError("cannot read the index: disk I/O error")

    for name in ("data_version", "generation", "snapshot", "count", "page", "get_by_slug", "state", "latest"):
        monkeypatch.setattr(store, name, broken)
    ticks = iter(range(10**6, 2 * 10**6))  # the change counter says "something committed" each time
    monkeypatch.setattr(store.coordinator, "change_count", lambda: next(ticks))

    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.data == good[path].data
        assert response.headers["ETag"] == good[path].headers["ETag"]
        assert client.get(path, headers={"If-None-Match": good[path].headers["ETag"]}).status_code == 304
    assert "serving the last good state" in caplog.text

    health = client.get("/healthz")
    assert health.status_code == 503  # unhealthy, and says so, but not a 500
    assert health.get_json()["status"] == "error"


def test_store_error_before_any_render_is_a_503_page(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise StoreError("cannot read the index: database is locked")

    monkeypatch.setattr(store, "data_version", broken)
    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"database is locked" not in response.data
        assert_no_traceback(response.data)


def test_pages(settings: Settings, store: Store) -> None:
    settings = settings.with_overrides(page_size=1)
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    client = create_app(settings, store=store).test_client()
    first = client.get("/").get_data(as_text=True)
    assert [a.attrs["href"] for a in find(first, "a", rel="next")] == ["./?page=2"]
    assert [a.attrs["href"] for a in find(first, "a", rel="last")] == ["./?page=2"]
    assert not find(first, "a", rel="prev") and not find(first, "a", rel="first")
    assert len(find(first, "article")) == 1
    second = client.get("/?page=2").get_data(as_text=True)
    assert len(find(second, "article")) == 1
    assert [a.attrs["href"] for a in find(second, "a", rel="prev")] == ["./"]
    assert [a.attrs["href"] for a in find(second, "a", rel="first")] == ["./"]
    assert not find(second, "a", rel="next")
    (title,) = find(second, "title")
    assert title.text == "Test feed · Page 2 of 2"
    (nav,) = find(second, "nav", class_="pages")
    assert "Page 2 of 2" in nav.text
    assert find(first, "h2")[0].text != find(second, "h2")[0].text
    assert client.get("/?page=3").status_code == 404


# ---------------------------------------------------------------------------- POST /refresh


def _token_app(settings: Settings, store: Store, refresh: Callable[[], RefreshStats]) -> FlaskClient:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    return create_app(settings.with_overrides(token=TOKEN), store=store, refresh=refresh).test_client()


def test_post_refresh_is_404_without_a_token(settings: Settings, store: Store) -> None:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    refresh = lambda: run_refresh(settings, store)  # noqa: E731
    client = create_app(settings, store=store, refresh=refresh).test_client()
    assert client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    # a token but no refresh callable wired: nothing to run either
    client = create_app(settings.with_overrides(token=TOKEN), store=store).test_client()
    assert client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong-token-0123456789", f"Basic {TOKEN}", f"bearer{TOKEN}",
     f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer tökén"],
)  # fmt: skip
def test_post_refresh_with_a_wrong_token_is_401(
    settings: Settings, store: Store, authorization: str | None
) -> None:
    calls: list[int] = []

    def refresh() -> RefreshStats:
        calls.append(1)
        return RefreshStats()

    client = _token_app(settings, store, refresh)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.post("/refresh", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json() == {"error": "a valid bearer token is required"}
    assert calls == []


def test_post_refresh_with_the_token_refreshes(settings: Settings, store: Store) -> None:
    client = _token_app(settings, store, lambda: run_refresh(settings, store, now=later(hours=1)))
    before = client.get("/atom.xml").data
    (settings.seeds_dir / "fresh.txt").write_text(NEW_SEED, "utf-8")

    response = client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "ran": True, "added": 1, "updated": 0, "removed": 0, "unchanged": 2, "skipped": 0
    }  # fmt: skip
    # The refresh ran on this very thread, through its own connection, which PRAGMA
    # data_version does not report (regression: the feeds stayed stale after POST /refresh).
    after = client.get("/atom.xml").data
    assert after != before
    assert b"A freshly added story" in after
    assert client.get("/healthz").get_json()["articles"] == 3


def test_post_refresh_failure_is_a_503(settings: Settings, store: Store) -> None:
    def refresh() -> RefreshStats:
        raise LockTimeout("another refresh held /x/index.sqlite.lock for more than 60s")

    client = _token_app(settings, store, refresh)
    response = client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503
    assert_no_traceback(response.data)
    assert client.get("/atom.xml").status_code == 200


@pytest.mark.parametrize("token", [None, TOKEN])
def test_get_refresh_is_not_a_500(settings: Settings, store: Store, token: str | None) -> None:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    refresh = lambda: run_refresh(settings, store)  # noqa: E731
    client = create_app(settings.with_overrides(token=token), store=store, refresh=refresh).test_client()
    response = client.get("/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code in (404, 405)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert_no_traceback(response.data)
    if response.status_code == 405:
        assert "POST" in response.headers["Allow"]


def test_the_store_closes_after_requests_on_other_threads(app: Flask, store: Store) -> None:
    """waitress serves on worker threads, each with its own connection, and Service.stop()
    closes the store from the main thread (regression: sqlite3 refused to close connections
    made in another thread, so Ctrl-C ended `feedsvc serve` with a traceback)."""
    statuses: list[int] = []

    def request() -> None:
        statuses.append(app.test_client().get("/atom.xml").status_code)

    threads = [threading.Thread(target=request) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert statuses == [200, 200, 200]
    store.close()
    assert app.test_client().get("/atom.xml").status_code == 200  # served from memory, still


def test_if_modified_since_in_the_future_is_ignored(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/atom.xml", headers={"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert response.status_code == 200 and response.data


def test_bearer_scheme_is_case_insensitive(tmp_path, settings, store) -> None:  # type: ignore[no-untyped-def]
    from feedsvc.model import RefreshStats
    from feedsvc.web import create_app

    app = create_app(settings.with_overrides(token="a" * 20), store=store, refresh=lambda: RefreshStats())
    response = app.test_client().post("/refresh", headers={"Authorization": "bearer " + "a" * 20})
    assert response.status_code == 200


def test_unchanged_counter_means_no_store_call(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-request check is one read of the shared change counter, not a store call."""
    first = client.get("/atom.xml")
    deadline = time.monotonic() + 5  # PostgreSQL: the listener connects in the background
    while store.coordinator.change_count() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    client.get("/atom.xml")  # notes the count

    def no_sqlite(*args: object, **kwargs: object) -> object:
        raise AssertionError("a cached feed request touched the store")

    monkeypatch.setattr(store, "data_version", no_sqlite)
    monkeypatch.setattr(store, "generation", no_sqlite)
    second = client.get("/atom.xml")
    assert second.data == first.data
    assert client.get("/atom.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


# ---------------------------------------------------------------------------- the WSGI fast path


def _fast_path_cases(app: Flask) -> list[tuple[str, str, dict[str, str]]]:
    reps = app.extensions["feedsvc"].current().feeds
    cases: list[tuple[str, str, dict[str, str]]] = []
    for path, name in web.FEED_PATHS.items():
        etag, gz_etag = reps[name].etag, reps[name].gzip_etag
        for headers in (
            {}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "gzip, deflate, br"}, {"Accept-Encoding": "x-gzip"},
            {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "gzip;q=0.5, identity"}, {"Accept-Encoding": "identity"},
            {"Accept-Encoding": "*"}, {"If-None-Match": etag}, {"If-None-Match": gz_etag},
            {"If-None-Match": etag, "Accept-Encoding": "gzip"}, {"If-None-Match": gz_etag, "Accept-Encoding": "gzip"},
            {"If-None-Match": f'"x", {etag}'}, {"If-None-Match": f"W/{etag}"}, {"If-None-Match": '"nope"'},
            {"If-None-Match": "*"}, {"If-None-Match": ""}, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"},
            {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, {"If-Modified-Since": "yesterday"},
            {"If-None-Match": '"nope"', "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
        ):  # fmt: skip
            cases += [("GET", path, headers)]
        cases += [("HEAD", path, {}), ("POST", path, {}), ("GET", path + "?x=1", {}), ("GET", path + "/", {})]
    return cases


def test_fast_path_answers_exactly_as_the_flask_routes(app: Flask) -> None:
    from werkzeug.test import Client

    fast = Client(app)  # app.wsgi_app is the request metrics, then the fast path, then Flask
    assert isinstance(app.wsgi_app, RequestMetrics)
    assert isinstance(app.wsgi_app.app, web.FeedFastPath)
    flask_only = Client(app.wsgi_app.app.app)  # the same app without it
    for method, path, headers in _fast_path_cases(app):
        a = fast.open(path, method=method, headers=headers)
        b = flask_only.open(path, method=method, headers=headers)
        where = (method, path, headers)
        assert a.status == b.status, where
        assert sorted(a.headers.items()) == sorted(b.headers.items()), where
        assert a.get_data() == b.get_data(), where


def test_fast_path_answers_common_feed_requests_without_flask(app: Flask) -> None:
    fast: web.FeedFastPath = app.wsgi_app.app  # type: ignore[attr-defined]  # under RequestMetrics
    dispatched: list[str] = []
    inner = fast.app

    def counting(environ: dict[str, object], start_response: Callable[..., object]) -> object:
        dispatched.append(str(environ["PATH_INFO"]))
        return inner(environ, start_response)

    fast.app = counting  # type: ignore[assignment]
    client = app.test_client()
    etag = app.extensions["feedsvc"].current().feeds["rss"].etag
    assert client.get("/atom.xml").status_code == 200
    assert client.get("/feed.json", headers={"Accept-Encoding": "gzip, br"}).status_code == 200
    assert client.get("/rss.xml", headers={"If-None-Match": etag}).status_code == 304
    assert dispatched == []
    assert (
        client.get("/rss.xml", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}).status_code
        == 200
    )
    assert client.get("/").status_code == 200
    assert dispatched == ["/rss.xml", "/"]


# ---------------------------------------------------------------------------- index pages


@pytest.mark.parametrize(("per_page", "max_items"), [(1, 50), (3, 50), (7, 50), (3, 2), (4, 9)])
def test_index_pages_list_every_article_once_newest_first(
    settings: Settings, store: Store, seeds_dir: Path, per_page: int, max_items: int
) -> None:
    """Pages come from the feeds' articles in memory when they hold them, else from the store:
    either way every article once, in order (max_items < page_size, and a last page cut)."""
    for n in range(9):  # 11 articles with the two seeds; some share a published instant
        (seeds_dir / f"story-{n}.txt").write_text(
            f"Date: 2025-03-0{1 + n % 3} 10:00 UTC\n\nStory number {n} happened today.\n", "utf-8"
        )
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    app = create_app(settings.with_overrides(page_size=per_page, max_items=max_items), store=store)
    client = app.test_client()
    expected = [a.slug for a in store.latest()]
    seen: list[str] = []
    page = 1
    while True:
        r = client.get(f"/?page={page}")
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        links = [e.attrs["href"] for e in find(html, "a") if "articles/" in str(e.attrs.get("href"))]
        seen += [str(href).rsplit("/", 1)[1] for href in links]
        if not find(html, "a", rel="next"):
            break
        page += 1
    assert seen == expected
    assert page == -(-len(expected) // per_page)
    assert client.get(f"/?page={page + 1}").status_code == 404
