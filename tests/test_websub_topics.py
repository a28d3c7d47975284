"""WebSub for the topic feeds (tag, section, author): after a refresh, every subscription feed
whose document changed is told to the hubs exactly once, and no other, whatever the refresh did:
edits inside and far outside the newest, new tags and dropped ones, deletions, renames to
another section, new dates, respelt tags, several refreshes before the server looks. Checked
against the documents' own bytes before and after, on every backend."""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path

import feedparser
import jsonschema
import pytest
import requests
from server_utils import running_server
from server_utils import write_config
from test_websub import RecordingHub
from test_websub import Subscriber
from test_websub import signature_ok
from test_websub import wait_for
from test_websub import websub_hub  # noqa: F401 (the fixture)

from feedsvc.config import Settings
from feedsvc.model import TOPIC_KINDS
from feedsvc.publish import SITE_FEEDS
from feedsvc.publish import subscriptions
from feedsvc.refresh import run_refresh
from feedsvc.serve import Service
from feedsvc.serve.websub import HubPublisher
from feedsvc.store import KEEP_CHANGES
from feedsvc.store import Store
from feedsvc.web import CACHE
from feedsvc.web import create_app
from feedsvc.web.cache import FeedCache

BASE = "http://127.0.0.1:8000/"
HUB = "http://127.0.0.1:9/hub"  # never contacted: the tests listen at the feed-changed point
TAGS = ("Harbour", "harbour", "HARBOUR", "Weather", "Politics", "Boats", "Climate change", "U.S.")
SECTIONS = ("", "world", "sport", "local")
AUTHORS = ("", "Jane Doe", "Sam Roe", "jane doe")


@dataclass
class Seed:
    """One article file the test writes: everything its text is made of."""

    section: str
    name: str
    day: int  #: its Date: header, 2025-01-01 + day
    tags: tuple[str, ...] = ()
    author: str = ""
    body: int = 0  #: bumped by an edit of the text alone
    path: Path = field(init=False, repr=False)

    def relpath(self) -> str:
        return f"{self.section}/{self.name}.txt" if self.section else f"{self.name}.txt"

    def text(self) -> str:
        head = f"Title: Story {self.name}\nDate: 2025-{1 + self.day // 28:02d}-{1 + self.day % 28:02d} 08:00 UTC\n"
        head += f"Tags: {', '.join(self.tags)}\n" if self.tags else ""
        head += f"Author: {self.author}\n" if self.author else ""
        return f"{head}\nVersion {self.body} of story {self.name}, told in one full sentence.\n"


class Site:
    """The seeds folder, the index, and the app's feed cache with a listener at its feed-changed
    point, as the server's WebSub publisher listens."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings, self.store = settings, store
        self.seeds: dict[str, Seed] = {}
        self.app = create_app(settings, store=store)
        self.client = self.app.test_client()
        self.cache: FeedCache = self.app.extensions[CACHE]
        self.told: list[tuple[str, ...]] = []
        self.cache.on_change.append(self.told.append)
        self._mtime = 1_700_000_000 * 10**9  # settled, and distinct for every write

    def write(self, seed: Seed) -> None:
        old = self.seeds.get(seed.name)
        path = self.settings.seeds_dir / seed.relpath()
        path.parent.mkdir(parents=True, exist_ok=True)
        if old is not None and old.relpath() != seed.relpath():
            os.rename(self.settings.seeds_dir / old.relpath(), path)
        path.write_text(seed.text(), "utf-8")
        self._mtime += 10**6
        os.utime(path, ns=(self._mtime, self._mtime))
        self.seeds[seed.name] = seed

    def delete(self, name: str) -> None:
        (self.settings.seeds_dir / self.seeds.pop(name).relpath()).unlink()

    def refresh(self) -> None:
        stats = run_refresh(self.settings, self.store)
        assert not stats.deferred, stats

    def documents(self) -> dict[str, bytes]:
        """Every subscription feed of the site and of each topic that exists: URL -> bytes."""
        feeds = list(SITE_FEEDS)
        for kind in TOPIC_KINDS:
            for topic in self.store.topics(kind):
                feeds.extend(subscriptions(kind, topic.slug))
        out = {}
        for feed in feeds:
            response = self.client.get("/" + feed.path, headers={"Accept-Encoding": "identity"})
            assert response.status_code == 200, feed.path
            out[feed.url(BASE)] = response.data
        return out

    def look(self) -> tuple[str, ...]:
        """What the next look at the index tells the listener (nothing: ())."""
        self.told.clear()
        self.cache.current()
        assert len(self.told) <= 1
        return self.told[0] if self.told else ()


@pytest.fixture
def site(settings: Settings, store: Store) -> Iterator[Site]:
    for child in settings.seeds_dir.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    # Three items a feed and archive pages of two: "outside the newest" is a few articles away.
    yield Site(settings.with_overrides(max_items=3, archive_size=2, hubs=(HUB,)), store)


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The feeds that exist after and did not exist before, or whose bytes differ."""
    return {url for url, body in after.items() if before.get(url) != body}


