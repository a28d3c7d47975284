"""WebSub (issue 12 item 3): hub and self links in every feed and in Link headers, publish
pings after a refresh that changed feeds, in the background, retried, bounded; and end to end
against a real hub from PyPI (Flask-WebSub's) with a subscriber that verifies its intent and
the signed content delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import feedparser
import pytest
import requests
from conftest import SEEDS
from server_utils import HOST
from server_utils import free_port
from server_utils import running_server
from server_utils import write_config
from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.publish import SITE_FEEDS
from feedsvc.refresh import run_refresh
from feedsvc.serve import Service
from feedsvc.serve.websub import Backoff
from feedsvc.serve.websub import HubPublisher
from feedsvc.serve.websub import PingFailed
from feedsvc.serve.websub import http_ping
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import CACHE
from feedsvc.web import create_app

HUB = "http://127.0.0.1:9/hub"  # never contacted by the tests that use it
OTHER_HUB = "https://hub.example.org/"
BASE = "http://127.0.0.1:8000/"
WAIT = 30.0  # seconds: only reached when something is broken
NEW = "Title: The harbour reopened\n\nThe harbour reopened this morning after the storm. Boats left.\n"


def wait_for(check: Callable[[], Any], what: str, deadline: float = WAIT) -> Any:
    end = time.monotonic() + deadline
    while not (result := check()):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return result


# ---------------------------------------------------------------------------- the documents


def test_every_feed_names_the_hubs_and_itself(settings: Settings, store: SQLiteStore) -> None:
    run_refresh(settings, store)
    app = create_app(settings.with_overrides(hubs=(HUB, OTHER_HUB)), store=store)
    client = app.test_client()
    for feed in SITE_FEEDS:
        spec, self_url = feed.spec, feed.url(BASE)
        for headers in ({}, {"Accept-Encoding": "gzip"}):  # the fast path's two answers
            response = client.get(spec.route, headers=headers)
            assert response.status_code == 200
            assert response.headers["Link"] == f'<{HUB}>; rel="hub", <{OTHER_HUB}>; rel="hub", <{self_url}>; rel="self"'
        # ... and a 304 and a HEAD (Flask) carry it too
        etag = response.headers["ETag"]
        assert client.get(spec.route, headers={"If-None-Match": etag}).headers["Link"] == response.headers["Link"]
        assert client.head(spec.route).headers["Link"] == response.headers["Link"]
        parsed = feedparser.parse(client.get(spec.route).data)
        if spec.format == "json":
            doc = json.loads(client.get(spec.route).data)
            assert doc["hubs"] == [{"type": "WebSub", "url": HUB}, {"type": "WebSub", "url": OTHER_HUB}]
            assert doc["feed_url"] == self_url
            continue
        links = {(link["rel"], link["href"]) for link in parsed.feed.links}
        assert {("hub", HUB), ("hub", OTHER_HUB), ("self", self_url)} <= links, (spec.format, links)
        assert len(parsed.entries) == 2  # the items are all still there


def test_no_hubs_no_hub_links(settings: Settings, store: SQLiteStore) -> None:
    run_refresh(settings, store)
    client = create_app(settings, store=store).test_client()
    for feed in SITE_FEEDS:
        response = client.get(feed.spec.route)
        assert "Link" not in response.headers
        assert b"hub" not in response.data.replace(b"github", b"")


@pytest.mark.slow
def test_feeds_with_hub_links_pass_the_w3c_validator(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    from test_site_assets import validate  # the validator runner of the site tests

    run_refresh(settings, store)
    client = create_app(settings.with_overrides(hubs=(HUB, OTHER_HUB)), store=store).test_client()
    for feed in SITE_FEEDS:
        spec = feed.spec
        if spec.format == "json":
            continue  # the W3C validator reads Atom and RSS; the JSON Feed schema test reads JSON
        result = validate(client.get(spec.route).data, spec.media_type, feed.url(BASE), tmp_path)
        assert (result["errors"], result["warnings"]) == ([], []), (feed.path, result)
    # and a tag feed (topics): every feed of the table carries them
    tag = client.get("/tags/transport/atom.xml")
    assert tag.status_code == 200
    assert tag.headers["Link"].endswith('<http://127.0.0.1:8000/tags/transport/atom.xml>; rel="self"')
    result = validate(tag.data, "application/atom+xml", BASE + "tags/transport/atom.xml", tmp_path)
    assert (result["errors"], result["warnings"]) == ([], []), result
    assert b'rel="hub"' in tag.data


@pytest.mark.parametrize(
    ("hubs", "error"),
    [
        ('["ftp://hub.example/"]', "must be an absolute http:// or https:// URL"),
        ('["https://user:pw@hub.example/"]', "must not contain a user name"),
        ('["https://hub.example/", "https://hub.example/"]', "names a hub twice"),
        ('"https://hub.example/"', "must be a list"),
        ("[1]", "must be a list of strings"),
        ("[" + ", ".join(f'"https://h{n}.example/"' for n in range(11)) + "]", "at most 10 hubs"),
    ],
)
def test_bad_hubs_are_config_errors(tmp_path: Path, hubs: str, error: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[websub]\nhubs = {hubs}\n", "utf-8")
    with pytest.raises(ConfigError, match=error):
        load_settings(path)


def test_hubs_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[websub]\nhubs = ["{HUB}", "{OTHER_HUB}"]\n', "utf-8")
    assert load_settings(path).hubs == (HUB, OTHER_HUB)
    assert load_settings(path).feed_meta().hubs == (HUB, OTHER_HUB)


# ---------------------------------------------------------------------------- the feed-changed point


def test_a_render_tells_which_feeds_changed(settings: Settings, store: SQLiteStore) -> None:
    run_refresh(settings, store)
    cache = create_app(settings, store=store).extensions[CACHE]
    told: list[tuple[str, ...]] = []
    cache.on_change.append(told.append)
    cache.current()  # the first render: nothing to compare with
    assert told == []
    run_refresh(settings, store)  # nothing changed: no new generation, no render
    cache.current()
    assert told == []
    (settings.seeds_dir / "new.txt").write_text(NEW, "utf-8")
    run_refresh(settings, store)
    cache.current()
    (urls,) = told
    assert urls[:3] == tuple(feed.url(BASE) for feed in SITE_FEEDS)
    assert urls[3:] == ()  # the new article has no tags, section or author feed
    told.clear()
    (settings.seeds_dir / "tagged.txt").write_text("Tags: Harbour\n\n" + NEW.split("\n\n", 1)[1], "utf-8")
    run_refresh(settings, store)
    cache.current()
    (urls,) = told
    assert urls[3:] == tuple(BASE + f"tags/harbour/{name}" for name in ("atom.xml", "rss.xml", "feed.json"))


# ---------------------------------------------------------------------------- the publisher


class RecordingHub:
    """A loopback HTTP endpoint standing in for a hub: records each POST's form, answers with
    the statuses it is given (then 204)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.forms: list[dict[str, list[str]]] = []
        self.statuses = list(statuses or [])
        self.server = make_server(HOST, 0, self.app, threaded=True)
        self.url = f"http://{HOST}:{self.server.server_port}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @Request.application  # type: ignore[arg-type]
    def app(self, request: Request) -> Response:
        self.forms.append(parse_qs(request.get_data(as_text=True)))
        status = self.statuses.pop(0) if self.statuses else 204
        return Response("", status=status)

    def __enter__(self) -> RecordingHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_ping_is_the_publish_form() -> None:
    with RecordingHub([202]) as hub:
        http_ping(hub.url, "http://127.0.0.1:8000/atom.xml")
        assert hub.forms == [
            {"hub.mode": ["publish"], "hub.url": ["http://127.0.0.1:8000/atom.xml"],
             "hub.topic": ["http://127.0.0.1:8000/atom.xml"]}
        ]  # fmt: skip
        hub.statuses = [500]
        with pytest.raises(PingFailed, match="HTTP 500"):
            http_ping(hub.url, "http://127.0.0.1:8000/atom.xml")
    with pytest.raises(PingFailed):  # nobody listens there any more
        http_ping(hub.url, "http://127.0.0.1:8000/atom.xml", timeout=2)


