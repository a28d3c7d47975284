"""Limits: documented in README, read from config.toml, and enforced where input arrives."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest
import waitress
from click.testing import CliRunner
from conftest import FIXED_NOW

from feedsvc.cli import cli
from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import LockTimeout
from feedsvc.identity import path_id
from feedsvc.refresh import run_refresh
from feedsvc.serve import Service
from feedsvc.serve import run_waitress
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.web import create_app

README = Path(__file__).resolve().parents[1] / "README.md"
TOKEN = "limits-token-0123456789abcdef"



def readme_default(key: str) -> str:
    """The default README's configuration table gives for ``[section] key``."""
    for line in README.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(rf"`\[\w+\] {re.escape(key)}`", cells[0]):
            return cells[1].strip("`")
    raise AssertionError(f"README documents no default for {key}")


@pytest.mark.parametrize(
    ("key", "attr"),
    [("max_file_bytes", "max_file_bytes"), ("max_items", "max_items"), ("request_timeout", "request_timeout"),
     ("lock_timeout", "lock_timeout"), ("threads", "threads"), ("summary_length", "summary_length"),
     ("title_length", "title_length")],
)  # fmt: skip
def test_readme_documents_the_default(tmp_path: Path, key: str, attr: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text("", "utf-8")
    assert float(getattr(load_settings(path), attr)) == float(readme_default(key))


# ---------------------------------------------------------------------------- [seeds] max_file_bytes


def sized(n: int) -> bytes:
    """A valid article of exactly ``n`` bytes."""
    head = b"Title: Exactly sized\n\nThis article is padded to an exact size. "
    return head + b"x" * (n - len(head) - 1) + b"\n"


def test_max_file_bytes_is_inclusive(tmp_path: Path, seeds_dir: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[seeds]\ndir = "seeds"\nmax_file_bytes = 1000\n', "utf-8")
    settings = load_settings(config)
    assert settings.max_file_bytes == 1000
    for path in seeds_dir.iterdir():
        path.unlink()
    (seeds_dir / "exact.txt").write_bytes(sized(1000))
    (seeds_dir / "over.txt").write_bytes(sized(1001))
    assert (seeds_dir / "exact.txt").stat().st_size == 1000
    with open_store(settings) as store:
        stats = run_refresh(settings, store, now=lambda: FIXED_NOW)
        assert store.get(path_id("exact.txt")) is not None
        assert store.get(path_id("over.txt")) is None
    (skipped,) = stats.skipped
    assert skipped.path == "over.txt" and "larger than the 1,000 byte limit" in skipped.reason


# ---------------------------------------------------------------------------- [feed] max_items


def test_max_items_keeps_the_newest(tmp_path: Path, seeds_dir: Path) -> None:
    for path in seeds_dir.iterdir():
        path.unlink()
    for day in range(1, 6):
        (seeds_dir / f"day-{day}.txt").write_text(
            f"Title: Day {day}\nDate: 2025-03-0{day} 12:00 UTC\n\nWhat happened on day {day}.\n", "utf-8"
        )
    config = tmp_path / "config.toml"
    config.write_text('[site]\npage_size = 3\n[seeds]\ndir = "seeds"\n[feed]\nmax_items = 3\n', "utf-8")
    settings = load_settings(config)
    with open_store(settings) as store:
        run_refresh(settings, store, now=lambda: FIXED_NOW)
        client = create_app(settings, store=store).test_client()
        newest = ["Day 5", "Day 4", "Day 3"]
        for route in ("/atom.xml", "/rss.xml"):
            parsed = feedparser.parse(client.get(route).get_data())
            assert [e.title for e in parsed.entries] == newest, route
        items = json.loads(client.get("/feed.json").get_data())["items"]
        assert [i["title"] for i in items] == newest
        first = client.get("/").get_data(as_text=True)
        assert [t for t in re.findall(r"Day \d", first)] == newest
        second = client.get("/?page=2").get_data(as_text=True)
        assert re.findall(r"Day \d", second) == ["Day 2", "Day 1"]
        assert client.get("/?page=3").status_code == 404


# ---------------------------------------------------------------------------- [server] request_timeout, threads


@pytest.fixture
def waitress_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: calls.append(kwargs))
    return calls


def test_request_timeout_and_threads_reach_waitress(
    settings: Settings, waitress_calls: list[dict[str, Any]]
) -> None:
    service = Service(settings.with_overrides(request_timeout=7, threads=3), run_refresh)
    try:
        run_waitress(service, "127.0.0.1", 8123)
    finally:
        service.stop()
    (kwargs,) = waitress_calls
    assert (kwargs["channel_timeout"], kwargs["threads"]) == (7, 3)
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 8123)
    # waitress refuses what the app would refuse anyway, before reading it
    app = create_app(settings)
    assert kwargs["max_request_body_size"] == app.config["MAX_CONTENT_LENGTH"]


def test_serve_passes_the_config_to_waitress(
    tmp_path: Path, seeds_dir: Path, waitress_calls: list[dict[str, Any]]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[seeds]\ndir = "seeds"\n[store]\npath = "var/index.sqlite"\n'
        "[server]\nrequest_timeout = 11\nthreads = 2\nport = 8124\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--no-watch"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (kwargs,) = waitress_calls
    assert (kwargs["channel_timeout"], kwargs["threads"], kwargs["port"]) == (11, 2, 8124)


# ---------------------------------------------------------------------------- request bodies


@pytest.fixture
def token_client(settings: Settings, store: Store) -> Any:
    settings = settings.with_overrides(token=TOKEN)
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    return create_app(settings, store=store, refresh=lambda: run_refresh(settings, store)).test_client()


@pytest.mark.parametrize(
    ("size", "status"), [(0, 200), (64 * 1024, 200), (64 * 1024 + 1, 413), (1 << 20, 413)]
)
def test_post_body_limit(token_client: Any, size: int, status: int) -> None:
    response = token_client.post("/refresh", data=b"x" * size, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == status
    if status == 413:
        assert response.mimetype == "text/html" and b"Traceback" not in response.get_data()


def test_a_big_body_without_the_token_is_refused_too(token_client: Any) -> None:
    assert token_client.post("/refresh", data=b"x" * (1 << 20)).status_code in (401, 413)


# ---------------------------------------------------------------------------- [refresh] lock_timeout


def test_lock_timeout_bounds_the_wait(settings: Settings, store: Store) -> None:
    settings = settings.with_overrides(lock_timeout=0.3)
    held = threading.Event()
    release = threading.Event()

    def other_refresh() -> None:
        # another process's view of the same index (on PostgreSQL: another session)
        with open_store(settings) as other, other.coordinator.ingest_lock(timeout=5):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=other_refresh)
    thread.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            run_refresh(settings, store)
        assert 0.25 <= time.monotonic() - started < 3
    finally:
        release.set()
        thread.join(5)
    assert run_refresh(settings, store).ran
