"""/metrics: the Prometheus text format, read by prometheus_client's own parser from a real
`feedsvc serve` over loopback; per-app registries; bounded labels (issue 12)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import prometheus_client
import pytest
import requests
from conftest import SEEDS
from prometheus_client.parser import text_string_to_metric_families
from server_utils import running_server
from server_utils import write_config

from feedsvc.config import Settings
from feedsvc.errors import StoreError
from feedsvc.metrics import OTHER
from feedsvc.metrics import SKIP_KIND_NAMES
from feedsvc.metrics import Metrics
from feedsvc.metrics import skip_kind
from feedsvc.model import RefreshStats
from feedsvc.model import Skipped
from feedsvc.refresh import run_refresh
from feedsvc.serve import Service
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import METRICS
from feedsvc.web import create_app

TOKEN = "metrics-token-0123456789"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(text: str) -> Samples:
    """Every sample of a /metrics body, parsed by the reference client's parser."""
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def labels_of(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(key)[label] for (n, key) in samples if n == name}


@pytest.mark.slow
def test_metrics_of_a_running_server(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    config = write_config(tmp_path, extra=f'[refresh]\ninterval_seconds = 3600\ntoken = "{TOKEN}"\n')
    with running_server(config) as server:
        s = requests.Session()
        slug = s.get(server.url("/feed.json"), timeout=5).json()["items"][0]["url"].rsplit("/", 1)[1]
        assert s.get(server.url("/atom.xml"), timeout=5).status_code == 200  # the fast path
        assert s.head(server.url("/atom.xml"), timeout=5).status_code == 200  # Flask
        assert s.get(server.url(f"/articles/{slug}"), timeout=5).status_code == 200
        for n in range(40):  # raw paths never become label values
            assert s.get(server.url(f"/articles/no-such-{n}"), timeout=5).status_code == 404
            assert s.get(server.url(f"/nothing/here/{n}"), timeout=5).status_code == 404
        assert s.get(server.url("/?page=x"), timeout=5).status_code == 400
        assert s.request("BREW", server.url("/"), timeout=5).status_code == 405
        (seeds / "new.txt").write_text("A new story arrived this morning. It is short.\n", "utf-8")
        answer = s.post(server.url("/refresh"), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert answer.json()["added"] == 1
        response = s.get(server.url("/metrics"), timeout=5)
        second = scrape(s.get(server.url("/metrics"), timeout=5).text)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == prometheus_client.CONTENT_TYPE_LATEST
    assert response.headers["Cache-Control"] == "no-store"
    m = scrape(response.text)

    # Refreshes: the one at start-up and the POST, both ok; what they did; how long.
    assert value(m, "feedsvc_refreshes_total", result="ok") == 2
    assert value(m, "feedsvc_refreshes_total", result="failed") == 0
    assert value(m, "feedsvc_refresh_duration_seconds_count") == 2
    assert 0 < value(m, "feedsvc_refresh_duration_seconds_sum") < 60
    assert value(m, "feedsvc_refresh_articles_total", change="added") == 3  # 2 fixtures + new.txt
    assert value(m, "feedsvc_last_refresh_timestamp_seconds") > 1.7e9
    assert value(m, "feedsvc_articles") == 3
    # Skips by kind, every kind present (0 when none), never the reason's text.
    assert value(m, "feedsvc_skipped_files", reason="empty") == 1
    assert value(m, "feedsvc_skipped_files", reason="binary") == 1
    assert labels_of(m, "feedsvc_skipped_files", "reason") == set(SKIP_KIND_NAMES)
    assert sum(v for (n, _), v in m.items() if n == "feedsvc_skipped_files") == 2

    # Requests by route template, method and status.
    requests_total = {
        (dict(k)["route"], dict(k)["method"], dict(k)["status"]): v
        for (n, k), v in m.items() if n == "feedsvc_http_requests_total"
    }  # fmt: skip
    assert requests_total[("/atom.xml", "GET", "200")] == 1
    assert requests_total[("/atom.xml", "HEAD", "200")] == 1
    assert requests_total[("/feed.json", "GET", "200")] == 1
    assert requests_total[("/articles/<slug>", "GET", "200")] == 1
    assert requests_total[("/articles/<slug>", "GET", "404")] == 40
    assert requests_total[("unmatched", "GET", "404")] == 40
    assert requests_total[("/", "GET", "400")] == 1
    assert requests_total[("unmatched", "other", "405")] == 1
    assert requests_total[("/refresh", "POST", "200")] == 1
    assert requests_total[("/healthz", "GET", "200")] >= 1  # running_server's wait for start-up
    assert not [r for r, _, _ in requests_total if "no-such" in r or "nothing" in r or slug in r]
    assert value(m, "feedsvc_http_request_duration_seconds_count", route="/articles/<slug>") == 41
    # The scrape itself is counted from the next one on.
    assert value(second, "feedsvc_http_requests_total", route="/metrics", method="GET", status="200") == 1

    # Render times: the feeds of each new generation, their gzip bodies, the HTML pages.
    assert value(m, "feedsvc_render_duration_seconds_count", what="feeds") >= 2
    assert value(m, "feedsvc_render_duration_seconds_count", what="page") >= 1
    # The process collector of this app's own registry: memory for the 100 MB budget.
    assert value(m, "process_resident_memory_bytes") > 1e6


def test_each_app_has_its_own_registry(settings: Settings, store: SQLiteStore) -> None:
    run_refresh(settings, store)
    one = create_app(settings, store=store)
    two = create_app(settings, store=store)
    assert one.extensions[METRICS].registry is not two.extensions[METRICS].registry
    for _ in range(3):
        one.test_client().get("/atom.xml")
    two.test_client().get("/rss.xml")
    got_one = scrape(one.test_client().get("/metrics").get_data(as_text=True))
    got_two = scrape(two.test_client().get("/metrics").get_data(as_text=True))
    assert value(got_one, "feedsvc_http_requests_total", route="/atom.xml", method="GET", status="200") == 3
    assert ("feedsvc_http_requests_total", frozenset({("route", "/rss.xml"), ("method", "GET"),
            ("status", "200")})) not in got_one  # fmt: skip
    assert value(got_two, "feedsvc_http_requests_total", route="/rss.xml", method="GET", status="200") == 1
    assert value(got_two, "feedsvc_articles") == 2
    # Nothing went into prometheus_client's global registry.
    assert prometheus_client.REGISTRY.get_sample_value("feedsvc_articles") is None


def test_a_failed_refresh_is_counted(settings: Settings) -> None:
    calls = []

    def refresh(settings: Settings, store: object, paths: object = None) -> RefreshStats:
        calls.append(paths)
        if len(calls) == 1:
            raise StoreError("disk full")
        return RefreshStats(added=2, seconds=0.5, skipped=(Skipped("a.txt", "empty file"),))

    service = Service(settings, refresh, watch=False)
    try:
        assert service.runner.run() is None  # failed, logged, survived
        assert service.runner.run() == RefreshStats(added=2, seconds=0.5, skipped=(Skipped("a.txt", "empty file"),))
        registry = service.metrics.registry
        assert registry.get_sample_value("feedsvc_refreshes_total", {"result": "failed"}) == 1
        assert registry.get_sample_value("feedsvc_refreshes_total", {"result": "ok"}) == 1
        assert registry.get_sample_value("feedsvc_refresh_duration_seconds_count") == 2
        assert registry.get_sample_value("feedsvc_refresh_articles_total", {"change": "added"}) == 2
        assert registry.get_sample_value("feedsvc_skipped_files", {"reason": "empty"}) == 1
    finally:
        service.stop()


def test_a_refresh_that_did_not_run_is_not_an_ok_one() -> None:
    metrics = Metrics(process=False)
    metrics.set_skipped([Skipped("a.txt", "empty file")])
    metrics.refresh_done(RefreshStats(ran=False), 0.0)
    r = metrics.registry
    assert r.get_sample_value("feedsvc_refreshes_total", {"result": "not_run"}) == 1
    assert r.get_sample_value("feedsvc_refreshes_total", {"result": "ok"}) == 0
    assert r.get_sample_value("feedsvc_refresh_duration_seconds_count") == 0
    assert r.get_sample_value("feedsvc_skipped_files", {"reason": "empty"}) == 1  # not reset by it


def test_every_skip_a_refresh_makes_has_a_kind(settings: Settings, store: SQLiteStore, tmp_path: Path) -> None:
    """Real files, real refresh: each reason maps to its kind, none to "other"."""
    seeds = settings.seeds_dir
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (seeds / "big.txt").write_text("A sentence that is long enough. " * 130, "utf-8")
    (seeds / "boiler.txt").write_text("Get in touch with our news team by emailing us.\n", "utf-8")
    (seeds / "outside.txt").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "elsewhere.txt").write_text("Outside text. It is here.\n", "utf-8")
    (seeds / "loop.txt").symlink_to("loop.txt")
    (seeds / "gone.txt").symlink_to("nowhere.txt")
    os.mkfifo(seeds / "pipe.txt")
    (seeds / os.fsdecode(b"bad-\xff.txt")).write_text("A name that is not UTF-8. Text.\n", "utf-8")
    (seeds / "twin.txt").write_text("Id: council-bike-lanes\n\nThe same id as another file. Yes.\n", "utf-8")
    stats = run_refresh(settings.with_overrides(max_file_bytes=3000), store)
    kinds = {s.path.rsplit("/", 1)[-1]: skip_kind(s.reason) for s in stats.skipped}
    bad_names = {k: kinds.pop(k) for k in list(kinds) if k.startswith("bad-")}
    assert list(bad_names.values()) == ["bad_file_name"], stats.skipped
    assert kinds == {
        "empty.txt": "empty", "binary.txt": "binary", "big.txt": "too_large", "boiler.txt": "no_text",
        "outside.txt": "symlink_outside", "loop.txt": "symlink_loop", "gone.txt": "symlink_dangling",
        "pipe.txt": "not_a_regular_file", "twin.txt": "duplicate_id",
    }, stats.skipped  # fmt: skip
    assert OTHER not in kinds.values()
    assert skip_kind("a reason nobody wrote yet") == OTHER
    assert skip_kind("permission denied") == "permission_denied"
    assert skip_kind("cannot read: Input/output error") == "unreadable"
    assert skip_kind("cannot list folder: Permission denied") == "folder_unlistable"
    assert skip_kind("undecodable utf-16 text: truncated data at byte 3") == "undecodable"
