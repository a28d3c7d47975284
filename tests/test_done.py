"""Done-when: the repo's own config and seeds, through the real command line, give the expected article."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_TITLE = (
    "Iran has appeared to acknowledge for the first time that it sent drones to Russia in the "
    "months before the invasion of Ukraine"
)


def feedsvc(config: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_repo_seed_is_published_with_its_title_and_summary(tmp_path: Path) -> None:
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    seed = tmp_path / "seeds" / "000_b13d5d3931fdf2cc.txt"
    assert seed.is_file()

    assert feedsvc(tmp_path / "config.toml", "refresh").startswith("added 1, updated 0, removed 0")
    items = [json.loads(line) for line in feedsvc(tmp_path / "config.toml", "list", "--json").splitlines()]
    assert [item["path"] for item in items] == [seed.name]
    item = items[0]
    assert item["title"] == SEED_TITLE

    lines = [line.strip() for line in seed.read_text("utf-8").splitlines() if line.strip()]
    body = [line for line in lines if not line.endswith(")")]  # the first line is a photo caption
    assert body[0].startswith(SEED_TITLE)
    assert item["summary"].startswith(body[1] + " ")  # body[0] is the title: not said twice
    assert (tmp_path / "var" / "feedsvc.sqlite").is_file()  # config.toml's [store] path, relative to it
