"""As a user sees it: a file being written never shows half-written in the feeds.

A real `feedsvc serve` subprocess; a writer in this process appends a paragraph every 0.1 s
to a file it keeps open, while the test refreshes as fast as it can and reads the feeds with
feedparser the whole time. Before the settle check, every refresh published whatever the file
held at that moment (issue 11: versions with 1, 11 and 21 of 30 paragraphs; here, every one of them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
import requests
from server_utils import ServerProcess
from server_utils import running_server
from server_utils import write_config

TOKEN = "partial-writes-0123456789abcdef"
PARAGRAPHS = 20


def paragraph(n: int) -> str:
    return f"Paragraph {n:02d} of the harbour story: the cranes were inspected again today.\n"


class SlowWriter(threading.Thread):
    """Writes ``PARAGRAPHS`` paragraphs to ``path``, one every ``pause`` seconds, keeping the file
    open (and flushed) the whole time, as a download or a program writing an article does."""

    def __init__(self, path: Path, pause: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.path, self.pause = path, pause
        self.closed_at: float | None = None

    def run(self) -> None:
        with self.path.open("w", encoding="utf-8") as f:
            for n in range(1, PARAGRAPHS + 1):
                f.write(paragraph(n))
                f.flush()
                time.sleep(self.pause)
        self.closed_at = time.monotonic()


def versions(server: ServerProcess, session: requests.Session) -> list[int]:
    """How many paragraphs the harbour story has in the Atom feed (one number per entry)."""
    feed = feedparser.parse(session.get(server.url("/atom.xml"), timeout=5).content)
    found = []
    for entry in feed.entries:
        text = "".join(c.value for c in entry.get("content", []))
        if "harbour story" in text:
            found.append(text.count("Paragraph "))
    return found


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "old.txt").write_text("An older story that is already published.\n", "utf-8")
    yield tmp_path


def watch_partial_writes(server: ServerProcess, seeds: Path, *, refresh: bool) -> list[int]:
    """Run the slow writer while refreshing (``refresh``: POST /refresh in a loop) and reading
    the feeds; return every paragraph count seen, up to the complete version."""
    session = requests.Session()
    writer = SlowWriter(seeds / "harbour.txt")
    seen: list[int] = []
    writer.start()
    deadline = time.monotonic() + PARAGRAPHS * 0.1 + 10
    while time.monotonic() < deadline:
        if refresh:
            answer = session.post(server.url("/refresh"), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
            assert answer.status_code == 200, answer.text
        now = versions(server, session)
        seen.extend(now)
        if not writer.is_alive() and now == [PARAGRAPHS]:
            return seen
    raise AssertionError(f"the complete version never showed: saw {seen}")


@pytest.mark.slow
def test_a_slow_writer_is_never_published_partially_by_refreshes(site: Path) -> None:
    config = write_config(site, extra=f'[refresh]\ninterval_seconds = 3600\ntoken = "{TOKEN}"\n')
    # --no-watch: only the refreshes we ask for run; -vv: the per-file lines (DEBUG) too
    with running_server(config, verbose=2) as server:
        seen = watch_partial_writes(server, site / "seeds", refresh=True)
    assert set(seen) == {PARAGRAPHS}, f"partial versions were published: {sorted(set(seen))}"
    log = server.log()
    assert "DEBUG feedsvc.refresh: deferred harbour.txt: still open for writing" in log
