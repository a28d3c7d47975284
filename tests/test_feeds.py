"""What the three feeds say: validity, identity, links, dates, order, escaping, and golden bytes.

Feeds are fetched through the app (create_app + test client), so this is what subscribers get.
Atom and RSS are checked with feedparser (bozo must be 0) and with ElementTree for the raw
markup; JSON Feed with jsonschema against tests/data/jsonfeed-1.1.schema.json.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
from conftest import DATA
from conftest import FIXED_NOW
from conftest import SEEDS
from flask.testing import FlaskClient
from htmlscan import find
from htmlscan import live_markup

import feedsvc.web as web
from feedsvc import __version__
from feedsvc.config import Settings
from feedsvc.identity import make_guid
from feedsvc.identity import path_id
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.web import create_app

SCHEMA = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text("utf-8"))
GOLDEN = DATA / "golden"
# Regenerate the golden files after an intended output change, then review the diff:
#   FEEDSVC_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_feeds.py -k golden
# Read at import time: the autouse _reset_env fixture clears FEEDSVC_* before each test.
REGEN_GOLDEN = os.environ.get("FEEDSVC_REGEN_GOLDEN") == "1"

A = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BODY_TAGS = frozenset({"p", "figure", "figcaption"})  # all that body_html may produce

PAYLOAD_TITLE = "<script>alert('t')</script> & <b>bold</b> ]]> news"
PAYLOAD_SEED = f"""Title: {PAYLOAD_TITLE}
Date: 2025-03-01 09:00 UTC

