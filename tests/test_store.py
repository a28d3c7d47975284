"""The store's public face: open_store, the Coordinator on each backend, and what only the
PostgreSQL backend does (URLs, schemas, migrations, a lost connection)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import FIXED_NOW

from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.errors import LockTimeout
from feedsvc.errors import StoreError
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.store.files import FileCoordinator
from feedsvc.store.sqlite import SQLiteStore


def wait_for(condition: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def test_open_store_from_settings_or_path(settings: Settings) -> None:
    with open_store(settings) as store:
        assert isinstance(store, SQLiteStore) and store.path == str(settings.db_path)
        assert run_refresh(settings, store, now=lambda: FIXED_NOW).added == 2
    with open_store(settings.db_path) as again:
        assert [a.id for a in again.latest()] == [a.id for a in again.snapshot(10).articles]
        assert len(again.latest()) == 2


def test_the_same_index_from_a_second_store(settings: Settings, store: Store) -> None:
    assert run_refresh(settings, store, now=lambda: FIXED_NOW).added == 2
    with open_store(settings) as again:  # another process's view of the same index
        assert type(again) is type(store)
        assert again.latest() == store.latest() and len(again.latest()) == 2
        assert again.snapshot(1) == store.snapshot(1) and again.snapshot(1).count == 2
        assert again.generation() == store.generation() == 1
        assert again.identities() == store.identities()


def test_every_commit_notifies_every_process(settings: Settings, store: Store) -> None:
    store.generation()  # opens the index
    with open_store(settings) as other:  # another process's view of the same index
        assert wait_for(lambda: other.coordinator.change_count() is not None), "no change count"
        before = other.coordinator.change_count()
        version = other.data_version()
        with store.transaction():
            store.set_state("probe", "1")
        assert wait_for(lambda: other.coordinator.change_count() != before), "the change never arrived"
        assert other.data_version() != version
        assert other.state("probe") == "1"


def test_a_commit_moves_the_writers_own_count_at_once(settings: Settings, store: Store) -> None:
    """The refresh thread renders right after its commit (FeedCache.warm): its own process
    must see the change without waiting for its own notification to come back."""
    store.generation()
    assert wait_for(lambda: store.coordinator.change_count() is not None)
    for _ in range(3):
        before = store.coordinator.change_count()
        with store.transaction():
            store.set_state("probe", "x")
        assert store.coordinator.change_count() != before


@pytest.mark.backends("postgres")
def test_close_stops_the_listener(settings: Settings, backend: str) -> None:
    def listeners() -> int:
        return sum(t.name == "feedsvc-listen" and t.is_alive() for t in threading.enumerate())

    before = listeners()
    store = open_store(settings)
    assert wait_for(lambda: store.coordinator.change_count() is not None)
    assert listeners() == before + 1
    store.close()
    assert listeners() == before
    assert store.coordinator.change_count() is None  # closed: nobody listens any more


def test_a_write_rolled_back_publishes_nothing(settings: Settings, store: Store) -> None:
    generation = store.generation()
    with pytest.raises(RuntimeError), store.transaction():
        store.bump_generation()
        store.set_state("probe", "1")
        raise RuntimeError("the refresh died here")
    assert store.generation() == generation and store.state("probe") is None


def test_the_ingest_lock_is_one_at_a_time(settings: Settings, store: Store) -> None:
    with open_store(settings) as other:
        with store.coordinator.ingest_lock(timeout=1) as held:
            assert held
            with other.coordinator.ingest_lock(timeout=None) as also:
                assert not also
            started = time.monotonic()
            with pytest.raises(LockTimeout), other.coordinator.ingest_lock(timeout=0.2):
                pass
            assert time.monotonic() - started >= 0.2
        with other.coordinator.ingest_lock(timeout=None) as now_free:
            assert now_free


def test_the_ingest_lock_holds_between_threads_of_one_process(settings: Settings, store: Store) -> None:
    """Two threads of one server (the scheduler's and a POST /refresh) take turns too."""
    store.generation()
    result: list[bool] = []
    with store.coordinator.ingest_lock(timeout=1) as held:
        assert held

        def second() -> None:
            with store.coordinator.ingest_lock(timeout=None) as got:
                result.append(got)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(5)
    assert result == [False]


def test_an_in_memory_store_has_no_counter() -> None:
    with open_store(":memory:") as store:
        assert store.coordinator.change_count() is None
        assert store.generation() == 0


def test_a_file_index_counts_changes_in_a_shared_file(settings: Settings) -> None:
    with open_store(settings) as store:
        store.generation()
        before = store.coordinator.change_count()
        assert before is not None
        with store.transaction():
            store.set_state("probe", "1")
        other = FileCoordinator(str(settings.db_path))
        assert other.change_count() == store.coordinator.change_count() == before + 1
        other.close()


# ---------------------------------------------------------------------------- URLs and config


def test_an_unknown_scheme_is_a_config_error(settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"no store for mysql:// \(known: postgres://, postgresql://\)"):
        open_store(settings.with_overrides(store_url="mysql://db/feedsvc"))


@pytest.mark.parametrize(
    "value", ["postgresql", "u:hunter2@localhost:5432/db", "postgresql://u:hunter2@a b/db", "://hunter2"]
)
def test_a_store_url_that_is_no_url_is_refused(tmp_path: Path, value: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nurl = "{value}"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\[store\] url must be") as e:
        load_settings(config)
    assert "hunter2" not in str(e.value)  # a URL may hold a password: never shown


def test_the_store_url_is_read_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[store]\nurl = "postgresql://feedsvc:secret@db.example:5432/feeds"\n', "utf-8")
    settings = load_settings(config)
    assert settings.store_url == "postgresql://feedsvc:secret@db.example:5432/feeds"
    with open_store(settings) as store:  # opens nothing yet
        assert "secret" not in repr(getattr(store, "url", "")) and "***" in getattr(store, "url", "")


# ---------------------------------------------------------------------------- PostgreSQL only


@pytest.mark.backends("postgres")
def test_two_schemas_are_two_indexes(settings: Settings, store: Store, postgres_server: str) -> None:
    """Two sites on one server, each in its schema: their locks and data are their own."""
    from conftest import postgres_schema

    run_refresh(settings, store, now=lambda: FIXED_NOW)
    with postgres_schema(postgres_server) as url, open_store(url) as elsewhere:
        assert elsewhere.generation() == 0 and elsewhere.latest() == []
        with store.coordinator.ingest_lock(timeout=1), elsewhere.coordinator.ingest_lock(timeout=None) as free:
            assert free


@pytest.mark.backends("postgres")
def test_migrations_are_versioned_and_run_once(settings: Settings, store: Store) -> None:
    import psycopg

    from feedsvc.store.postgres.schema import MIGRATIONS

    store.generation()
    assert settings.store_url is not None
    with psycopg.connect(settings.store_url) as conn:
        assert conn.execute("SELECT version FROM feedsvc_schema").fetchall() == [(len(MIGRATIONS),)]
        conn.execute("UPDATE feedsvc_schema SET version = %s", (len(MIGRATIONS) + 1,))
    with open_store(settings) as newer, pytest.raises(StoreError, match=r"newer feedsvc \(schema"):
        newer.generation()


@pytest.mark.backends("postgres")
def test_nodes_starting_together_migrate_once(postgres_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with open_store(postgres_url) as store:
                assert store.generation() == 0
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []


@pytest.mark.backends("postgres")
def test_a_lost_connection_is_a_store_error_then_heals(settings: Settings, store: Store) -> None:
    import psycopg

    run_refresh(settings, store, now=lambda: FIXED_NOW)
    pid = store.conn.info.backend_pid  # type: ignore[attr-defined]
    assert settings.store_url is not None
    with psycopg.connect(settings.store_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StoreError, match="cannot read the index"):
        store.latest()
    assert len(store.latest()) == 2  # the next call opens a new connection


@pytest.mark.backends("postgres")
def test_a_refresh_that_lost_its_lock_writes_nothing(settings: Settings, store: Store) -> None:
    """The ingest lock lives in the refresh's own session: when that session dies, so does the
    lock and every write made under it, and nothing carries on in a new session."""
    import psycopg

    assert settings.store_url is not None
    with store.coordinator.ingest_lock(timeout=1) as held:
        assert held
        with psycopg.connect(settings.store_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (store.conn.info.backend_pid,))  # type: ignore[attr-defined]
        with pytest.raises(StoreError, match="cannot start a write transaction"):
            store.transaction().__enter__()  # finds the session gone
        with pytest.raises(StoreError, match="while holding the refresh lock"):
            store.transaction().__enter__()  # and will not go on in a new one
        with open_store(settings) as other, other.coordinator.ingest_lock(timeout=None) as taken:
            assert taken  # the lock went with the session
    assert store.generation() == 0


@pytest.mark.slow
@pytest.mark.backends("postgres")
def test_a_commit_reaches_another_node_by_notify_at_once(settings: Settings, store: Store) -> None:
    """With the poll a minute away, only the NOTIFY can bring the change within seconds."""
    from feedsvc.store.postgres import PostgresStore

    assert settings.store_url is not None
    store.generation()
    with PostgresStore(settings.store_url, poll=60) as other:
        assert wait_for(lambda: other.coordinator.change_count() is not None)
        before = other.coordinator.change_count()
        time.sleep(1.5)
        assert other.coordinator.change_count() == before  # nothing committed: nothing moves
        with store.transaction():
            store.set_state("probe", "1")
        assert wait_for(lambda: other.coordinator.change_count() != before, seconds=5)


@pytest.mark.slow
@pytest.mark.backends("postgres")
def test_a_lost_notification_is_caught_by_the_poll(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node that dies between its commit and its NOTIFY: the others' poll of the commit
    counter still sees the change."""
    from feedsvc.store.postgres import PostgresStore
    from feedsvc.store.postgres.coordinator import PgCoordinator

    assert settings.store_url is not None
    store.generation()
    with PostgresStore(settings.store_url, poll=0.2) as other:
        assert wait_for(lambda: other.coordinator.change_count() is not None)
        before = other.coordinator.change_count()
        monkeypatch.setattr(PgCoordinator, "notify_changed", lambda self: None)  # never sent
        with store.transaction():
            store.set_state("probe", "1")
        assert wait_for(lambda: other.coordinator.change_count() != before, seconds=5)
        assert other.state("probe") == "1"
        seen = other.coordinator.change_count()
        time.sleep(0.7)  # three more polls find nothing new
        assert other.coordinator.change_count() == seen


@pytest.mark.slow
@pytest.mark.backends("postgres")
def test_a_listener_that_reconnects_counts_what_it_missed(settings: Settings, store: Store) -> None:
    """A commit made while the listener was cut off (its NOTIFY lost, and already in the commit
    counter the new connection starts from) still moves the count once it listens again."""
    import psycopg

    from feedsvc.store.postgres import PostgresStore

    assert settings.store_url is not None
    store.generation()
    with PostgresStore(settings.store_url, poll=60) as other, psycopg.connect(settings.store_url) as admin:
        coordinator = other.coordinator
        assert wait_for(lambda: coordinator.change_count() is not None)
        before = coordinator.change_count()
        listener = coordinator._listener  # white box: the listener's own session
        assert listener is not None
        admin.execute("SELECT pg_terminate_backend(%s)", (listener.info.backend_pid,))
        assert wait_for(lambda: coordinator.change_count() is None)  # cut off: ask the store
        with store.transaction():
            store.set_state("probe", "while away")
        assert wait_for(lambda: coordinator.change_count() is not None)  # listening again
        assert coordinator.change_count() != before


@pytest.mark.backends("postgres")
def test_without_a_listener_every_request_asks_the_database(settings: Settings, store: Store) -> None:
    """change_count() is None while the listener has no connection (the server is unreachable,
    LISTEN refused): the web cache then reads data_version() on every request."""
    from feedsvc.store.postgres import PostgresStore

    with PostgresStore("postgresql://feedsvc@127.0.0.1:1/nowhere?connect_timeout=1") as lost:
        assert lost.coordinator.change_count() is None
        time.sleep(0.2)
        assert lost.coordinator.change_count() is None
        with pytest.raises(StoreError, match="cannot connect to") as e:
            lost.data_version()
        assert "\n" not in str(e.value) and "\t" not in str(e.value)  # one line in the log


@pytest.mark.backends("postgres")
def test_the_cli_refreshes_and_lists_a_postgresql_index(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    """As a user runs it: `feedsvc refresh` and `feedsvc list` with `[store] url` in the config
    write and read the PostgreSQL index (and no SQLite file appears)."""
    import json
    import shutil

    from click.testing import CliRunner

    from feedsvc.cli import cli

    site = tmp_path / "site"
    shutil.copytree(settings.seeds_dir, site / "seeds")
    config = site / "config.toml"
    config.write_text(f'[store]\nurl = "{settings.store_url}"\n', "utf-8")
    runner = CliRunner()
    refreshed = runner.invoke(cli, ["--config", str(config), "refresh", "--no-progress"], catch_exceptions=False)
    assert refreshed.exit_code == 0, refreshed.output
    assert refreshed.stdout.startswith("added 2, updated 0, removed 0")
    listed = runner.invoke(cli, ["--config", str(config), "list", "--json"], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    assert sorted(json.loads(line)["path"] for line in listed.stdout.splitlines()) == sorted(
        a.path for a in store.latest()
    )
    assert len(store.latest()) == 2  # the fixture's store sees what the CLI wrote
    assert not (site / "var").exists()


def test_an_unknown_store_scheme_is_a_one_line_cli_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from feedsvc.cli import cli

    config = tmp_path / "config.toml"
    config.write_text('[store]\nurl = "mysql://u:hunter2@db/feeds"\n', "utf-8")
    for command in (["refresh", "--no-progress"], ["list"]):
        result = CliRunner().invoke(cli, ["--config", str(config), *command])
        assert result.exit_code == 1 and "no store for mysql://" in result.output, result.output
        assert "hunter2" not in result.output and "Traceback" not in result.output
