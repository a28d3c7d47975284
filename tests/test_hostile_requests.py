"""Hostile requests: nothing a request contains may take the app down or read outside the index.

Every request in the lists below is sent through the Flask test client, and the ones that only
mean something on the wire (raw bytes in the path, bad request lines, oversized heads and
bodies) through a real `feedsvc serve` on 127.0.0.1 as raw socket writes. Each response: no
5xx, no traceback, no /etc/passwd content; app-level errors are HTML pages with the security
headers. Article text with markup payloads comes out escaped in all three feeds and the pages.
``len(PATHS) + len(QUERIES) + ...`` (see ``test_request_count``) is the number tried.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import FIXED_NOW
from conftest import SEEDS
from conftest import SchemaPool
from conftest import with_schema
from flask import Flask
from flask.testing import FlaskClient
from htmlscan import find
from htmlscan import live_markup
from server_utils import HOST
from server_utils import ServerProcess
from server_utils import running_server
from server_utils import write_config

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.web import create_app

TOKEN = "hostile-requests-token-0123456789"
PASSWD_MARK = "root:x:0:0"
ARTICLE = "/articles/council-bike-lanes"  # tests/data/seeds/header-example.txt

ROUTES = ["/", "/atom.xml", "/rss.xml", "/feed.json", ARTICLE, "/style.css", "/healthz", "/refresh"]
TRAVERSALS = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",  # double-encoded
    "..%252f..%252f..%252fetc%252fpasswd",
    "%00",
    "%00../../etc/passwd",
    "....//....//etc/passwd",
    "..%5c..%5cetc%5cpasswd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",  # overlong UTF-8 dots
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "file:///etc/passwd",
]
PREFIXES = ["/", "/articles/", "/static/", "/style.css/", "/atom.xml/", "/articles/x/"]
PATHS = [p + t for p in PREFIXES for t in TRAVERSALS] + [
    "/%2e%2e/%2e%2e/etc/passwd",
    "/articles/%ff%fe",
    "/%ff%fe",
    "/articles/%c3%28",  # invalid UTF-8 sequence
    "/" + "a" * 10_240,
    "/articles/" + "a" * 10_240,
    "/articles/" + "a-" * 5_000,
    "/" + "%2e%2e/" * 2_000,
    "/articles/ARTICLE",
    "/articles/council-bike-lanes/",
    "/articles/council-bike-lanes%00",
    "/articles/council-bike-lanes%0d%0aSet-Cookie:%20x=1",
    "/articles/council-bike-lanes.txt",
    "/articles/header-example.txt",
    "/healthz/../../etc/passwd",
    "/index.sqlite",
    "/var/index.sqlite",
    "/config.toml",
]
QUERIES = [
    "/?q=" + "x" * 100_000,
    "/atom.xml?q=" + "x" * 100_000,
    "/?page=1&page=2",
    "/?" + "&".join(["page=1"] * 1_000),
    "/?page=%C2%B2",  # superscript two: isdigit() but not int()
    "/?page=%EF%BC%91",  # fullwidth one
    "/?page=" + "9" * 5_000,  # more digits than int() converts
    "/?page=%ff",
    "/?page=%00",
    "/?page=1e3",
    "/?page=-0",
    "/?page=+1",
    "/?page= 1",
    "/?page[]=1",
    "/?page=../../etc/passwd",
    "/atom.xml?page=1&page=2",
    "/feed.json?callback=alert(1)",
    "/?%ff=%fe",
]
METHODS = ["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "FOO", "CONNECT", "PROPFIND"]
IF_NONE_MATCH = [
    "garbage",
    '"unterminated',
    "W/",
    'W/"',
    ",,,",
    '"a", W/',
    '"' * 500,
    "*garbage",
    "x" * 8_000,
]
IF_MODIFIED_SINCE = [
    "yesterday", "Mon, 99 Foo 9999", "0", "-1", "Mon, 01 Jan 0001 00:00:00 GMT",
    "Sat, 01 Jan 10000 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 +2400", "x" * 8_000,
]  # fmt: skip
OTHER_HEADERS = [
    {"Accept-Encoding": "gzip;q=abc"},
    {"Accept-Encoding": "gzip;q=-1, *;q=1e999"},
    {"Accept-Encoding": "x" * 8_000},
    {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "javascript"},
    {"Range": "bytes=0-0,-1,999999999-"},
    {"Cookie": "session=" + "x" * 4_000},
    {"Accept": "*/*;q=nan"},
]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "]]>",
    "&amp; & &lt;",
    '"><svg onload=alert(1)>',
]


def write_xss_seeds(seeds_dir: Path) -> Path:
    """Articles whose title, summary, author, tags and body are markup payloads."""
    for i, payload in enumerate(PAYLOADS):
        (seeds_dir / f"xss-{i}.txt").write_text(
            f"Title: Title {i} {payload} end\nSummary: Summary {i} {payload} end\n"
            f"Author: {payload}\nTags: {payload}, plain\nId: xss-{i}\n\n"
            f"Body {i} {payload} end. A second sentence.\nCaption {i} {payload} (Picture: AP)\n",
            "utf-8",
        )
    (seeds_dir / "xss-lead.txt").write_text(
        "<script>alert(2)</script> opens the body. <img src=x onerror=alert(3)> follows.\n", "utf-8"
    )
    return seeds_dir


@dataclass
class Site:
    settings: Settings
    store: Store
    app: Flask


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One refreshed index and one app per backend for the module's hundreds of requests: each
    request only reads, so a fresh app per request (~0.1 s of route compiling and a refresh)
    would prove nothing more. test_index_is_untouched_by_hostile_requests checks that they
    left the index as it was."""
    root = tmp_path_factory.mktemp(f"hostile-{backend}")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    write_xss_seeds(seeds)
    pool: SchemaPool | None = request.getfixturevalue("postgres_pool") if backend == "postgres" else None
    schema = pool.take() if pool is not None else None
    settings = Settings(
        seeds_dir=seeds,
        db_path=root / "var" / "index.sqlite",
        store_url=with_schema(pool.url, schema) if pool is not None and schema is not None else None,
        base_url="http://127.0.0.1:8000/",
        title="Test feed",
        lock_timeout=10,
        token=TOKEN,
    )
    try:
        with open_store(settings) as store:
            run_refresh(settings, store, now=lambda: FIXED_NOW)
            app = create_app(settings, store=store, refresh=lambda: run_refresh(settings, store))
            yield Site(settings, store, app)
    finally:
        if pool is not None and schema is not None:
            pool.give_back(schema)


