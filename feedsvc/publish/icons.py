"""The site's icons: the built-in set (drawn by tools/make_icons.py) or one image from
``[site] icon``, the URLs they are served at, and /favicon.ico. No HTTP, no config.

Each use gets the file that fits it: the browser tab the SVG (or the 64 px PNG), the Atom
``<icon>`` and JSON Feed ``favicon`` the 64 px PNG, RSS ``<image>`` and the Atom ``<logo>``
the 144 px one (RSS 2.0's limit; feedgen sets both from one URL), JSON Feed ``icon`` and the
OpenGraph image the 512 px one. A user's icon is one file used for all of them (as the logo
only when it is a GIF, JPEG or PNG, the formats RSS allows).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from dataclasses import replace
from importlib import resources

from ..model import FeedMeta

ICON_DIR = "icons/"  #: the folder below the site's root the files are served from
MAX_ICON_BYTES = 1024 * 1024

_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class IconFile:
    """One image the site serves below /icons/."""

    name: str  #: file name below /icons/: "icon-64.png"
    media_type: str
    data: bytes = b""
    width: int | None = None  #: None when the format does not say (SVG, JPEG, WebP, ICO)
    height: int | None = None

    @property
    def path(self) -> str:
        """Below the site's root, no leading slash."""
        return ICON_DIR + self.name

    @property
    def sizes(self) -> str:
        """The HTML ``sizes`` attribute: "64x64", "any" for SVG, "" when unknown."""
        if self.media_type == "image/svg+xml":
            return "any"
        return f"{self.width}x{self.height}" if self.width and self.height else ""


@dataclass(frozen=True, slots=True)
class SiteIcons:
    """Which file serves which purpose; ``files`` are all of them, ``favicon_ico`` /favicon.ico."""

    files: tuple[IconFile, ...]
    tab: tuple[IconFile, ...]  #: <link rel="icon">, best first
    small: IconFile  #: Atom <icon>, JSON Feed favicon
    large: IconFile  #: JSON Feed icon, og:image, apple-touch-icon
    logo: IconFile | None  #: Atom <logo> and RSS <image>: GIF, JPEG or PNG
    favicon_ico: IconFile

    def by_name(self, name: str) -> IconFile | None:
        return next((f for f in self.files if f.name == name), None)

    def feed_meta(self, meta: FeedMeta) -> FeedMeta:
        """``meta`` with the absolute URLs of these icons (from its base URL)."""
        base = meta.base_url
        logo_size = None
        logo = self.logo
        if logo and logo.width and logo.height and logo.width <= 144 and logo.height <= 400:
            logo_size = (logo.width, logo.height)  # RSS 2.0's maximum: larger ones go unstated
        return replace(
            meta,
            icon=base + self.large.path,
            favicon=base + self.small.path,
            logo=base + self.logo.path if self.logo else "",
            logo_size=logo_size,
        )


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == _PNG and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return None


def _ico_from_png(png: IconFile) -> bytes:
    """An ICO file holding one PNG image (allowed since Windows Vista; every browser reads it)."""
    assert png.width and png.height
    w, h = (0 if n >= 256 else n for n in (png.width, png.height))  # 0 means 256 or more
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", w, h, 0, 0, 1, 32, len(png.data), 6 + 16)
    return header + entry + png.data


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, file extension) of an image from its first bytes, or None."""
    head = data[:1024]
    if head.startswith(_PNG):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[:4] == b"\0\0\1\0":
        return "image/x-icon", "ico"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head.lower():
        return "image/svg+xml", "svg"
    return None


def user_icons(data: bytes) -> SiteIcons:
    """The icons for one image a user gave; ValueError when it is no image feedsvc knows."""
    if not data:
        raise ValueError("is empty")
    if len(data) > MAX_ICON_BYTES:
        raise ValueError(f"is larger than {MAX_ICON_BYTES // 1024} KiB")
    kind = sniff(data)
    if kind is None:
        raise ValueError("is not a PNG, JPEG, GIF, WebP, ICO or SVG image")
    media_type, ext = kind
    size = _png_size(data)
    if media_type == "image/gif" and len(data) >= 10:
        size = struct.unpack("<HH", data[6:10])
    icon = IconFile(f"icon.{ext}", media_type, data, *(size or (None, None)))
    logo = icon if ext in ("png", "jpg", "gif") else None
    if ext == "ico":
        ico = IconFile("favicon.ico", media_type, data)
    elif ext == "png" and size:
        ico = IconFile("favicon.ico", "image/x-icon", _ico_from_png(icon))
    else:  # browsers look at the bytes, not the name: an SVG or JPEG works as /favicon.ico
        ico = IconFile("favicon.ico", media_type, data)
    return SiteIcons(files=(icon,), tab=(icon,), small=icon, large=icon, logo=logo, favicon_ico=ico)


def default_icons() -> SiteIcons:
    """The built-in icon, from the package's icons/ folder."""
    folder = resources.files("feedsvc.publish").joinpath("icons")

    def png(size: int) -> IconFile:
        data = folder.joinpath(f"icon-{size}.png").read_bytes()
        return IconFile(f"icon-{size}.png", "image/png", data, size, size)

    svg = IconFile("icon.svg", "image/svg+xml", folder.joinpath("icon.svg").read_bytes())
    small, medium, large = png(64), png(144), png(512)
    ico = IconFile("favicon.ico", "image/x-icon", _ico_from_png(small))
    return SiteIcons(
        files=(svg, small, medium, large), tab=(svg, small), small=small, large=large, logo=medium,
        favicon_ico=ico,
    )  # fmt: skip
