"""Hostile files in the seeds dir: nothing a file is or contains may take a refresh down.

Each case in CASES builds one hostile file (or a few of one kind) next to good articles, runs
the refresh (in a thread, with a deadline: a FIFO must not hang it), and checks what happened
to that file: skipped with a logged reason, deferred, or published safely. Then the same
checks run for every case: the good articles are still published, the index passes
``PRAGMA integrity_check``, all three feeds parse (feedparser ``bozo == 0``, ``json.loads``),
nothing XML 1.0 forbids is served, no log line carries a raw control character, and no byte
of a file outside the seeds dir (``/etc/passwd``, a secret next to the seeds dir) is in a
feed, a page or the index. ``len(CASES)`` is the number of hostile files tried.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import FIXED_NOW

import feedsvc.refresh.reading
import feedsvc.sources
from feedsvc.config import Settings
from feedsvc.identity import path_id
from feedsvc.metrics import OTHER
from feedsvc.metrics import skip_kind
from feedsvc.model import Article
from feedsvc.model import RefreshStats
from feedsvc.publish import body_html
from feedsvc.refresh import run_refresh
from feedsvc.sources import CompleteCheck
from feedsvc.sources import SourceFile
from feedsvc.sources import display_path
from feedsvc.store import Store
from feedsvc.web import create_app

GOOD = {
    "good-harbour.txt": "Title: Harbour reopens\n\nThe harbour reopened this morning after the storm.\n",
    "nested/good-council.txt": "The council met on Tuesday. It approved the budget.\n",
}
GOOD_IDS = (*map(path_id, GOOD), path_id("000_b13d5d3931fdf2cc.txt"), "council-bike-lanes")  # + conftest's two seeds
SECRET = "OUTSIDE-SECRET-7f3a9c: this text lives outside the seeds dir and must never be served."
PASSWD_MARK = "root:x:0:0"
# What XML 1.0 forbids (tabs, line ends and ordinary text are fine).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LOG_CONTROL = re.compile("[\x00-\x1f\x7f]")
DEADLINE = 20.0  # seconds for one refresh; the whole module takes about two


# ---------------------------------------------------------------------------- the harness


@dataclass
class Env:
    """One hostile case: a seeds dir with good articles, a place outside it, a store."""

    seeds: Path
    outside: Path
    settings: Settings
    store: Store
    monkeypatch: pytest.MonkeyPatch
    caplog: pytest.LogCaptureFixture

    def refresh(self, on_timeout: Callable[[], None] | None = None) -> RefreshStats:
        """run_refresh in a thread: fail (not hang) when it does not finish in DEADLINE seconds."""
        out: dict[str, Any] = {}

        def target() -> None:
            try:
                out["stats"] = run_refresh(self.settings, self.store, now=lambda: FIXED_NOW)
            except BaseException as e:  # re-raised in the test's thread
                out["error"] = e

        thread = threading.Thread(target=target, name="hostile-refresh", daemon=True)
        thread.start()
        thread.join(DEADLINE)
        if thread.is_alive():
            if on_timeout is not None:
                on_timeout()
            pytest.fail(f"run_refresh did not finish within {DEADLINE:g}s")
        if "error" in out:
            raise out["error"]
        stats: RefreshStats = out["stats"]
        return stats

    def write(self, relpath: str | bytes, data: str | bytes) -> Path:
        if isinstance(relpath, bytes):  # a name that is not UTF-8
            raw = os.path.join(os.fsencode(self.seeds), relpath)
            with open(raw, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            return Path(os.fsdecode(raw))
        path = self.seeds / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def expect_skipped(self, stats: RefreshStats, relpath: str, *fragments: str) -> str:
        """``relpath`` is skipped, its reason has every fragment, and a warning says so."""
        reasons = {s.path: s.reason for s in stats.skipped}
        assert relpath in reasons, f"{relpath!r} not skipped; skipped: {reasons}"
        reason = reasons[relpath]
        for fragment in fragments:
            assert fragment in reason, reason
        shown = display_path(relpath)
        logged = [r.getMessage() for r in self.caplog.records if r.levelno >= logging.WARNING]
        assert any(shown in m and reason in m for m in logged), logged
        assert self.store.get(path_id(relpath)) is None
        assert relpath not in {a.path for a in self.store.latest()}
        return reason

    def expect_published(self, relpath: str, article_id: str | None = None) -> Article:
        """The article the file at ``relpath`` publishes (under ``article_id``, default its path's id)."""
        article = self.store.get(article_id or path_id(relpath))
        assert article is not None, f"{relpath!r} is not published"
        assert article.path == relpath
        return article


@pytest.fixture
def env(
    settings: Settings, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> Env:  # fmt: skip
    caplog.set_level(logging.DEBUG)  # per-file lines (deferred, added) are DEBUG
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", "utf-8")
    e = Env(settings.seeds_dir, outside, settings, store, monkeypatch, caplog)
    for relpath, text in GOOD.items():
        e.write(relpath, text)
    return e


Case = Callable[[Env], None]
CASES: list[Any] = []  #: one pytest.param per hostile file (or file pair): len() is the count


def case(name: str, *marks: pytest.MarkDecorator) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES.append(pytest.param(fn, id=name, marks=marks))
        return fn

    return register


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


# ---------------------------------------------------------------------------- contents


@case("empty")
def _empty(env: Env) -> None:
    env.write("empty.txt", b"")
    env.expect_skipped(env.refresh(), "empty.txt", "empty")


@case("whitespace-only")
def _whitespace(env: Env) -> None:
    env.write("blank.txt", " \t\r\n\n   \u00a0\u2003\n\r\n" * 50)
    env.expect_skipped(env.refresh(), "blank.txt")


@case("binary-random-with-nuls")
def _binary(env: Env) -> None:
    data = random.Random(7).randbytes(4096)  # compressed or encrypted data looks like this
    env.write("random.txt", data[:100] + b"\x00\x00" + data[100:])
    env.expect_skipped(env.refresh(), "random.txt", "binary file (10.6% control bytes)")


@case("png-named-txt")
def _png(env: Env) -> None:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    env.write("photo.txt", header + random.Random(8).randbytes(2048))
    env.expect_skipped(env.refresh(), "photo.txt", "binary file (PNG image)")


@case("50-MB-sparse")
def _huge(env: Env) -> None:
    path = env.seeds / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: instant, and no disk used
    read_from_huge = []
    real_read = os.read

    def spy(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        if _fd_path(fd).endswith("/huge.txt"):
            read_from_huge.append(len(data))
        return data

    env.monkeypatch.setattr(os, "read", spy)
    reason = env.expect_skipped(env.refresh(), "huge.txt", "larger than", "52,428,800 bytes")
    assert f"{env.settings.max_file_bytes:,}" in reason
    assert read_from_huge == []  # refused on its size: not one byte read


@case("200000-char-line-of-words")
def _long_line_words(env: Env) -> None:
    env.write("long-words.txt", "word " * 40_000)
    env.refresh()
    article = env.expect_published("long-words.txt")
    assert len(article.title) <= env.settings.title_length + 1
    assert len(article.summary) <= env.settings.summary_length + 1


@case("200000-char-line-one-token")
def _long_line_token(env: Env) -> None:
    env.write("long-token.txt", "x" * 200_000)
    stats = env.refresh()
    if "long-token.txt" in {s.path for s in stats.skipped}:
        env.expect_skipped(stats, "long-token.txt")
        return
    article = env.expect_published("long-token.txt")
    assert len(article.title) <= env.settings.title_length + 1
    assert len(article.summary) <= env.settings.summary_length + 1


@case("10000-short-lines", pytest.mark.slow)
def _many_lines(env: Env) -> None:
    env.write("many-lines.txt", "".join(f"Paragraph number {i} says little.\n" for i in range(10_000)))
    env.refresh()
    assert len(env.expect_published("many-lines.txt").blocks) == 10_000


@case("invalid-utf-8")
def _invalid_utf8(env: Env) -> None:
    env.write("bad-utf8.txt", b"Caf\xc3 au lait \xff\xfe and \xe2\x82 broken bytes. A second sentence.\n")
    env.refresh()
    article = env.expect_published("bad-utf8.txt")
    assert article.title.startswith("Caf") and "\ufffd" not in article.body_text


@case("utf-16-with-bom")
def _utf16(env: Env) -> None:
    env.write("utf16.txt", "Title: Zürich in UTF-16\n\nGrüße aus Zürich. Ça va.\n".encode("utf-16"))
    env.refresh()
    article = env.expect_published("utf16.txt")
    assert (article.title, article.body_text) == ("Zürich in UTF-16", "Grüße aus Zürich. Ça va.")


@case("utf-16-without-bom")
def _utf16_no_bom(env: Env) -> None:
    env.write("utf16-nobom.txt", "Text without a byte order mark.\n".encode("utf-16-le"))
    env.refresh()  # known by its NUL pattern: "T\0e\0x\0t\0"
    assert env.expect_published("utf16-nobom.txt").body_text == "Text without a byte order mark."


@case("utf-32-with-bom")
def _utf32(env: Env) -> None:
    env.write("utf32.txt", "Wide text from a wide encoder. It decodes.\n".encode("utf-32"))
    env.refresh()
    assert env.expect_published("utf32.txt").title == "Wide text from a wide encoder"


@case("latin-1")
def _latin1(env: Env) -> None:
    env.write("latin1.txt", "Café crème brûlée, £5. Très bon.\n".encode("latin-1"))
    env.refresh()
    assert env.expect_published("latin1.txt").body_text == "Café crème brûlée, £5. Très bon."


@case("nul-inside-text")
def _nul(env: Env) -> None:
    env.write("nul.txt", "A normal looking article. " * 40 + "\x00" + "It goes on. " * 40)
    env.refresh()  # a stray NUL is debris, removed like other controls: not a binary file
    article = env.expect_published("nul.txt")
    assert article.body_text == ("A normal looking article. " * 40 + "It goes on. " * 40).strip()


@case("control-characters-inside-text")
def _controls(env: Env) -> None:
    text = (
        "Bell\x07 and backspace\x08 and vertical\x0b tab. " * 3
        + "Form\x0cfeed, DEL\x7f, C1 \u0085\u0090\u009b chars, ANSI \x1b[31mred\x1b[0m text. " * 3
        + "Zero\u200bwidth and\ufeff BOM and \ufffe\uffff non-characters and \ud800 a lone surrogate. " * 3
        + "Plenty of ordinary words around them so the file is text, not binary. " * 20
    )
    env.write("controls.txt", text.encode("utf-8", "surrogatepass"))
    env.refresh()
    article = env.expect_published("controls.txt")
    for text in (article.title, article.summary, article.body_text, body_html(article.blocks)):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f\ud800-\udfff\ufffe\uffff]", text)
    assert "red text" in article.body_text and "[31m" not in article.body_text


@case("hostile-header", pytest.mark.slow)
def _header(env: Env) -> None:
    env.write(
        "header.txt",
        "Title: " + "T" * 100_000 + "\nDate: 99999-99-99 25:61\nAuthor: <b>Mallory</b>\n"
        "Id: ../../etc/passwd\nTags: "
        + ",".join(f"tag{i}" for i in range(2000))
        + "\n\nThe body is plain.\n",
    )
    env.refresh()
    article = env.expect_published("header.txt", "../../etc/passwd")  # an id is a key, never a path to open
    assert article.slug.isascii() and "/" not in article.slug and ".." not in article.slug
    assert article.published.replace(microsecond=0) == FIXED_NOW  # the bad date was ignored
    assert any("header.txt" in r.getMessage() for r in env.caplog.records if r.levelno >= logging.WARNING)


@case("5000-tags", pytest.mark.slow)
def _many_tags(env: Env) -> None:
    tags = ",".join(f"tag{i}" for i in range(5000))  # 44 KB: far under max_file_bytes
    env.write("tags.txt", f"Title: Tagged to death\nTags: {tags}\n\nA story with a long tag list.\n")
    env.refresh()
    assert len(env.expect_published("tags.txt").tags) == 5000
    client = create_app(env.settings, store=env.store).test_client()
    started = time.process_time()  # CPU time: a busy machine stretches wall time, not this
    for path in ("/atom.xml", "/rss.xml", "/feed.json"):
        assert client.get(path).status_code == 200
    # Rendering runs on a request thread under the cache lock: it must stay linear in the tags
    # (feedgen's FeedEntry.category() re-maps every category on each call: one call per tag
    # was quadratic: 3.5 s here, 9 s for 8,000 tags, hours for a file of tags near the limit).
    assert time.process_time() - started < 1.5, time.process_time() - started


# ---------------------------------------------------------------------------- names


@case("name-with-spaces-and-unicode")
def _unicode_name(env: Env) -> None:
    env.write("Über uns – 北京 café ☕.txt", "A story from far away. It is short.\n")
    env.refresh()
    assert env.expect_published("Über uns – 北京 café ☕.txt").slug.isascii()


@case("name-leading-dash")
def _dash_name(env: Env) -> None:
    env.write("-rf.txt", "A file whose name looks like an option. Nothing happens.\n")
    env.write("--help.txt", "Another one. Still nothing.\n")
    env.refresh()
    env.expect_published("-rf.txt")
    env.expect_published("--help.txt")


@case("name-dots-inside")
def _dots_name(env: Env) -> None:
    env.write("a..b.txt", "Two dots in a name are just two dots. Fine.\n")
    env.write("x.....txt", "Dots before the extension. Fine too.\n")
    env.refresh()
    for article_id in ("a..b.txt", "x.....txt"):
        slug = env.expect_published(article_id).slug
        assert ".." not in slug and "/" not in slug


@case("name-with-newline")
def _newline_name(env: Env) -> None:
    env.write("evil\nINFO forged log line.txt", "A name with a line break. Logs must not break.\n")
    env.write("ansi\x1b[2J\x07.txt", "A name with a terminal escape. Logs must not run it.\n")
    env.refresh()
    env.expect_published("evil\nINFO forged log line.txt")
    env.expect_published("ansi\x1b[2J\x07.txt")


@case("name-not-utf-8")
def _bytes_name(env: Env) -> None:
    env.write(b"caf\xe9-\xff.txt", "A Latin-1 file name. The walk must cope.\n")
    stats = env.refresh()
    (skipped,) = [s for s in stats.skipped if "caf" in s.path]
    assert "UTF-8" in skipped.reason and skipped.path.isprintable()
    env.expect_skipped(stats, skipped.path)


@case("name-255-bytes")
def _long_name(env: Env) -> None:
    name = "ü" * 125 + "x.txt"  # 255 bytes: the longest name a Linux file system takes
    assert len(name.encode("utf-8")) == 255
    env.write(name, "A long name. A short story.\n")
    env.refresh()
    assert len(env.expect_published(name).slug) <= 120


@case("nested-60-levels")
def _deep(env: Env) -> None:
    relpath = "/".join(f"level{i}" for i in range(60)) + "/deep.txt"
    env.write(relpath, "Deep down in the tree. Still found.\n")
    env.refresh()
    assert len(env.expect_published(relpath).slug) <= 120


# ---------------------------------------------------------------------------- links and file types


@case("symlink-to-etc-passwd")
def _passwd(env: Env) -> None:
    (env.seeds / "passwd.txt").symlink_to("/etc/passwd")
    env.expect_skipped(env.refresh(), "passwd.txt", "outside")


@case("symlink-relative-escape")
def _escape(env: Env) -> None:
    (env.seeds / "nested" / "up.txt").symlink_to("../../outside/secret.txt")
    env.expect_skipped(env.refresh(), "nested/up.txt", "outside")


@case("symlink-to-outside-dir")
def _outside_dir(env: Env) -> None:
    (env.seeds / "etc").symlink_to("/etc")
    (env.seeds / "leak").symlink_to(env.outside)
    stats = env.refresh()
    env.expect_skipped(stats, "etc", "outside")
    env.expect_skipped(stats, "leak", "outside")
    assert not [a.path for a in env.store.latest() if a.path.startswith(("etc/", "leak/"))]


@case("symlink-to-dev-zero")
def _dev_zero(env: Env) -> None:
    (env.seeds / "zero.txt").symlink_to("/dev/zero")
    env.expect_skipped(env.refresh(), "zero.txt")


@case("symlink-loop")
def _loop(env: Env) -> None:
    (env.seeds / "self.txt").symlink_to("self.txt")
    (env.seeds / "ping.txt").symlink_to("pong.txt")
    (env.seeds / "pong.txt").symlink_to("ping.txt")
    stats = env.refresh()
    for name in ("self.txt", "ping.txt", "pong.txt"):
        env.expect_skipped(stats, name, "loop")


@case("directory-symlink-loop")
def _dir_loop(env: Env) -> None:
    (env.seeds / "nested" / "again").symlink_to("..")
    (env.seeds / "nested" / "itself").symlink_to(".")
    env.refresh()  # terminates; each file is published once, under its real path
    assert not [a.path for a in env.store.latest() if "again" in a.path or "itself" in a.path]


@case("dangling-symlink")
def _dangling(env: Env) -> None:
    (env.seeds / "gone.txt").symlink_to("nowhere.txt")
    env.expect_skipped(env.refresh(), "gone.txt", "dangling")


@case("fifo")
def _fifo(env: Env) -> None:
    fifo = env.seeds / "pipe.txt"
    os.mkfifo(fifo)

    def unblock() -> None:  # a refresh stuck in open() gets a writer, so the thread can end
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)

    env.expect_skipped(env.refresh(on_timeout=unblock), "pipe.txt", "not a regular file")


@case("unix-socket")
def _socket(env: Env) -> None:
    env.monkeypatch.chdir(env.seeds)  # a relative bind path stays under the 108-byte limit
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind("sock.txt")
        env.expect_skipped(env.refresh(), "sock.txt", "not a regular file")


@case("unreadable")
def _unreadable(env: Env) -> None:
    path = env.write("locked.txt", "A file nobody may read. Never published.\n")
    if os.geteuid() == 0:
        # root reads a chmod 000 file anyway: simulate the refusal at the one place files are opened
        target = os.path.realpath(path)
        real_open = os.open

        def refusing(p: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if os.path.realpath(p) == target:
                raise PermissionError(13, "Permission denied", os.fspath(p))
            return real_open(p, flags, *args, **kwargs)

        env.monkeypatch.setattr(os, "open", refusing)
    else:
        path.chmod(0)
    env.expect_skipped(env.refresh(), "locked.txt", "permission denied")


# ---------------------------------------------------------------------------- files that change


def _before_read(env: Env, relpath: str, action: Callable[[], None]) -> list[str]:
    """Run ``action`` once, between the walk's stat of ``relpath`` and its read."""
    real = feedsvc.refresh.reading.read_file
    done: list[str] = []

    def wrapped(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
        if src.relpath == relpath and not done:
            done.append(relpath)
            action()
        return real(src, max_bytes, check)

    env.monkeypatch.setattr(feedsvc.refresh.reading, "read_file", wrapped)
    return done


HALF = "Title: Growing story\n\nThe first paragraph is here.\n"
WHOLE = HALF + "The second paragraph arrives later.\n"


def _published_whole_next_time(env: Env, stats: RefreshStats, relpath: str) -> None:
    assert relpath in stats.deferred, stats
    assert any("deferred" in r.getMessage() and relpath in r.getMessage() for r in env.caplog.records)
    assert env.store.get(path_id(relpath)) is None  # never published half-written
    env.monkeypatch.undo()
    again = env.refresh()
    assert again.deferred == ()
    assert env.expect_published(relpath).body_text.endswith("The second paragraph arrives later.")


@case("grows-between-stat-and-read")
def _grows_before(env: Env) -> None:
    path = env.write("growing.txt", HALF)

    def append() -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write("The second paragraph arrives later.\n")

    _before_read(env, "growing.txt", append)
    _published_whole_next_time(env, env.refresh(), "growing.txt")


@case("grows-during-read")
def _grows_during(env: Env) -> None:
    path = env.write("growing.txt", HALF)
    real_read = os.read
    appended: list[bool] = []

    def read_then_append(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        if not appended and _fd_path(fd) == str(path):
            appended.append(True)  # the writer adds its second paragraph after our first read
            with path.open("a", encoding="utf-8") as f:
                f.write("The second paragraph arrives later.\n")
        return data

    env.monkeypatch.setattr(os, "read", read_then_append)
    stats = env.refresh()
    assert appended
    _published_whole_next_time(env, stats, "growing.txt")


@case("truncated-between-stat-and-read")
def _shrinks(env: Env) -> None:
    path = env.write("shrinking.txt", WHOLE)

    def truncate() -> None:
        path.write_text(HALF[:30], "utf-8")

    _before_read(env, "shrinking.txt", truncate)
    stats = env.refresh()
    assert "shrinking.txt" in stats.deferred and env.store.get(path_id("shrinking.txt")) is None
    env.monkeypatch.undo()
    env.refresh()
    assert env.store.get(path_id("shrinking.txt")) is None or env.expect_published("shrinking.txt")


@case("replaced-by-directory-between-refreshes")
def _becomes_dir(env: Env) -> None:
    path = env.write("shape.txt", "A file that becomes a folder. First a file.\n")
    env.refresh()
    env.expect_published("shape.txt")
    path.unlink()
    env.write("shape.txt/inner.txt", "Now a folder with a file. Second shape.\n")
    stats = env.refresh()
    assert env.store.get(path_id("shape.txt")) is None
    env.expect_published("shape.txt/inner.txt")
    assert "shape.txt" not in {s.path for s in stats.skipped}


@case("replaced-by-directory-between-stat-and-read")
def _becomes_dir_mid_refresh(env: Env) -> None:
    path = env.write("shape.txt", "A file that becomes a folder. First a file.\n")

    def swap() -> None:
        path.unlink()
        path.mkdir()
        (path / "inner.txt").write_text("Now a folder with a file. Second shape.\n", "utf-8")

    _before_read(env, "shape.txt", swap)
    stats = env.refresh()
    assert env.store.get(path_id("shape.txt")) is None
    assert "shape.txt" in stats.deferred or "shape.txt" in {s.path for s in stats.skipped}
    env.monkeypatch.undo()
    stats = env.refresh()
    env.expect_published("shape.txt/inner.txt")
    assert "shape.txt" not in {s.path for s in stats.skipped}


@case("replaced-by-fifo-between-stat-and-read")
def _becomes_fifo(env: Env) -> None:
    path = env.write("pipe.txt", "A file that becomes a pipe. Reading must not block.\n")

    def swap() -> None:
        path.unlink()
        os.mkfifo(path)

    _before_read(env, "pipe.txt", swap)
    stats = env.refresh()
    assert env.store.get(path_id("pipe.txt")) is None
    assert "pipe.txt" in stats.deferred or "pipe.txt" in {s.path for s in stats.skipped}


class _Listing:
    """What os.scandir returns, with entries listed before ``vanish`` runs."""

    def __init__(self, entries: list[os.DirEntry[str]], vanish: Callable[[], None]) -> None:
        self.entries = entries
        vanish()

    def __enter__(self) -> Any:
        return iter(self.entries)

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Any:
        return iter(self.entries)

    def close(self) -> None:
        return None


@case("deleted-between-listing-and-stat")
def _vanishes(env: Env) -> None:
    path = env.write("vanishing.txt", "Here one moment. Gone the next.\n")
    real_scandir = os.scandir

    def listing_then_delete(p: Any) -> Any:
        with real_scandir(p) as it:
            entries = list(it)
        listed = os.readlink(f"/proc/self/fd/{p}") if isinstance(p, int) else os.path.realpath(p)  # fd: the walk's
        vanish = path.unlink if listed == os.path.realpath(env.seeds) and path.exists() else None
        return _Listing(entries, vanish or (lambda: None))

    env.monkeypatch.setattr(os, "scandir", listing_then_delete)
    stats = env.refresh()
    assert env.store.get(path_id("vanishing.txt")) is None
    assert "vanishing.txt" not in {s.path for s in stats.skipped}


@case("replaced-by-outside-symlink-between-stat-and-read")
def _becomes_outside_link(env: Env) -> None:
    secret = env.outside / "secret.txt"
    path = env.write("victim.txt", b"x" * secret.stat().st_size)
    st = path.stat()
    os.utime(secret, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime as the victim

    def swap() -> None:
        path.unlink()
        path.symlink_to(secret)

    _before_read(env, "victim.txt", swap)
    stats = env.refresh()
    assert env.store.get(path_id("victim.txt")) is None
    assert "victim.txt" in stats.deferred or "victim.txt" in {s.path for s in stats.skipped}


# ---------------------------------------------------------------------------- the checks every case gets


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _index_contents(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """Everything the index holds, as bytes, without feedsvc's code: the SQLite files, or each
    PostgreSQL table's rows as text."""
    if settings.store_url is None:
        for file in settings.db_path.parent.iterdir():
            if file.is_file():
                yield str(file), file.read_bytes()
        return
    import psycopg

    with psycopg.connect(settings.store_url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        assert "articles" in tables
        for table in tables:
            rows = conn.execute(f"SELECT t::text FROM {table} t").fetchall()  # noqa: S608
            yield table, "\n".join(r[0] for r in rows).encode("utf-8")


def _check_everything_is_safe(env: Env) -> None:
    for article_id in GOOD_IDS:
        assert env.store.get(article_id) is not None, article_id
    articles = env.store.latest()
    if env.settings.store_url is None:  # the SQLite file
        with sqlite3.connect(env.settings.db_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    client = create_app(env.settings, store=env.store).test_client()
    bodies: dict[str, bytes] = {}
    for path in ("/atom.xml", "/rss.xml", "/feed.json", "/", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        bodies[path] = response.data
    expected = min(len(articles), env.settings.max_items)
    for path in ("/atom.xml", "/rss.xml"):
        parsed = feedparser.parse(bodies[path])
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert len(parsed.entries) == expected
    doc = json.loads(bodies["/feed.json"])
    assert len(doc["items"]) == expected
    for text in _strings(doc):
        assert not XML_ILLEGAL.search(text), text[:200]
    for article in articles:
        response = client.get(f"/articles/{article.slug}")
        assert response.status_code == 200 and b"</html>" in response.data, article.id
        bodies[article.slug] = response.data
    for path, body in bodies.items():
        text = body.decode("utf-8")
        assert not XML_ILLEGAL.search(text), path
        assert PASSWD_MARK not in text and SECRET[:22] not in text, path

    # Nothing from outside the seeds dir reached the index (database and WAL file; on
    # PostgreSQL, every row of every table).
    for name, data in _index_contents(env.settings):
        assert PASSWD_MARK.encode() not in data and SECRET[:22].encode() not in data, name

    for record in env.caplog.records:
        if record.name.startswith("feedsvc"):
            assert not LOG_CONTROL.search(record.getMessage()), record.getMessage()


@pytest.mark.parametrize("make", CASES)
def test_hostile_file(env: Env, make: Case) -> None:
    make(env)
    _check_everything_is_safe(env)
    stats = env.refresh()  # and a refresh right after changes nothing it should not
    assert (stats.added, stats.removed) == (0, 0), stats
    _check_everything_is_safe(env)
    # /metrics counts skips by kind: every reason a hostile file gets has its own (bounded) kind
    assert [s.reason for s in stats.skipped if skip_kind(s.reason) == OTHER] == []


def test_the_cases_are_many_and_distinct() -> None:
    names = [p.id for p in CASES]
    assert len(names) == len(set(names)) >= 30
