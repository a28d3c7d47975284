"""Stand-ins for the learned models, for tests that fix what the model says about each line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from feedsvc.parse import features


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
