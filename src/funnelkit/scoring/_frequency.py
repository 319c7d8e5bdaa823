"""Odoo-style predictive lead scoring: won and lost frequencies of each field value, per segment."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import attrs

from funnelkit._errors import FunnelError, InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.scoring._features import example_of, mapping_only, sigmoid
from funnelkit.scoring._frequency_tables import (
    MULTIPLE,
    Frequency,
    FrequencyTable,
    flat,
    learn,
    least,
    values_of,
)
from funnelkit.scoring._history import Example, categorical, finite
from funnelkit.scoring._results import Contribution, ScoreResult, summed

__all__ = ["FLOOR", "Frequency", "FrequencyScorer", "FrequencyTable", "InsufficientData"]

FLOOR = 0.0001
"""The lowest probability a score gives, as Odoo's 0.01 %; the highest is ``1 - FLOOR``."""

_CEILING = math.log((1 - FLOOR) / FLOOR)
"""The log-odds of the highest probability; the lowest is its negative."""


class _Weights(NamedTuple):
    """A table's log-odds, ready to add up: its baseline, and what each (field, value) contributes."""

    baseline: float
    by_value: Mapping[tuple[object, Hashable], float]


def _weights(table: FrequencyTable, also_nothing: tuple[object, Hashable]) -> _Weights:
    """The baseline ``log(prior won / prior lost)`` and each value's contribution.

    A value contributes ``log((won count / won total) / (lost count / lost total))``; the stage's
    totals are the prior. An unset value (``None``) of a known field contributes 0, as does
    ``also_nothing`` (the segment field with the table's own segment, or unset for the pooled
    table), so that a lookup finds every feature of a plain example.
    """
    by_value: dict[tuple[object, Hashable], float] = {}
    for name, rows in table.counts.items():
        won_total, lost_total = table.totals[name]
        by_value[name, None] = 0.0
        for value, row in rows.items():
            by_value[name, value] = math.log(row.won_count / won_total) - math.log(
                row.lost_count / lost_total
            )
    by_value[also_nothing] = 0.0
    return _Weights(math.log(table.prior[0] / table.prior[1]), by_value)


class InsufficientData(FunnelError, LookupError):
    """A segment's history holds no won or no lost example, so its frequencies give no estimate.

    Attributes:
        segment: the segment asked for.
        won: how many won examples it has.
        lost: how many lost examples it has.
    """

    def __init__(self, *, segment: object, won: int, lost: int) -> None:
        self.segment = segment
        self.won = won
        self.lost = lost
        super().__init__(
            f"segment {segment!r} has {won} won and {lost} lost examples, so its frequencies give no "
            "estimate; learn from a history with both, or leave the segment out to use the pooled table"
        )


@attrs.frozen
class FrequencyScorer:
    """Odoo's predictive lead scoring: P(won) from won and lost frequencies of each field value.

    Each (field, value) seen in the history gets won and lost counts that start at the
    smoothing (Odoo's 0.1). The stage counts by the "reached stage" rule: a won example
    counts for every stage, a lost one for the stage it was lost at and every earlier one. The
    prior is the first stage's counts; each other field has its own denominators (the sums of
    its values' counts), since an unset value (``None`` or absent) is never counted. A field
    holding a list, tuple or set (such as tags) counts each value. The score is in log-odds:
    the baseline is ``log(prior won / prior lost)``, and each value contributes
    ``log((won count / won total) / (lost count / lost total))``; a value never seen says
    nothing. The probability is held within [0.0001, 0.9999], as Odoo does; what that clamp
    takes off is a contribution of its own.

    With ``segment_field``, each segment (such as a sales team) has its own table; a subject
    without a segment, or in a segment the history never saw, is scored with the pooled table,
    which sums every segment's table and that of the examples without a segment. A segment
    with no won or no lost example gives no estimate: :meth:`probability` is ``None`` and
    :meth:`score` raises :class:`InsufficientData`.

    Values are compared by equality (Odoo compares their text). A subject is a mapping of
    features, or a lead or opportunity, read as its features as of ``at``.

    Example:
        >>> import funnelkit.scoring as sc
        >>> history = [
        ...     {"stage": "new", "source": "ads"},
        ...     {"stage": "proposal", "source": "referral"},
        ...     {"stage": "won", "source": "referral"},
        ... ]
        >>> scorer = sc.FrequencyScorer.fit(
        ...     history, [False, False, True], stage_order=["new", "proposal", "won"]
        ... )
        >>> round(scorer.probability({"stage": "proposal", "source": "referral"}), 4)
        0.6471
        >>> print(scorer.score({"stage": "proposal", "source": "referral"}, at=None).explain())
        frequencies 1: 0.6061 log-odds (probability 0.647)
          baseline -0.6466
          +0.6466: stage: reached 'proposal' (1 of 2 lost examples got this far; every won one does)
          +0.6061: source: 'referral' (seen 1 won, 1 lost)
    """

    stage_order: tuple[Hashable, ...]
    pooled: FrequencyTable
    segments: Mapping[Hashable, FrequencyTable] = attrs.field(factory=FrozenDict, repr=False)
    """A table per segment seen in the history, including those that give no estimate."""
    stage_field: str = "stage"
    segment_field: str | None = None
    smoothing: float = 0.1
    min_support: int | Mapping[str, int] | None = None
    id: str = "frequencies"
    version: str = "1"
    _pooled_weights: _Weights = attrs.field(init=False, repr=False, eq=False)
    _learned: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    """The features some table holds a value of: the others say nothing."""
    _segment_weights: Mapping[Hashable, _Weights | None] = attrs.field(init=False, repr=False, eq=False)
    """Each segment's weights, ``None`` for a segment that gives no estimate."""

    def __attrs_post_init__(self) -> None:
        """Work out each table's weights once: a probability then adds up looked-up numbers.

        The explained path reads the same weights, so both give the same probability to the bit.
        """
        segments = {
            segment: _weights(table, (self.segment_field, segment)) if table.has_both else None
            for segment, table in self.segments.items()
        }
        object.__setattr__(self, "_pooled_weights", _weights(self.pooled, (self.segment_field, None)))
        object.__setattr__(self, "_segment_weights", FrozenDict(segments))
        tables = (self.pooled, *self.segments.values())
        object.__setattr__(self, "_learned", frozenset(name for table in tables for name in table.counts))

    @classmethod
    def fit(
        cls,
        examples: Iterable[Example],
        outcomes: Iterable[bool],
        *,
        stage_order: Sequence[Hashable],
        stage_field: str = "stage",
        segment_field: str | None = None,
        smoothing: float = 0.1,
        min_support: int | Mapping[str, int] | None = None,
        id: str = "frequencies",
        version: str = "1",
    ) -> FrequencyScorer:
        """Count the won and lost frequencies of a closed history (``True`` for won).

        ``example[stage_field]`` is the stage a lost example was lost at (a won example may
        leave it unset). ``min_support`` ignores a field value seen in fewer examples than that
        (a number for every field but the stage, or one per field, as Odoo's 50 for tags);
        like Odoo, it is applied per segment, before pooling.

        Raises:
            InvalidInput: the history is empty, one class only, of mismatched lengths, or holds a
                value that cannot be counted, a stage not in ``stage_order`` or a lost example
                without a stage; or an option is out of range.
        """
        order, pooled, segments = learn(
            examples,
            outcomes,
            stage_order=stage_order,
            stage_field=stage_field,
            segment_field=segment_field,
            smoothing=smoothing,
            min_support=min_support,
        )
        return cls(
            order,
            pooled,
            segments,
            stage_field,
            segment_field,
            float(smoothing),
            FrozenDict(min_support) if isinstance(min_support, Mapping) else min_support,
            id,
            version,
        )

    def probability(self, example: Example) -> float | None:
        """The chance ``example`` (a mapping of features) is won, within [0.0001, 0.9999].

        ``None`` where the example's segment gives no estimate.
        """
        mapping_only(example)
        raw = self._log_odds(example)
        if raw is None:  # not plain counted values: the explained path checks it and decides
            result = self._estimate(example_of(example, None))
            return result.probability if isinstance(result, ScoreResult) else None
        return _clamped(raw)[0]

    def _log_odds(self, example: object) -> float | None:
        """``example``'s log-odds from the weights alone; ``None`` where only :meth:`score` can say.

        The sum is exactly rounded (``math.fsum``), so it is the explained path's to the last bit,
        whatever the order of the features.
        """
        if not isinstance(example, Mapping) or (weights := self._weights_of(example)) is None:
            return None
        items = example.items()
        try:
            return weights.baseline + math.fsum(map(weights.by_value.__getitem__, items))
        except (KeyError, TypeError):  # an unseen value, a list of values, or something to refuse
            pass
        amounts: list[float] = []
        try:
            for name, value in items:
                found = self._amounts(weights.by_value, name, value)
                if found is None:
                    return None
                amounts.extend(found)
        except TypeError:  # a value that cannot be hashed
            return None
        return weights.baseline + math.fsum(amounts)

    def _weights_of(self, example: Mapping[Any, Any]) -> _Weights | None:
        """The weights of ``example``'s table; ``None`` for a segment without both classes, or no segment."""
        if self.segment_field is None:
            return self._pooled_weights
        try:
            return self._segment_weights.get(example.get(self.segment_field), self._pooled_weights)
        except TypeError:  # a segment that cannot be hashed: the explained path refuses it
            return None

    def _amounts(
        self, by_value: Mapping[tuple[object, Hashable], float], name: object, value: object
    ) -> list[float] | None:
        """What one feature adds: one amount per value; ``None`` for anything :meth:`score` refuses."""
        if not isinstance(name, str):
            return None
        if value is None:
            return []
        if name == self.segment_field:
            return None if isinstance(value, MULTIPLE) or not finite(value) else []
        if name == self.stage_field:
            amount = by_value.get((name, value))
            return None if amount is None else [amount]
        amounts = []
        for item in values_of(value):
            amount = by_value.get((name, item))
            if amount is not None:
                amounts.append(amount)
            elif not finite(item):
                return None
        return amounts

    def score(self, subject: object, *, at: datetime | None) -> ScoreResult:
        """Score a mapping of features (or a funnel object, read as of ``at``) in log-odds.

        Raises:
            InsufficientData: the subject's segment has no won or no lost history.
            InvalidInput: the subject holds a stage not in ``stage_order`` or a value that
                cannot be counted.
        """
        result = self._estimate(example_of(subject, at))
        if isinstance(result, InsufficientData):
            raise result
        return result

    def _estimate(self, example: Mapping[str, Any]) -> ScoreResult | InsufficientData:
        categorical("cannot score", [flat(example)])
        stage = example.get(self.stage_field)
        if stage is not None and stage not in self.stage_order:
            raise InvalidInput(
                "cannot score",
                [
                    Problem(
                        (self.stage_field,), f"must be one of the stages {list(self.stage_order)!r}", stage
                    )
                ],
            )
        found = self._table(example)
        if isinstance(found, InsufficientData):
            return found
        table, weights, where = found
        parts = [] if stage is None else [self._stage(table, weights, stage, where)]
        parts.extend(
            self._contribution(table, weights, name, value, where)
            for name in sorted(example)
            # a feature no table learned anything from says nothing, as in naive Bayes
            if name not in (self.stage_field, self.segment_field) and name in self._learned
            for value in sorted(values_of(example[name]), key=repr)
        )
        probability, clipped = _clamped(weights.baseline + math.fsum(part.amount for part in parts))
        if clipped:
            parts.append(
                Contribution("clamp", clipped, f"the probability is held within [{FLOOR}, {1 - FLOOR}]")
            )
        return summed(
            self.id,
            self.version,
            weights.baseline,
            parts,
            unit="log-odds",
            probability=probability,
            clipped=clipped,
        )

    def _table(self, example: Mapping[str, Any]) -> tuple[FrequencyTable, _Weights, str] | InsufficientData:
        """The table that scores ``example`` and its weights, with the words that say which."""
        if self.segment_field is None:
            return self.pooled, self._pooled_weights, ""
        segment = example.get(self.segment_field)
        if isinstance(segment, MULTIPLE):
            raise InvalidInput(
                "cannot score", [Problem((self.segment_field,), "must be one segment", segment)]
            )
        table = self.segments.get(segment)
        if table is None:
            return self.pooled, self._pooled_weights, " in the pooled history"
        weights = self._segment_weights[segment]
        if weights is None:
            return InsufficientData(segment=segment, won=table.won, lost=table.lost)
        return table, weights, f" in segment {segment!r}"

    def _stage(self, table: FrequencyTable, weights: _Weights, stage: Hashable, where: str) -> Contribution:
        row = table.counts[self.stage_field][stage]
        return Contribution(
            self.stage_field,
            weights.by_value[self.stage_field, stage],
            f"reached {stage!r} ({row.lost} of {table.lost} lost examples{where} got this far; "
            "every won one does)",
        )

    def _contribution(
        self, table: FrequencyTable, weights: _Weights, name: str, value: Hashable, where: str
    ) -> Contribution:
        row = table.counts.get(name, {}).get(value)
        if row is None:
            count = least(self.min_support, self.stage_field, name)
            often = f" at least {count} times" if count > 1 else ""
            return Contribution(name, 0.0, f"{value!r} never seen{often} in training{where}")
        return Contribution(
            name, weights.by_value[name, value], f"{value!r} (seen {row.won} won, {row.lost} lost{where})"
        )


def _clamped(raw: float) -> tuple[float, float]:
    """The probability of log-odds ``raw``, held within [FLOOR, 1 - FLOOR]; and what the hold took off."""
    bound = max(-_CEILING, min(_CEILING, raw))
    if bound == raw:
        return sigmoid(raw), 0.0
    return (1 - FLOOR if raw > 0 else FLOOR), bound - raw
