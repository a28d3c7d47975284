"""The command line: refresh and list over a tmp config, and one-line errors for bad configs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from click.testing import Result

from feedsvc.cli import cli

SUMMARY = re.compile(r"^added (\d+), updated (\d+), removed (\d+), unchanged (\d+), skipped (\d+)\b.*$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
CONFIG = '[seeds]\ndir = "seeds"\n[store]\npath = "var/index.sqlite"\n'


@pytest.fixture
def config(tmp_path: Path, seeds_dir: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, "utf-8")
    return path


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_refresh_prints_a_summary_and_one_line_per_skipped_file(config: Path, seeds_dir: Path) -> None:
    (seeds_dir / "empty.txt").write_bytes(b"")
    (seeds_dir / "sub").mkdir()
    (seeds_dir / "sub" / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    result = run("--config", config, "refresh", "--no-progress")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    m = SUMMARY.match(lines[0])
    assert m is not None, lines[0]
    assert m.groups() == ("2", "0", "0", "0", "2")
    assert sorted(lines[1:]) == [
        "skipped empty.txt: empty file",
        "skipped sub/binary.txt: binary file (100% control bytes)",
    ]

    again = run("--config", config, "refresh", "--no-progress")
    m = SUMMARY.match(again.stdout.splitlines()[0])
    assert m is not None and m.groups() == ("0", "0", "0", "2", "2")


def test_list_json(config: Path) -> None:
    assert run("--config", config, "refresh", "--no-progress").exit_code == 0
    result = run("--config", config, "list", "--json")
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(items) == 2
    for item in items:
        assert {"id", "slug", "title", "summary", "published", "updated", "path"} <= set(item)
        for key in ("published", "updated"):
            assert RFC3339.match(item[key]), item[key]
            assert datetime.fromisoformat(item[key]).utcoffset() is not None
    by_id = {item["id"]: item for item in items}
    assert by_id["council-bike-lanes"]["published"] == "2025-03-03T14:05:00Z"
    assert by_id["council-bike-lanes"]["path"] == "header-example.txt"
    assert by_id["council-bike-lanes"]["title"] == "Council approves new <bike> lanes & crossings"


def test_config_from_environment(config: Path) -> None:
    result = run("refresh", "--no-progress", env={"FEEDSVC_CONFIG": str(config)})
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.stdout.splitlines()[0])
    assert (config.parent / "var" / "index.sqlite").is_file()


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (None, ("config file not found",)),
        ("[feed\nmax_items = 3\n", ("invalid TOML",)),
        ("[feed]\nmax_itemz = 3\n", ("unknown key", "max_itemz")),
        ('[feed]\nmax_items = "ten"\n', ("max_items", "must be an integer", "'ten'")),
        ('[parse]\nboilerplate = ["Werbung[", "ok"]\n', ("[parse] boilerplate", "'Werbung['")),
        (
            '[parse]\ncaptions = ["' + "(" * 1200 + "a" + ")" * 1200 + '"]\n',
            ("[parse] captions", "nested too deeply", "'((((", "..."),
        ),
    ],
    ids=["missing", "invalid-toml", "unknown-key", "wrong-type", "bad-regex", "deep-regex"],
)
@pytest.mark.parametrize("command", ["refresh", "list"])
def test_bad_config_is_a_one_line_error(
    tmp_path: Path, command: str, text: str | None, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "config.toml"
    if text is not None:
        path.write_text(text, "utf-8")
    result = run("--config", path, command)
    assert_one_line_error(result, *fragments)
    assert len(result.stderr) < 300  # a user's long pattern is cut short in the message


def test_missing_seeds_dir_is_a_one_line_error(config: Path, seeds_dir: Path) -> None:
    assert run("--config", config, "refresh", "--no-progress").exit_code == 0
    shutil.rmtree(seeds_dir)
    assert_one_line_error(run("--config", config, "refresh", "--no-progress"), "seeds directory")
    assert len(run("--config", config, "list").stdout.splitlines()) == 2  # nothing was removed


def test_help_works_without_a_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml here
    result = run("refresh", "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and "refresh" in result.stdout
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("command", list(cli.commands.values()), ids=lambda c: c.name)
def test_every_command_has_help(command: click.Command) -> None:
    assert command.help
    assert run(str(command.name), "--help").exit_code == 0


def test_refresh_in_a_real_process(config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "refresh"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert SUMMARY.match(result.stdout.splitlines()[0])
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr
