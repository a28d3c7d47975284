"""What telling WebSub's hubs which topic feeds changed costs, on a big index.

    python bench/bench_websub.py --articles 100000 --tags 5000     # defaults: 10,000 and 2,000

Builds a SQLite index of synthetic articles straight through the store (no files, no
parsing): each with 3 tags drawn Zipf-like from --tags (a few huge tags, a long tail), one of
20 sections and one of 500 authors. Then, medians of --runs (wall and CPU seconds):

  log write, edit-1       the write transaction of one edited article (put_articles + bump)
  same, log off           the same with the change-log statements swapped for no-ops
  cold ingest             put_articles of every article, in batches of 500 (log on / off)
  analysis, cold ingest   web.changes.changed_topics after the whole ingest (3 runs)
  analysis, edit-1        web.changes.changed_topics after that edit (an old article: 3
                          tags, a section and an author; the biggest tag among them)
  analysis, edit-100      ... after 100 old articles were edited in one transaction
  render one topic feed   what comparing bytes would cost instead: one Atom subscription
                          document of a tag (max_items 50), x 3 formats x every topic
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import env_lines
from common import fmt_seconds
from common import log

from feedsvc.config import Settings
from feedsvc.model import Article
from feedsvc.model import Block
from feedsvc.publish import Paging
from feedsvc.publish import feed_doc
from feedsvc.publish import spec_for
from feedsvc.store import Identity
from feedsvc.store._changes import ChangeRows
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web.changes import changed_topics

START = datetime(2020, 1, 1, tzinfo=UTC)


def article(n: int, tags: tuple[str, ...], body: int = 0) -> Article:
    text = f"Article {n}, version {body}: a paragraph of ordinary length about nothing much. " * 6
    published = START + timedelta(minutes=10 * n)
    return Article(
        id=f"path:a{n:06d}", guid=f"urn:uuid:{n}", slug=f"a{n:06d}", title=f"Article {n}",
        summary=text[:200], blocks=(Block("p", text),), author=f"Author {n % 500}", tags=tags,
        published=published, updated=published, path=f"section{n % 20}/a{n:06d}.txt", size=len(text),
        mtime_ns=n, content_hash=hashlib.sha256(f"{n} {body}".encode()).hexdigest(),
    )  # fmt: skip


def zipf_tags(rng: random.Random, count: int) -> tuple[str, ...]:
    weights = [1 / (k + 1) for k in range(count)]
    picked: set[int] = set()
    while len(picked) < 3:
        picked.update(rng.choices(range(count), weights, k=3 - len(picked)))
    return tuple(f"Tag {k}" for k in sorted(picked))


def measure(fn: Callable[[], Any], runs: int) -> tuple[float, float, float, float]:
    """Median and spread (max - min) of wall and CPU seconds."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), max(walls) - min(walls), statistics.median(cpus), max(cpus) - min(cpus)


def line(what: str, figures: tuple[float, float, float, float]) -> None:
    wall, wall_spread, cpu, cpu_spread = figures
    print(
        f"  {what:<32} wall {fmt_seconds(wall):>9} (spread {fmt_seconds(wall_spread)}),"
        f" CPU {fmt_seconds(cpu):>9} (spread {fmt_seconds(cpu_spread)})"
    )


def logging_on(on: bool) -> None:
    """The change log written (as shipped), or its writes made no-ops (what it costs)."""
    if on:
        SQLiteStore._log = ChangeRows._log  # type: ignore[method-assign]
        SQLiteStore.log_replaced = ChangeRows.log_replaced  # type: ignore[method-assign]
    else:
        SQLiteStore._log = lambda self, where, rows: None  # type: ignore[method-assign]
        SQLiteStore.log_replaced = lambda self, keys: None  # type: ignore[method-assign]


def build(path: Path, articles: list[Article]) -> SQLiteStore:
    store = SQLiteStore(path)
    with store.transaction():
        store.add_identities(Identity(a.id, a.guid, a.slug, a.published, a.path) for a in articles)
        for start in range(0, len(articles), 500):
            store.put_articles((a, "raw") for a in articles[start : start + 500])
        store.bump_generation()
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    rng = random.Random(5)
    articles = [article(n, zipf_tags(rng, args.tags)) for n in range(args.articles)]
    settings = Settings(seeds_dir=Path("seeds"), db_path=Path("unused.sqlite"), max_items=50)
    paging: Callable[[int], Paging] = lambda total: Paging(total, settings.archive_page_size, settings.max_items)  # noqa: E731
    print("\n".join(env_lines()))
    print(f"{args.articles:,} articles, {args.tags:,} tags (3 each, Zipf), 20 sections, 500 authors; {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        for on in (True, False):
            logging_on(on)
            figures = []
            for run in range(3):
                db = Path(tmp) / f"ingest-{on}-{run}.sqlite"
                cpu, wall = time.process_time(), time.perf_counter()
                build(db, articles).close()
                figures.append((time.perf_counter() - wall, time.process_time() - cpu))
            walls, cpus = [f[0] for f in figures], [f[1] for f in figures]
            line(f"cold ingest, log {'on' if on else 'off'}", (
                statistics.median(walls), max(walls) - min(walls), statistics.median(cpus), max(cpus) - min(cpus)
            ))  # fmt: skip
        logging_on(True)
        log("building the index")
        store = build(Path(tmp) / "index.sqlite", articles)
        bulk = changed_topics(store, 0, paging)  # every article new: every topic feed is new
        assert bulk is not None
        line(f"analysis, cold ingest ({len(bulk[1])} topics)", measure(lambda: changed_topics(store, 0, paging), 3))
        biggest = articles[0].tags  # "Tag 0" is the head of the Zipf curve
        old = next(a for a in articles[: args.articles // 10] if "Tag 0" in a.tags)
        versions = iter(range(1, 1_000_000))

        def edit(a: Article) -> Callable[[], None]:
            def run() -> None:
                with store.transaction():
                    store.put_articles([(replace(a, content_hash=str(next(versions))), "raw")])
                    store.bump_generation()

            return run

        for on in (True, False):
            logging_on(on)
            line(f"write edit-1, log {'on' if on else 'off'}", measure(edit(old), args.runs))
        logging_on(True)
        since = store.generation()
        edit(old)()
        found = changed_topics(store, since, paging)
        assert found is not None and len(found[1]) >= 1, found
        line(f"analysis, edit-1 ({len(found[1])} topics)", measure(lambda: changed_topics(store, since, paging), args.runs))
        since = store.generation()
        with store.transaction():
            batch = rng.sample(articles[: args.articles // 2], 100)
            store.put_articles((replace(a, content_hash="x"), "raw") for a in batch)
            store.bump_generation()
        found = changed_topics(store, since, paging)
        assert found is not None
        line(f"analysis, edit-100 ({len(found[1])} topics)", measure(lambda: changed_topics(store, since, paging), args.runs))
        topic = store.topic("tag", "tag-0")
        assert topic is not None and biggest
        spec = spec_for("atom", "tag")
        meta = settings.feed_meta("bench")

        def render() -> None:
            items = store.articles(topic, 50)
            doc = feed_doc(spec.bind("tag-0"), meta, paging(topic.count), topic.name)
            spec.render(items, meta, doc, START)

        rendered = measure(render, args.runs)
        line("render one topic feed (Atom)", rendered)
        topics = sum(len(store.topics(kind)) for kind in ("tag", "section", "author"))
        print(f"  comparing bytes instead: {topics:,} topics x 3 formats x {fmt_seconds(rendered[2])} CPU"
              f" = ~{fmt_seconds(topics * 3 * rendered[2])} CPU after every refresh")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()
