"""Test helper: a small site with tags, sections, authors, paged listings and archive pages,
refreshed into its index, for the export tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server_utils import write_config

#: (folder, tags, author) of each article: two sections, tags shared, authors shared
TOPICS = [("news", "Python, Web", "Ann Lee"), ("news", "Python", "Bo Chen"), ("notes", "Web", "Ann Lee")]
COUNT = 9  #: with max_items 4 and page_size 2: two archive pages, five front pages


def seed_text(n: int, body: str = "Original") -> str:
    _, tags, author = TOPICS[n % len(TOPICS)]
    return (
        f"Title: Story {n:02d}\nDate: 2025-01-{n + 1:02d} 08:00 UTC\nTags: {tags}\nAuthor: {author}\n\n"
        f"{body} text of story {n}, a full sentence for the summary.\n\nA second paragraph.\n"
    )


def seed_path(root: Path, n: int) -> Path:
    return root / "seeds" / TOPICS[n % len(TOPICS)][0] / f"story-{n:02d}.txt"


def make_site(root: Path) -> Path:
    """Seeds and a config in ``root``; returns the config path (the index is not built yet)."""
    for n in range(COUNT):
        path = seed_path(root, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seed_text(n), "utf-8")
    return write_config(
        root, extra='[feed]\nmax_items = 4\n[site]\npage_size = 2\nbase_url = "https://feeds.example.org/"\n'
    )


def feedsvc(config: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout
