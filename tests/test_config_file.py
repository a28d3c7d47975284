"""The shipped config.toml: it loads, and its pattern lists are the built-in defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedsvc.config import _SCHEMA
from feedsvc.config import DEFAULT_BOILERPLATE
from feedsvc.config import DEFAULT_CAPTIONS
from feedsvc.config import DEFAULT_DEBRIS
from feedsvc.config import load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_loads_with_the_default_patterns() -> None:
    settings = load_settings(ROOT / "config.toml")
    assert settings.captions == DEFAULT_CAPTIONS
    assert settings.boilerplate == DEFAULT_BOILERPLATE
    assert settings.debris == DEFAULT_DEBRIS
    assert settings.seeds_dir == ROOT / "seeds"
    assert settings.public_url == "http://127.0.0.1:8000/"


def test_readme_documents_every_config_key() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    documented = set(re.findall(r"`\[(\w+)\] (\w+)", readme))
    for match in re.finditer(r"`\[(\w+)\] ([\w, `]+)`", readme):  # "`[server] host`, `port`"
        documented |= {(match.group(1), key) for key in re.findall(r"\w+", match.group(2))}
    for line in readme.splitlines():  # rows that list several keys: `[parse] a`, `b`, `c`
        if m := re.match(r"\| `\[(\w+)\] \w+`((?:, `\w+`)+)", line):
            documented |= {(m.group(1), k) for k in re.findall(r"`(\w+)`", m.group(2))}
    missing = {(s, k) for s, keys in _SCHEMA.items() for k in keys} - documented
    assert not missing, f"config keys missing from README: {sorted(missing)}"


@pytest.mark.slow
def test_bad_flags_are_one_line_through_the_real_entry_point(tmp_path: Path) -> None:
    import subprocess
    import sys

    for args in (["--bogus"], ["serve", "--port", "99999"], ["--config", str(tmp_path / "no.toml"), "list"]):
        done = subprocess.run(
            [sys.executable, "-m", "feedsvc", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode != 0, args
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, done.stderr)
    done = subprocess.run(
        [sys.executable, "-m", "feedsvc", "refresh", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "Usage:" in done.stdout
