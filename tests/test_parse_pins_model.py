"""Behaviour of the learned line model (feedsvc/parse/model_lines.py) that its mutation run
(bench/MUTATION.md, round 5) found unpinned: the model file's contract with the code, the
fingerprint that makes a refresh parse everything again after retraining, and the model's
answers at its extremes. Each test says what an operator or a reader would see."""

from __future__ import annotations

import copy
import json
import math
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from feedsvc.parse import features
from feedsvc.parse import model_lines
from feedsvc.parse.model_lines import Logistic
from feedsvc.parse.model_lines import from_json
from feedsvc.parse.model_lines import stage2_names
from feedsvc.parse.model_lines import stage2_vectors

DATA = resources.files("feedsvc.parse").joinpath("data")


def _shipped() -> dict[str, dict[str, object]]:
    return json.loads(DATA.joinpath("lines.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the model file


@pytest.mark.parametrize("stage", ["first", "second", "lead"])
def test_a_model_file_trained_on_other_features_is_refused(stage: str) -> None:
    """Weights trained on another feature list would be read in the wrong order and classify
    every line by the wrong inputs, quietly; the operator is told to retrain instead."""
    raw = copy.deepcopy(_shipped())
    names = list(raw[stage]["names"])  # type: ignore[arg-type]
    names[0], names[1] = names[1], names[0]  # the same features, in another order
    raw[stage]["names"] = names
    with pytest.raises(
        ValueError, match=r"^data/lines\.json was trained on other features: run tools/train_classifier\.py$"
    ):
        from_json(raw)


def test_the_shipped_model_file_matches_the_code() -> None:
    model = from_json(_shipped())
    assert model.first.names == model_lines.stage1_names()
    assert model.lead.names == model_lines.lead_names()


# --------------------------------------------------------------------------- the data fingerprint


def _fingerprint_of(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """data_fingerprint() as it would be with ``folder`` as the package's files."""
    monkeypatch.setattr(model_lines, "resources", SimpleNamespace(files=lambda package: folder))
    return model_lines.data_fingerprint.__wrapped__()


@pytest.mark.parametrize("name", ["lines.json", "stopwords.txt", "months.json"])
def test_retrained_weights_or_new_stop_words_change_the_fingerprint(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules key holds this fingerprint: a new model file, stop-word list or month table
    changes what the same text publishes, so the next refresh must parse every file again
    (test_rules_key)."""
    data = tmp_path / "data"
    data.mkdir()
    for f in ("lines.json", "stopwords.txt", "months.json"):
        (data / f).write_bytes(DATA.joinpath(f).read_bytes())
    before = _fingerprint_of(tmp_path, monkeypatch)
    assert before == model_lines.data_fingerprint()  # the copy is the shipped data
    with (data / name).open("ab") as f:
        f.write(b"\n")
    after = _fingerprint_of(tmp_path, monkeypatch)
    assert after != before
    assert len(after) == len(before) == 16


# --------------------------------------------------------------------------- the model's extremes


def _one_input(weight: float) -> Logistic:
    return Logistic(names=("x",), mean=(0.0,), scale=(1.0,), weights=(weight,), bias=0.0, words={})


@pytest.mark.parametrize("x", [40.0, 49.0, 50.0, 51.0, 100.0, 1000.0, 1e300])
def test_a_line_far_on_either_side_is_sure_not_the_opposite(x: float) -> None:
    """However far a line lies from the decision boundary, it is scored on its own side: far on
    the not-text side is 0 (no overflow in exp), far on the text side is 1."""
    assert _one_input(-1.0).probability([x]) == pytest.approx(0.0, abs=1e-17)
    assert _one_input(1.0).probability([x]) == pytest.approx(1.0)
    assert _one_input(-1.0).probability([x]) < 0.5 < _one_input(1.0).probability([x])


# --------------------------------------------------------------------------- the second stage's inputs


def test_a_line_at_exactly_the_strong_bar_is_strong_in_every_column() -> None:
    """0.8 is "sure" for the gap to the nearest sure line, and for the lines above the first /
    below the last sure line alike: the columns never disagree about the same line."""
    lines = ["Home | News", "A line of text here.", "Another line of text.", "© 2024"]
    shapes = features.shapes(lines)
    names = stage2_names()
    rows = stage2_vectors([0.1, 0.8, 0.8, 0.1], shapes)
    gap = [r[names.index("gap_to_strong")] for r in rows]
    before = [r[names.index("before_first_strong")] for r in rows]
    after = [r[names.index("after_last_strong")] for r in rows]
    assert gap == [math.log1p(1), 0.0, 0.0, math.log1p(1)]
    assert before == [1.0, 0.0, 0.0, 0.0]
    assert after == [0.0, 0.0, 0.0, 1.0]


def test_the_model_file_keeps_its_vocabulary() -> None:
    """The first stage weighs a line's words too (a small learned vocabulary): a model read
    without them decides on shape alone."""
    raw = _shipped()
    model = from_json(raw)
    shipped = raw["first"]["words"]
    assert shipped and model.first.words == shipped
    shape = features.shapes(["Subscribe to our newsletter"])[0]
    assert model.first.word_score(shape.tokens) != 0.0


# --------------------------------------------------------------------------- explain's numbers


def test_the_features_explain_shows_add_up_to_the_decision() -> None:
    """``feedsvc explain`` lists each input's share of a line's score, largest first: the shares
    and the intercept add up to the log-odds the model decided on (standardised inputs)."""
    model = Logistic(
        names=("a", "b", "c"),
        mean=(1.0, 0.0, 2.0),
        scale=(2.0, 1.0, 4.0),
        weights=(2.0, -3.0, 1.0),
        bias=0.25,
        words={},
    )
    row = [5.0, 1.0, 4.0]
    parts = model.contributions(row)
    assert parts == [("a", 4.0), ("b", -3.0), ("c", 0.5)]
    p = model.probability(row)
    assert sum(v for _, v in parts) + model.bias == pytest.approx(math.log(p / (1 - p)))


def test_the_shipped_models_shares_add_up_too() -> None:
    model = model_lines.line_model().first
    shapes = features.shapes(
        ["Home | News", "The council voted on Monday to close three libraries.", "© 2024"]
    )
    for row in model_lines.vectors(shapes):
        parts = model.contributions(row)
        p = model.probability(row)
        assert sum(v for _, v in parts) + model.bias == pytest.approx(math.log(p / (1 - p)), abs=1e-9)
        assert [abs(v) for _, v in parts] == sorted((abs(v) for _, v in parts), reverse=True)


# --------------------------------------------------------------------------- the first stage's inputs


def _plain_stage1(shapes: list[features.LineShape]) -> list[list[float]]:
    """The first model's inputs as the weights were trained on them: the line's features, the
    five neighbour features of the lines just above and below (zeros past the ends), the means
    of terminal, log_chars and stop_density over the line and three lines each side, and its
    log_chars and stop_density less the article's largest."""
    names = features.NAMES
    col = names.index
    picked = ("log_chars", "terminal", "stop_density", "short", "no_stop")
    n = len(shapes)
    rows = []
    for i, s in enumerate(shapes):
        window = [x.values for x in shapes[max(0, i - 3) : i + 4]]
        prev = [shapes[i - 1].values[col(f)] if i > 0 else 0.0 for f in picked]
        nxt = [shapes[i + 1].values[col(f)] if i + 1 < n else 0.0 for f in picked]
        means = [
            sum(v[col(f)] for v in window) / len(window) for f in ("terminal", "log_chars", "stop_density")
        ]
        rel = [
            s.values[col(f)] - max(x.values[col(f)] for x in shapes) for f in ("log_chars", "stop_density")
        ]
        rows.append([*s.values, *prev, *nxt, *means, *rel])
    return rows


@pytest.mark.parametrize(
    "lines",
    [
        ["Home | News | Sport", "Sign in"]
        + [f"Paragraph {k} of the report says the harbour will reopen in spring." for k in range(9)]
        + ["© 2024 Example Media", "Share this story"],
        ["Главная", "Новости"] + [f"Абзац {k}: порт откроется весной, сообщил мэр города." for k in range(8)],
        ["One line only, the whole article."],
    ],
)
def test_stage1_rows_are_the_inputs_the_weights_were_trained_on(lines: list[str]) -> None:
    """tools/train_classifier.py trains on these rows; a window or a neighbour feature computed
    differently at run time feeds the shipped weights inputs they never saw."""
    shapes = features.shapes(lines)
    got = model_lines.vectors(shapes)
    assert len(got[0]) == len(model_lines.stage1_names())
    assert got == [pytest.approx(row, abs=1e-12) for row in _plain_stage1(shapes)]
