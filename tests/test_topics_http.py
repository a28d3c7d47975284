"""Topics, OPML and RFC 5005 archives, used as a subscriber would: a real `feedsvc serve` on
127.0.0.1, fetched over HTTP, read with feedparser, the `reader` library, listparser (OPML),
the JSON Feed 1.1 schema and the W3C Feed Validator (../shared/tools/feedvalidator).

The site: 14 articles in two sections and the root, with tags that differ only in case,
Unicode, symbols, an ampersand and a 300-character tag; max_items = 4, so archive pages hold 4.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from urllib.parse import urlsplit

import feedparser
import jsonschema
import listparser
import pytest
import reader
import requests
from conftest import DATA
from conftest import SHARED
from htmlscan import find
from server_utils import ServerProcess
from server_utils import running_server
from server_utils import write_config

SCHEMA = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text("utf-8"))
VALIDATOR = SHARED / "tools" / "feedvalidator" / "w3c_validate.py"
LONG_TAG = "Long " + "x" * 300
MAX_ITEMS = 4
PAGE_SIZE = 3  #: articles per HTML page
FH = "http://purl.org/syndication/history/1.0"

# (folder, tags, author) of article n; dated 2025-01-(n+1)
ARTICLES: list[tuple[str, str, str]] = [
    ("world", "Politics, Zürich", "Jane Doe"),
    ("world", "politics, C++", "Jane Doe"),
    ("sport", "C, AT&T", "Sam Roe"),
    ("", "POLITICS, 日本", ""),
    ("world", f"Climate change, {LONG_TAG}", "jane doe"),
    ("sport", "Politics", "Sam Roe"),
    ("world", "Zürich", ""),
    ("", "AT&T, C++", "Jane Doe"),
    ("sport", "", "Sam Roe"),
    ("world", "Politics", ""),
    ("world", "C", "Jane Doe"),
    ("sport", "Politics, Climate change", "Sam Roe"),
    ("", "", ""),
    ("world", "Politics", "Jane Doe"),
]


def seed_path(seeds: Path, n: int) -> Path:
    folder = ARTICLES[n][0]
    return seeds / folder / f"story-{n:02d}.txt" if folder else seeds / f"story-{n:02d}.txt"


def seed_text(n: int, body: str = "Original") -> str:
    _, tags, author = ARTICLES[n]
    header = f"Title: Story {n:02d}\nDate: 2025-01-{n + 1:02d} 08:00 UTC\n"
    header += f"Tags: {tags}\n" if tags else ""
    header += f"Author: {author}\n" if author else ""
    return f"{header}\n{body} text of story {n}, a full sentence.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("topics")
    seeds = root / "seeds"
    for n in range(len(ARTICLES)):
        path = seed_path(seeds, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seed_text(n), "utf-8")
    write_config(root, extra=f'[site]\ntitle = "Topics & Co"\npage_size = {PAGE_SIZE}\n[feed]\nmax_items = {MAX_ITEMS}\n')
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[ServerProcess]:
    with running_server(site / "config.toml") as s:
        yield s


def get(server: ServerProcess, url: str) -> requests.Response:
    """GET a path or an absolute URL (which must be this server's)."""
    if url.startswith("http"):
        assert url.startswith(server.base + "/"), url
    else:
        url = server.url(url)
    r = requests.get(url, timeout=10)
    assert r.status_code == 200, (url, r.status_code)
    return r


def parsed(r: requests.Response) -> Any:
    feed = feedparser.parse(r.content, response_headers={"content-type": r.headers["Content-Type"]})
    assert feed.bozo == 0, (r.url, feed.get("bozo_exception"))
    return feed


def json_feed(r: requests.Response) -> dict[str, Any]:
    assert r.headers["Content-Type"] == "application/feed+json; charset=utf-8"
    doc: dict[str, Any] = r.json()
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    return doc


def titles_of(r: requests.Response) -> list[str]:
    if r.headers["Content-Type"].startswith("application/feed+json"):
        return [i["title"] for i in json_feed(r)["items"]]
    return [e.title for e in parsed(r).entries]


def expected_titles(*, tag: str | None = None, section: str | None = None, author: str | None = None) -> list[str]:
    """Titles of the fixture articles with this tag (any case), section or author, newest first."""
    out = []
    for n, (folder, tags, who) in enumerate(ARTICLES):
        if tag is not None and tag.casefold() not in [t.strip().casefold() for t in tags.split(",")]:
            continue
        if section is not None and folder != section:
            continue
        if author is not None and who.casefold() != author.casefold():
            continue
        out.append(f"Story {n:02d}")
    return out[::-1]


def topic_links(server: ServerProcess, kind: str) -> dict[str, str]:
    """name -> path of every topic page that /{kind}/ links to."""
    here = server.url(f"/{kind}/")
    paths = {a.text: urlsplit(urljoin(here, a.attrs["href"])).path for a in find(get(server, here).text, "a")}
    return {name: path for name, path in paths.items() if path.startswith(f"/{kind}/") and path != f"/{kind}/"}


# ---------------------------------------------------------------------------- categories


def test_tags_and_sections_are_categories_in_every_format(server: ServerProcess) -> None:
    base = server.base + "/"
    atom = parsed(get(server, "/tags/politics/atom.xml"))
    first = atom.entries[0]  # Story 13: world, Politics
    assert [(t.term, t.scheme) for t in first.tags] == [("Politics", base + "tags/"), ("world", base + "sections/")]
    rss = parsed(get(server, "/tags/politics/rss.xml"))
    assert [(t.term, t.scheme) for t in rss.entries[0].tags] == [
        ("Politics", base + "tags/"),
        ("world", base + "sections/"),
    ]
    doc = json_feed(get(server, "/tags/politics/feed.json"))
    assert doc["items"][0]["tags"] == ["Politics", "world"]
    # an article in the root has no section; duplicate spellings are one category
    by_title = {i["title"]: i for i in json_feed(get(server, "/archive/1/feed.json"))["items"]}
    assert by_title["Story 03"]["tags"] == ["POLITICS", "日本"]
    assert by_title["Story 02"]["tags"] == ["C", "AT&T", "sport"]


# ---------------------------------------------------------------------------- topic feeds and pages


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/tags/politics/", expected_titles(tag="politics")),
        ("/tags/c/", expected_titles(tag="C")),
        ("/sections/world/", expected_titles(section="world")),
        ("/sections/sport/", expected_titles(section="sport")),
        ("/authors/jane-doe/", expected_titles(author="Jane Doe")),
    ],
)
def test_each_topic_has_a_page_and_three_feeds(server: ServerProcess, path: str, expected: list[str]) -> None:
    page = get(server, path).text
    links = find(page, "link", rel="alternate")
    assert [link.attrs["type"] for link in links] == [
        "application/atom+xml",
        "application/rss+xml",
        "application/feed+json",
    ]
    shown = [h.text for h in find(page, "h2")]
    assert shown == expected[:PAGE_SIZE]
    url = server.url(path)
    while next_links := find(get(server, url).text, "a", rel="next"):  # the pages, newest to oldest
        url = urljoin(url, next_links[0].attrs["href"])
        shown += [h.text for h in find(get(server, url).text, "h2")]
    assert shown == expected
    for link in links:
        href = urljoin(server.url(path), link.attrs["href"])  # relative links, as the site writes
        assert href.startswith(server.base + path)
        r = get(server, href)
        assert r.headers["Content-Type"].split(";")[0] == link.attrs["type"]
        assert titles_of(r) == expected[:MAX_ITEMS]


