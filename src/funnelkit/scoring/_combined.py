"""A weighted combination of scorers, each one's contributions carried through."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from funnelkit._errors import DefinitionError
from funnelkit.scoring._results import Contribution, Scorer, ScoreResult, summed

PAIR = 2
"""A part is a scorer and its weight."""


def _parts(parts: Iterable[tuple[Scorer, float]]) -> tuple[tuple[Scorer, float], ...]:
    given: object = parts  # typed, but definitions come from data too
    if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
        raise DefinitionError(
            "combined scorer", [f"parts={given!r} must be a sequence of (scorer, weight) pairs"]
        )
    listed: tuple[object, ...] = tuple(given)
    unpaired = [part for part in listed if not (isinstance(part, tuple) and len(part) == PAIR)]
    if unpaired:
        raise DefinitionError(
            "combined scorer", [f"{part!r} is not a (scorer, weight) pair" for part in unpaired]
        )
    found: tuple[tuple[object, object], ...] = listed  # type: ignore[assignment] # each checked above
    faults = [
        f"weight {weight!r} of {getattr(scorer, 'id', scorer)!r} must be a finite number"
        for scorer, weight in found
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight)
    ]
    faults += [
        f"{scorer!r} is not a scorer (it needs id, version and score)"
        for scorer, _ in found
        if not isinstance(scorer, Scorer)
    ]
    if not found:
        faults.append("give at least one (scorer, weight) pair")
    if faults:
        raise DefinitionError("combined scorer", faults)
    return found  # type: ignore[return-value] # each checked above


@attrs.frozen
class Combined:
    """Scores as the weighted sum of other scorers' scores, with every contribution carried through.

    Each part's baseline and contributions are multiplied by its weight; a contribution is named
    after its scorer (``"fit: segment"``), so the explanation still adds up to the value.

    Example:
        >>> import funnelkit.scoring as sc
        >>> fit = sc.NaiveBayesScorer.fit([{"a": 1}, {"a": 2}], [True, False], id="fit")
        >>> both = sc.Combined([(fit, 2.0)], id="both")
        >>> result = both.score({"a": 1}, at=None)
        >>> result.value == 2 * fit.score({"a": 1}, at=None).value, result.contributions[0].name
        (True, 'fit: a')
    """

    parts: tuple[tuple[Scorer, float], ...] = attrs.field(converter=_parts)
    id: str = "combined"
    version: str = "1"

    def score(self, subject: object, *, at: datetime | None) -> ScoreResult:
        """The weighted sum of each part's score of ``subject`` at ``at``."""
        results = [(scorer.score(subject, at=at), weight) for scorer, weight in self.parts]  # type: ignore[arg-type]
        units = {result.unit for result, _ in results}
        parts = [
            Contribution(f"{result.scorer}: {part.name}", weight * part.amount, part.reason)
            for result, weight in results
            for part in result.contributions
        ]
        baseline = math.fsum(weight * result.baseline for result, weight in results)
        return summed(
            self.id, self.version, baseline, parts, unit=units.pop() if len(units) == 1 else "mixed"
        )
