"""Shared fixtures: a tmp seeds dir with the fixture articles, settings, a store.

A test that takes ``store`` runs once per backend: ``[sqlite]`` and ``[postgres]`` (in a schema
of its own on the server FEEDSVC_TEST_POSTGRES_URL names; .ci/services/postgres.sh starts one).
``settings`` then points at that same index, so ``open_store(settings)`` opens it again as
another process would. ``@pytest.mark.backends("sqlite")`` keeps a test to the backends named
(one that reads SQLite's files itself, say).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from feedsvc.config import Settings
from feedsvc.store import Store
from feedsvc.store import open_store

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
FIXED_NOW = datetime(2025, 3, 3, 14, 5, tzinfo=UTC)
BACKENDS = ("sqlite", "postgres")
# Read once, here: the autouse _reset_env below hides every FEEDSVC_* variable from the tests.
POSTGRES_URL = os.environ.get("FEEDSVC_TEST_POSTGRES_URL")

# Hypothesis runs are reproducible by default. Its example database (.hypothesis/) replays every
# failure it once found, so one unlucky run made that checkout fail forever while a fresh CI
# clone passed or failed by chance. "ci" (the default) tries the same examples on every run and
# keeps no database: a failure is a failure everywhere, and the example it found goes into the
# test as an @example. "explore" is Hypothesis's own default (new random examples each run,
# failures kept in .hypothesis/), to hunt for new ones on purpose:
# HYPOTHESIS_PROFILE=explore python -m pytest tests/test_parsing_properties.py
hypothesis_settings.register_profile(
    "ci", database=None, derandomize=True, print_blob=True, deadline=None  # no timing: a busy CI is slow
)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Where the tests' temporary folders go (tmp_path, the servers' config, seeds and index): a
# memory file system when the machine has one with room, unless TMPDIR or --basetemp says
# otherwise. On a disk every SQLite index a test creates and writes waits for fsync; measured
# on a 2-core VM that was a third of the suite's wall time, with no CPU spent. What the tests
# prove does not depend on it: a killed process (test_crash, test_many_nodes) leaves the page
# cache to whoever opens the file next, on a disk or not; only power loss would tell them
# apart, and no test can cut the power.
MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_ROOM = 2 << 30  # bytes free: a full run writes ~150 MB, pytest keeps the last 3 runs


def _memory_tmp() -> Path | None:
    try:
        st = os.statvfs(MEMORY_TMP)
    except OSError:
        return None
    if st.f_bavail * st.f_frsize < MEMORY_TMP_ROOM or not os.access(MEMORY_TMP, os.W_OK | os.X_OK):
        return None
    return MEMORY_TMP


def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp or os.environ.get("TMPDIR"):
        return
    memory = _memory_tmp()
    if memory is not None:
        os.environ["TMPDIR"] = str(memory)  # pytest's tmp_path root, and the servers' TMPDIR too
        tempfile.tempdir = None  # gettempdir() looks again


# Lines a test module wants on the terminal at the end of the run (the browser screenshots'
# folder). An xdist worker's terminal is not shown: a worker hands them over in its
# ``workeroutput`` under this key, and the controller prints them in its summary.
SAY = "feedsvc_say"
_worker_lines: list[str] = []


@pytest.hookimpl(optionalhook=True)  # xdist's hook: only called when xdist runs the tests
def pytest_testnodedown(node: object, error: object) -> None:
    _worker_lines.extend(getattr(node, "workeroutput", {}).get(SAY, []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _worker_lines:
        terminalreporter.write_line(line)


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses ``backend`` (through ``store``) runs on each backend it allows.
    The parameter is module-scoped, so that a module-scoped fixture may take ``backend`` too
    (one index per backend for a module's read-only tests): pytest then runs a module's tests
    backend by backend."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("backend", marker.args if marker else BACKENDS, scope="module")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server's URL, or skip (saying why) when there is none to use."""
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: FEEDSVC_TEST_POSTGRES_URL is not set (.ci/services/postgres.sh sets it)")
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[postgres]')")
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.Error as e:
        pytest.skip(f"cannot connect to FEEDSVC_TEST_POSTGRES_URL: {e}")
    return POSTGRES_URL