Intro with <script>alert(1)</script> and <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">link</a> and ]]> and AT&T & more.
A caption with <i>markup</i> & stuff (Picture: <b>AP</b>)
Second paragraph: x < y && y > z, "quoted" and 'single'.
"""


@dataclass
class Feeds:
    atom: bytes
    rss: bytes
    json: dict[str, Any]

    @property
    def atom_root(self) -> ET.Element:
        return ET.fromstring(self.atom)

    @property
    def rss_channel(self) -> ET.Element:
        channel = ET.fromstring(self.rss).find("channel")
        assert channel is not None
        return channel

    @property
    def atom_entries(self) -> list[ET.Element]:
        return self.atom_root.findall(A + "entry")

    @property
    def rss_items(self) -> list[ET.Element]:
        return self.rss_channel.findall("item")


def publish(settings: Settings, store: Store, now: datetime = FIXED_NOW) -> FlaskClient:
    run_refresh(settings, store, now=lambda: now)
    return create_app(settings, store=store).test_client()


def fetch(client: FlaskClient) -> Feeds:
    atom, rss, feed = (client.get(p) for p in ("/atom.xml", "/rss.xml", "/feed.json"))
    assert (atom.status_code, rss.status_code, feed.status_code) == (200, 200, 200)
    return Feeds(atom.data, rss.data, json.loads(feed.data))


def parse_feed(body: bytes, content_type: str) -> Any:
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def text(el: ET.Element | None) -> str:
    assert el is not None
    return el.text or ""


def write_dated_seeds(seeds_dir: Path, count: int) -> list[str]:
    """``count`` articles dated a day apart, oldest first; returns their titles."""
    for old in seeds_dir.glob("*.txt"):
        old.unlink()
    titles = []
    for n in range(count):
        title = f"Story number {n} of the week"
        (seeds_dir / f"story-{n}.txt").write_text(
            f"Title: {title}\nDate: 2025-01-{n + 1:02d} 08:00 UTC\n\nBody of story {n}, with facts.\n",
            "utf-8",
        )
        titles.append(title)
    return titles


@pytest.fixture
def feeds(settings: Settings, store: Store) -> Feeds:
    return fetch(publish(settings, store))


# ---------------------------------------------------------------------------- validity


def test_atom_and_rss_parse_cleanly(feeds: Feeds) -> None:
    atom = parse_feed(feeds.atom, "application/atom+xml; charset=utf-8")
    rss = parse_feed(feeds.rss, "application/rss+xml; charset=utf-8")
    assert atom.version == "atom10"
    assert rss.version == "rss20"
    assert atom.encoding == rss.encoding == "utf-8"
    assert len(atom.entries) == len(rss.entries) == 2


def test_json_feed_matches_the_schema(feeds: Feeds) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(feeds.json)
    assert feeds.json["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feeds.json["items"]) == 2


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("version",), "https://jsonfeed.org/version/1"),
        (("home_page_url",), "/relative"),
        (("language",), "english please"),
        (("authors",), []),
        (("items", 0, "date_published"), "3 March 2025"),
        (("items", 0, "date_modified"), "2025-03-03 14:05:00"),
        (("items", 0, "id"), 7),
        (("items", 0, "url"), "articles/x"),
        (("items", 0, "unknown_field"), 1),
    ],
)
def test_the_schema_has_teeth(feeds: Feeds, path: tuple[str | int, ...], value: object) -> None:
    """Each of these breaks JSON Feed 1.1, and the schema must say so."""
    doc = json.loads(json.dumps(feeds.json))
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize("drop", [("id",), ("content_html", "content_text")])
def test_the_schema_requires_id_and_content(feeds: Feeds, drop: tuple[str, ...]) -> None:
    doc = json.loads(json.dumps(feeds.json))
    for key in drop:
        del doc["items"][0][key]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


# ---------------------------------------------------------------------------- identity and links


def test_one_identity_across_the_three_formats(feeds: Feeds) -> None:
    atom_ids = [text(e.find(A + "id")) for e in feeds.atom_entries]
    guids = [e.find("guid") for e in feeds.rss_items]
    json_ids = [item["id"] for item in feeds.json["items"]]
    assert atom_ids == [text(g) for g in guids] == json_ids
    assert all(g is not None and g.get("isPermaLink") == "false" for g in guids)
    assert len(set(json_ids)) == len(json_ids)
    for guid in json_ids:
        assert guid.startswith("urn:uuid:")
        assert uuid.UUID(guid.removeprefix("urn:uuid:")).version == 5
    # derived from the article id, so it is the same on any machine, forever
    # (both have the same date: the newer id first, and "path:0..." sorts after "council...")
    assert json_ids == [make_guid(path_id("000_b13d5d3931fdf2cc.txt")), make_guid("council-bike-lanes")]
    # feedparser agrees
    assert [e.id for e in parse_feed(feeds.rss, "application/rss+xml").entries] == json_ids
    assert all(not e.guidislink for e in parse_feed(feeds.rss, "application/rss+xml").entries)
    assert [e.id for e in parse_feed(feeds.atom, "application/atom+xml").entries] == json_ids


def test_items_link_to_their_article_page(feeds: Feeds, settings: Settings, store: Store) -> None:
    client = create_app(settings, store=store).test_client()
    atom_links = []
    for entry in feeds.atom_entries:
        (link,) = entry.findall(A + "link")
        assert link.get("rel", "alternate") == "alternate"
        atom_links.append(link.get("href"))
    rss_links = [text(item.find("link")) for item in feeds.rss_items]
    json_links = [item["url"] for item in feeds.json["items"]]
    assert atom_links == rss_links == json_links
    base = settings.public_url
    for url in json_links:
        assert url.startswith(base + "articles/")
        page = client.get(urlsplit(url).path)
        assert page.status_code == 200
        (canonical,) = find(page.get_data(as_text=True), "link", rel="canonical")
        assert canonical.attrs["href"] == url


def test_feed_level_links(feeds: Feeds, settings: Settings) -> None:
    base = settings.public_url
    atom_links = {link.get("rel"): link.get("href") for link in feeds.atom_root.findall(A + "link")}
    assert atom_links == {"self": base + "atom.xml", "alternate": base}
    channel = feeds.rss_channel
    (rss_self,) = channel.findall(A + "link")
    assert (rss_self.get("rel"), rss_self.get("href")) == ("self", base + "rss.xml")
    assert text(channel.find("link")) == base
    assert feeds.json["feed_url"] == base + "feed.json"
    assert feeds.json["home_page_url"] == base
    parsed = parse_feed(feeds.atom, "application/atom+xml")
    assert parsed.feed.link == base


def test_language_author_generator(settings: Settings, store: Store) -> None:
    settings = settings.with_overrides(language="en-GB", author="The Newsroom", subtitle="All the news")
    feeds = fetch(publish(settings, store))
    root = feeds.atom_root
    assert root.get(XML_LANG) == "en-GB"
    assert text(root.find(f"{A}author/{A}name")) == "The Newsroom"
    generator = root.find(A + "generator")
    assert text(generator) == "feedsvc"
    assert generator is not None and generator.get("version") == __version__
    assert text(root.find(A + "subtitle")) == "All the news"
    # An item's author is the article's own; the site's is the feed's, never an item's.
    assert [e.find(A + "author") is None for e in feeds.atom_entries] == [True, False]
    assert text(feeds.atom_entries[1].find(f"{A}author/{A}name")) == "Jane Doe"
    assert len(root.findall(A + "author")) == 1

    channel = feeds.rss_channel
    assert text(channel.find("language")) == "en-GB"
    assert text(channel.find("generator")) == "feedsvc"
    assert text(channel.find("description")) == "All the news"
    assert [i.find(DC_CREATOR) is None for i in feeds.rss_items] == [True, False]
    assert text(feeds.rss_items[1].find(DC_CREATOR)) == "Jane Doe"
    assert [i.find("author") for i in feeds.rss_items] == [None, None]  # RSS <author> is an e-mail
    assert channel.find("managingEditor") is None and channel.find(DC_CREATOR) is None

    assert feeds.json["language"] == "en-GB"
    assert feeds.json["authors"] == [{"name": "The Newsroom"}]
    assert feeds.json["description"] == "All the news"
    assert [i.get("authors") for i in feeds.json["items"]] == [None, [{"name": "Jane Doe"}]]

    atom = parse_feed(feeds.atom, "application/atom+xml").feed
    assert (atom.language, atom.author, atom.generator) == ("en-GB", "The Newsroom", "feedsvc")
    for kind, body in (("application/atom+xml", feeds.atom), ("application/rss+xml", feeds.rss)):
        entries = parse_feed(body, kind).entries
        assert ["author" in e for e in entries] == [False, True], kind
        assert entries[1].author == "Jane Doe"
    assert parse_feed(feeds.rss, "application/rss+xml").feed.language == "en-GB"


def test_tags(feeds: Feeds) -> None:
    header_entry = feeds.atom_entries[1]  # the header's article (see the order above)
    assert [c.get("term") for c in header_entry.findall(A + "category")] == ["transport", "city"]
    assert [text(c) for c in feeds.rss_items[1].findall("category")] == ["transport", "city"]
    assert feeds.json["items"][1]["tags"] == ["transport", "city"]
    assert "tags" not in feeds.json["items"][0]


# ---------------------------------------------------------------------------- dates and order


def test_feed_updated_is_the_newest_item_not_now(settings: Settings, store: Store) -> None:
    client = publish(settings, store)  # both fixture articles: published == updated == FIXED_NOW

    def feed_dates(feeds: Feeds) -> tuple[datetime, datetime, datetime]:
        atom_updated = datetime.fromisoformat(text(feeds.atom_root.find(A + "updated")))
        rss_built = parsedate_to_datetime(text(feeds.rss_channel.find("lastBuildDate")))
        json_newest = max(datetime.fromisoformat(i["date_modified"]) for i in feeds.json["items"])
        return atom_updated, rss_built, json_newest

    assert feed_dates(fetch(client)) == (FIXED_NOW,) * 3

    # an edit a day later moves that item's `updated`, and with it the feed's
    edited = FIXED_NOW + timedelta(days=1)
    seed = settings.seeds_dir / "header-example.txt"
    seed.write_text(seed.read_text("utf-8").replace("Work starts in May.", "Work starts in June."), "utf-8")
    assert run_refresh(settings, store, now=lambda: edited).updated == 1
    with open_store(settings) as reader_store:  # a fresh connection, as another process would
        feeds = fetch(create_app(settings, store=reader_store).test_client())
    assert feed_dates(feeds) == (edited,) * 3
    entry = feeds.atom_entries[1]  # the edited one: same published date as the other, older id
    assert text(entry.find(A + "id")) == make_guid("council-bike-lanes")
    assert datetime.fromisoformat(text(entry.find(A + "updated"))) == edited
    assert datetime.fromisoformat(text(entry.find(A + "published"))) == FIXED_NOW  # did not move
    item = feeds.json["items"][1]
    assert (item["date_published"], item["date_modified"]) == ("2025-03-03T14:05:00Z", "2025-03-04T14:05:00Z")
    assert parsedate_to_datetime(text(feeds.rss_items[1].find("pubDate"))) == FIXED_NOW

    # a refresh that changes nothing, a day later still: the feed's date stays put
    assert not run_refresh(settings, store, now=lambda: edited + timedelta(days=1)).changed
    with open_store(settings) as reader_store:
        assert feed_dates(fetch(create_app(settings, store=reader_store).test_client())) == (edited,) * 3


def test_newest_first_and_at_most_max_items(settings: Settings, store: Store) -> None:
    titles = write_dated_seeds(settings.seeds_dir, 5)
    settings = settings.with_overrides(max_items=3)
    client = publish(settings, store)
    feeds = fetch(client)
    expected = titles[::-1][:3]  # newest first, three of them
    assert [text(e.find(A + "title")) for e in feeds.atom_entries] == expected
    assert [text(i.find("title")) for i in feeds.rss_items] == expected
    assert [i["title"] for i in feeds.json["items"]] == expected
    published = [i["date_published"] for i in feeds.json["items"]]
    assert published == sorted(published, reverse=True)
    assert published[0] == "2025-01-05T08:00:00Z"
    # the HTML listing has its own size ([site] page_size, 20): all five, newest first
    index = client.get("/").get_data(as_text=True)
    assert [h.text for h in find(index, "h2")] == titles[::-1]


# ---------------------------------------------------------------------------- text and escaping


@pytest.fixture
def payload(settings: Settings, store: Store) -> tuple[Feeds, FlaskClient]:
    for old in settings.seeds_dir.glob("*.txt"):
        old.unlink()
    (settings.seeds_dir / "payload.txt").write_text(PAYLOAD_SEED, "utf-8")
    client = publish(settings, store)
    return fetch(client), client


def test_titles_are_plain_text(payload: tuple[Feeds, FlaskClient]) -> None:
    feeds, client = payload
    (item,) = feeds.json["items"]
    assert item["title"] == PAYLOAD_TITLE  # JSON Feed titles are plain text: no entities
    (entry,) = feeds.atom_entries
    title = entry.find(A + "title")
    assert title is not None and title.get("type", "text") == "text"
    assert text(title) == PAYLOAD_TITLE
    assert parse_feed(feeds.atom, "application/atom+xml").entries[0].title == PAYLOAD_TITLE
    (rss_item,) = feeds.rss_items
    assert text(rss_item.find("title")) == PAYLOAD_TITLE
    page = client.get("/articles/payload").get_data(as_text=True)
    (h1,) = find(page, "h1")
    assert h1.text == PAYLOAD_TITLE
    assert (
        "<h1>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; ]]&gt; news</h1>"
        in page
    )


def check_body_html(body: str) -> None:
    """The article body as HTML: only our own tags, every payload escaped."""
    assert live_markup(body, BODY_TAGS) == []
    for escaped in (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(2)&gt;",
        "&lt;a href=&quot;javascript:alert(3)&quot;&gt;link&lt;/a&gt;",
        "and ]]&gt; and AT&amp;T &amp; more.",
        "<figcaption>A caption with &lt;i&gt;markup&lt;/i&gt; &amp; stuff (Picture: &lt;b&gt;AP&lt;/b&gt;)</figcaption>",
        "x &lt; y &amp;&amp; y &gt; z, &quot;quoted&quot; and &#x27;single&#x27;.",
    ):
        assert escaped in body
    assert [el.tag for el in find(body, "p")] == ["p", "p"]


def test_html_payloads_are_escaped_in_json_feed(payload: tuple[Feeds, FlaskClient]) -> None:
    feeds, _ = payload
    (item,) = feeds.json["items"]
    check_body_html(item["content_html"])
    # the plain-text fields are the text itself
    assert item["content_text"].startswith("Intro with <script>alert(1)</script> and <img src=x")
    assert "AT&T & more." in item["content_text"]
    assert item["summary"].startswith("Intro with <script>alert(1)</script>")


def test_html_payloads_are_escaped_in_atom(payload: tuple[Feeds, FlaskClient]) -> None:
    feeds, _ = payload
    assert b"<script" not in feeds.atom and b"]]>" not in feeds.atom  # all of it is character data
    (entry,) = feeds.atom_entries
    content = entry.find(A + "content")
    assert content is not None and content.get("type") == "html"
    assert text(content) == feeds.json["items"][0]["content_html"]
    check_body_html(text(content))
    summary = entry.find(A + "summary")
    assert summary is not None and summary.get("type", "text") == "text"
    assert text(summary) == feeds.json["items"][0]["summary"]
    parsed = parse_feed(feeds.atom, "application/atom+xml").entries[0]
    assert "<script" not in parsed.content[0].value


def test_html_payloads_are_escaped_in_rss(payload: tuple[Feeds, FlaskClient]) -> None:
    feeds, _ = payload
    assert b"<script" not in feeds.rss and b"]]>" not in feeds.rss
    (item,) = feeds.rss_items
    check_body_html(text(item.find(CONTENT)))
    # <description> is read as HTML by RSS readers: the plain summary must arrive escaped
    # (regression: it was the raw summary, so "<script>" in an article became markup).
    description = text(item.find("description"))
    assert live_markup(description, frozenset()) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert html.unescape(description) == feeds.json["items"][0]["summary"]
    parsed = parse_feed(feeds.rss, "application/rss+xml").entries[0]
    assert parsed.summary.startswith("Intro with &lt;script&gt;alert(1)&lt;/script&gt;")


def test_html_payloads_are_escaped_in_pages(payload: tuple[Feeds, FlaskClient]) -> None:
    _, client = payload
    page = client.get("/articles/payload").get_data(as_text=True)
    assert live_markup(page) == []
    assert "<script" not in page
    body = page[page.index('<div class="body">') : page.index("</div>")]
    assert live_markup(body, BODY_TAGS | {"div"}) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "href=&#34;javascript:alert(3)&#34;" in body or "href=&quot;javascript:alert(3)&quot;" in body
    assert "<figcaption>A caption with &lt;i&gt;markup&lt;/i&gt; &amp; stuff" in body
    index = client.get("/").get_data(as_text=True)
    assert live_markup(index) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


# ---------------------------------------------------------------------------- golden files


def test_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte-for-byte output for tests/data/seeds, as served.

    Pinned: the clock (now=), the base URL, and the generator version (so a release does
    not churn these files). To regenerate, see REGEN_GOLDEN at the top of this file.
    """
    monkeypatch.setattr(web, "__version__", "0.0.0-golden")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = Settings(
        seeds_dir=seeds,
        db_path=tmp_path / "index.sqlite",
        base_url="https://news.example.com/feeds/",
        title="Golden feed",
        subtitle="Fixture articles, rendered with a pinned clock",
        author="The Desk",
    )
    with open_store(settings) as store:
        client = publish(settings, store)
        served = {name: client.get("/" + name).data for name in ("atom.xml", "rss.xml", "feed.json")}
    if REGEN_GOLDEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, body in served.items():
            (GOLDEN / name).write_bytes(body)
    for name, body in served.items():
        expected = (GOLDEN / name).read_bytes()
        assert body.decode("utf-8") == expected.decode("utf-8"), f"{name} differs; see REGEN_GOLDEN"
        assert body == expected
