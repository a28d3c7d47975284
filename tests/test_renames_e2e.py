"""Renames as a user makes them, end to end: a real `feedsvc serve`, files moved in the seeds
dir (same folder, another folder, another suffix), `feedsvc refresh` or the watcher, and the
feeds read over HTTP by feedparser and by the `reader` library. Also: an index written by the
previous feedsvc (its own code, from git) keeps every id after the upgrade, and the feeds with
and without item authors pass the W3C validator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import pytest
import reader
import requests
from conftest import SHARED
from htmlscan import find
from server_utils import ServerProcess
from server_utils import poll
from server_utils import running_server
from server_utils import write_config

from feedsvc.identity import make_guid

REPO = Path(__file__).resolve().parents[1]
VALIDATOR = SHARED / "tools" / "feedvalidator" / "w3c_validate.py"
#: main just before ids lost their suffix (schema 3): the "previous feedsvc" of the upgrade test
PREVIOUS = "57626e1"
FEEDS = {"atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml", "feed.json": ""}
SEEDS = {
    "harbour.txt": "Title: Harbour reopens\nAuthor: Ann Reporter\n\nThe harbour reopened this morning.\n",
    "council.txt": "The council met on Tuesday. It approved the budget for next year.\n",
    "storm.txt": "By Jo Writer\n\nThe storm left the coast last night. Power is back in most homes.\n",
    "bridge.txt": "Date: 2025-01-05 08:00 UTC\n\nThe old bridge will close for repairs in May.\n",
}
#: (old path, new path): same folder, another folder, another suffix
RENAMES = (("harbour.txt", "harbour-reopens.txt"), ("council.txt", "archive/2025/council.txt"),
           ("storm.txt", "storm.TXT"))  # fmt: skip


def cli_refresh(config: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "refresh", "--no-progress"],
        capture_output=True, text=True, timeout=60, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return done.stdout


def entries(server: ServerProcess, path: str) -> dict[str, Any]:
    """The feed's entries by id, as feedparser reads them over HTTP."""
    response = requests.get(server.url("/" + path), timeout=5)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content, response_headers={"content-type": response.headers["Content-Type"]})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return {e.id: e for e in parsed.entries}


def json_items(server: ServerProcess) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in requests.get(server.url("/feed.json"), timeout=5).json()["items"]}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name, text in SEEDS.items():
        (root / "seeds").mkdir(parents=True, exist_ok=True)
        (root / "seeds" / name).write_text(text, "utf-8")
    write_config(root, extra='[site]\nauthor = "The Desk"\n[refresh]\ninterval_seconds = 3600\n')
    return root


def urls_by_title(server: ServerProcess) -> dict[str, str]:
    return {i["title"]: i["url"] for i in json_items(server).values()}