def test_spellings_unicode_symbols_and_long_tags_have_stable_urls(server: ServerProcess) -> None:
    tags = topic_links(server, "tags")
    assert tags["Politics"] == "/tags/politics/"  # "Politics", "politics", "POLITICS": one tag
    assert "politics" not in tags and "POLITICS" not in tags
    assert tags["C"] == "/tags/c/" and tags["C++"].startswith("/tags/c-") and tags["C++"] != tags["C"]
    assert tags["Zürich"].startswith("/tags/zurich-")
    assert tags["AT&T"].startswith("/tags/at-t-")
    long_name = next(name for name in tags if name.startswith("Long x"))
    assert long_name.endswith("…") and len(long_name) == 200
    for name, path in tags.items():
        assert path.isascii() and len(path) <= len("/tags//") + 60
        page = get(server, path).text
        (h1,) = find(page, "h1")
        assert name in h1.text
    assert titles_of(get(server, tags["日本"] + "atom.xml")) == ["Story 03"]
    for bad in ("/tags/Politics/", "/tags/politics%20/", "/tags/nothing/", "/tags/" + "a" * 90 + "/"):
        assert requests.get(server.url(bad), timeout=10).status_code == 404, bad


# ---------------------------------------------------------------------------- OPML


def test_opml_lists_every_feed_and_each_one_works(server: ServerProcess) -> None:
    r = get(server, "/feeds.opml")
    assert r.headers["Content-Type"] == "text/x-opml; charset=utf-8"
    opml = listparser.parse(r.content)
    assert not opml.bozo, opml.get("bozo_exception")
    urls = [feed.url for feed in opml.feeds]
    assert len(urls) == len(set(urls))
    topic_pages = {path for k in ("tags", "sections", "authors") for path in topic_links(server, k).values()}
    assert len(urls) == 3 * (1 + len(topic_pages))
    for url in urls:
        r = get(server, url)
        assert titles_of(r)  # every listed feed parses and has items
    # the /feeds page links the same feeds, and the OPML
    here = server.url("/feeds")
    page = get(server, here).text
    linked = {urljoin(here, a.attrs["href"]) for a in find(page, "a") if a.attrs.get("type", "").startswith("application/")}
    assert linked == set(urls)
    assert any(urljoin(here, a.attrs["href"]) == server.url("/feeds.opml") for a in find(page, "a"))


