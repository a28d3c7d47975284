"""The HTML site as a visitor's browser sees it: relative links that work under any host name,
OpenGraph and Twitter cards, numbered pages, previous/next between articles, the feeds page,
and templates and CSS from a theme folder."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from conftest import FIXED_NOW
from flask.testing import FlaskClient
from htmlscan import find
from htmlscan import scan

from feedsvc.config import Settings
from feedsvc.errors import ConfigError
from feedsvc.publish.pages import Pagination
from feedsvc.publish.pages import root_for
from feedsvc.refresh import run_refresh
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

BASE = "http://127.0.0.1:8000/"  # conftest's base_url: what feeds and canonical URLs use
ELSEWHERE = "http://news.other-name.example:9000/"  # a host name the config never heard of
PAGES = ["/", "/?page=2", "/articles/story-005", "/feeds", "/tags/city/", "/authors/writer-1/", "/no/such/page"]


def client_for(settings: Settings, store: SQLiteStore, count: int = 11, **overrides: object) -> FlaskClient:
    for old in settings.seeds_dir.glob("*.txt"):
        old.unlink()
    for n in range(count):  # story-000 oldest; one published instant shared by two
        minute = min(n, count - 2)
        (settings.seeds_dir / f"story-{n:03d}.txt").write_text(
            f"Title: Story {n}\nDate: 2025-01-01 10:{minute:02d} UTC\nTags: city, transport\n"
            f"Author: Writer {n % 2}\n\nBody of story {n}, with facts.\n",
            "utf-8",
        )
    settings = settings.with_overrides(page_size=3, **overrides)
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    return create_app(settings, store=store).test_client()


@pytest.fixture
def client(settings: Settings, store: SQLiteStore) -> FlaskClient:
    return client_for(settings, store)


def links(html: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, URL) of everything on the page a browser follows or loads."""
    out = []
    for el in scan(html):
        for attr in ("href", "src"):
            value = el.attrs.get(attr)
            if value is not None and el.attrs.get("rel") != "canonical":
                out.append((el.tag, attr, value))
    return out


