"""Many nodes on one PostgreSQL index: three `feedsvc serve` processes, readers polling all
three with conditional GETs, and the node that is ingesting killed (SIGKILL) mid-refresh.

What must hold (issue 13): no 5xx from any node; the same URL gives the same bytes, ETag and
Last-Modified on every node (an ETag from one node is a 304 on another); another node takes the
ingest over within one refresh interval; afterwards every article is published exactly once.
Runs on a real PostgreSQL (FEEDSVC_TEST_POSTGRES_URL, started by .ci/services/postgres.sh) and
skips, saying why, without one.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest
import requests
from server_utils import ServerProcess
from server_utils import running_server

from feedsvc.config import load_settings
from feedsvc.refresh import run_refresh
from feedsvc.store import open_store

pytestmark = pytest.mark.slow

INTERVAL = 2  #: [refresh] interval_seconds of every node
FIRST = 40  #: articles published before the nodes start
BATCH = 3000  #: articles added at once: the refresh the leader is killed in
PATHS = ("/atom.xml", "/rss.xml", "/feed.json", "/")


def article(n: int) -> str:
    body = "\n\n".join(
        f"Paragraph {p} of story {n} says what happened next, in words enough for a sentence. "
        "It goes on a little longer, so that the parser sees prose here." for p in range(4)
    )
    return f"Title: Story number {n}\nDate: 2025-03-{1 + n % 28:02d} 12:{n % 60:02d} UTC\nTags: t{n % 7}\n\n{body}\n"


def write_articles(seeds: Path, numbers: range) -> None:
    for n in numbers:
        (seeds / f"story-{n:05d}.txt").write_text(article(n), "utf-8")


@dataclass
class Seen:
    """What the readers saw, merged at the end."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  #: 5xx and inconsistencies
    refused: int = 0  #: connections the killed node refused (expected, not errors)
    cross_304: int = 0  #: 304s from a node for an ETag another node gave
    #: (path, etag) -> (body sha256, Last-Modified): an ETag names one body and one date
    by_etag: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: (path, body sha256) -> the ETags and Last-Modified dates it came with, from any node
    by_body: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)


