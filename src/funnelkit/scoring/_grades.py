"""Grades: a fit letter (A-D) and an engagement band (1-4), combined as "A1"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import attrs

from funnelkit._errors import DefinitionError
from funnelkit.scoring._decay import is_finite

Boundaries = tuple[float, float, float]


def _boundaries(values: Iterable[float]) -> Boundaries:
    given: object = values  # typed, but definitions come from data too
    return cast("Boundaries", tuple(values) if isinstance(given, Iterable) else (values,))


def _grade_problems(name: str, boundaries: object) -> list[str]:
    if (
        isinstance(boundaries, tuple)
        and len(boundaries) == 3  # noqa: PLR2004 - three boundaries part four grades
        and all(is_finite(value) for value in boundaries)
        and boundaries[0] > boundaries[1] > boundaries[2]
    ):
        return []
    return [f"{name}={boundaries!r} must be three finite numbers, highest first, such as (75, 50, 25)"]


@attrs.frozen
class Grades:
    """Where fit letters (A-D) and engagement bands (1-4) begin: "A1" is the best cell.

    A fit score at or above ``fit[0]`` is A, at or above ``fit[1]`` B, at or above ``fit[2]`` C,
    else D; an engagement score at or above ``engagement[0]`` is 1, and so on down to 4.

    Example:
        >>> import funnelkit.scoring as sc
        >>> grades = sc.Grades(fit=(40, 25, 10), engagement=(30, 15, 5))
        >>> grades.grade(42, 3), grades.grade(10, 15)
        ('A4', 'C2')
    """

    fit: Boundaries = attrs.field(default=(75, 50, 25), converter=_boundaries)
    engagement: Boundaries = attrs.field(default=(75, 50, 25), converter=_boundaries)

    def __attrs_post_init__(self) -> None:
        """Refuse boundaries that are not three finite numbers, highest first."""
        problems = _grade_problems("fit", self.fit) + _grade_problems("engagement", self.engagement)
        if problems:
            raise DefinitionError("grades", problems)

    def grade(self, fit: float, engagement: float) -> str:
        """The cell of a fit score and an engagement score, such as ``"B2"``."""
        letter = next((grade for grade, low in zip("ABC", self.fit, strict=True) if fit >= low), "D")
        band = next(
            (band for band, low in zip("123", self.engagement, strict=True) if engagement >= low), "4"
        )
        return letter + band
