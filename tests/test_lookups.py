"""Identity lookups through filters (refresh/identify.py, refresh/keyfilter.py) publish what
lookups from the store do: the identity and refresh tests run again here with every pass in
bulk, with rows written in batches or after every article, and with a hash that always
collides (every "maybe" asked of the store)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import test_identity
import test_refresh
from test_identity import *  # noqa: F403  (their tests and fixtures, collected again here)
from test_refresh import *  # noqa: F403

from feedsvc.refresh import pass_
from feedsvc.refresh.identify import Identities
from feedsvc.refresh.keyfilter import KeyFilter

assert test_identity and test_refresh


@pytest.fixture(autouse=True, params=["bulk", "bulk, rows written at once", "bulk, every hash colliding"])
def lookup_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(pass_._Pass, "BULK", -1)  # every pass in bulk
    if request.param != "bulk":  # rows written after each article: later lookups ask the store
        monkeypatch.setattr(pass_._Pass, "FLUSH", 1)
    if "colliding" in request.param:
        monkeypatch.setattr(pass_, "Identities", functools.partial(Identities, key=lambda _: 0))
    yield request.param


def test_the_filter_never_forgets_and_seldom_imagines() -> None:
    keys = KeyFilter()
    added = [f"folder/article-{i}" for i in range(20000)]
    for text in added:
        keys.add(text)
    assert all(text in keys for text in added)
    wrong = sum(f"other/article-{i}" in keys for i in range(20000))
    assert wrong <= 2  # ~0.00005 % expected at this size
    colliding = KeyFilter(key=lambda _: 0)
    colliding.add("one")
    assert "another" in colliding and 5 not in colliding
