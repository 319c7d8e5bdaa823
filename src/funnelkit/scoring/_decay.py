"""How engagement fades: the decay forms a points model applies to a touch's points, by its age.

A decay is a pure function of a touch's age in days, computed at the ``at`` a score is asked
for, never by changing a stored score. Every form gives 1 at age 0 and never grows with age.
"""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import attrs

from funnelkit._errors import DefinitionError

DAY = 86_400.0
"""Seconds in a day: ages and periods are counted in days, fractions included."""


def is_finite(value: object) -> bool:
    """Whether ``value`` is a finite number: an int or a float, not a bool, not NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float
        return False


def days_problem(name: str, value: object) -> str | None:
    """What is wrong with ``value`` as a number of days (a finite number above 0), or ``None``."""
    if is_finite(value) and value > 0:  # type: ignore[operator]
        return None
    return f"{name}={value!r} must be a positive, finite number of days"


def days(value: float) -> str:
    """A number of days as an explanation shows it: ``"1 day"``, ``"30 days"``, ``"2.5 days"``."""
    shown = str(int(value)) if value == int(value) else f"{value:.3g}"
    return f"{shown} day" if shown == "1" else f"{shown} days"


@runtime_checkable
class Decay(Protocol):
    """How much of a touch's points is left at an age: a factor from 1 (new) down to 0."""

    def factor(self, age: float) -> float:
        """The share of the points left ``age`` days after the touch; never more at a greater age."""
        ...  # pragma: no cover - a Protocol member


@attrs.frozen(repr=False)
class HalfLife:
    """Exponential decay: ``points * 2 ** (-age / days)``; half is left after ``days``."""

    days: float

    def __attrs_post_init__(self) -> None:
        """Refuse a half-life that is not a positive, finite number of days."""
        problem = days_problem("days", self.days)
        if problem is not None:
            raise DefinitionError("half_life", [problem])

    def factor(self, age: float) -> float:
        """``2 ** (-age / days)``."""
        return math.pow(2.0, -age / self.days)

    def __str__(self) -> str:
        """``half-life 30 days``."""
        return f"half-life {days(self.days)}"

    def __repr__(self) -> str:
        return f"half_life({self.days!r})"


@attrs.frozen(repr=False)
class StepDecay:
    """Decay by a rate once every period: compounding, or by the same amount each time (linear).

    Compounding: ``points * (1 - rate) ** floor(age / every)``. Linear:
    ``points * max(0, 1 - rate * floor(age / every))``.
    """

    rate: float
    """The share taken off each period, from 0 up to (not including) 1."""
    every: float
    """The period, in days."""
    linear: bool = False
    """Take ``rate`` of the original points each period, rather than ``rate`` of what is left."""

    def __attrs_post_init__(self) -> None:
        """Refuse a rate outside [0, 1) or a period that is not a positive number of days."""
        problems = (
            [] if is_finite(self.rate) and 0 <= self.rate < 1 else [f"rate={self.rate!r} must be in [0, 1)"]
        )
        period = days_problem("every", self.every)
        problems += [] if period is None else [period]
        if problems:
            raise DefinitionError("linear_decay" if self.linear else "step_decay", problems)

    def factor(self, age: float) -> float:
        """The share left after the whole periods in ``age``."""
        periods = math.floor(age / self.every)
        if self.linear:
            return max(0.0, 1.0 - self.rate * periods)
        return (1.0 - self.rate) ** periods

    def __str__(self) -> str:
        """``-50% every 30 days`` (compounding), or ``-25% of the points every 30 days`` (linear)."""
        rate = f"{self.rate * 100:.3g}%"
        kind = " of the points" if self.linear else ""
        return f"-{rate}{kind} every {days(self.every)}"

    def __repr__(self) -> str:
        return f"{'linear_decay' if self.linear else 'step_decay'}({self.rate!r}, every={self.every!r})"


def half_life(days: float) -> HalfLife:
    """Decay that halves a touch's points every ``days``: ``points * 2 ** (-age / days)``.

    Raises:
        DefinitionError: ``days`` is not a positive, finite number.

    Example:
        >>> import funnelkit.scoring as sc
        >>> decay = sc.half_life(30)
        >>> decay.factor(0), decay.factor(30), decay.factor(60), str(decay)
        (1.0, 0.5, 0.25, 'half-life 30 days')
    """
    return HalfLife(days)


def step_decay(rate: float, *, every: float) -> StepDecay:
    """Decay that takes ``rate`` of what is left once every ``every`` days (HubSpot's "50% every month").

    ``points * (1 - rate) ** floor(age / every)``.

    Raises:
        DefinitionError: ``rate`` is outside [0, 1), or ``every`` is not a positive, finite number.

    Example:
        >>> import funnelkit.scoring as sc
        >>> decay = sc.step_decay(0.5, every=30)
        >>> decay.factor(29), decay.factor(30), decay.factor(65), str(decay)
        (1.0, 0.5, 0.25, '-50% every 30 days')
    """
    return StepDecay(rate, every)


def linear_decay(rate: float, *, every: float) -> StepDecay:
    """Decay that takes ``rate`` of the original points once every ``every`` days, down to 0.

    ``points * max(0, 1 - rate * floor(age / every))``.

    Raises:
        DefinitionError: ``rate`` is outside [0, 1), or ``every`` is not a positive, finite number.

    Example:
        >>> import funnelkit.scoring as sc
        >>> decay = sc.linear_decay(0.25, every=30)
        >>> decay.factor(30), decay.factor(65), decay.factor(400), str(decay)
        (0.75, 0.5, 0.0, '-25% of the points every 30 days')
    """
    return StepDecay(rate, every, linear=True)