# ---------------------------------------------------------------------------- archives (RFC 5005)


def atom_links(feed: Any, rel: str) -> list[str]:
    return [link.href for link in feed.feed.get("links", []) if link.rel == rel]


def walk_atom(server: ServerProcess, start: str) -> tuple[list[str], list[list[str]]]:
    """Follow prev-archive from a subscription document: (its ids, each archive's ids)."""
    sub = parsed(get(server, start))
    assert "fh_archive" not in sub.feed
    archives = []
    url = (atom_links(sub, "prev-archive") or [None])[0]
    seen = set()
    while url is not None:
        assert url not in seen
        seen.add(url)
        r = get(server, url)
        assert "max-age=86400" in r.headers["Cache-Control"]
        doc = parsed(r)
        assert b"<fh:archive/>" in r.content
        assert atom_links(doc, "current") == [server.base + start]
        archives.append([e.id for e in doc.entries])
        url = (atom_links(doc, "prev-archive") or [None])[0]
    return [e.id for e in sub.entries], archives


def all_ids(server: ServerProcess) -> set[str]:
    """Every published article's guid, from `feedsvc list --json` on the same config."""
    out = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(server.log_path.parent / "config.toml"), "list", "--json"],
        capture_output=True, text=True, timeout=30, check=True, stdin=subprocess.DEVNULL,
    ).stdout  # fmt: skip
    return {json.loads(line)["guid"] for line in out.splitlines()}


@pytest.mark.parametrize("start", ["/atom.xml", "/rss.xml", "/tags/politics/atom.xml", "/sections/world/rss.xml"])
def test_following_prev_archive_recovers_every_article_once(server: ServerProcess, start: str) -> None:
    current, archives = walk_atom(server, start)
    archived = [i for page in archives for i in page]
    assert len(archived) == len(set(archived))  # no article in two archive pages
    assert all(len(page) == MAX_ITEMS for page in archives)  # only full pages are archives
    recovered = set(archived) | set(current)
    if start == "/atom.xml" or start == "/rss.xml":
        assert recovered == all_ids(server)
        assert len(archives) == len(ARTICLES) // MAX_ITEMS
    else:
        kind = "politics" if "politics" in start else "world"
        want = expected_titles(tag="politics") if kind == "politics" else expected_titles(section="world")
        assert len(recovered) == len(want)
    # what the archives do not hold is in the subscription document, the newest first
    assert set(current) >= recovered - set(archived)


