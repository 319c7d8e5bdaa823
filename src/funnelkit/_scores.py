"""Scores as values: a score with its explanation, and a policy's recommendation resting on one.

They live in the core because a lead's MQL event stores the recommendation it was marked on;
:mod:`funnelkit.scoring` publishes them with the scorers that make them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from funnelkit._errors import InvalidInput, Problem

QUALIFY = "mark_marketing_qualified"
"""The lead command a policy recommends for a lead ready for sales."""
NURTURE = "nurture"
"""The lead command a policy recommends for a lead not ready yet."""


def _whole_as_float(amount: float) -> float:
    return float(amount) if type(amount) is int else amount


@attrs.frozen
class Contribution:
    """What one rule or feature added to a score: its name, the amount and why.

    Example:
        >>> from funnelkit.scoring import Contribution
        >>> Contribution("pricing page", 5.0, "visited the pricing page 2 days ago")
        Contribution(name='pricing page', amount=5.0, reason='visited the pricing page 2 days ago')
    """

    name: str
    amount: float = attrs.field(converter=_whole_as_float)
    """A whole number is kept as a float, so stored amounts read alike; anything else as given."""
    reason: str


def _parts(contributions: Iterable[Contribution]) -> tuple[Contribution, ...]:
    return tuple(contributions)


@attrs.frozen
class ScoreResult:
    """A score with its explanation: ``baseline`` plus the contributions' amounts is ``value``.

    ``unit`` says what the value counts: ``"points"`` for a points model, ``"log-odds"`` for a
    predictive model (whose ``probability`` is the chance of a win). Any amount a cap clipped is
    itself a contribution, so the sum still holds after caps; ``clipped`` says how much it was.

    Example:
        >>> from funnelkit.scoring import Contribution, ScoreResult
        >>> result = ScoreResult("demo", "1", 15.0, 0.0, (
        ...     Contribution("form", 10.0, "submitted a form"),
        ...     Contribution("pricing", 5.0, "visited pricing"),
        ... ))
        >>> print(result.explain())
        demo 1: 15 points
          +10: form: submitted a form
          +5: pricing: visited pricing
    """

    scorer: str
    """The id of the scorer that scored."""
    version: str
    value: float
    baseline: float
    contributions: tuple[Contribution, ...] = attrs.field(converter=_parts)
    grade: str | None = None
    """A grade or band where the scorer gives one, such as ``"A1"``."""
    clipped: float = 0.0
    """How much caps took off (negative) or added (positive); already a contribution."""
    unit: str = "points"
    probability: float | None = None
    """The chance of a win, for a predictive scorer; ``None`` for points."""

    def __attrs_post_init__(self) -> None:
        """Refuse a result whose parts do not add up, or that holds NaN or an infinity."""
        numbers: list[object] = [
            self.value,
            self.baseline,
            self.clipped,
            *(part.amount for part in self.contributions),
        ]
        if not all(isinstance(number, (int, float)) and math.isfinite(number) for number in numbers):
            raise InvalidInput(
                f"score of {self.scorer!r}",
                [Problem(("value",), "must be finite numbers throughout", numbers)],
            )
        total = self.baseline + math.fsum(part.amount for part in self.contributions)
        if not math.isclose(total, self.value, rel_tol=1e-9, abs_tol=1e-9):
            raise InvalidInput(
                f"score of {self.scorer!r}",
                [
                    Problem(
                        ("value",), f"must equal the baseline plus the contributions, {total!r}", self.value
                    )
                ],
            )

    def explain(self) -> str:
        """The score and each contribution, largest first, one per line."""
        head = f"{self.scorer} {self.version}: {_number(self.value)} {self.unit}"
        if self.probability is not None:
            head += f" (probability {self.probability:.3f})"
        if self.grade is not None:
            head += f", grade {self.grade}"
        if self.baseline:
            head += f"\n  baseline {_number(self.baseline)}"
        ranked = sorted(self.contributions, key=lambda part: -abs(part.amount))
        return head + "".join(f"\n  {_signed(part.amount)}: {part.name}: {part.reason}" for part in ranked)


def _number(value: float) -> str:
    return f"{value:.4g}" if value != int(value) else str(int(value))


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "") + _number(value)


@attrs.frozen
class Recommendation:
    """What a policy recommends for a lead, and why; it performs nothing.

    ``command`` is ``"mark_marketing_qualified"``, ``"nurture"``, or ``None`` where the lead's
    status allows neither. A lead marked marketing-qualified on a policy's word keeps the
    recommendation in its ``MarketingQualified`` event.
    """

    policy: str
    """The id of the policy that recommends."""
    command: str | None
    reasons: tuple[str, ...]
    result: ScoreResult
    """The score the recommendation rests on."""

    @property
    def reason(self) -> str:
        """The reasons as one line, ready for ``lead.nurture(reason=...)``."""
        return "; ".join(self.reasons)


@runtime_checkable
class Policy(Protocol):
    """Anything that recommends a lead command from the lead's score, such as ``sc.MqlPolicy``.

    ``lead.mark_marketing_qualified(at=..., policy=...)`` asks it, goes ahead only when it
    recommends ``"mark_marketing_qualified"``, and stores its :class:`Recommendation`.
    """

    @property
    def id(self) -> str:
        """The policy's id, such as ``"mql"``."""

    def recommend(self, lead: Any, *, at: datetime) -> Recommendation:  # noqa: ANN401 - a Lead
        """Score ``lead`` at ``at`` and say which command to issue, with the reasons."""