def meta(html: str) -> dict[str, str]:
    return {
        str(m.attrs.get("property") or m.attrs.get("name")): str(m.attrs.get("content"))
        for m in find(html, "meta")
        if m.attrs.get("content") is not None
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_link_is_relative_and_works_under_any_host_name(client: FlaskClient, path: str) -> None:
    r = client.get(path, base_url=ELSEWHERE.rstrip("/"))
    assert r.status_code == (404 if path.startswith("/no/") else 200)
    html = r.get_data(as_text=True)
    found = links(html)
    assert len(found) >= 10
    page_url = urljoin(ELSEWHERE, path)
    for tag, attr, value in found:
        assert not urlsplit(value).scheme and not value.startswith("/"), f"<{tag} {attr}={value!r}>"
        target = urljoin(page_url, value)
        assert target.startswith(ELSEWHERE), (value, target)  # never leaves the host used
        parts = urlsplit(target)
        fetched = client.get(parts.path + ("?" + parts.query if parts.query else ""))
        assert fetched.status_code == 200, f"<{tag} {attr}={value!r}> on {path} -> {target}"


@pytest.mark.parametrize("path", PAGES)
def test_opengraph_and_twitter_card_on_every_page(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    tags = meta(html)
    (title,) = find(html, "title")
    (canonical,) = find(html, "link", rel="canonical")
    assert tags["og:title"] == tags["twitter:title"] == title.text
    assert tags["og:url"] == canonical.attrs["href"] == BASE + path.lstrip("/")
    assert tags["og:image"] == tags["twitter:image"] == BASE + "icons/icon-512.png"
    assert tags["og:site_name"] == "Test feed"
    assert tags["twitter:card"] == "summary"
    assert tags["og:description"] == tags["twitter:description"] == tags["description"] != ""
    assert tags["og:type"] == ("article" if "/articles/" in path else "website")


def test_tags_authors_and_sections_are_links_to_their_pages(settings: Settings, store: SQLiteStore) -> None:
    client = client_for(settings, store)
    (settings.seeds_dir / "world").mkdir()
    (settings.seeds_dir / "world" / "harbour.txt").write_text(
        "Title: Harbour news\nDate: 2025-01-02 08:00 UTC\nTags: Ports, U.S.\nAuthor: Ana Lima\n\nShips came in.\n",
        "utf-8",
    )
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    index = client.get("/").get_data(as_text=True)
    (link,) = [a.attrs["href"] or "" for a in find(index, "a") if a.text == "Harbour news"]
    page = urljoin(BASE, link)
    html = client.get(urlsplit(page).path).get_data(as_text=True)
    tags = [(a.text, a.attrs["href"]) for a in find(html, "a", rel="tag")]
    assert tags == [("Ports", "../tags/ports/"), ("U.S.", "../tags/us/")]
    (author,) = find(html, "a", rel="author")
    (section,) = find(html, "a", class_="section")
    assert (author.text, section.text) == ("Ana Lima", "world")
    for a in [*find(html, "a", rel="tag"), author, section]:
        target = urljoin(page, a.attrs["href"] or "")
        listed = client.get(urlsplit(target).path).get_data(as_text=True)
        assert "Harbour news" in [h.text for h in find(listed, "h2")], target
    # on the front page, authors are links too
    authors = {a.text: a.attrs["href"] for a in find(index, "a", class_="author")}
    assert authors["Ana Lima"] == "./authors/ana-lima/"


def test_article_card_says_what_the_article_is(client: FlaskClient) -> None:
    tags = meta(client.get("/articles/story-005").get_data(as_text=True))
    assert tags["og:title"] == "Story 5 · Test feed"
    assert tags["og:description"] == "Body of story 5, with facts."
    assert tags["article:published_time"] == "2025-01-01T10:05:00Z"
    assert tags["article:tag"] in ("city", "transport")  # one meta per tag: the dict keeps one


def test_pagination_numbers() -> None:
    assert Pagination(1, 1).numbers == (1,)
    assert Pagination(1, 9).numbers == (1, 2, 3, None, 9)
    assert Pagination(5, 9).numbers == (1, 2, 3, 4, 5, 6, 7, 8, 9)  # a one-page gap shows its number
    assert Pagination(6, 20).numbers == (1, None, 4, 5, 6, 7, 8, None, 20)
    assert Pagination(20, 20).numbers == (1, None, 18, 19, 20)
    assert Pagination(2, 45).label == "Page 2 of 45"


def test_numbered_pages(client: FlaskClient) -> None:
    html = client.get("/?page=2").get_data(as_text=True)  # 11 articles, 3 a page: 4 pages
    (title,) = find(html, "title")
    assert title.text == "Test feed · Page 2 of 4"
    (nav,) = find(html, "nav", class_="pages")
    assert "Page 2 of 4" in nav.text
    hrefs = {a.text.strip(): a.attrs["href"] for a in find(html, "a") if "ul" in a.parents and "nav" in a.parents}
    assert hrefs["« First"] == hrefs["‹ Newer"] == hrefs["1"] == "./"
    assert hrefs["3"] == "./?page=3" and hrefs["Older ›"] == "./?page=3"
    assert hrefs["Last »"] == hrefs["4"] == "./?page=4"
    (current,) = find(html, "span", **{"aria-current": "page"})
    assert current.text == "2"
    last = client.get("/?page=4").get_data(as_text=True)
    assert len(find(last, "article")) == 2 and not find(last, "a", rel="next")
    assert client.get("/?page=5").status_code == 404


def test_prev_next_walk_visits_every_article_once(client: FlaskClient, store: SQLiteStore) -> None:
    order = [a.slug for a in store.latest()]  # the listing's order, newest first
    for rel, start, expected in (("next", order[0], order), ("prev", order[-1], order[::-1])):
        seen, path = [], "/articles/" + start
        while True:
            html = client.get(path).get_data(as_text=True)
            seen.append(path.rsplit("/", 1)[1])
            found = find(html, "a", rel=rel)
            if not found:
                break
            (a,) = found
            path = urlsplit(urljoin(BASE + path.lstrip("/"), a.attrs["href"] or "")).path
            assert len(seen) <= len(order)
        assert seen == expected
    middle = client.get("/articles/" + order[3]).get_data(as_text=True)
    (older,) = find(middle, "a", rel="next")
    assert "Older" in older.text and "Story" in older.text


def test_the_feeds_page_explains_and_lists_every_feed(client: FlaskClient) -> None:
    r = client.get("/feeds")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "feed reader" in html and "Atom" in html
    items = find(html, "li")
    feeds = [(a.text, a.attrs["href"], a.attrs.get("type")) for a in find(html, "a") if "h3" in a.parents]
    assert feeds == [
        ("Atom", "./atom.xml", "application/atom+xml"),
        ("RSS", "./rss.xml", "application/rss+xml"),
        ("JSON Feed", "./feed.json", "application/feed+json"),
    ]
    for label, href, media_type in feeds:
        fetched = client.get("/" + (href or "")[2:])
        assert fetched.status_code == 200 and fetched.mimetype == media_type, label
    # the addresses to copy are the absolute ones the feeds call themselves
    assert [c.text for c in find(html, "code") if "p" in c.parents and "://" in c.text] == [
        BASE + "atom.xml", BASE + "rss.xml", BASE + "feed.json"
    ]
    assert items


@pytest.mark.parametrize("path", PAGES)
def test_footer_and_header_point_at_the_feeds_page_not_raw_xml(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    for part in ("header", "footer"):
        hrefs = [a.attrs["href"] or "" for a in find(html, "a") if part in a.parents]
        assert any(h.endswith("feeds") for h in hrefs), part
        assert not any(h.endswith((".xml", ".json")) and "sitemap" not in h for h in hrefs), part


def test_site_name_once_at_the_top_of_the_index(client: FlaskClient) -> None:
    body = client.get("/").get_data(as_text=True).split("<body>")[1]
    assert body.count("Test feed") == 1
    (h1,) = find(body, "h1")
    assert h1.parents[-1] == "header" and h1.text.strip() == "Test feed"


def test_root_for() -> None:
    assert [root_for(p) for p in ("/", "/feeds", "/articles/x", "/a/b/c", "//x")] == [
        "./", "./", "../", "../../", "../",
    ]  # fmt: skip


def test_dark_mode_is_in_the_stylesheet(client: FlaskClient) -> None:
    css = client.get("/style.css").get_data(as_text=True)
    light, dark = css.split("@media (prefers-color-scheme:dark)", 1)
    for variable in ("--bg", "--fg", "--link", "--muted"):
        assert variable + ":" in light and variable + ":" in dark.split("}")[0] + dark.split("}")[1]


# ---------------------------------------------------------------------------- themes


def test_a_theme_folder_overrides_templates_and_css(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "style.css").write_text("body{background:papayawhip}\n", "utf-8")
    (theme / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="mine">{{ article.title }}</p>{% endblock %}', "utf-8"
    )
    client = client_for(settings, store, theme_dir=theme)
    assert client.get("/style.css").data == b"body{background:papayawhip}\n"
    html = client.get("/articles/story-005").get_data(as_text=True)
    assert [p.text for p in find(html, "p", class_="mine")] == ["Story 5"]
    assert find(html, "footer")  # base.html still the built-in one
    assert find(client.get("/").get_data(as_text=True), "nav", class_="pages")  # index too


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        ("index.html", "{% for x in %}", "index.html:1"),
        ("base.html", "{{ nothing.at.all() }}", "'nothing' is undefined"),
        ("error.html", '{% extends "missing.html" %}', "missing.html"),
    ],
)
def test_a_broken_theme_stops_the_app_with_one_line(
    settings: Settings, store: SQLiteStore, tmp_path: Path, name: str, source: str, message: str
) -> None:
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / name).write_text(source, "utf-8")
    with pytest.raises(ConfigError) as e:
        create_app(settings.with_overrides(theme_dir=tmp_path / "theme"), store=store)
    assert "[site] theme_dir" in str(e.value) and message in str(e.value) and "\n" not in str(e.value)


def test_theme_templates_cannot_reach_outside_the_theme(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text("SECRET", "utf-8")
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "feeds.html").write_text('{% include "../secret.html" %}', "utf-8")
    with pytest.raises(ConfigError):
        create_app(settings.with_overrides(theme_dir=tmp_path / "theme"), store=store)


def test_live_markup_still_sees_a_refresh_to_javascript() -> None:
    from htmlscan import live_markup

    assert live_markup('<meta property="og:title" content="javascript:alert(1)">') == []
    assert live_markup('<meta http-equiv="refresh" content="javascript:alert(1)">') != []