@pytest.mark.slow
def test_renamed_files_keep_their_identity_for_feed_readers(site: Path, tmp_path: Path) -> None:
    config = site / "config.toml"
    with running_server(config) as server:
        before = {path: entries(server, path) for path in ("atom.xml", "rss.xml")}
        items_before = json_items(server)
        old_urls = urls_by_title(server)
        subscriber = reader.make_reader(str(tmp_path / "reader.sqlite"))
        try:
            feed_urls = [server.url("/" + path) for path in FEEDS]
            for url in feed_urls:
                subscriber.add_feed(url)
            first = {r.url: r.value for r in subscriber.update_feeds_iter(scheduled=False)}
            assert all(not isinstance(v, Exception) and v is not None and v.new == 4 for v in first.values()), first
            for entry in subscriber.get_entries():
                subscriber.mark_entry_as_read(entry)

            for old, new in RENAMES:
                target = site / "seeds" / new
                target.parent.mkdir(parents=True, exist_ok=True)
                (site / "seeds" / old).rename(target)
            summary = cli_refresh(config)
            assert summary.startswith("added 0, updated 2, removed 0, unchanged 2"), summary  # storm.TXT: same URL

            for path, old_entries in before.items():  # same ids and dates, in Atom and RSS
                now = entries(server, path)
                assert set(now) == set(old_entries), path
                for guid, entry in now.items():
                    assert entry.published == old_entries[guid].published, (path, entry.title)
            items_after = json_items(server)
            assert set(items_after) == set(items_before)
            for guid, item in items_after.items():
                assert item["date_published"] == items_before[guid]["date_published"]
            new_urls = urls_by_title(server)
            assert new_urls["Harbour reopens"].endswith("/articles/harbour-reopens")
            assert new_urls["Harbour reopens"] != old_urls["Harbour reopens"]
            assert new_urls["The council met on Tuesday"].endswith("/articles/archive-2025-council")
            storm = next(t for t in new_urls if t.startswith("The storm"))
            assert new_urls[storm] == old_urls[storm]  # a suffix change keeps the address too

            # reader: nothing new, nothing unread; the entries follow their new links
            second = {r.url: r.value for r in subscriber.update_feeds_iter(scheduled=False)}
            for url, result in second.items():
                assert not isinstance(result, Exception), (url, result)
                assert result is not None and result.new == 0, (url, result)
            assert len(list(subscriber.get_entries())) == 12  # 4 per feed: no duplicates
            assert list(subscriber.get_entries(read=False)) == []
            links = {e.link for e in subscriber.get_entries(feed=server.url("/feed.json"))}
            assert links == set(new_urls.values())
        finally:
            subscriber.close()

        # the old addresses answer 301 with the new one, over HTTP
        for title, old_url in old_urls.items():
            if new_urls[title] == old_url:
                continue
            for method in ("GET", "HEAD"):
                moved = requests.request(method, old_url, allow_redirects=False, timeout=5)
                assert moved.status_code == 301, (method, old_url)
                assert urljoin(old_url, moved.headers["Location"]) == new_urls[title]
            landed = requests.get(old_url, timeout=5)  # followed, as a browser would
            assert landed.status_code == 200 and landed.url == new_urls[title]
            assert [r.status_code for r in landed.history] == [301]
            assert title.split(" ")[0] in landed.text
        assert requests.get(server.url("/articles/no-such-thing"), timeout=5).status_code == 404

        # renamed back: the first address is the article's own again
        (site / "seeds" / "harbour-reopens.txt").rename(site / "seeds" / "harbour.txt")
        cli_refresh(config)
        assert urls_by_title(server)["Harbour reopens"] == old_urls["Harbour reopens"]
        back = requests.get(server.url("/articles/harbour-reopens"), allow_redirects=False, timeout=5)
        assert back.status_code == 301 and urljoin(back.url, back.headers["Location"]) == old_urls["Harbour reopens"]


@pytest.mark.slow
def test_the_watcher_sees_a_rename_as_a_rename(site: Path) -> None:
    """`mv` with the watcher on: one move event, one refresh, the same guid at the new URL."""
    with running_server(site / "config.toml", args=("--watch",)) as server:
        (guid,) = [g for g, i in json_items(server).items() if i["title"] == "Harbour reopens"]
        old_url = json_items(server)[guid]["url"]
        (site / "seeds" / "moved").mkdir()
        os.rename(site / "seeds" / "harbour.txt", site / "seeds" / "moved" / "harbour.txt")
        item = poll(lambda: (i := json_items(server).get(guid)) and i["url"] != old_url and i, "the new URL")
        assert item["url"].endswith("/articles/moved-harbour")
        assert len(json_items(server)) == 4  # renamed: not removed and added
        assert requests.get(old_url, allow_redirects=False, timeout=5).status_code == 301


