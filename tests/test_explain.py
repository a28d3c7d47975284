"""`feedsvc explain FILE`: every line's class and reason, then what the article gives; one-line errors.

The assertions pin what rules decide (the header block, [parse] patterns, bylines, dates);
which lines the learned model calls text is left to tests/test_parsing*.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from click.testing import Result

from feedsvc.cli import cli

# The site's cookie notice and share line are what a user would add to [parse] (README).
CONFIG = r"""[seeds]
dir = "seeds"
[store]
path = "var/index.sqlite"
[parse]
extra_boilerplate = ["^we use cookies\\b", "^share this article\\b"]
"""

ARTICLE = """\
We use cookies to improve your experience. By continuing you agree to our cookie policy.
Harbour town votes to rebuild its storm wall
By Jane Smith, Reuters
Updated 10:32 GMT, 18 November 2019

The town council of Port Ellery voted on Monday evening to rebuild the sea wall that protects \
its old harbour, after two winters of storms left large parts of the structure cracked and unsafe.

Workers inspect a cracked section of the old harbour wall (Picture: Harbour Trust)

Engineers told councillors that the repairs would take about eighteen months and would be paid \
for partly by a regional grant and partly by a small rise in local harbour fees.

Fishermen who use the harbour said they welcomed the decision, although several asked that the \
work be scheduled so that the busiest months of the season are not disrupted.

Share this article
"""

WITH_HEADER = """\
Title: Harbour wall to be rebuilt
Date: 2019-11-18 10:32
Author: Jane Smith <jane@example.com>
Title: A second title is ignored

The town council of Port Ellery voted on Monday evening to rebuild the sea wall that protects \
its old harbour, after two winters of storms left large parts of the structure cracked and unsafe.