def _mutate(rng: random.Random, site: Site, serial: list[int]) -> str:
    """One random change to the seeds; says which (for the failure message)."""
    names = sorted(site.seeds)
    choice = rng.choice(
        ["add", "add", "edit", "edit", "retag", "redate", "respell", "delete", "move", "author"]
    )
    if choice == "add" or not names:
        serial[0] += 1
        tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
        seed = Seed(rng.choice(SECTIONS), f"s{serial[0]:03d}", rng.randint(0, 300), tags, rng.choice(AUTHORS))
        site.write(seed)
        return f"add {seed}"
    seed = site.seeds[rng.choice(names)]
    if choice == "delete":
        site.delete(seed.name)
        return f"delete {seed}"
    new = {
        "edit": lambda: replace(seed, body=seed.body + 1),
        "retag": lambda: replace(seed, tags=tuple(rng.sample(TAGS, rng.randint(0, 3)))),
        "redate": lambda: replace(seed, day=rng.randint(0, 300)),
        "respell": lambda: replace(seed, tags=tuple(t.swapcase() for t in seed.tags)),
        "move": lambda: replace(seed, section=rng.choice([s for s in SECTIONS if s != seed.section])),
        "author": lambda: replace(seed, author=rng.choice(AUTHORS)),
    }[choice]()
    site.write(new)
    return f"{choice} {seed} -> {new}"


def test_exactly_the_changed_feeds_are_told_each_once(site: Site) -> None:
    rng = random.Random(12)
    serial = [0]
    for _ in range(14):
        _mutate(rng, site, serial)
    site.refresh()
    site.look()  # the first render: nothing to compare with
    documents = site.documents()
    told_topics = 0
    for step in range(80):
        done = [_mutate(rng, site, serial) for _ in range(rng.choice([0, 1, 1, 1, 2, 3]))]
        site.refresh()
        if step % 5 == 4:  # two refreshes before the server looks: told once, for both
            done += [_mutate(rng, site, serial)]
            site.refresh()
        told = site.look()
        now = site.documents()
        assert len(told) == len(set(told)), (step, done, told)
        assert set(told) == changed(documents, now), (step, done)
        told_topics += sum("/tags/" in url or "/sections/" in url or "/authors/" in url for url in told)
        documents = now
    assert told_topics > 100  # the walk really changed topic feeds, many times over


def seed(name: str, day: int, tags: tuple[str, ...], section: str = "") -> Seed:
    return Seed(section, name, day, tags)


def topic_urls(kind: str, slug: str) -> set[str]:
    return {BASE + f"{kind}/{slug}/{file}" for file in ("atom.xml", "rss.xml", "feed.json")}


