"""End to end: `python -m feedsvc serve` in a subprocess, spoken to over 127.0.0.1 only.

Each test starts its own server over a copy of tests/data/seeds (about half a second) and
stops it in the fixture teardown. Waits poll with a deadline; nothing sleeps a fixed time
except the short pause between two polls.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
import reader
import requests
from conftest import DATA
from conftest import SEEDS
from server_utils import poll

TOKEN = "e2e-token-0123456789abcdef"
SCHEMA = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text("utf-8"))
NEW_SEED = "Title: Late-breaking harbour story\n\nThe harbour reopened this morning after the storm.\n"
# A process started with SIGINT ignored (e.g. `cmd &` in a script) passes that on to its
# children, and Python then installs no KeyboardInterrupt handler: no Ctrl-C to send.
CTRL_C = signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One `feedsvc serve` process; its stderr (logs, access log) goes to a file."""

    def __init__(self, root: Path, config: Path, args: list[str], name: str) -> None:
        self.root = root
        self.config = config
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log_path = root / f"{name}.log"
        command = [
            sys.executable,
            "-m",
            "feedsvc",
            "--config",
            str(config),
            "serve",
            "--port",
            str(self.port),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, *args], cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        self.session = requests.Session()

    def wait_ready(self) -> None:
        def healthy() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                return self.session.get(self.base + "healthz", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        poll(healthy, "/healthz to answer")

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base + path.lstrip("/"), timeout=5, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def access_lines(self, path: str) -> list[str]:
        return [line for line in self.log().splitlines() if "feedsvc.access" in line and f" {path} " in line]

    def stop(self) -> int:
        """Ctrl-C, as a user would; a kill only if it does not exit in time."""
        if self.process.poll() is None:
            if CTRL_C:
                self.process.send_signal(signal.SIGINT)
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.session.close()
        return self.process.returncode


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SEEDS, root / "seeds")
    return root


@pytest.fixture
def serve(site: Path) -> Iterator[Callable[..., Server]]:
    """Start servers over ``site``; every one is stopped at teardown, whatever happened."""
    servers: list[Server] = []

    def start(*args: str, interval: int = 3600, token: str | None = None) -> Server:
        config = site / "config.toml"
        config.write_text(
            '[site]\ntitle = "E2E feed"\n'
            '[seeds]\ndir = "seeds"\n'
            '[store]\npath = "var/index.sqlite"\n'
            f"[refresh]\ninterval_seconds = {interval}\n" + (f'token = "{token}"\n' if token else ""),
            "utf-8",
        )
        server = Server(site, config, list(args), f"server{len(servers)}")
        servers.append(server)
        server.wait_ready()
        return server

    yield start
    for server in servers:
        server.stop()


def assert_clean_exit(server: Server) -> None:
    """Ctrl-C ends the server with status 0 and no traceback (regression: closing the store
    failed on connections made by the request threads)."""
    code = server.stop()
    if CTRL_C:
        assert code == 0, server.log()
    assert "Traceback" not in server.log()


def cli_refresh(site: Path) -> subprocess.CompletedProcess[str]:
    """`feedsvc refresh` in its own process, on the same config file as the server."""
    return subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(site / "config.toml"), "refresh"],
        cwd=site, capture_output=True, text=True, timeout=30, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def items(server: Server) -> dict[str, dict[str, Any]]:
    """The JSON Feed's items by id."""
    response = server.get("feed.json")
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["items"]}


def titles(server: Server) -> list[str]:
    parsed = feedparser.parse(server.get("atom.xml").content)
    assert parsed.bozo == 0
    return [entry.title for entry in parsed.entries]


# ---------------------------------------------------------------------------- every route


