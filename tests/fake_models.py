"""Stand-ins for the learned models, for tests that fix what the model says about each line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import cast

from feedsvc.parse import features
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import classify
from feedsvc.parse.model_lines import LineModel


@dataclass(frozen=True)
class FirstLead:
    """A lead model that rates the first candidate paragraph highest."""

    def probability(self, row: Sequence[float], tokens: frozenset[str] = frozenset()) -> float:
        return row[0]  # rank 0


@dataclass(frozen=True)
class GivenModel:
    """A line model whose first and second stages give each line the probability given."""

    probs: tuple[float, ...]
    lead: object = field(default_factory=FirstLead)

    def probabilities(self, shapes: Sequence[features.LineShape]) -> tuple[list[float], list[float]]:
        assert len(shapes) == len(self.probs)
        return list(self.probs), list(self.probs)


def classify_given(lines: Sequence[str], probs: Sequence[float]) -> list[Line]:
    """What classify makes of ``lines`` with no [parse] pattern and the model's probabilities given."""
    return classify(
        lines,
        is_boilerplate=lambda line: False,
        is_caption=lambda line: False,
        cut_debris=lambda line: line,
        model=cast(LineModel, GivenModel(tuple(probs))),
    )
