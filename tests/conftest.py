"""Shared fixtures: a tmp seeds dir with the fixture articles, settings, a store."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from feedsvc.config import Settings
from feedsvc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
FIXED_NOW = datetime(2025, 3, 3, 14, 5, tzinfo=UTC)

# Hypothesis runs are reproducible by default. Its example database (.hypothesis/) replays every
# failure it once found, so one unlucky run made that checkout fail forever while a fresh CI
# clone passed or failed by chance. "ci" (the default) tries the same examples on every run and
# keeps no database: a failure is a failure everywhere, and the example it found goes into the
# test as an @example. "explore" is Hypothesis's own default (new random examples each run,
# failures kept in .hypothesis/), to hunt for new ones on purpose:
# HYPOTHESIS_PROFILE=explore python -m pytest tests/test_parsing_properties.py
hypothesis_settings.register_profile("ci", database=None, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _reset_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No FEEDSVC_* variable from the developer's shell leaks into a test."""
    import os

    for key in list(os.environ):
        if key.startswith("FEEDSVC_"):
            monkeypatch.delenv(key)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures the root logger (`serve` and every command): undo that after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/seeds per test."""
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    return d


@pytest.fixture
def settings(tmp_path: Path, seeds_dir: Path) -> Settings:
    return Settings(
        seeds_dir=seeds_dir,
        db_path=tmp_path / "var" / "index.sqlite",
        base_url="http://127.0.0.1:8000/",
        title="Test feed",
        lock_timeout=10,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with SQLiteStore(settings.db_path) as s:
        yield s


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip the test on a clone without it."""
    d = CORPUS / name
    if not d.is_dir():
        pytest.skip(f"{d} is not here (a fresh clone has no ../shared)")
    return d
