"""Draw feedsvc's built-in icon: feedsvc/publish/icons/ (icon.svg and PNGs at 64, 144 and 512 px).

The icon is drawn here, by code, from one geometry: a rounded square with a dot and two arcs
(the "news feed" sign). The PNGs are rasterised with signed distances (edges anti-aliased by
the distance to the shape, no supersampling) and written with zlib, so no image library is
needed and the output is the same bytes on every machine. tests/test_icons.py redraws the
small sizes and compares them with the shipped files.

    .venv/bin/python tools/make_icons.py
"""

from __future__ import annotations

import math
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "feedsvc" / "publish" / "icons"
SIZES = (64, 144, 512)

# Geometry in a unit square (y down), shared by the SVG and the rasteriser.
BOX_RADIUS = 0.2
CENTER = (0.27, 0.73)  #: the dot, and the centre of both arcs
DOT = 0.095
ARCS = ((0.33, 0.065), (0.55, 0.065))  #: (mid radius, half width): the rings, quarter circles
BACKGROUND = (0x1A, 0x5F, 0xB4)  #: a blue the white sign stands on with 6.4:1 contrast
SIGN = (0xFF, 0xFF, 0xFF)


def _box(x: float, y: float) -> float:
    """Signed distance to the rounded square filling the unit square."""
    qx = abs(x - 0.5) - (0.5 - BOX_RADIUS)
    qy = abs(y - 0.5) - (0.5 - BOX_RADIUS)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - BOX_RADIUS


def _sign(x: float, y: float) -> float:
    """Signed distance to the white sign: the dot and two quarter rings (up and to the right)."""
    cx, cy = CENTER
    r = math.hypot(x - cx, y - cy)
    d = r - DOT
    for mid, half in ARCS:
        ring = abs(r - mid) - half
        d = min(d, max(ring, cx - x, y - cy))  # cut to the quarter right of and above the centre
    return d


def _coverage(distance: float, size: int) -> float:
    return min(1.0, max(0.0, 0.5 - distance * size))


def rgba(size: int) -> bytes:
    """The icon as raw RGBA rows, each prefixed with PNG filter type 0."""
    rows = bytearray()
    for j in range(size):
        rows.append(0)
        y = (j + 0.5) / size
        for i in range(size):
            x = (i + 0.5) / size
            alpha = _coverage(_box(x, y), size)
            if alpha == 0.0:
                rows += b"\0\0\0\0"
                continue
            white = _coverage(_sign(x, y), size)
            rows += bytes(round(b + (s - b) * white) for b, s in zip(BACKGROUND, SIGN, strict=True))
            rows.append(round(alpha * 255))
    return bytes(rows)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(size: int) -> bytes:
    """A size x size PNG (8-bit RGBA) of the icon."""
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rgba(size), 9))
        + _chunk(b"IEND", b"")
    )


def svg() -> str:
    """The same icon as SVG (512 user units)."""
    s = 512
    cx, cy = CENTER[0] * s, CENTER[1] * s
    paths = []
    for mid, half in ARCS:
        r = mid * s
        paths.append(
            f'<path d="M{cx:g} {cy - r:g}A{r:g} {r:g} 0 0 1 {cx + r:g} {cy:g}" '
            f'fill="none" stroke="#fff" stroke-width="{2 * half * s:g}"/>'
        )
    color = "#{:02x}{:02x}{:02x}".format(*BACKGROUND)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}">'
        f'<rect width="{s}" height="{s}" rx="{BOX_RADIUS * s:g}" fill="{color}"/>'
        f'<circle cx="{cx:g}" cy="{cy:g}" r="{DOT * s:g}" fill="#fff"/>' + "".join(paths) + "</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg(), "utf-8")
    for size in SIZES:
        (OUT / f"icon-{size}.png").write_bytes(png(size))
        print(f"wrote {OUT / f'icon-{size}.png'}")


if __name__ == "__main__":
    main()
