"""The rules fingerprint covers the parser's shipped data: retrained weights mean every file is
parsed again on the next refresh, as a new [parse] pattern does."""

from __future__ import annotations

import pytest

import feedsvc.refresh.pass_
import feedsvc.refresh.reading
import feedsvc.refresh.rules
from feedsvc.config import Settings
from feedsvc.parse import data_fingerprint
from feedsvc.refresh import run_refresh
from feedsvc.store import Store


def test_the_fingerprint_is_of_the_data_files() -> None:
    assert len(data_fingerprint()) == 16
    assert data_fingerprint() == data_fingerprint()


def test_new_weights_make_the_next_refresh_parse_every_file(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_refresh(settings, store)
    assert first.added >= 1
    assert run_refresh(settings, store).unchanged == first.added  # nothing to look at again
    key = feedsvc.refresh.rules.rules_key(settings)
    monkeypatch.setattr(feedsvc.refresh.rules, "data_fingerprint", lambda: "retrained-weights")
    assert feedsvc.refresh.rules.rules_key(settings) != key
    reads: list[str] = []
    real = feedsvc.refresh.reading.read_one

    def counting(src, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(src.relpath)
        return real(src, *args, **kwargs)

    monkeypatch.setattr(feedsvc.refresh.pass_, "read_one", counting)
    run_refresh(settings, store)
    assert len(reads) == first.added  # every file read and parsed again
