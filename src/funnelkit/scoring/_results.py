"""The protocol a scorer follows, and how a scorer sums its result.

The result itself, :class:`~funnelkit.scoring.ScoreResult`, is a core value (``funnelkit._scores``):
a lead's MQL event can store one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

from funnelkit._scores import Contribution, ScoreResult

# the result types too, for the scorers that sum them
__all__ = ["Contribution", "ScoreResult", "Scorer", "summed"]


def summed(
    scorer: str,
    version: str,
    baseline: float,
    contributions: Iterable[Contribution],
    **details: object,
) -> ScoreResult:
    """A result whose value is the baseline plus the contributions, summed exactly."""
    parts = tuple(contributions)
    value = baseline + math.fsum(part.amount for part in parts)
    return ScoreResult(scorer, version, value, baseline, parts, **details)  # type: ignore[arg-type]


@runtime_checkable
class Scorer(Protocol):
    """Anything that scores a subject at a time and explains the score.

    A subject is a lead, an opportunity or a plain mapping of attributes; ``at`` is when the
    score is asked for (engagement decays with it, and nothing after it may count). A score is
    computed, never stored and updated.
    """

    @property
    def id(self) -> str:
        """The scorer's id, such as ``"demo-points"``."""

    @property
    def version(self) -> str:
        """The version of its configuration or training."""

    def score(self, subject: object, *, at: datetime) -> ScoreResult:
        """Score ``subject`` as of ``at``."""
