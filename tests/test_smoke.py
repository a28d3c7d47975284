"""The seed goes through refresh and comes out with the expected title and summary."""

from __future__ import annotations

from feedsvc.config import Settings
from feedsvc.identity import path_id
from feedsvc.refresh import run_refresh
from feedsvc.store import Store

SEED_TITLE = (
    "Iran has appeared to acknowledge for the first time that it sent drones to Russia in the "
    "months before the invasion of Ukraine"
)


def test_seed_refresh(settings: Settings, store: Store) -> None:
    stats = run_refresh(settings, store)
    assert stats.added == 2
    seed = store.get(path_id("000_b13d5d3931fdf2cc.txt"))
    assert seed is not None
    assert seed.title == SEED_TITLE
    assert seed.summary.startswith("Tehran said today")  # the title is not said twice
    assert "(Picture" not in seed.summary