Engineers told councillors that the repairs would take about eighteen months and would be paid \
for partly by a regional grant and partly by a small rise in local harbour fees.
"""

KINDS = {
    "header", "lead", "body", "standfirst", "caption", "byline", "dateline", "timestamp",
    "boilerplate", "comment", "related",
}  # fmt: skip


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, "utf-8")
    return path


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """Outside any seeds folder, on purpose: explain takes any path."""
    path = tmp_path / "elsewhere" / "harbour.txt"
    path.parent.mkdir()
    path.write_text(ARTICLE, "utf-8")
    return path


def run(*args: str | Path, env: dict[str, str] | None = None, color: bool = False) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, color=color, catch_exceptions=False)


def explain_json(config: Path, path: Path) -> dict[str, Any]:
    result = run("--config", config, "explain", "--json", path)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_json_gives_every_line_with_the_rule_decisions(config: Path, article: Path) -> None:
    data = explain_json(config, article)
    lines = {line["n"]: line for line in data["lines"]}
    # Every non-empty line, numbered as in the file; blank lines are not listed.
    assert sorted(lines) == [1, 2, 3, 4, 6, 8, 10, 12, 14]
    assert all(line["kind"] in KINDS for line in lines.values())
    assert lines[3]["text"] == "By Jane Smith, Reuters"
    for n, kind in [(1, "boilerplate"), (8, "caption"), (14, "boilerplate")]:  # [parse] patterns
        assert lines[n]["kind"] == kind
        assert lines[n]["score"] is None
        assert f"[parse] {kind} pattern" in lines[n]["reason"]
    assert lines[3]["kind"] == "byline"
    assert lines[4]["kind"] == "timestamp"
    for n in (3, 4, 6):  # the model's probability, for the lines it was asked about
        assert 0.0 <= lines[n]["score"] <= 1.0
    assert data["author"] == "Jane Smith"
    assert data["date"] == "2019-11-18T10:32:00Z"
    assert "cookies" not in data["title"] + data["summary"]
    assert data["captions"] == 1
    assert data["paragraphs"] >= 1
    assert data["warnings"] == [] and data["error"] is None


def test_json_shows_the_header_block(config: Path, tmp_path: Path) -> None:
    path = tmp_path / "with-header.md"  # any name: explain is not limited to .txt seeds
    path.write_text(WITH_HEADER, "utf-8")
    data = explain_json(config, path)
    lines = {line["n"]: line for line in data["lines"]}
    assert [lines[n]["kind"] for n in (1, 2, 3, 4)] == ["header"] * 4
    assert all(lines[n]["score"] is None for n in (1, 2, 3, 4))
    assert lines[1]["reason"] == "header field title"
    assert "ignored" in lines[4]["reason"] and "ignored" not in lines[1]["reason"]
    assert 5 not in lines and 6 in lines and lines[6]["kind"] != "header"
    assert data["title"] == "Harbour wall to be rebuilt"
    assert data["author"] == "Jane Smith"  # the e-mail address is not published
    assert data["date"] == "2019-11-18T10:32:00Z"


def test_a_bad_date_header_is_a_warning(config: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(WITH_HEADER.replace("2019-11-18 10:32", "the day after tomorrow"), "utf-8")
    data = explain_json(config, path)
    assert data["date"] is None
    assert len(data["warnings"]) == 1 and "Date:" in data["warnings"][0]
    result = run("--config", config, "explain", path)
    assert result.exit_code == 0
    assert re.search(r"^warning: +unparseable Date: header", result.stdout, re.MULTILINE)


def test_text_output_has_a_row_per_line_then_the_result(config: Path, article: Path) -> None:
    data = explain_json(config, article)
    result = run("--config", config, "explain", article)
    assert result.exit_code == 0, result.output
    out = result.stdout
    rows = out.split("\n\n")[0].splitlines()
    assert rows[0].split() == ["#", "class", "p", "text", "reason"]
    assert len(rows) == 1 + len(data["lines"])
    for row, line in zip(rows[1:], data["lines"], strict=True):
        score = "rule" if line["score"] is None else f"{line['score']:.2f}"
        assert row.split()[:3] == [str(line["n"]), line["kind"], score], row
    assert re.search(
        r"^ 1  boilerplate  rule  We use cookies.*…  a \[parse\] boilerplate pattern$", out, re.M
    )
    assert re.search(r"^ 3  byline .*  By Jane Smith, Reuters ", out, re.M)
    assert re.search(r"^title: +\S", out, re.M)
    assert re.search(r"^summary: +\S", out, re.M)
    assert re.search(r"^author: +Jane Smith$", out, re.M)
    assert re.search(r"^date: +2019-11-18T10:32:00Z$", out, re.M)
    assert re.search(r"^body: +\d+ paragraphs?, 1 caption$", out, re.M)
    assert "\x1b" not in out  # no colour when stdout is not a terminal
    assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize("width", [60, 80, 120])
def test_width(config: Path, article: Path, width: int) -> None:
    result = run("--config", config, "explain", "--width", str(width), article)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_colour_only_on_a_terminal_and_never_with_no_color(config: Path, article: Path) -> None:
    assert "\x1b[" in run("--config", config, "explain", article, color=True).stdout
    plain = run("--config", config, "explain", article, color=True, env={"NO_COLOR": "1"})
    assert "\x1b" not in plain.stdout


def test_no_article_left_shows_the_lines_then_one_error(config: Path, tmp_path: Path) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text("Advertisement\n\nRead more\n", "utf-8")
    result = run("--config", config, "explain", path)
    assert_one_line_error(result, "nothing left after removing captions and boilerplate")
    assert re.search(r"^1  boilerplate  rule  Advertisement ", result.stdout, re.M)
    assert re.search(r"^3  boilerplate  rule  Read more ", result.stdout, re.M)
    result = run("--config", config, "explain", "--json", path)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [line["kind"] for line in data["lines"]] == ["boilerplate", "boilerplate"]
    assert data["title"] is None and data["error"].startswith("nothing left")


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (None, ("file not found",)),
        (b"", ("empty file",)),
        (b"\n \n\t\n", ("empty file",)),
        (b"\x00\x01\x02\x03" * 16, ("binary file",)),
        (b"\x89PNG\r\n\x1a\n" + b"x" * 50, ("binary file",)),
        (b"Title: Only a header\n", ("no article text",)),
        ("dir", ("not a regular file",)),
        (b"x" * 200, ("larger than the 100 byte limit",)),
    ],
    ids=["missing", "empty", "blank", "binary", "png", "header-only", "directory", "too-large"],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_unreadable_files_are_one_line_errors(
    tmp_path: Path, content: bytes | str | None, fragments: tuple[str, ...], as_json: bool
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[seeds]\nmax_file_bytes = 100\n", "utf-8")
    path = tmp_path / "input.txt"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = run("--config", config, "explain", *(["--json"] if as_json else []), path)
    assert_one_line_error(result, str(path), *fragments)
    if content != b"Title: Only a header\n":  # that one shows its header lines first
        assert result.stdout == ""


def test_missing_config_is_a_one_line_error(tmp_path: Path, article: Path) -> None:
    result = run("--config", tmp_path / "nope.toml", "explain", article)
    assert_one_line_error(result, "config file not found")


@pytest.mark.parametrize(
    "args",
    [["--bogus"], [], ["--width", "ten"], ["--width", "59"]],
    ids=["flag", "no-file", "width", "narrow"],
)
def test_bad_flags_are_one_line_through_the_real_entry_point(
    config: Path, article: Path, args: list[str]
) -> None:
    tail = [str(article)] if args else []
    done = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "explain", *args, *tail],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr


def test_help_works_without_a_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("explain", "--help")
    assert result.exit_code == 0, result.output
    assert "--json" in result.stdout and "--width" in result.stdout


def test_a_model_decision_shows_the_features_behind_it(config: Path, article: Path) -> None:
    """The reason of a line the model scored names the three features that weighed most in its
    first-stage score, and its words' share; a [parse] decision names its pattern only."""
    from feedsvc.parse.model_lines import stage1_names

    data = explain_json(config, article)
    for line in data["lines"]:
        if line["score"] is None:
            assert "[" not in line["reason"].replace("[parse]", "")
            continue
        features = re.search(r"\[([^\]]*), words [+-]\d+\.\d\]$", line["reason"])
        assert features is not None, line["reason"]
        names = [part.rsplit(" ", 1)[0] for part in features.group(1).split(", ")]
        assert len(names) == 3 and set(names) <= set(stage1_names()), names
