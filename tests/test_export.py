"""feedsvc build --out DIR: the whole site as files, byte for byte what `feedsvc serve`
sends, rewritten incrementally and switched atomically; serve --export keeps it current."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
from pathlib import Path

import pytest
import requests
from export_site import COUNT
from export_site import feedsvc
from export_site import make_site
from export_site import seed_path
from export_site import seed_text
from server_utils import running_server

from feedsvc.export import MANIFEST
from feedsvc.export.documents import file_for


def manifest(out: Path) -> dict[str, dict[str, object]]:
    files: dict[str, dict[str, object]] = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    return files


def build_site(root: Path) -> tuple[Path, Path]:
    """A site's config under ``root``, refreshed and exported once to ``root/site``."""
    config = make_site(root)
    feedsvc(config, "refresh")
    feedsvc(config, "build", "--out", str(root / "site"))
    return config, root / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One export the read-only tests share; a test that changes the site builds its own."""
    return build_site(tmp_path_factory.mktemp("export"))


def test_file_for_maps_urls_as_the_routes_do() -> None:
    assert file_for("/") == "index.html"
    assert file_for("/?page=3") == "index-page-3.html"
    assert file_for("/tags/web/?page=2") == "tags/web/index-page-2.html"
    assert file_for("/tags/") == "tags/index.html"
    assert file_for("/articles/news-story-01") == "articles/news-story-01.html"
    assert file_for("/tags/web/archive/1/atom.xml") == "tags/web/archive/1/atom.xml"


def test_every_kind_of_document_is_exported(built: tuple[Path, Path]) -> None:
    _, out = built
    files = manifest(out)
    for must in ["index.html", "index-page-5.html", "feeds", "feeds.opml", "sitemap.xml", "robots.txt",
                 "favicon.ico", "style.css", "icons/icon.svg", "atom.xml", "rss.xml", "feed.json",
                 "archive/1/atom.xml", "archive/2/rss.xml", "tags/index.html", "tags/python/index.html",
                 "tags/python/atom.xml", "tags/python/archive/1/feed.json", "sections/notes/rss.xml",
                 "authors/ann-lee/feed.json", "authors/index.html"]:  # fmt: skip
        assert must in files, must
    assert "archive/3/atom.xml" not in files  # 9 articles, 4 a page: two complete pages
    articles = [f for f in files if f.startswith("articles/")]
    assert len(articles) == COUNT
    for name, entry in files.items():
        data = (out / name).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(os.stat(out / name).st_mtime) == entry["last_modified"]
        if entry["gzip"]:
            assert gzip.decompress((out / str(entry["gzip"])).read_bytes()) == data
    assert files["icons/icon-64.png"]["gzip"] is None


def test_bytes_are_what_serve_sends(built: tuple[Path, Path]) -> None:
    config, out = built
    with running_server(config) as server:
        for name, entry in manifest(out).items():
            got = requests.get(
                server.url(str(entry["url"])), timeout=10, headers={"Accept-Encoding": "identity"}
            )
            assert got.status_code == 200, entry["url"]
            assert got.content == (out / name).read_bytes(), entry["url"]
            assert got.headers["Content-Type"] == entry["media_type"]
            assert got.headers["ETag"] == entry["etag"]
            assert got.headers["Cache-Control"] == entry["cache_control"]
            if entry["gzip"]:  # the .gz nginx sends is the app's own gzip body (one level for both)
                zipped = requests.get(
                    server.url(str(entry["url"])), timeout=10, headers={"Accept-Encoding": "gzip"}, stream=True
                )
                assert zipped.headers["Content-Encoding"] == "gzip", entry["url"]
                assert zipped.raw.read(decode_content=False) == (out / str(entry["gzip"])).read_bytes()


@pytest.mark.slow
def test_incremental_and_atomic(tmp_path: Path) -> None:
    config, out = build_site(tmp_path)  # its own: it edits and deletes an article
    before = manifest(out)
    first = out.resolve()
    assert "0 written" in feedsvc(config, "build", "--out", str(out))  # nothing changed
    assert out.resolve() == first
    root = config.parent
    seed_path(root, 4).write_text(seed_text(4, "Changed"), "utf-8")
    feedsvc(config, "refresh")
    line = feedsvc(config, "build", "--out", str(out))
    second = out.resolve()
    assert second != first and out.is_symlink() and second.parent == first.parent
    after = manifest(out)
    changed = {f for f in after if before.get(f) != after[f]}
    assert "articles/news-story-04.html" in changed and "atom.xml" in changed
    assert "tags/web/index.html" not in changed  # story 4 is tagged Python only
    written = int(line.split(": ")[1].split(" written")[0])
    assert written == len(changed) < len(after)
    for name in after:  # unchanged files are the same inode: hard links, not rewritten
        same = os.stat(second / name).st_ino == os.stat(first / name).st_ino
        assert same == (name not in changed), name
    # A third generation prunes the first; the previous one stays for readers still in it.
    seed_path(root, 4).unlink()
    feedsvc(config, "refresh")
    feedsvc(config, "build", "--out", str(out))
    assert not first.exists() and second.exists()
    assert "articles/news-story-04.html" not in manifest(out)
    assert not (out / "articles/news-story-04.html").exists()


def test_refuses_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "keep.txt").write_text("mine")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "feedsvc", "--config", str(config), "build", "--out",
                           str(tmp_path / "site")], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "is not an export" in done.stderr
    assert (tmp_path / "site" / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_serve_export_follows_refreshes(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    with config.open("a") as f:
        f.write('[refresh]\ntoken = "export-test-t0ken-0123"\n')
    out = tmp_path / "site"
    with running_server(config, args=("--export", str(out))) as server:
        deadline = time.monotonic() + 30
        while not (out / MANIFEST).exists():
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.1)
        assert len([f for f in manifest(out) if f.startswith("articles/")]) == COUNT
        seed_path(tmp_path, COUNT).write_text(seed_text(COUNT, "New"), "utf-8")
        os.utime(seed_path(tmp_path, COUNT), (time.time() - 60, time.time() - 60))  # settled
        refreshed = requests.post(
            server.url("/refresh"), timeout=30, headers={"Authorization": "Bearer export-test-t0ken-0123"}
        )
        assert refreshed.json()["added"] == 1
        slug = "articles/news-story-09.html"
        while slug not in manifest(out):
            assert time.monotonic() < deadline + 60, server.log()
            time.sleep(0.2)
        got = requests.get(server.url("/articles/news-story-09"), timeout=10)
        assert got.content == (out / slug).read_bytes()