def test_a_failed_ping_is_retried_with_backoff_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    results: list[str] = []
    with RecordingHub([503, 500]) as hub:
        publisher = HubPublisher([hub.url], backoff=Backoff(first=0.05, factor=2), on_result=results.append)
        publisher.start()
        try:
            with caplog.at_level(logging.WARNING, logger="feedsvc.serve.websub"):
                started = time.monotonic()
                publisher.publish(["http://127.0.0.1:8000/atom.xml"])
                wait_for(lambda: results == ["failed", "failed", "ok"], "the third try")
                took = time.monotonic() - started
        finally:
            publisher.stop()
    assert len(hub.forms) == 3
    assert took >= 0.05 + 0.1  # it waited between tries (the backoff), not hammered the hub
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert "failed (try 1 of 8): HTTP 503" in warnings[0] and "trying again in 0.05s" in warnings[0]
    assert "failed (try 2 of 8): HTTP 500" in warnings[1] and "trying again in 0.1s" in warnings[1]


def test_a_ping_that_keeps_failing_is_given_up_at_error(caplog: pytest.LogCaptureFixture) -> None:
    results: list[str] = []
    with RecordingHub([500] * 10) as hub:
        publisher = HubPublisher([hub.url], backoff=Backoff(first=0.01, attempts=3), on_result=results.append)
        publisher.start()
        try:
            with caplog.at_level(logging.WARNING, logger="feedsvc.serve.websub"):
                publisher.publish(["http://127.0.0.1:8000/rss.xml"])
                wait_for(lambda: results == ["failed", "failed", "gave_up"] and publisher.idle(), "giving up")
        finally:
            publisher.stop()
    assert len(hub.forms) == 3
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "giving up on pinging" in error.getMessage() and "after 3 tries" in error.getMessage()


def test_the_queue_is_bounded_and_merges_a_topic_already_waiting(caplog: pytest.LogCaptureFixture) -> None:
    results: list[str] = []
    publisher = HubPublisher([HUB, OTHER_HUB], capacity=4, on_result=results.append)  # not started
    with caplog.at_level(logging.WARNING, logger="feedsvc.serve.websub"):
        publisher.publish(["a", "b"])  # 2 hubs x 2 topics: full
        publisher.publish(["a", "b"])  # already waiting: merged, nothing dropped
        assert results == []
        publisher.publish(["c", "d", "e"])
    assert results == ["dropped"] * 6
    (warning,) = caplog.records
    assert "4 pings waiting (the limit): 6 more dropped" in warning.getMessage()
    assert not publisher.idle()


def test_a_hung_hub_never_slows_a_refresh(settings: Settings) -> None:
    """The hub accepts the connection and never answers: the refresh returns at once anyway,
    with its ping still being sent in the background."""
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen(8)  # connections complete in the kernel's backlog; nobody reads them
        hub = f"http://{HOST}:{silent.getsockname()[1]}/hub"
        service = Service(settings.with_overrides(hubs=(hub,)), run_refresh, watch=False)
        try:
            service.cache.warm()  # as start() does: what the feeds were before
            assert service.publisher is not None
            service.publisher.start()
            (settings.seeds_dir / "new.txt").write_text(NEW, "utf-8")
            stats = service.runner.run()
            assert stats is not None and stats.added == 3
            # The refresh is over; the ping it caused is queued or in flight, not done.
            assert not service.publisher.idle()
            registry = service.metrics.registry
            assert registry.get_sample_value("feedsvc_websub_pings_total", {"result": "ok"}) == 0
            # The hub goes away (its unanswered connections are reset): that try fails, and is
            # logged and queued again, with the refresh long over.
            silent.close()
            wait_for(
                lambda: registry.get_sample_value("feedsvc_websub_pings_total", {"result": "failed"}),
                "the ping to fail once the hub is gone",
            )
        finally:
            service.stop()


# ---------------------------------------------------------------------------- end to end


def signature_ok(secret: str, body: bytes, signature: str) -> bool:
    """Whether an X-Hub-Signature (``algo=hexdigest``) is the HMAC of ``body`` under ``secret``."""
    algorithm, _, digest = signature.partition("=")
    if algorithm not in ("sha1", "sha256", "sha384", "sha512"):
        return False
    expected = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
    return hmac.compare_digest(expected, digest)


