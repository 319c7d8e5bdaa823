"""Verdicts and the results criteria return."""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs


class Verdict(str, enum.Enum):
    """How one criterion judges a subject. ``unknown`` means not enough evidence, never "no"."""

    met = "met"
    partial = "partial"
    unmet = "unmet"
    unknown = "unknown"

    @property
    def is_definite(self) -> bool:
        """Whether the verdict says something: anything but ``unknown``."""
        return self is not Verdict.unknown


# definite verdicts are ordered: combinators take minima and maxima along this scale
RANK = {Verdict.unmet: 0, Verdict.partial: 1, Verdict.met: 2}
BY_RANK = {rank: verdict for verdict, rank in RANK.items()}


class UnknownMode(str, enum.Enum):
    """How a combinator counts children whose verdict is unknown."""

    block = "block"
    """The result is unknown unless every way the unknowns could turn out gives the same verdict."""
    unmet = "unmet"
    """Unknown children count as unmet."""
    ignore = "ignore"
    """Unknown children are left out; if nothing is left, the result is unknown."""


@attrs.frozen
class CriterionResult:
    """What one criterion found: its verdict, an optional grade, and the reason, citing evidence.

    Combinators return a result whose ``children`` are the results of every criterion they
    combined, so a result is a tree that explains itself down to each fact.
    """

    criterion: str
    """The id of the criterion that judged."""
    verdict: Verdict
    reason: str
    grade: int | None = None
    """A 0-3 grade where the criterion grades evidence, else ``None``."""
    evidence: tuple[str, ...] = ()
    """The names of the facts the criterion used."""
    children: tuple[CriterionResult, ...] = ()
    knock_out: bool = False
    """Whether an unmet verdict here disqualifies outright."""

    def walk(self) -> Iterator[CriterionResult]:
        """Yield this result and every result below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> tuple[CriterionResult, ...]:
        """The results of the criteria that judged evidence themselves, not by combining others."""
        return tuple(result for result in self.walk() if not result.children)

    def explain(self, depth: int = 0) -> str:
        """Return the result as an indented text tree, one line per criterion."""
        grade = "" if self.grade is None else f" (grade {self.grade})"
        line = f"{'  ' * depth}{self.verdict.value}: {self.criterion}{grade}: {self.reason}"
        return "\n".join([line, *(child.explain(depth + 1) for child in self.children)])