def test_an_edit_far_outside_the_newest_pings_its_topic_feeds_only(site: Site) -> None:
    site.write(seed("old", 0, ("Harbour",), "world"))
    for n in range(8):  # newer articles: "old" is out of the site's feeds and of "world"'s
        site.write(seed(f"new{n}", 10 + n, ("Weather",), "world"))
    site.write(seed("other", 1, ("Politics",)))
    site.refresh()
    site.look()
    assert b"Story old" not in site.client.get("/atom.xml").data
    site.write(replace(site.seeds["old"], body=1))
    site.refresh()
    # The site's feeds and the section's do not show it; its tag's feed does, and nothing else.
    assert set(site.look()) == topic_urls("tags", "harbour")
    assert b"Version 1 of story old" in site.client.get("/tags/harbour/atom.xml").data
    # A respelling that outvotes the old name retitles the tag feed, even far from its newest.
    for n in range(5):  # the five oldest: 5 to 3 for "weather"
        site.write(replace(site.seeds[f"new{n}"], tags=("weather",)))
    site.refresh()
    assert set(site.look()) == topic_urls("tags", "weather")
    assert b"Tag weather" in site.client.get("/tags/weather/atom.xml").data
    # ... and an article that leaves a tag (retagged) and is deleted: both feeds move.
    site.write(replace(site.seeds["old"], tags=("Boats",)))
    site.delete("other")
    site.refresh()
    site_feeds = {feed.url(BASE) for feed in SITE_FEEDS}  # one fewer article: another archive link
    assert set(site.look()) == site_feeds | topic_urls("tags", "boats")  # harbour, politics: 404s
    assert site.client.get("/tags/harbour/atom.xml").status_code == 404


def test_a_refresh_that_changes_nothing_tells_nothing(site: Site) -> None:
    for n in range(5):
        site.write(seed(f"a{n}", n, ("Harbour",), "world"))
    site.refresh()
    site.look()
    site.refresh()  # nothing changed
    assert site.look() == ()
    site.write(site.seeds["a0"])  # the same bytes again, a new mtime: touched, not changed
    site.refresh()
    assert site.look() == ()