class Subscriber:
    """A WebSub subscriber (WebSub 5.1, 5.3, 7): asks the hub for a topic with a secret,
    answers the hub's verification of intent for that topic only, and takes content
    deliveries, checking their X-Hub-Signature (an HMAC of the body under the secret)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.wanted: set[str] = set()
        self.verified: list[dict[str, str]] = []
        self.deliveries: list[tuple[bytes, dict[str, str], bool]] = []
        self.server = make_server(HOST, 0, self.app, threaded=True)
        self.callback = f"http://{HOST}:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def signed(self, body: bytes, signature: str) -> bool:
        return signature_ok(self.secret, body, signature)

    @Request.application  # type: ignore[arg-type]
    def app(self, request: Request) -> Response:
        if request.method == "GET":  # the hub verifies our intent
            args = request.args
            if args.get("hub.mode") == "subscribe" and args.get("hub.topic") in self.wanted:
                self.verified.append(dict(args))
                return Response(args["hub.challenge"], status=200, mimetype="text/plain")
            return Response("not ours", status=404)
        body = request.get_data()
        ok = self.signed(body, request.headers.get("X-Hub-Signature", ""))
        self.deliveries.append((body, dict(request.headers), ok))
        return Response("", status=204 if ok else 403)  # WebSub 7: a bad signature is ignored

    def subscribe(self, hub: str, topic: str) -> requests.Response:
        self.wanted.add(topic)
        return requests.post(hub, data={
            "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": self.callback,
            "hub.secret": self.secret, "hub.lease_seconds": "600",
        }, timeout=10)  # fmt: skip

    def __enter__(self) -> Subscriber:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def websub_hub(tmp_path: Path) -> Iterator[str]:
    """Flask-WebSub's hub (tests/websub_hub.py) in its own process on loopback."""
    pytest.importorskip("flask_websub", reason="the end-to-end hub is Flask-WebSub's (the test extra)")
    pytest.importorskip("celery", reason="Flask-WebSub's hub runs its tasks on Celery (the test extra)")
    port = free_port()
    log_path = tmp_path / "hub.log"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("websub_hub.py")), str(port), str(tmp_path / "hub.sqlite")],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
    url = f"http://{HOST}:{port}/hub"
    try:

        def up() -> bool:
            assert proc.poll() is None, log_path.read_text()
            try:
                return requests.post(url, data={"hub.mode": "none", "hub.topic": "x"}, timeout=2).status_code == 400
            except requests.ConnectionError:
                return False

        wait_for(up, "the hub to start", deadline=90.0)  # Celery's start is slow on a loaded machine
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.mark.slow
def test_a_new_article_reaches_a_subscriber_through_a_real_hub(tmp_path: Path, websub_hub: str) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    token = "websub-token-0123456789"
    config = write_config(tmp_path, extra=(
        f'[refresh]\ninterval_seconds = 3600\ntoken = "{token}"\n[websub]\nhubs = ["{websub_hub}"]\n'
    ))  # fmt: skip
    with running_server(config) as server, Subscriber("a-subscriber-secret-42") as subscriber:
        # Discovery, as a subscriber does it: the Link header of the topic (WebSub 4).
        feed = requests.get(server.url("/atom.xml"), timeout=5)
        hub_url, topic = feed.links["hub"]["url"], feed.links["self"]["url"]
        assert (hub_url, topic) == (websub_hub, server.url("/atom.xml"))
        # Subscribe; the hub verifies our intent with a GET to the callback before it counts.
        assert subscriber.subscribe(hub_url, topic).status_code == 202
        (verification,) = wait_for(lambda: subscriber.verified, "the hub to verify our intent")
        assert verification["hub.topic"] == topic and verification["hub.lease_seconds"] == "600"

        # A new file, a refresh: feedsvc pings the hub, which fetches the topic and delivers it.
        # (The start-up refresh published the first two articles and pinged too; the hub may
        # deliver that version as well if it got to it after our subscription.)
        (seeds / "harbour.txt").write_text(NEW, "utf-8")
        refreshed = requests.post(server.url("/refresh"), headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert refreshed.json()["added"] == 1

        def harbour_delivered() -> Any:
            return [d for d in subscriber.deliveries if b"The harbour reopened" in d[0]]

        (delivery,) = wait_for(harbour_delivered, "the signed content delivery of the new article")
        assert all(signed for _, _, signed in subscriber.deliveries)  # every delivery, not only this one
        body, headers, signed = delivery
        assert signed and headers["X-Hub-Signature"].startswith("sha512=")
        assert not signature_ok("another-secret", body, headers["X-Hub-Signature"])
        assert not subscriber.signed(body + b" ", headers["X-Hub-Signature"])
        delivered = feedparser.parse(body)
        assert not delivered.bozo
        assert "The harbour reopened" in [e.title for e in delivered.entries]
        assert len(delivered.entries) == 3
        assert body == requests.get(server.url("/atom.xml"), headers={"Accept-Encoding": "identity"}, timeout=5).content

        def pings_ok() -> float:
            text = requests.get(server.url("/metrics"), timeout=5).text
            line = next(x for x in text.splitlines() if x.startswith('feedsvc_websub_pings_total{result="ok"}'))
            return float(line.rsplit(" ", 1)[1])

        # The site's 3 feeds and the topic feeds of the articles after each refresh, all taken.
        wait_for(lambda: pings_ok() >= 6, "the pings taken by the hub")
        time.sleep(1.0)
        taken = pings_ok()
        # A refresh that changes nothing pings nothing.
        requests.post(server.url("/refresh"), headers={"Authorization": f"Bearer {token}"}, timeout=10)
        time.sleep(1.0)
        assert pings_ok() == taken
        assert "websub" not in server.log().replace("[websub]", "")  # no failure was logged
