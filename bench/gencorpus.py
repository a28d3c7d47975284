"""Generate a large seeds corpus of N distinct articles from the real BBC seed-format articles.

    python bench/gencorpus.py --n 10000 --out /tmp/feedsvc-bench/seeds-10000

Article i is built from source article ``i % S`` (S = number of source files) in variant
``k = i // S``: its paragraphs are rotated by ``k`` and a closing sentence naming ``i`` is
appended, so every generated file is distinct and the output is deterministic (same N, same
sources -> same bytes). Files go ``--per-dir`` to a folder: ``0000/000000_<source stem>.txt``.

Only ever writes under --out (by default in the system temp dir, outside the repo): the
corpus text is never copied into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import DEFAULT_CORPUS

MARKER = ".feedsvc-bench-corpus"  # hidden: the refresh scan ignores it


@dataclass(frozen=True)
class Generated:
    root: Path
    files: int
    bytes: int
    dirs: int
    seconds: float


def default_out(n: int) -> Path:
    return Path(tempfile.gettempdir()) / "feedsvc-bench" / f"seeds-{n}"


def load_sources(src: Path) -> list[tuple[str, list[str]]]:
    """(stem, paragraphs) of every *.txt in ``src``, sorted by name. Exits when absent."""
    if not src.is_dir():
        sys.exit(
            f"error: source corpus not found: {src}\n"
            "  (expected the BBC seed-format articles at ../shared/corpus/bbc-seedstyle relative to "
            "the repo root; pass --src DIR to use another folder of .txt articles)"
        )
    out = []
    for path in sorted(src.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        paragraphs = [line for line in text.splitlines() if line.strip()]
        if paragraphs:
            out.append((path.stem, paragraphs))
    if not out:
        sys.exit(f"error: no non-empty .txt articles in {src}")
    return out


def article_text(i: int, stem: str, paragraphs: list[str], variant: int) -> str:
    shift = variant % len(paragraphs)
    body = paragraphs[shift:] + paragraphs[:shift]
    body.append(f"This is generated article {i}, variant {variant} of source {stem}.")
    return "\n".join(body) + "\n"


def relpath_for(i: int, stem: str, per_dir: int) -> str:
    name = f"{i:06d}_{stem}.txt"
    return name if per_dir <= 0 else f"{i // per_dir:04d}/{name}"


def prepare_out(out: Path) -> None:
    """Make ``out`` an empty folder; only ever deletes a folder this script generated."""
    if out.exists():
        if not out.is_dir():
            sys.exit(f"error: --out {out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                sys.exit(
                    f"error: --out {out} is not empty and was not made by gencorpus.py; refusing to touch it"
                )
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def generate(n: int, out: Path, *, src: Path = DEFAULT_CORPUS, per_dir: int = 100) -> Generated:
    if n <= 0:
        raise ValueError("n must be positive")
    started = time.perf_counter()
    sources = load_sources(src)
    out = out.resolve()
    prepare_out(out)
    (out / MARKER).write_text(f"gencorpus n={n} per_dir={per_dir} src={src}\n", encoding="utf-8")
    seen: set[bytes] = set()
    total = 0
    dirs: set[str] = set()
    for i in range(n):
        stem, paragraphs = sources[i % len(sources)]
        data = article_text(i, stem, paragraphs, i // len(sources)).encode("utf-8", errors="surrogateescape")
        digest = hashlib.sha1(data).digest()
        if digest in seen:  # cannot happen (the sentence names i); guard the promise anyway
            raise AssertionError(f"generated article {i} duplicates an earlier one")
        seen.add(digest)
        rel = relpath_for(i, stem, per_dir)
        folder = os.path.dirname(rel)
        if folder not in dirs:
            (out / folder).mkdir(exist_ok=True)
            dirs.add(folder)
        (out / rel).write_bytes(data)
        total += len(data)
    return Generated(out, n, total, len(dirs), time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000, help="number of articles (default 10000)")
    parser.add_argument("--out", type=Path, help="output folder (default: <tmp>/feedsvc-bench/seeds-N)")
    parser.add_argument(
        "--src", type=Path, default=DEFAULT_CORPUS, help=f"source articles (default {DEFAULT_CORPUS})"
    )
    parser.add_argument("--per-dir", type=int, default=100, help="files per folder; 0 = flat (default 100)")
    args = parser.parse_args(argv)
    if args.n <= 0:
        parser.error("--n must be positive")
    out = args.out or default_out(args.n)
    g = generate(args.n, out, src=args.src, per_dir=args.per_dir)
    print(
        f"generated {g.files:,} articles ({g.bytes / 1e6:.1f} MB in {g.dirs} folders) in {g.root} ({g.seconds:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