def test_json_feed_pages_by_next_url(server: ServerProcess) -> None:
    doc = json_feed(get(server, "/feed.json"))
    ids = [i["id"] for i in doc["items"]]
    pages = 0
    while "next_url" in doc:
        doc = json_feed(get(server, doc["next_url"]))
        ids += [i["id"] for i in doc["items"]]
        pages += 1
    assert pages == len(ARTICLES) // MAX_ITEMS
    assert set(ids) == all_ids(server)


def test_reader_library_follows_a_topic_feed(server: ServerProcess, tmp_path: Path) -> None:
    with reader.make_reader(str(tmp_path / "reader.sqlite")) as r:
        for path in ("/tags/politics/atom.xml", "/sections/sport/rss.xml", "/authors/sam-roe/feed.json"):
            r.add_feed(server.url(path))
        r.update_feeds()
        for feed in r.get_feeds():
            assert feed.last_exception is None, (feed.url, feed.last_exception)
        politics = [e.title for e in r.get_entries(feed=server.url("/tags/politics/atom.xml"))]
        assert sorted(politics) == sorted(expected_titles(tag="politics")[:MAX_ITEMS])
        sport = {e.title for e in r.get_entries(feed=server.url("/sections/sport/rss.xml"))}
        assert sport == set(expected_titles(section="sport")[:MAX_ITEMS])


# ---------------------------------------------------------------------------- the W3C validator


VALIDATED = [
    "/atom.xml",
    "/rss.xml",
    "/archive/1/atom.xml",
    "/archive/2/rss.xml",
    "/tags/politics/atom.xml",
    "/tags/politics/rss.xml",
    "/tags/politics/archive/1/atom.xml",
    "/tags/politics/archive/1/rss.xml",
    "/sections/world/rss.xml",
    "/authors/jane-doe/atom.xml",
    "/feeds.opml",
]


@pytest.mark.slow
def test_the_w3c_validator_finds_nothing(server: ServerProcess) -> None:
    if not VALIDATOR.is_file():
        pytest.skip(f"{VALIDATOR} is not here (a fresh clone has no ../shared)")
    unicode_tag = topic_links(server, "tags")["Zürich"]
    for path in [*VALIDATED, unicode_tag + "rss.xml", unicode_tag + "atom.xml"]:
        url = path if path.startswith("http") else server.url(path)
        done = subprocess.run(
            [sys.executable, str(VALIDATOR), "--json", url],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        report = json.loads(done.stdout)
        assert (report["errors"], report["warnings"]) == ([], []), (url, report)


# ---------------------------------------------------------------------------- an edit


def archive_bodies(server: ServerProcess) -> dict[str, bytes]:
    out = {}
    for fmt in ("atom.xml", "rss.xml", "feed.json"):
        for page in range(1, len(ARTICLES) // MAX_ITEMS + 1):
            out[f"/archive/{page}/{fmt}"] = get(server, f"/archive/{page}/{fmt}").content
    return out


def test_an_edit_changes_only_the_archive_that_holds_it(server: ServerProcess, site: Path) -> None:
    before = archive_bodies(server)
    current_before = get(server, "/atom.xml").content
    seed_path(site / "seeds", 5).write_text(seed_text(5, body="Edited"), "utf-8")  # story 5: page 2
    subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(site / "config.toml"), "refresh"],
        capture_output=True, text=True, timeout=30, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    after = archive_bodies(server)
    changed = sorted(path for path in before if before[path] != after[path])
    assert changed == ["/archive/2/atom.xml", "/archive/2/feed.json", "/archive/2/rss.xml"]
    assert b"Edited text of story 5" in after["/archive/2/atom.xml"]
    assert get(server, "/atom.xml").content == current_before  # story 5 is not among the newest
    seed_path(site / "seeds", 5).write_text(seed_text(5), "utf-8")  # as it was, for other tests
    subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(site / "config.toml"), "refresh"],
        capture_output=True, text=True, timeout=30, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_archive_urls_are_canonical(server: ServerProcess) -> None:
    for bad in ("/archive/0/atom.xml", "/archive/01/atom.xml", "/archive/4/atom.xml", "/archive/-1/atom.xml",
                "/archive/\u0661/atom.xml", "/tags/politics/archive/9/rss.xml", "/archive/1/"):  # fmt: skip
        assert requests.get(server.url(bad), timeout=10).status_code == 404, bad
