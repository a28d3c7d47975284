"""The site's icons (built-in and [site] icon) in pages and in all three feeds, /favicon.ico,
sitemap.xml and robots.txt, the W3C validator on feeds with icons, and serve's warning."""

from __future__ import annotations

import importlib.util
import json
import logging
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
from conftest import FIXED_NOW
from conftest import SHARED
from flask.testing import FlaskClient
from htmlscan import find

import feedsvc.publish.sitemap as sitemap_module
from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.model import FeedMeta
from feedsvc.publish.icons import sniff
from feedsvc.publish.icons import user_icons
from feedsvc.refresh import run_refresh
from feedsvc.serve.server import Service
from feedsvc.serve.server import is_loopback
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

BASE = "http://127.0.0.1:8000/"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VALIDATOR = SHARED / "tools" / "feedvalidator" / "w3c_validate.py"
TOOLS = Path(__file__).resolve().parents[1] / "tools"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def tiny_png(width: int, height: int) -> bytes:
    """A real, decodable RGBA PNG of one colour (the icon tool's encoder)."""
    spec = importlib.util.spec_from_file_location("make_icons", TOOLS / "make_icons.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    import zlib

    rows = b"".join(b"\0" + b"\x20\x80\xc0\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunks = tool._chunk(b"IHDR", header) + tool._chunk(b"IDAT", zlib.compress(rows)) + tool._chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def client_for(settings: Settings, store: SQLiteStore) -> FlaskClient:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    return create_app(settings, store=store).test_client()


def dated_seeds(seeds_dir: Path, count: int) -> None:
    for old in seeds_dir.glob("*.txt"):
        old.unlink()
    for n in range(count):
        (seeds_dir / f"story-{n:03d}.txt").write_text(
            f"Title: Story {n}\nDate: 2025-01-01 {n // 60:02d}:{n % 60:02d} UTC\n\nBody of story {n}.\n", "utf-8"
        )


def served_path(url: str) -> str:
    return urlsplit(url).path


# ---------------------------------------------------------------------------- icons


def test_built_in_icons_everywhere(settings: Settings, store: SQLiteStore) -> None:
    client = client_for(settings, store)
    atom = ET.fromstring(client.get("/atom.xml").data)
    rss = ET.fromstring(client.get("/rss.xml").data).find("channel")
    feed = json.loads(client.get("/feed.json").data)
    assert rss is not None
    uses = {
        "atom icon": (atom.findtext(A + "icon"), (64, 64)),
        "atom logo": (atom.findtext(A + "logo"), (144, 144)),
        "rss image": (rss.findtext("image/url"), (144, 144)),
        "json icon": (feed["icon"], (512, 512)),
        "json favicon": (feed["favicon"], (64, 64)),
    }
    for use, (url, size) in uses.items():
        assert url and url.startswith(BASE), use  # absolute, from base_url
        r = client.get(served_path(url))
        assert r.status_code == 200 and r.mimetype == "image/png", use
        assert png_size(r.data) == size, use
    assert (rss.findtext("image/width"), rss.findtext("image/height")) == ("144", "144")
    # the RSS image repeats the channel's title and link (the validator checks both)
    assert rss.findtext("image/title") == rss.findtext("title")
    assert rss.findtext("image/link") == rss.findtext("link")
    parsed = feedparser.parse(client.get("/atom.xml").data)
    assert parsed.feed.icon == uses["atom icon"][0] and parsed.feed.logo == uses["atom logo"][0]

    html = client.get("/").get_data(as_text=True)
    icons = find(html, "link", rel="icon")
    assert [(i.attrs["type"], i.attrs["sizes"]) for i in icons] == [("image/svg+xml", "any"), ("image/png", "64x64")]
    for link in [*icons, *find(html, "link", rel="apple-touch-icon")]:
        r = client.get(served_path(urljoin(BASE, link.attrs["href"] or "")))
        assert r.status_code == 200 and r.mimetype == link.attrs.get("type", r.mimetype)
    svg = client.get("/icons/icon.svg")
    assert svg.mimetype == "image/svg+xml" and ET.fromstring(svg.data).tag == "{http://www.w3.org/2000/svg}svg"
    assert "max-age=86400" in svg.headers["Cache-Control"] and svg.headers["ETag"]
    assert client.get("/icons/nope.png").status_code == 404


def test_favicon_ico_is_an_icon_file_holding_the_small_png(settings: Settings, store: SQLiteStore) -> None:
    client = client_for(settings, store)
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", r.data[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, colours, reserved, planes, bits, size, offset = struct.unpack("<BBBBHHII", r.data[6:22])
    assert (width, height, colours, reserved, planes, bits) == (64, 64, 0, 0, 1, 32)
    assert png_size(r.data[offset : offset + size]) == (64, 64) and offset + size == len(r.data)


def test_the_shipped_icons_are_what_the_tool_draws() -> None:
    spec = importlib.util.spec_from_file_location("make_icons", TOOLS / "make_icons.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    shipped = Path(__file__).resolve().parents[1] / "feedsvc" / "publish" / "icons"
    assert (shipped / "icon.svg").read_text("utf-8") == tool.svg()
    for size in (64, 144):  # 512 takes a second to draw; same code
        assert (shipped / f"icon-{size}.png").read_bytes() == tool.png(size)
    # the sign is white on the blue, corners transparent: a real picture, not a blank square
    pixels = tool.rgba(64)
    row = 64 * 4 + 1

    def px(x: int, y: int) -> bytes:
        return pixels[y * row + 1 + x * 4 : y * row + 1 + x * 4 + 4]

    assert px(0, 0)[3] == 0
    assert px(17, 46) == b"\xff\xff\xff\xff"  # the dot
    assert px(10, 10) == bytes([*tool.BACKGROUND, 255])  # the blue


def test_a_png_icon_from_the_config(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(tiny_png(32, 48))
    client = client_for(settings.with_overrides(icon=tmp_path / "logo.png"), store)
    feed = json.loads(client.get("/feed.json").data)
    assert feed["icon"] == feed["favicon"] == BASE + "icons/icon.png"
    rss = ET.fromstring(client.get("/rss.xml").data).find("channel")
    assert rss is not None and rss.findtext("image/url") == BASE + "icons/icon.png"
    assert (rss.findtext("image/width"), rss.findtext("image/height")) == ("32", "48")
    r = client.get("/icons/icon.png")
    assert r.mimetype == "image/png" and png_size(r.data) == (32, 48)
    assert client.get("/icons/icon-64.png").status_code == 404  # the built-in set is not served
    ico = client.get("/favicon.ico")
    assert ico.mimetype == "image/x-icon" and ico.data.endswith(r.data)
    html = client.get("/").get_data(as_text=True)
    assert [link.attrs["href"] for link in find(html, "link", rel="icon")] == ["./icons/icon.png"]
    (og,) = find(html, "meta", property="og:image")
    assert og.attrs["content"] == BASE + "icons/icon.png"


def test_an_svg_icon_is_no_rss_image(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "i.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    client = client_for(settings.with_overrides(icon=tmp_path / "i.svg"), store)
    rss = ET.fromstring(client.get("/rss.xml").data).find("channel")
    assert rss is not None and rss.find("image") is None  # RSS allows GIF, JPEG and PNG only
    atom = ET.fromstring(client.get("/atom.xml").data)
    assert atom.findtext(A + "icon") == BASE + "icons/icon.svg" and atom.find(A + "logo") is None
    assert client.get("/icons/icon.svg").mimetype == "image/svg+xml"


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40  # sizes not read: none stated
GIF = b"GIF89a" + struct.pack("<HH", 40, 20) + b"\x00" * 30


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (tiny_png(2, 3), ("image/png", "png")),
        (JPEG, ("image/jpeg", "jpg")),
        (GIF, ("image/gif", "gif")),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, ("image/webp", "webp")),
        (b"\x00\x00\x01\x00\x01\x00" + b"\x00" * 30, ("image/x-icon", "ico")),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', ("image/svg+xml", "svg")),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- x -->\n<svg/>', ("image/svg+xml", "svg")),
        (b"RIFF\x10\x00\x00\x00WAVEfmt " + b"\x00" * 20, None),  # RIFF, but sound
        (b'<?xml version="1.0"?><rss version="2.0"/>', None),  # XML, but no SVG
        (b"a text that mentions <svg> in passing", None),
        (b"\x89PNG but not really", None),
    ],
)
def test_sniff(data: bytes, kind: tuple[str, str] | None) -> None:
    assert sniff(data) == kind


def test_icon_sizes_are_read_only_where_the_format_says() -> None:
    assert (user_icons(GIF).small.width, user_icons(GIF).small.height) == (40, 20)
    jpeg = user_icons(JPEG)
    assert (jpeg.small.width, jpeg.small.height) == (None, None) and jpeg.small.sizes == ""
    meta = jpeg.feed_meta(FeedMeta("t", "s", BASE, "en", "a"))
    assert meta.logo == BASE + "icons/icon.jpg" and meta.logo_size is None  # RSS states no size
    big = user_icons(tiny_png(145, 10)).feed_meta(FeedMeta("t", "s", BASE, "en", "a"))
    assert big.logo_size is None  # over RSS's 144: left unstated
    assert user_icons(tiny_png(144, 400)).feed_meta(FeedMeta("t", "s", BASE, "en", "a")).logo_size == (144, 400)
    ico = user_icons(b"\x00\x00\x01\x00\x01\x00" + b"\x00" * 30)
    assert ico.favicon_ico.data == ico.small.data and ico.logo is None  # served as it is
    large = user_icons(tiny_png(300, 300)).favicon_ico.data
    assert large[6:8] == b"\x00\x00"  # ICO says 0 for 256 px and more


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "is not a PNG, JPEG, GIF, WebP, ICO or SVG image"),
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "is larger than 1024 KiB"),
    ],
)
def test_a_bad_icon_stops_the_app_with_one_line(
    settings: Settings, store: SQLiteStore, tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.png").write_bytes(content)
    with pytest.raises(ConfigError) as e:
        create_app(settings.with_overrides(icon=tmp_path / "bad.png"), store=store)
    assert f"[site] icon {message}" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("icon", "missing.png", "[site] icon does not exist"),
    ("icon", ".", "[site] icon must be a file"),
    ("theme_dir", "missing", "[site] theme_dir does not exist"),
    ("theme_dir", "config.toml", "[site] theme_dir must be a folder"),
    ("page_size", 0, "[site] page_size must be between 1 and 1000"),
    ("page_size", "ten", "[site] page_size must be an integer"),
])  # fmt: skip
def test_site_settings_are_checked(tmp_path: Path, key: str, value: object, message: str) -> None:
    (tmp_path / "config.toml").write_text(f"[site]\n{key} = {json.dumps(value)}\n", "utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(tmp_path / "config.toml")
    assert message in str(e.value)


def test_site_paths_are_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "icon.png").write_bytes(tiny_png(8, 8))
    (tmp_path / "config.toml").write_text(
        '[site]\nicon = "theme/icon.png"\ntheme_dir = "theme"\npage_size = 7\n', "utf-8"
    )
    settings = load_settings(tmp_path / "config.toml")
    assert settings.icon == tmp_path / "theme" / "icon.png"
    assert settings.theme_dir == tmp_path / "theme"
    assert settings.page_size == 7