def with_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path (libpq's ``options`` parameter)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh, empty schema on the server: the URL of an index in it. Dropped afterwards."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SET lock_timeout = '5s'")
            with contextlib.suppress(psycopg.Error):  # a leftover session holds a lock: leave it
                admin.execute(f"DROP SCHEMA {schema} CASCADE")


class SchemaPool:
    """Indexes for the tests, reused: migrating a fresh schema and dropping it costs ~0.2 s a
    test, emptying a used one a few ms. A used schema is emptied and given the rows the
    migrations leave (copied from a migrated template); one that cannot be (a session still
    holds a lock on it, a test changed its tables) is left behind, and the next test gets a
    freshly migrated one."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.admin = psycopg.connect(url, autocommit=True)
        self.admin.execute("SET lock_timeout = '2s'")
        self.free: list[str] = []
        self.made: list[str] = []
        self.template = self._new()
        with open_store(with_schema(url, self.template)) as store:
            store.generation()  # migrates it
        self.tables = [
            r[0] for r in self.admin.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (self.template,)
            )
        ]  # fmt: skip

    def _new(self) -> str:
        schema = "t_" + uuid.uuid4().hex[:16]
        self.admin.execute(f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        return schema

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        schema = self._new()
        with open_store(with_schema(self.url, schema)) as store:
            store.generation()  # migrates it
        return schema

    def _fill(self, schema: str) -> None:
        for table in self.tables:
            self.admin.execute(f"INSERT INTO {schema}.{table} SELECT * FROM {self.template}.{table}")  # noqa: S608

    def give_back(self, schema: str) -> None:
        import psycopg

        try:
            with self.admin.transaction():
                present = {
                    r[0] for r in self.admin.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
                    )
                }  # fmt: skip
                if present != set(self.tables):
                    return
                for table in self.tables:  # DELETE: cheaper than TRUNCATE for a few rows
                    self.admin.execute(f"DELETE FROM {schema}.{table}")  # noqa: S608
                self._fill(schema)
            self.free.append(schema)
        except psycopg.errors.LockNotAvailable:
            pass

    def close(self) -> None:
        import psycopg

        for schema in self.made:
            with contextlib.suppress(psycopg.Error):
                self.admin.execute(f"DROP SCHEMA {schema} CASCADE")
        self.admin.close()


@pytest.fixture(scope="session")
def postgres_pool(postgres_server: str) -> Iterator[SchemaPool]:
    pool = SchemaPool(postgres_server)
    yield pool
    pool.close()


@pytest.fixture
def postgres_url(postgres_pool: SchemaPool) -> Iterator[str]:
    """The URL of an empty, migrated index in a schema of its own."""
    schema = postgres_pool.take()
    yield with_schema(postgres_pool.url, schema)
    postgres_pool.give_back(schema)


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path, seeds_dir: Path) -> Settings:
    url = None
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgres":
        url = request.getfixturevalue("postgres_url")
    return Settings(
        seeds_dir=seeds_dir,
        db_path=tmp_path / "var" / "index.sqlite",
        store_url=url,
        base_url="http://127.0.0.1:8000/",
        title="Test feed",
        lock_timeout=10,
    )


@pytest.fixture
def store(settings: Settings, backend: str) -> Iterator[Store]:
    """The index, on each backend in turn (see the module docstring)."""
    with open_store(settings) as s:
        yield s


@contextlib.contextmanager
def reaches(store: Store, seconds: float = 5.0) -> Iterator[None]:
    """A write made in the block by another process (another Store) has reached ``store``'s
    change count when the block ends. The SQLite index's shared counter file moves at once;
    PostgreSQL's notification arrives a moment after the commit (LISTEN/NOTIFY)."""
    before = store.coordinator.change_count()
    yield
    if before is None:  # nobody listens: every request asks the store itself
        return
    deadline = time.monotonic() + seconds
    while store.coordinator.change_count() == before:
        assert time.monotonic() < deadline, f"the change did not reach the store in {seconds}s"
        time.sleep(0.005)


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip the test on a clone without it."""
    d = CORPUS / name
    if not d.is_dir():
        pytest.skip(f"{d} is not here (a fresh clone has no ../shared)")
    return d