@pytest.fixture
def client(site: Site) -> FlaskClient:
    return site.app.test_client()


# ---------------------------------------------------------------------------- response checks


def check_html_headers(headers: Any) -> None:
    get = headers.get
    csp = get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'none'"], csp
    for name in ("script-src", "script-src-elem", "script-src-attr", "default-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(directives.get(name, [])), csp
    assert get("X-Content-Type-Options") == "nosniff"
    assert get("Referrer-Policy")


def check_response(status: int, content_type: str, headers: Any, body: bytes) -> None:
    assert status < 500, (status, body[:300])
    assert b"Traceback" not in body and b'File "' not in body
    assert PASSWD_MARK.encode() not in body
    assert b"evil.example" not in body
    assert headers.get("X-Content-Type-Options") == "nosniff"
    if content_type.startswith("text/html"):
        check_html_headers(headers)
        assert b"<script" not in body.lower()
    if status >= 400 and body and not content_type.startswith("application/json"):
        assert content_type.startswith("text/html"), content_type
        assert body.rstrip().endswith(b"</html>")


def fetch(client: FlaskClient, path: str, method: str = "GET", **kwargs: object) -> tuple[int, bytes]:
    response = client.open(path, method=method, **kwargs)  # type: ignore[arg-type]
    body = response.get_data()
    check_response(response.status_code, response.content_type or "", response.headers, body)
    return response.status_code, body


# ---------------------------------------------------------------------------- through the app


@pytest.mark.parametrize("path", PATHS, ids=[p[:60] for p in PATHS])
def test_hostile_path(client: FlaskClient, path: str) -> None:
    status, _ = fetch(client, path)
    assert status in (200, 301, 308, 400, 404, 405), status


@pytest.mark.parametrize("path", QUERIES, ids=[q[:60] for q in QUERIES])
def test_hostile_query(client: FlaskClient, path: str) -> None:
    status, _ = fetch(client, path)
    assert status in (200, 400, 404), status


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", ROUTES)
def test_odd_method(client: FlaskClient, route: str, method: str) -> None:
    response = client.open(route, method=method)
    check_response(response.status_code, response.content_type or "", response.headers, response.get_data())
    if method == "OPTIONS":
        assert response.status_code == 200 and "OPTIONS" in response.headers["Allow"]
    else:
        assert response.status_code == 405
        assert "PUT" not in response.headers["Allow"] and "DELETE" not in response.headers["Allow"]


@pytest.mark.parametrize("route", ["/atom.xml", "/rss.xml", "/feed.json", "/", ARTICLE])
@pytest.mark.parametrize("value", IF_NONE_MATCH, ids=[v[:20] for v in IF_NONE_MATCH])
def test_malformed_if_none_match_is_ignored(client: FlaskClient, route: str, value: str) -> None:
    status, body = fetch(client, route, headers={"If-None-Match": value})
    assert (status, bool(body)) == (200, True)


@pytest.mark.parametrize("route", ["/atom.xml", "/feed.json", "/", ARTICLE])
@pytest.mark.parametrize("value", IF_MODIFIED_SINCE, ids=[v[:20] for v in IF_MODIFIED_SINCE])
def test_malformed_if_modified_since_is_ignored(client: FlaskClient, route: str, value: str) -> None:
    status, body = fetch(client, route, headers={"If-Modified-Since": value})
    assert (status, bool(body)) == (200, True)


@pytest.mark.parametrize("headers", OTHER_HEADERS, ids=lambda h: ",".join(h)[:40])
@pytest.mark.parametrize("route", ["/atom.xml", "/rss.xml", "/feed.json", "/", ARTICLE, "/healthz"])
def test_hostile_headers(client: FlaskClient, route: str, headers: dict[str, str]) -> None:
    status, body = fetch(client, route, headers=headers)
    assert status in (200, 400, 416), status


# ---------------------------------------------------------------------------- escaping


def _entries(client: FlaskClient, path: str) -> dict[str, feedparser.FeedParserDict]:
    body = client.get(path).get_data()
    assert b"<script" not in body and b"<img" not in body and b"<svg" not in body
    parsed = feedparser.parse(body, sanitize_html=False)  # what a reader that trusts us would show
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return {e.link.rsplit("/", 1)[1]: e for e in parsed.entries}


def _no_live_markup(fragment: str) -> None:
    assert live_markup(fragment) == [], fragment
    assert "<script" not in fragment.lower()


@pytest.mark.parametrize("i", range(len(PAYLOADS)), ids=PAYLOADS)
def test_payloads_are_escaped_everywhere(client: FlaskClient, site: Site, i: int) -> None:
    article = site.store.get(f"xss-{i}")
    assert article is not None
    title, summary = article.title, article.summary  # the parser's text: the feeds must keep it literal
    assert title.startswith(f"Title {i} ") and title.endswith(" end")

    for path in ("/atom.xml", "/rss.xml"):
        entry = _entries(client, path)[article.slug]
        assert entry.title == title and entry.title_detail.type == "text/plain", path
        content = entry.content[0].value
        assert f"Body {i} " in content
        _no_live_markup(content)
        if path == "/atom.xml":
            assert entry.summary == summary
        else:  # RSS <description> is HTML to every reader: the plain text arrives escaped
            _no_live_markup(entry.summary)
        assert entry.author == article.author

    doc = json.loads(client.get("/feed.json").get_data())
    (item,) = [it for it in doc["items"] if it["url"].endswith("/" + article.slug)]
    assert (item["title"], item["summary"]) == (title, summary)  # plain-text fields: literal
    _no_live_markup(item["content_html"])
    if "<" in PAYLOADS[i]:
        assert "&lt;" in item["content_html"]

    page = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    _no_live_markup(page)
    (h1,) = find(page, "h1")
    assert h1.text == title  # the browser shows exactly the text, as text
    index = client.get("/").get_data(as_text=True)
    _no_live_markup(index)
    assert any(a.text == title for a in find(index, "a"))


def test_markup_that_opens_the_body_is_escaped(client: FlaskClient) -> None:
    for path in ("/atom.xml", "/rss.xml"):
        entries = _entries(client, path)
        entry = entries["xss-lead"]
        assert entry.title.startswith("<script>alert(2)</script> opens the body")
        _no_live_markup(entry.content[0].value)
    doc = json.loads(client.get("/feed.json").get_data())
    (item,) = [it for it in doc["items"] if it["url"].endswith("/xss-lead")]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in item["content_html"]
    assert "<script" not in item["content_html"]
    _no_live_markup(client.get("/articles/xss-lead").get_data(as_text=True))


# ---------------------------------------------------------------------------- headers and /refresh


@pytest.mark.parametrize(
    "path", ["/", "/?page=1", ARTICLE, "/nope", "/?page=abc", "/articles/nope", "/healthz/x"]
)
def test_html_responses_carry_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.mimetype == "text/html"
    check_html_headers(response.headers)


def test_405_and_413_pages_carry_the_security_headers(client: FlaskClient) -> None:
    for response in (
        client.put("/"),
        client.post("/refresh", data=b"x" * (1 << 20), headers={"Authorization": f"Bearer {TOKEN}"}),
    ):
        assert response.mimetype == "text/html" and response.status_code in (405, 413)
        check_html_headers(response.headers)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong-token-0123456789", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
     f"Basic {TOKEN}", f"Bearer  {TOKEN}", f"{TOKEN}", "Bearer \u00fc\u00fc\u00fc", "Bearer " + "x" * 8_000],
    ids=lambda a: "none" if a is None else (a[:24] or "empty"),
)  # fmt: skip
def test_refresh_needs_the_token(client: FlaskClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.post("/refresh", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in response.get_data(as_text=True)


def test_refresh_with_the_token_runs(client: FlaskClient) -> None:
    response = client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.get_json()["ran"] is True
    assert client.get("/refresh", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_refresh_is_404_without_a_configured_token(settings: Settings, store: Store) -> None:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    for app in (
        create_app(settings, store=store, refresh=lambda: run_refresh(settings, store)),  # no token
        create_app(settings.with_overrides(token=TOKEN), store=store),  # a token, but no refresher
    ):
        client = app.test_client()
        assert client.post("/refresh", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        assert client.post("/refresh").status_code == 404
        assert client.get("/refresh").status_code in (404, 405)


def test_index_is_untouched_by_hostile_requests(client: FlaskClient, site: Site) -> None:
    settings, store = site.settings, site.store
    before = [(a.id, a.guid, a.updated) for a in store.latest()]
    for path in PATHS + QUERIES:
        client.get(path)
    for route in ROUTES:
        for method in METHODS:
            client.open(route, method=method)
    assert [(a.id, a.guid, a.updated) for a in store.latest()] == before
    if settings.store_url is None:  # the SQLite file
        with sqlite3.connect(settings.db_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


# ---------------------------------------------------------------------------- on the wire


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("hostile-server")
    seeds = root / "seeds"
    seeds.mkdir()
    for src in SEEDS.glob("*.txt"):
        (seeds / src.name).write_bytes(src.read_bytes())
    config = write_config(root, extra=f'[refresh]\ntoken = "{TOKEN}"\n')
    with running_server(config) as proc:
        yield proc


def raw_exchange(server: ServerProcess, request: bytes) -> tuple[int | None, dict[str, str], bytes]:
    """Send bytes as they are; return (status, headers, body). A server that answers an oversized
    request and closes before reading it all may reset the connection: status None then."""
    data = b""
    with socket.create_connection((HOST, server.port), timeout=10) as sock:
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            raise AssertionError(f"no answer in 10 s to {request[:60]!r}") from None
        except OSError:  # reset, broken pipe, or "not connected" once the server has closed
            pass
    if not data:
        return None, {}, b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def _get(target: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"Connection: close\r\n\r\n"


WIRE = {
    "raw-non-utf8-path": _get(b"/\xff\xfe"),
    "raw-non-utf8-article": _get(b"/articles/\xff\xfe"),
    "encoded-non-utf8-article": _get(b"/articles/%ff%fe"),
    "dotdot": _get(b"/articles/../../etc/passwd"),
    "dotdot-root": _get(b"/../../../../etc/passwd"),
    "encoded-dotdot": _get(b"/%2e%2e/%2e%2e/etc/passwd"),
    "double-slash": _get(b"//etc/passwd"),
    "absolute-form": _get(b"http://127.0.0.1/etc/passwd"),
    "absolute-form-other-host": _get(b"http://evil.example/atom.xml"),
    "nul-in-path": _get(b"/articles/%00"),
    "raw-nul-in-path": _get(b"/articles/\x00"),
    "path-10KB": _get(b"/" + b"a" * 10_240),
    "query-100KB": _get(b"/?q=" + b"x" * 100_000),
    "header-70KB": _get(b"/", b"X-Big: " + b"y" * 70_000 + b"\r\n"),
    "repeated-page": _get(b"/?page=1&page=2"),
    "superscript-page": _get(b"/?page=%C2%B2"),
    "method-FOO": b"FOO / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "method-TRACE": b"TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "method-with-nul": b"G\x00T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "http-9.9": b"GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
    "http-0.9": b"GET /\r\n\r\n",
    "garbage-line": b"garbage\r\n\r\n",
    "binary-line": bytes(range(1, 256)) + b"\r\n\r\n",
    "content-length-negative": _get(b"/", b"Content-Length: -1\r\n"),
    "content-length-text": _get(b"/", b"Content-Length: abc\r\n"),
    "content-length-twice": _get(b"/", b"Content-Length: 1\r\nContent-Length: 2\r\n"),
    "bad-chunk": _get(b"/", b"Transfer-Encoding: chunked\r\n") + b"zz\r\n",
    "header-no-colon": _get(b"/", b"NoColonHere\r\n"),
    "header-raw-bytes": _get(
        b"/atom.xml", b"If-None-Match: \xff\xfe\r\nIf-Modified-Since: \xff\r\nAccept-Encoding: \xff\r\n"
    ),
    "inm-garbage": _get(b"/atom.xml", b'If-None-Match: "unterminated\r\n'),
    "ims-garbage": _get(b"/atom.xml", b"If-Modified-Since: Mon, 99 Foo 9999\r\n"),
    "refresh-no-token": b"POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    "refresh-raw-token": b"POST /refresh HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n"
    b"Content-Length: 0\r\nConnection: close\r\n\r\n",
    "refresh-1MB-body": b"POST /refresh HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
    + b"\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n" + b"x" * (1 << 20),
    "refresh-GET": _get(b"/refresh", b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"),
}  # fmt: skip
EXPECTED: dict[str, set[int | None]] = {  # the only right answers
    "raw-non-utf8-path": {400, 404},
    "query-100KB": {431, None},
    "header-70KB": {431, None},
    "repeated-page": {400},
    "superscript-page": {400},
    "method-FOO": {405, 501},
    "method-TRACE": {405, 501},
    "refresh-no-token": {401},
    "refresh-raw-token": {401},
    "refresh-1MB-body": {413, None},
    "refresh-GET": {405},
}


@pytest.mark.parametrize("name", list(WIRE))
def test_hostile_bytes_on_the_wire(server: ServerProcess, name: str) -> None:
    status, headers, body = raw_exchange(server, WIRE[name])
    if name in EXPECTED:
        assert status in EXPECTED[name], (status, body[:300])
    if status is None:  # reset after an early answer to an oversized request
        assert name in ("query-100KB", "header-70KB", "refresh-1MB-body")
    else:
        assert status < 500, (status, body[:300])
        assert b"Traceback" not in body and PASSWD_MARK.encode() not in body and b"evil.example" not in body
        content_type = headers.get("content-type", "")
        if content_type.startswith("text/html"):  # the app answered
            check_html_headers({k.title(): v for k, v in headers.items()})
            if status >= 400:
                assert body.rstrip().endswith(b"</html>")
        elif status >= 400:  # waitress answered before the app: a short plain-text page
            assert content_type.startswith(("text/plain", "application/json")), content_type
    # and the server is still well
    healthy, _, _ = raw_exchange(server, _get(b"/healthz"))
    assert healthy == 200


def test_server_log_has_no_traceback(server: ServerProcess) -> None:
    for request in WIRE.values():
        raw_exchange(server, request)
    assert raw_exchange(server, _get(b"/atom.xml"))[0] == 200
    log = server.log()
    assert "Traceback" not in log and " 500 " not in log, log[-3000:]
    assert PASSWD_MARK not in log


def test_request_count() -> None:
    """How many hostile requests this module tries (through the app, then on the wire)."""
    app_side = (
        len(PATHS) + len(QUERIES) + len(METHODS) * len(ROUTES) + len(IF_NONE_MATCH) * 5
        + len(IF_MODIFIED_SINCE) * 4 + len(OTHER_HEADERS) * 6 + 12
    )  # fmt: skip
    assert app_side + len(WIRE) > 300