def test_every_route(serve: Callable[..., Server]) -> None:
    server = serve("--no-watch", token=TOKEN)
    base = server.base

    home = server.get("/")
    assert home.status_code == 200
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert home.headers["Content-Encoding"] == "gzip"  # requests asks for gzip; it decodes it
    for path in ("atom.xml", "rss.xml", "feed.json"):
        assert f'href="./{path}"' in home.text  # relative: right under any host name
    assert f'<link rel="canonical" href="{base}">' in home.text  # absolute, on the port we chose

    atom = server.get("atom.xml")
    rss = server.get("rss.xml")
    feed = server.get("feed.json")
    assert atom.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert rss.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.headers["Content-Type"] == "application/feed+json; charset=utf-8"
    for response in (atom, rss):
        parsed = feedparser.parse(
            response.content, response_headers={"content-type": response.headers["Content-Type"]}
        )
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert len(parsed.entries) == 2
    doc = feed.json()
    jsonschema.validate(doc, SCHEMA)
    assert doc["feed_url"] == base + "feed.json"

    for item in doc["items"]:
        assert item["url"].startswith(base)
        page = server.get(urlsplit(item["url"]).path)
        assert page.status_code == 200
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Content-Security-Policy" in page.headers

    health = server.get("healthz").json()
    assert (health["status"], health["articles"]) == ("ok", 2)
    assert server.get("style.css").headers["Content-Type"] == "text/css; charset=utf-8"

    # conditional requests, HEAD, errors
    etag = atom.headers["ETag"]
    revalidated = server.get("atom.xml", headers={"If-None-Match": etag})
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    head = server.session.head(base + "rss.xml", timeout=5)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["ETag"] == rss.headers["ETag"]
    for path, status in (("nope", 404), ("articles/nope", 404), ("?page=abc", 400), ("?page=0", 400)):
        response = server.get(path)
        assert response.status_code == status, path
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Traceback" not in response.text

    # POST /refresh: the token, and only the token
    assert server.get("refresh").status_code == 405
    assert server.session.post(base + "refresh", timeout=5).status_code == 401
    wrong = server.session.post(base + "refresh", headers={"Authorization": "Bearer " + "x" * 26}, timeout=5)
    assert wrong.status_code == 401
    (server.root / "seeds" / "harbour.txt").write_text(NEW_SEED, "utf-8")
    ok = server.session.post(base + "refresh", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert ok.status_code == 200
    assert ok.json()["added"] == 1
    # every worker thread serves the change at once, the one that ran the refresh included
    for _ in range(12):
        assert "Late-breaking harbour story" in titles(server)

    # the access log has one line per request, with method, path and status
    (line,) = [x for x in server.access_lines("/refresh") if '"POST' in x and '" 200 ' in x]
    assert "python-requests" in line
    assert_clean_exit(server)


# ---------------------------------------------------------------------------- a feed reader


def test_reader_subscribes_revalidates_and_sees_changes(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve("--no-watch")
    urls = [server.base + path for path in ("atom.xml", "rss.xml", "feed.json")]
    guids = set(items(server))
    subscriber = reader.make_reader(str(tmp_path / "reader.sqlite"))
    try:
        for url in urls:
            subscriber.add_feed(url)
        first = {r.url: r.value for r in subscriber.update_feeds_iter(scheduled=False)}
        for url in urls:
            result = first[url]
            assert not isinstance(result, Exception), result
            assert result is not None and result.new == 2
            entries = list(subscriber.get_entries(feed=url))
            assert {e.id for e in entries} == guids
            assert all(e.link and e.link.startswith(server.base + "articles/") for e in entries)
            assert subscriber.get_feed(url).last_exception is None

        # nothing changed: every feed is answered 304, and reader stores nothing new
        second = {r.url: r.value for r in subscriber.update_feeds_iter(scheduled=False)}
        assert second == dict.fromkeys(urls)  # None: "not modified"
        for path in ("/atom.xml", "/rss.xml", "/feed.json"):
            statuses = [re.search(r'" (\d{3}) ', line).group(1) for line in server.access_lines(path)]  # type: ignore[union-attr]
            assert statuses[-2:] == ["200", "304"], server.access_lines(path)
        assert len(list(subscriber.get_entries())) == 6  # 2 per feed, no duplicates

        # a new article: one new entry per feed, still no duplicates
        (server.root / "seeds" / "harbour.txt").write_text(NEW_SEED, "utf-8")
        assert "added 1" in cli_refresh(server.root).stdout
        third = {r.url: r.value for r in subscriber.update_feeds_iter(scheduled=False)}
        for url in urls:
            assert third[url] is not None and not isinstance(third[url], Exception)
            assert (third[url].new, third[url].modified) == (1, 0)  # type: ignore[union-attr]
            ids = [e.id for e in subscriber.get_entries(feed=url)]
            assert len(ids) == len(set(ids)) == 3
    finally:
        subscriber.close()


# ---------------------------------------------------------------------------- background refresh


def add_edit_delete(server: Server) -> None:
    """Add, edit and delete a seed; each time the feeds must follow within the poll deadline."""
    seed = server.root / "seeds" / "harbour.txt"
    seed.write_text(NEW_SEED, "utf-8")
    poll(lambda: "Late-breaking harbour story" in titles(server), "the new article in the feed")
    (added,) = [i for i in items(server).values() if i["title"] == "Late-breaking harbour story"]

    seed.write_text(NEW_SEED.replace("Late-breaking", "Updated") + "Ships are queueing outside.\n", "utf-8")
    poll(lambda: "Updated harbour story" in titles(server), "the edit in the feed")
    edited = items(server)[added["id"]]  # same id
    assert edited["title"] == "Updated harbour story"
    assert edited["url"] == added["url"]
    assert edited["date_published"] == added["date_published"]
    assert "Ships are queueing outside." in edited["content_text"]
    assert server.get(urlsplit(added["url"]).path).status_code == 200

    seed.unlink()
    poll(lambda: added["id"] not in items(server), "the deleted article to leave the feed")
    assert "Updated harbour story" not in titles(server)
    assert server.get(urlsplit(added["url"]).path).status_code == 404
    assert len(items(server)) == 2


def test_the_watcher_follows_the_seeds_dir(serve: Callable[..., Server]) -> None:
    server = serve("--watch", interval=3600)  # an hour: only the watcher can explain a change
    add_edit_delete(server)


@pytest.mark.slow
def test_the_scheduled_refresh_follows_the_seeds_dir(serve: Callable[..., Server]) -> None:
    # No watcher: only the interval job can explain a change (it never ran before the
    # scheduler fix: the job was added paused).
    server = serve("--no-watch", interval=1)
    add_edit_delete(server)


def test_a_cli_refresh_in_another_process_shows_in_the_next_request(serve: Callable[..., Server]) -> None:
    server = serve("--no-watch", interval=3600)  # neither the watcher nor the scheduler will run
    before = server.get("atom.xml")
    assert "Late-breaking harbour story" not in before.text
    (server.root / "seeds" / "harbour.txt").write_text(NEW_SEED, "utf-8")
    (server.root / "seeds" / "header-example.txt").unlink()

    done = cli_refresh(server.root)
    assert done.stdout.startswith("added 1, updated 0, removed 1, unchanged 1, skipped 0")

    after = server.get("atom.xml", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Late-breaking harbour story" in after.text
    assert "Council approves" not in after.text
    assert server.get("articles/council-bike-lanes").status_code == 404
    assert server.get("healthz").json()["articles"] == 2


def test_ids_and_dates_survive_an_edit_and_a_restart(serve: Callable[..., Server]) -> None:
    server = serve("--no-watch")
    before = items(server)
    assert len(before) == 2

    seed = server.root / "seeds" / "000_b13d5d3931fdf2cc.txt"
    seed.write_text(seed.read_text("utf-8") + "\nA late paragraph added by the desk.\n", "utf-8")
    assert "updated 1" in cli_refresh(server.root).stdout
    edited = items(server)
    assert edited.keys() == before.keys()
    for guid, item in edited.items():
        assert item["date_published"] == before[guid]["date_published"]
        assert item["url"] == before[guid]["url"]
        changed = "A late paragraph added by the desk." in item["content_text"]
        # as instants, not text: "...03.000001Z" is later than "...03Z" (an edit in the same
        # second as the first refresh takes the next microsecond)
        modified, was = (datetime.fromisoformat(i["date_modified"]) for i in (item, before[guid]))
        assert modified > was if changed else modified == was
    assert any("A late paragraph added by the desk." in i["content_text"] for i in edited.values())
    assert_clean_exit(server)

    again = serve("--no-watch")  # same config, same index, another port
    restarted = items(again)
    assert restarted.keys() == before.keys()
    for guid, item in restarted.items():
        assert item["date_published"] == edited[guid]["date_published"]
        assert item["date_modified"] == edited[guid]["date_modified"]  # the restart changed nothing
        assert urlsplit(item["url"]).path == urlsplit(edited[guid]["url"]).path
        assert item["url"].startswith(again.base)