# ---------------------------------------------------------------------------- the W3C validator


def validate(body: bytes, content_type: str, url: str, tmp_path: Path) -> dict[str, object]:
    if not VALIDATOR.is_file():
        pytest.skip(f"{VALIDATOR} is not here (a fresh clone has no ../shared)")
    for module in ("lxml", "html5lib"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the W3C validator needs {module}")
    path = tmp_path / "feed"
    path.write_bytes(body)
    out = subprocess.run(
        [sys.executable, str(VALIDATOR), "--json", "--content-type", content_type, "--base", url, str(path)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode in (0, 1), out.stderr.decode()
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("icon", ["built-in", "png"])
def test_feeds_with_icons_pass_the_w3c_validator(
    settings: Settings, store: SQLiteStore, tmp_path: Path, icon: str
) -> None:
    dated_seeds(settings.seeds_dir, 3)
    if icon == "png":
        (tmp_path / "icon.png").write_bytes(tiny_png(100, 100))
        settings = settings.with_overrides(icon=tmp_path / "icon.png")
    client = client_for(settings, store)
    for path, media_type in (("atom.xml", "application/atom+xml"), ("rss.xml", "application/rss+xml")):
        result = validate(client.get("/" + path).data, media_type, BASE + path, tmp_path)
        assert (result["errors"], result["warnings"]) == ([], []), (path, result)
        assert result["valid_events"]


# ---------------------------------------------------------------------------- sitemap, robots


def strict_children(parent: ET.Element, allowed: dict[str, bool]) -> None:
    """The sitemaps.org structure: only these children (name -> required), in that order,
    and no stray text between elements."""
    assert not (parent.text or "").strip(), parent.text
    names = [child.tag.removeprefix(SM) for child in parent]
    assert [n for n in allowed if n in names] == names, names  # known names, in order, once
    assert all(n in names for n, required in allowed.items() if required), names
    assert all(not (child.tail or "").strip() for child in parent)


def sitemap_locs(body: bytes) -> list[str]:
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(body)
    assert root.tag == SM + "urlset"
    assert not (root.text or "").strip() and all(u.tag == SM + "url" and not (u.tail or "").strip() for u in root)
    for url in root:
        strict_children(url, {"loc": True, "lastmod": False})
    return [u.findtext(SM + "loc") or "" for u in root.findall(SM + "url")]


def test_sitemap_lists_every_page_once(settings: Settings, store: SQLiteStore) -> None:
    dated_seeds(settings.seeds_dir, 5)
    client = client_for(settings, store)
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    locs = sitemap_locs(r.data)
    articles = [BASE + "articles/" + a.slug for a in store.latest()]
    assert locs == [BASE, BASE + "feeds", *articles]
    for loc in locs:  # every URL in it is a page the site serves
        assert client.get(served_path(loc) or "/").status_code == 200
    lastmods = [u.findtext(SM + "lastmod") for u in ET.fromstring(r.data).findall(SM + "url")]
    assert lastmods[2] == "2025-01-01T00:04:00Z"
    assert client.get("/sitemaps/1.xml").status_code == 404  # one file: no index


def test_a_big_site_gets_a_sitemap_index(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemap_module, "SITEMAP_URLS", 4)
    dated_seeds(settings.seeds_dir, 11)  # 13 URLs with the two site pages: 4 files
    client = client_for(settings, store)
    body = client.get("/sitemap.xml").data
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    index = ET.fromstring(body)
    assert index.tag == SM + "sitemapindex"
    assert not (index.text or "").strip()
    for entry in index:
        assert entry.tag == SM + "sitemap" and not (entry.tail or "").strip()
        strict_children(entry, {"loc": True})
    parts = [s.findtext(SM + "loc") or "" for s in index.findall(SM + "sitemap")]
    assert parts == [f"{BASE}sitemaps/{n}.xml" for n in range(1, 5)]
    locs = []
    for part in parts:
        r = client.get(served_path(part))
        assert r.status_code == 200
        assert len(sitemap_locs(r.data)) == (4 if part != parts[-1] else 1)  # full but the last
        locs += sitemap_locs(r.data)
    assert locs == [BASE, BASE + "feeds", *(BASE + "articles/" + a.slug for a in store.latest())]
    assert client.get("/sitemaps/5.xml").status_code == 404


def test_robots_txt_allows_crawling_and_names_the_sitemap(settings: Settings, store: SQLiteStore) -> None:
    client = client_for(settings, store)
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(r.get_data(as_text=True).splitlines())
    assert robots.site_maps() == [BASE + "sitemap.xml"]
    assert robots.can_fetch("SomeBot", BASE + "articles/council-bike-lanes")
    # every line is one the parser understood (it skips what it does not know, silently)
    lines = [line for line in r.get_data(as_text=True).splitlines() if line]
    assert [line.split(":", 1)[0] for line in lines] == ["User-agent", "Allow", "Sitemap"]


# ---------------------------------------------------------------------------- serve's warning


def test_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.0.2.1", "example.org", ""))


@pytest.mark.parametrize(
    ("host", "base_url", "warned"),
    [("0.0.0.0", "", True), ("::", "", True), ("0.0.0.0", "https://news.example/", False), ("127.0.0.1", "", False)],
)
def test_serve_warns_beyond_loopback_without_base_url(
    settings: Settings, caplog: pytest.LogCaptureFixture, host: str, base_url: str, warned: bool
) -> None:
    service = Service(settings.with_overrides(host=host, base_url=base_url), run_refresh, watch=False)
    try:
        with caplog.at_level(logging.INFO, logger="feedsvc"):
            service.start()  # no server listens: Service.start only refreshes and schedules
    finally:
        service.stop()
    lines = [r for r in caplog.records if "base_url" in r.getMessage()]
    assert len(lines) == (1 if warned else 0)
    if warned:
        assert lines[0].levelno == logging.WARNING and "\n" not in lines[0].getMessage()