def read_loop(nodes: list[ServerProcess], stop: threading.Event, seen: Seen, lock: threading.Lock,
              seed: int) -> None:  # fmt: skip
    """Poll every node in turn with the validators the last answer for that path gave,
    whichever node gave it."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    known: dict[str, tuple[str, int]] = {}  # path -> (ETag, the node it came from)
    turn = 0
    while not stop.is_set():
        turn += 1
        index = turn % len(nodes)
        node, path = nodes[index], rng.choice(PATHS)
        headers = {"If-None-Match": known[path][0]} if path in known else {}
        try:
            r = session.get(node.url(path), headers=headers, timeout=10)
        except requests.ConnectionError:
            with lock:
                seen.refused += 1
            continue
        etag, modified = r.headers.get("ETag", ""), r.headers.get("Last-Modified", "")
        with lock:
            seen.statuses[r.status_code] += 1
            if r.status_code >= 500:
                seen.errors.append(f"{node.port}{path}: {r.status_code} {r.content[:200]!r}")
            elif r.status_code == 304:
                if etag != headers.get("If-None-Match"):
                    seen.errors.append(f"{node.port}{path}: a 304 with ETag {etag}, asked {headers}")
                if known[path][1] != index:
                    seen.cross_304 += 1
            elif r.status_code == 200:
                digest = hashlib.sha256(r.content).hexdigest()
                first = seen.by_etag.setdefault((path, etag), (digest, modified))
                if first != (digest, modified):
                    seen.errors.append(f"{node.port}{path}: ETag {etag} named {first}, now {(digest, modified)}")
                seen.by_body.setdefault((path, digest), set()).add((etag, modified))
                known[path] = (etag, index)


def lock_holder(admin: object, pids: Iterable[int]) -> tuple[int, bool] | None:
    """(client process id, has uncommitted writes) of the node among ``pids`` holding an
    advisory lock in this database (feedsvc's ingest lock on this index: the nodes take no
    other), from pg_locks and pg_stat_activity; None when none of them holds one. Sessions of
    other processes (other tests running at the same time, on indexes of their own) are not
    looked at."""
    row = admin.execute(  # type: ignore[attr-defined]
        "SELECT a.application_name, a.backend_xid IS NOT NULL FROM pg_locks l"
        " JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.database = ("
        "   SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND a.application_name = ANY(%s)",
        ([f"feedsvc {pid}" for pid in pids],),
    ).fetchone()
    if row is None:
        return None
    return int(row[0].split()[1]), bool(row[1])


@contextlib.contextmanager
def nodes_running(config: Path, n: int) -> Iterator[list[ServerProcess]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(running_server(config, startup=60)) for _ in range(n)]


def test_three_nodes_survive_the_ingesting_node_killed_mid_refresh(
    tmp_path: Path, postgres_url: str
) -> None:
    import psycopg

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_articles(seeds, range(FIRST))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[site]\nbase_url = "http://feeds.example/"\n[seeds]\ndir = "seeds"\n'
        f'[store]\nurl = "{postgres_url}"\n[refresh]\ninterval_seconds = {INTERVAL}\n',
        "utf-8",
    )
    settings = load_settings(config)
    with open_store(settings) as store:
        assert run_refresh(settings, store).added == FIRST

    seen, lock, stop = Seen(), threading.Lock(), threading.Event()
    with nodes_running(config, 3) as nodes, psycopg.connect(postgres_url, autocommit=True) as admin:
        readers = [
            threading.Thread(target=read_loop, args=(nodes, stop, seen, lock, seed)) for seed in range(6)
        ]
        for reader in readers:
            reader.start()
        try:
            time.sleep(0.5)
            pids = {node.proc.pid: node for node in nodes}
            killed, added = None, FIRST
            for attempt in range(3):  # a refresh this machine finishes too fast to catch: once more
                incoming = tmp_path / f"batch-{attempt}"
                incoming.mkdir()
                write_articles(incoming, range(added, added + BATCH))
                incoming.rename(seeds / incoming.name)  # all at once: one refresh sees them all
                added += BATCH
                deadline = time.monotonic() + INTERVAL * 3 + 30
                while time.monotonic() < deadline:
                    holder = lock_holder(admin, pids)
                    if holder is not None and holder[1] and holder[0] in pids:
                        killed = pids[holder[0]]
                        killed.proc.send_signal(signal.SIGKILL)
                        break
                    if admin.execute("SELECT count(*) FROM articles").fetchone() == (added,):
                        break  # committed before we saw it write
                    time.sleep(0.005)
                if killed is not None:
                    break
            assert killed is not None, "no refresh was caught writing"
            killed.proc.wait(10)
            killed_at = time.monotonic()
            survivors = [node for node in nodes if node is not killed]

            # Another node takes the lock over within one refresh interval...
            taken = None
            while taken is None and time.monotonic() - killed_at < INTERVAL + 10:
                holder = lock_holder(admin, pids)
                if holder is not None and holder[0] in pids and pids[holder[0]] is not killed:
                    taken = time.monotonic() - killed_at
                if admin.execute("SELECT count(*) FROM articles").fetchone() == (added,):
                    taken = taken if taken is not None else time.monotonic() - killed_at
                time.sleep(0.005)
            assert taken is not None and taken <= INTERVAL, f"took {taken}s to take over"

            # ... and every survivor serves all of it.
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                counts = [requests.get(n.url("/healthz"), timeout=10).json()["articles"] for n in survivors]
                if counts == [added] * len(survivors):
                    break
                time.sleep(0.1)
            assert counts == [added] * len(survivors)
            time.sleep(0.5)  # the readers see the final state from every survivor
        finally:
            stop.set()
            for reader in readers:
                reader.join(30)

        # The same bytes, ETag and Last-Modified from every survivor for the same URL.
        for path in (*PATHS, "/articles/story-00012", "/?page=3"):
            answers = {(r.status_code, r.content, r.headers["ETag"], r.headers["Last-Modified"])
                       for r in (requests.get(n.url(path), timeout=10) for n in survivors)}  # fmt: skip
            assert len(answers) == 1 and next(iter(answers))[0] == 200, path

        # Every article once: one row, one identity, one slug and one guid per file.
        files = {p.relative_to(seeds).as_posix() for p in seeds.rglob("*.txt")}
        paths = [r[0] for r in admin.execute("SELECT path FROM articles")]
        assert sorted(paths) == sorted(files)
        (identities, guids, slugs) = admin.execute(
            "SELECT count(*), count(DISTINCT guid), count(DISTINCT slug) FROM identities"
        ).fetchone()
        assert identities == guids == slugs == len(files)

    statuses = dict(seen.statuses)
    print(f"\nreaders: {statuses}, refused by the killed node {seen.refused}, cross-node 304s "
          f"{seen.cross_304}, distinct bodies {len(seen.by_body)}; takeover {taken:.2f}s")  # fmt: skip
    assert seen.errors == [], seen.errors[:10]
    assert not any(status >= 500 for status in statuses)
    # One body -> one (ETag, Last-Modified), whichever node served it.
    mismatched = {key: v for key, v in seen.by_body.items() if len(v) != 1}
    assert mismatched == {}
    assert statuses.get(200, 0) > 0 and statuses.get(304, 0) > 0 and seen.cross_304 > 0
    assert "Traceback" not in "".join(n.log() for n in nodes if n is not killed)
