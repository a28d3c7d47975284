"""A [parse] pattern that does not compile is a one-line ConfigError naming the file, the key
and the pattern, shown as its repr cut to 80 characters (config._pattern_shown): the whole
message, not only fragments of it, so a long pattern never floods the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedsvc.config import _pattern_shown
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError


def _error(tmp_path: Path, key: str, pattern: str) -> str:
    path = tmp_path / "config.toml"
    quoted = pattern.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'[seeds]\ndir = "seeds"\n[parse]\n{key} = ["{quoted}"]\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    return str(info.value)


def _re_error(pattern: str) -> str:
    with pytest.raises(re.error) as info:
        re.compile(pattern)
    return str(info.value)


def test_a_pattern_shown_whole_up_to_80_characters() -> None:
    value = "Werbung[" + "x" * 70  # its repr, quotes included, is 80 characters
    assert len(repr(value)) == 80
    assert _pattern_shown(value) == repr(value)
    assert _pattern_shown(value[:-1]) == repr(value[:-1])


def test_a_longer_pattern_cut_to_80_characters() -> None:
    value = "Werbung[" + "x" * 71  # 81 characters as a repr
    shown = _pattern_shown(value)
    assert shown == repr(value)[:77] + "..."
    assert len(shown) == 80
    # the limit is a parameter
    assert _pattern_shown("Anzeige[", limit=8) == "'Anze..."
    assert _pattern_shown("Anzeige", limit=9) == "'Anzeige'"


def test_a_bad_pattern_s_message(tmp_path: Path) -> None:
    pattern = "Publicidad[" + "y" * 75
    message = _error(tmp_path, "boilerplate", pattern)
    path = tmp_path / "config.toml"
    assert message == (
        f"{path}: [parse] boilerplate: invalid regular expression {repr(pattern)[:77]}...: {_re_error(pattern)}"
    )


def test_a_short_bad_pattern_is_shown_whole(tmp_path: Path) -> None:
    message = _error(tmp_path, "debris", "Реклама(")
    path = tmp_path / "config.toml"
    assert (
        message == f"{path}: [parse] debris: invalid regular expression 'Реклама(': {_re_error('Реклама(')}"
    )


def test_a_pattern_nested_deeper_than_re_goes(tmp_path: Path) -> None:
    pattern = "(" * 1200 + "a" + ")" * 1200
    message = _error(tmp_path, "captions", pattern)
    path = tmp_path / "config.toml"
    assert (
        message == f"{path}: [parse] captions: invalid regular expression '{'(' * 76}...: nested too deeply"
    )


def test_good_patterns_load_in_their_order(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[seeds]\ndir = "seeds"\n[parse]\nboilerplate = ["^Werbung$", "^Publicidad$"]\n'
        'extra_captions = ["^Фото:"]\n',
        "utf-8",
    )
    settings = load_settings(path)
    assert settings.boilerplate == ("^Werbung$", "^Publicidad$")
    assert settings.captions[-1] == "^Фото:"


def test_a_pattern_that_is_no_string(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[seeds]\ndir = "seeds"\n[parse]\ndebris = ["^Anzeige$", 3]\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}: [parse] debris must be a list of strings, got 3"