@pytest.mark.slow
def test_item_authors_and_the_feed_author_over_http(site: Path, tmp_path: Path) -> None:
    with running_server(site / "config.toml") as server:
        atom = feedparser.parse(requests.get(server.url("/atom.xml"), timeout=5).content)
        assert atom.feed.author == "The Desk"
        authors = {e.title: e.get("author") for e in atom.entries}
        assert authors["Harbour reopens"] == "Ann Reporter"  # the Author: header
        assert authors[next(t for t in authors if t.startswith("The storm"))] == "Jo Writer"  # a byline
        assert [t for t, a in authors.items() if a is None] == [
            t for t in authors if t.startswith(("The council", "The old bridge"))
        ]  # no author of their own: none (the feed's stands for them)
        assert "The Desk" not in requests.get(server.url("/rss.xml"), timeout=5).text
        pages = {i["title"]: requests.get(i["url"], timeout=5).text for i in json_items(server).values()}
        (meta,) = find(pages["Harbour reopens"], "p", class_="meta")  # the text a reader sees
        assert "by Ann Reporter" in " ".join(meta.text.split())
        assert not any("The Desk" in page.split("<main", 1)[-1] for page in pages.values())  # not an article's
        doc = requests.get(server.url("/feed.json"), timeout=5).json()
        assert doc["authors"] == [{"name": "The Desk"}]
        assert sorted(a["name"] for i in doc["items"] for a in i.get("authors", [])) == ["Ann Reporter", "Jo Writer"]
        if not VALIDATOR.is_file():
            pytest.skip(f"{VALIDATOR} is not here (a fresh clone has no ../shared)")
        for path in ("atom.xml", "rss.xml"):  # validateURL: the HTTP side is checked too
            out = subprocess.run(
                [sys.executable, str(VALIDATOR), "--json", server.url("/" + path)],
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
            assert out.returncode in (0, 1), out.stderr.decode()
            result = json.loads(out.stdout)
            assert (result["errors"], result["warnings"]) == ([], []), (path, result)


def _previous_feedsvc(tmp_path: Path) -> Path:
    """The previous feedsvc's package, from git (skip when this checkout cannot give it)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout of feedsvc (with its history) for the previous version")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", PREVIOUS, "feedsvc"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    if archive.returncode != 0:
        pytest.skip(f"commit {PREVIOUS} is not in this clone (shallow?): {archive.stderr.decode().strip()}")
    old = tmp_path / "previous"
    old.mkdir()
    archive_path = tmp_path / "previous.tar"
    archive_path.write_bytes(archive.stdout)
    with tarfile.open(archive_path) as tar:
        tar.extractall(old, filter="data")
    return old


@pytest.mark.slow
def test_an_index_written_by_the_previous_feedsvc_keeps_its_ids(site: Path, tmp_path: Path) -> None:
    old = _previous_feedsvc(tmp_path)
    config = site / "config.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")} | {"PYTHONPATH": str(old)}
    subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "refresh"],
        capture_output=True, timeout=60, check=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    listed = subprocess.run(
        [sys.executable, "-c", "import feedsvc, sys; print(feedsvc.__file__)"],
        capture_output=True, text=True, timeout=60, check=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert listed.stdout.startswith(str(old))  # it really was the previous code
    with running_server(config) as server:  # today's feedsvc on that index
        items = json_items(server)
        ids = {i["url"].rsplit("/", 1)[1]: i["id"] for i in items.values()}
        # Old ids were paths with their suffix: the guids and addresses they gave stay.
        assert ids == {
            "harbour": make_guid("harbour.txt"), "council": make_guid("council.txt"),
            "storm": make_guid("storm.txt"), "bridge": make_guid("bridge.txt"),
        }  # fmt: skip
        before = {g: i["date_published"] for g, i in items.items()}
        # ...and those files keep them through a suffix change and a rename
        (site / "seeds" / "storm.txt").rename(site / "seeds" / "storm.TXT")
        (site / "seeds" / "council.txt").rename(site / "seeds" / "town-council.txt")
        (site / "seeds" / "late.txt").write_text("A new article arrives after the upgrade. It is short.\n", "utf-8")
        assert cli_refresh(config).startswith("added 1, updated 1, removed 0")
        after = json_items(server)
        assert {g: i["date_published"] for g, i in after.items() if g in before} == before
        assert after[make_guid("council.txt")]["url"].endswith("/articles/town-council")
        assert after[make_guid("storm.txt")]["url"].endswith("/articles/storm")
        assert make_guid("path:late") in after  # a new file gets a suffix-free id
        moved = requests.get(server.url("/articles/council"), allow_redirects=False, timeout=5)
        assert moved.status_code == 301 and moved.headers["Location"] == "town-council"
