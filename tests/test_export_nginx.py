"""deploy/nginx.conf on a real nginx serving `feedsvc build`'s export: the same URLs give the
same bodies, media types, Cache-Control and 304s as `feedsvc serve`; gzip requests get the .gz.

nginx runs as the current user from a config generated in a temp dir (pid, logs, temp paths
there) that includes the shipped file with only its two site-specific lines changed."""

from __future__ import annotations

import json
import os
import pwd
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests
from export_site import feedsvc
from export_site import make_site
from server_utils import HOST
from server_utils import ServerProcess
from server_utils import free_port
from server_utils import running_server

from feedsvc.export import MANIFEST

NGINX = Path("/usr/sbin/nginx")
SHIPPED = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"

pytestmark = [
    pytest.mark.skipif(not NGINX.exists(), reason="nginx is not installed (.ci/apt-packages lists it)"),
    pytest.mark.slow,
]


def nginx_config(tmp: Path, root: Path, port: int) -> Path:
    """A whole nginx.conf in ``tmp`` around the shipped server block, listening on ``port``."""
    site = SHIPPED.read_text("utf-8")
    site, listens = re.subn(r"listen 127\.0\.0\.1:8080;", f"listen {HOST}:{port};", site)
    site, roots = re.subn(r"root /srv/feedsvc/site;", f"root {root};", site)
    assert listens == roots == 1, "the shipped file's site-specific lines moved"
    (tmp / "feedsvc.conf").write_text(site, "utf-8")
    temps = "\n".join(
        f"    {k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        f"events {{ worker_connections 128; }}\nhttp {{\n    access_log off;\n{temps}\n"
        f"    include {tmp / 'feedsvc.conf'};\n}}\n",
        "utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ServerProcess, Path]]:
    """(nginx base URL, the app server, the export) on one site."""
    root = tmp_path_factory.mktemp("nginx")
    config = make_site(root)
    feedsvc(config, "refresh")
    out = root / "site"
    feedsvc(config, "build", "--out", str(out))
    tmp = root / "nginx"
    tmp.mkdir()
    port = free_port()
    conf = nginx_config(tmp, out, port)
    with (tmp / "stderr.log").open("wb") as err:
        proc = subprocess.Popen([str(NGINX), "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)  # fmt: skip
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nginx exited with {proc.returncode}: {(tmp / 'stderr.log').read_text()}")
            try:
                requests.get(base + "/robots.txt", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        with running_server(config) as server:
            yield base, server, out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def urls(out: Path) -> list[str]:
    files = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    return [str(e["url"]) for e in files.values()]


SAME_HEADERS = ("Content-Type", "Cache-Control", "Last-Modified", "X-Content-Type-Options",
                "Content-Security-Policy", "Referrer-Policy", "X-Frame-Options", "Vary")  # fmt: skip


def test_same_bodies_and_headers(sites: tuple[str, ServerProcess, Path]) -> None:
    base, server, out = sites
    plain = {"Accept-Encoding": "identity"}
    files = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    for entry in files.values():
        url = str(entry["url"])
        app = requests.get(server.url(url), headers=plain, timeout=10)
        web = requests.get(base + url, headers=plain, timeout=10)
        assert (app.status_code, web.status_code) == (200, 200), url
        assert web.content == app.content, url
        for name in SAME_HEADERS:
            if name == "Vary" and not entry["gzip"]:
                continue  # nginx says Vary only where a .gz exists (not for PNG icons)
            assert web.headers.get(name) == app.headers.get(name), (url, name)


def test_gzip_requests_get_the_gz(sites: tuple[str, ServerProcess, Path]) -> None:
    base, server, out = sites
    for url in ["/", "/atom.xml", "/tags/python/rss.xml", "/archive/1/feed.json", "/articles/news-story-01",
                "/feeds", "/sitemap.xml", "/?page=2"]:  # fmt: skip
        gz = {"Accept-Encoding": "gzip"}
        with (requests.get(base + url, headers=gz, timeout=10, stream=True) as web,
              requests.get(server.url(url), headers=gz, timeout=10, stream=True) as app):  # fmt: skip
            assert web.headers["Content-Encoding"] == "gzip", url
            assert web.headers["Content-Type"] == app.headers["Content-Type"]
            raw = web.raw.read(decode_content=False)
            assert raw == app.raw.read(decode_content=False), url  # the app's gzip bytes exactly


def test_same_304_behaviour(sites: tuple[str, ServerProcess, Path]) -> None:
    base, server, out = sites
    for url in urls(out):
        for origin in (base, server.base):
            first = requests.get(origin + url, timeout=10)
            etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
            again = requests.get(origin + url, headers={"If-None-Match": etag}, timeout=10)
            assert again.status_code == 304 and again.content == b"", (origin, url)
            assert (
                again.headers["ETag"] == etag
                and again.headers["Cache-Control"] == first.headers["Cache-Control"]
            )
            since = requests.get(origin + url, headers={"If-Modified-Since": modified}, timeout=10)
            assert since.status_code == 304, (origin, url)
            earlier = parsedate_to_datetime(modified) - timedelta(days=1)
            if earlier.year >= 1971:  # not the icons' and robots.txt's epoch date
                older = requests.get(origin + url, timeout=10,
                                     headers={"If-Modified-Since": format_datetime(earlier, usegmt=True)})  # fmt: skip
                assert older.status_code == 200 and older.content == first.content, (origin, url)
            other = requests.get(origin + url, headers={"If-None-Match": '"nope"', "If-Modified-Since": modified},
                                 timeout=10)  # fmt: skip
            assert other.status_code == 200, (origin, url)  # If-None-Match wins (RFC 9110)


def test_what_is_not_published_is_404(sites: tuple[str, ServerProcess, Path]) -> None:
    base, server, _ = sites
    for url in ["/articles/no-such-story", "/tags/nothing/", "/archive/9/atom.xml", "/.manifest.json",
                "/?page=99", "/articles/news-story-01.html"]:  # fmt: skip
        assert requests.get(base + url, timeout=10).status_code == 404, url
        assert requests.get(server.url(url), timeout=10).status_code == 404, url