def test_a_look_older_than_the_kept_changes_pings_no_topic_feed(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    site.write(seed("a", 0, ("Harbour",)))
    site.refresh()
    site.look()
    gap = site.cache._topics_seen
    assert gap is not None
    site.cache._topics_seen = gap - KEEP_CHANGES - 5  # as if the server had not looked for ages
    with site.store.transaction():
        site.store.prune_changes(gap)  # type: ignore[attr-defined]
    site.write(replace(site.seeds["a"], body=1))
    site.refresh()
    told = site.look()
    assert told == tuple(feed.url(BASE) for feed in SITE_FEEDS)  # its bytes tell the site's change
    assert "no longer holds what changed since generation" in caplog.text
    site.write(replace(site.seeds["a"], body=2))
    site.refresh()
    assert set(site.look()) == {feed.url(BASE) for feed in SITE_FEEDS} | topic_urls("tags", "harbour")


def _story(title: str, day: int, tags: str, body: str) -> str:
    return f"Title: {title}\nDate: 2025-01-{day:02d} 08:00 UTC\nTags: {tags}\n\n{body}\n"


@pytest.mark.slow
def test_an_old_article_edited_reaches_its_tag_feeds_subscriber_through_a_real_hub(
    tmp_path: Path,
    websub_hub: str,  # noqa: F811 (the fixture)
) -> None:
    """End to end, on loopback: feedsvc serve, Flask-WebSub's hub and a subscriber of a tag
    feed that verifies the signed delivery; a second (recording) hub counts every ping."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "old.txt").write_text(
        _story("The harbour wall", 1, "Harbour", "The old harbour wall stood."), "utf-8"
    )
    for n in range(4):  # newer: the site's feed (two items) never shows the old article
        text = _story(f"Rain {n}", 10 + n, "Weather", f"It rained on day {n}, all day long.")
        (seeds / f"rain{n}.txt").write_text(text, "utf-8")
    token = "websub-topics-token-0123456789"
    with RecordingHub() as counting:
        config = write_config(tmp_path, extra=(
            f'[feed]\nmax_items = 2\n[refresh]\ninterval_seconds = 3600\ntoken = "{token}"\n'
            f'[websub]\nhubs = ["{websub_hub}", "{counting.url}"]\n'
        ))  # fmt: skip
        auth = {"Authorization": f"Bearer {token}"}
        with running_server(config) as server, Subscriber("a-tag-subscriber-secret-7") as subscriber:
            tag_feed = requests.get(server.url("/tags/harbour/atom.xml"), timeout=5)
            assert b"Rain" not in tag_feed.content and b"The harbour wall" in tag_feed.content
            assert b"harbour wall" not in requests.get(server.url("/atom.xml"), timeout=5).content
            links = requests.utils.parse_header_links(tag_feed.headers["Link"])
            hubs = [link["url"] for link in links if link["rel"] == "hub"]
            (topic,) = [link["url"] for link in links if link["rel"] == "self"]
            assert (hubs, topic) == ([websub_hub, counting.url], server.url("/tags/harbour/atom.xml"))
            assert subscriber.subscribe(websub_hub, topic).status_code == 202
            wait_for(lambda: subscriber.verified, "the hub to verify our intent")
            # The start-up refresh published everything: its pings (site and topic feeds, at
            # both hubs) are sent; then the counting starts.
            wait_for(lambda: len(counting.forms) >= 9, "the start-up pings")
            time.sleep(1.0)
            first = len(counting.forms)

            (seeds / "old.txt").write_text(
                _story("The harbour wall", 1, "Harbour", "The old harbour wall was rebuilt in stone."),
                "utf-8",
            )
            assert requests.post(server.url("/refresh"), headers=auth, timeout=10).json()["updated"] == 1

            def rebuilt() -> list[tuple[bytes, dict[str, str], bool]]:
                return [d for d in subscriber.deliveries if b"rebuilt in stone" in d[0]]

            (delivery,) = wait_for(rebuilt, "the signed delivery of the edited article")
            body, headers, signed = delivery
            assert signed and all(ok for _, _, ok in subscriber.deliveries)
            assert not signature_ok("another-secret", body, headers["X-Hub-Signature"])
            delivered = feedparser.parse(body)
            assert not delivered.bozo and [e.title for e in delivered.entries] == ["The harbour wall"]
            current = requests.get(
                server.url("/tags/harbour/atom.xml"), headers={"Accept-Encoding": "identity"}, timeout=5
            )
            assert body == current.content

            # Exactly the tag's three feeds were pinged, at each hub, once: not the site's (the
            # edit is outside its newest), not the "weather" tag's.
            wait_for(lambda: len(counting.forms) >= first + 3, "the pings of the edit")
            time.sleep(1.0)
            pinged = sorted(form["hub.url"][0] for form in counting.forms[first:])
            assert pinged == sorted(
                server.url(f"/tags/harbour/{f}") for f in ("atom.xml", "feed.json", "rss.xml")
            )

            # A refresh that changes nothing pings nothing.
            assert requests.post(server.url("/refresh"), headers=auth, timeout=10).json()["updated"] == 0
            time.sleep(1.0)
            assert len(counting.forms) == first + 3
            assert "websub" not in server.log().replace("[websub]", "")  # no failure was logged


@pytest.mark.slow
@pytest.mark.backends("sqlite")  # the documents, not the store, are under test
def test_topic_and_archive_feeds_with_hubs_pass_the_w3c_validator(site: Site, tmp_path: Path) -> None:
    """Every topic's Atom and RSS subscription feeds with the hubs in them, and archive pages
    (which name no hub: they are not pinged), pass the W3C validator with nothing to say; their
    JSON Feeds, the JSON Feed 1.1 schema."""
    from test_site_assets import validate  # the validator runner of the site tests
    from test_topics_http import SCHEMA

    for n in range(5):
        site.write(Seed("world", f"w{n}", n, ("Harbour", "Zürich") if n % 2 else ("Weather",), "Jane Doe"))
    site.refresh()
    (zurich,) = [t.slug for t in site.store.topics("tag") if t.name == "Zürich"]  # a hashed slug
    topics = [
        ("tags", "harbour"),
        ("tags", "weather"),
        ("tags", zurich),
        ("sections", "world"),
        ("authors", "jane-doe"),
    ]
    documents = [f"{kind}/{slug}/" for kind, slug in topics]
    checked = 0
    for prefix in documents:
        for page in ("", "archive/1/"):
            for file, media_type in (
                ("atom.xml", "application/atom+xml"),
                ("rss.xml", "application/rss+xml"),
            ):
                path = prefix + page + file
                response = site.client.get("/" + path)
                assert response.status_code == 200, path
                assert (b'rel="hub"' in response.data) == (page == ""), path
                assert ("Link" in response.headers) == (page == ""), path
                result = validate(response.data, media_type, BASE + path, tmp_path)
                assert (result["errors"], result["warnings"]) == ([], []), (path, result)
                checked += 1
            doc = json.loads(site.client.get("/" + prefix + page + "feed.json").data)
            jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
            assert ("hubs" in doc) == (page == ""), prefix + page
    assert checked == 20


# ---------------------------------------------------------------------------- off the refresh's way


def test_jobs_run_in_the_publishers_thread_before_its_pings_and_a_waiting_one_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done: list[tuple[str, str]] = []
    publisher = HubPublisher([HUB], send=lambda hub, topic: done.append(("ping", topic)))
    publisher.publish(["http://127.0.0.1:8000/atom.xml"])
    publisher.run_soon(lambda: done.append(("job", "replaced before it ran")))
    publisher.run_soon(lambda: done.append(("job", threading.current_thread().name)))
    assert not publisher.idle()
    publisher.start()
    try:
        wait_for(publisher.idle, "the job and the ping")
        assert done == [("job", "feedsvc-websub"), ("ping", "http://127.0.0.1:8000/atom.xml")]
        publisher.run_soon(lambda: 1 / 0)  # a bug in a job: logged, and the thread goes on
        publisher.publish(["http://127.0.0.1:8000/rss.xml"])
        wait_for(publisher.idle, "the ping after the failed job")
        assert done[-1] == ("ping", "http://127.0.0.1:8000/rss.xml")
        assert "working out which feeds changed failed unexpectedly" in caplog.text
    finally:
        publisher.stop()


@pytest.mark.backends("sqlite")
def test_the_server_works_out_topic_feeds_in_the_publishers_thread(site: Site) -> None:
    """A refresh (or a request) that renders only queues the look at the change log: a bulk
    refresh touches thousands of topics, and that is the WebSub thread's time, not theirs."""
    service = Service(site.settings, run_refresh, watch=False)
    assert service.publisher is not None
    pinged: list[str] = []
    service.publisher._send = lambda hub, topic: pinged.append(topic)
    looked: list[str] = []
    analyse = service.cache._changed_topic_feeds

    def spy() -> tuple[str, ...]:
        looked.append(threading.current_thread().name)
        return analyse()

    service.cache._changed_topic_feeds = spy  # type: ignore[method-assign]
    try:
        service.cache.warm()  # as start() does
        site.write(seed("new", 5, ("Harbour",)))
        stats = service.runner.run()
        assert stats is not None and stats.added == 1
        assert looked == []  # the refresh is over; the look waits for the WebSub thread
        service.publisher.start()
        wait_for(lambda: service.publisher is not None and service.publisher.idle(), "the look and its pings")
        assert looked == ["feedsvc-websub"]
        assert set(pinged) == {feed.url(BASE) for feed in SITE_FEEDS} | topic_urls("tags", "harbour")
    finally:
        service.stop()
