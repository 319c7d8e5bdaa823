"""Naive Bayes over categorical features, learned from won and lost history."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from itertools import compress
from operator import not_

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.scoring._features import example_of, mapping_only, sigmoid
from funnelkit.scoring._history import Example, by_column, categorical, finite, history
from funnelkit.scoring._results import Contribution, ScoreResult, summed

Counts = Mapping[str, Mapping[Hashable, tuple[int, int]]]
"""For each feature, each value seen in training with its (won, lost) counts."""

_NONE: Counter[Hashable] = Counter()
"""The tally of a feature no example of a class had."""


@attrs.frozen
class Table:
    """What one history taught: class counts and, per feature, each value's won and lost counts."""

    won: int
    lost: int
    counts: Counts = attrs.field(repr=False)
    """For each feature, each value seen with its (won, lost) counts."""
    totals: Mapping[str, tuple[int, int]] = attrs.field(repr=False)
    """For each feature, how many won and lost examples had it set."""

    @classmethod
    def learn(
        cls, examples: Sequence[Example], outcomes: Sequence[bool], names: tuple[str, ...] | None = None
    ) -> Table:
        """Count a history: deterministic, whatever the order of examples or features.

        ``names`` are the features every example has in that order, if they line up (see
        :func:`history`): each is then counted by column, which stays in C.

        Raises:
            TypeError: a value cannot be hashed.
        """
        won = by_column(list(compress(examples, outcomes)), names)
        lost = by_column(list(compress(examples, map(not_, outcomes))), names)
        counts: dict[str, dict[Hashable, tuple[int, int]]] = {}
        for name in won.keys() | lost.keys():
            won_seen, lost_seen = won.get(name, _NONE), lost.get(name, _NONE)
            # ordered as the text of each (name, value) pair, as when they were counted as pairs
            for value in sorted(won_seen.keys() | lost_seen.keys(), key=partial(_pair_text, name)):
                if value is not None:
                    counts.setdefault(name, {})[value] = (won_seen[value], lost_seen[value])
        totals = {
            name: (sum(pair[0] for pair in values.values()), sum(pair[1] for pair in values.values()))
            for name, values in counts.items()
        }
        return cls(
            sum(outcomes),
            len(outcomes) - sum(outcomes),
            FrozenDict({name: FrozenDict(values) for name, values in sorted(counts.items())}),
            FrozenDict(sorted(totals.items())),
        )

    @property
    def is_countable(self) -> bool:
        """Whether every value counted is finite: a NaN or an infinity is refused, not counted."""
        return all(finite(value) for values in self.counts.values() for value in values)

    def weights(self, smoothing: float, min_support: int | None) -> Mapping[str, Mapping[Hashable, float]]:
        """Each value's log-odds weight, ``log(P(value | won) / P(value | lost))``; thin values left out."""
        found: dict[str, FrozenDict[Hashable, float]] = {}
        for name, values in self.counts.items():
            won_total, lost_total = self.totals[name]
            won_all, lost_all = won_total + smoothing * len(values), lost_total + smoothing * len(values)
            found[name] = FrozenDict(
                {
                    value: math.log((won + smoothing) / won_all) - math.log((lost + smoothing) / lost_all)
                    for value, (won, lost) in values.items()
                    if min_support is None or won + lost >= min_support
                }
            )
        return FrozenDict(found)

    @property
    def has_both(self) -> bool:
        """Whether the history holds won and lost examples: only then can it say anything."""
        return self.won > 0 and self.lost > 0


def _pair_text(name: str, value: Hashable) -> str:
    return repr((name, value))


def _learned(
    what: str, examples: tuple[Example, ...], outcomes: tuple[bool, ...], names: tuple[str, ...] | None
) -> Table:
    """The table of a checked history, whose values :func:`categorical` refuses if they cannot be counted.

    Where the features line up, counting checks the values on the way; the slow check only runs
    to name a culprit, or where they do not.
    """
    if names is not None:
        try:
            table = Table.learn(examples, outcomes, names)
        except TypeError:  # a value cannot be hashed
            pass
        else:
            if table.is_countable:
                return table
    categorical(what, examples)
    return Table.learn(examples, outcomes)


def _check_options(smoothing: object, min_support: object) -> list[Problem]:
    problems = []
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) or not 0 < smoothing < math.inf:
        problems.append(Problem(("smoothing",), "must be a finite number above 0, such as 1.0", smoothing))
    if min_support is not None and (
        isinstance(min_support, bool) or not isinstance(min_support, int) or min_support < 1
    ):
        problems.append(Problem(("min_support",), "must be a whole number from 1, or None", min_support))
    return problems


@attrs.frozen
class NaiveBayesScorer:
    """Categorical naive Bayes: the chance of a win from the prior and each feature's value.

    The prior is the share of won examples; P(value | class) is ``(count(value, class) + a) /
    (count(class) + a * K)``, where ``a`` is the smoothing, ``count(class)`` counts the examples of
    the class that have the feature set, and ``K`` is the number of distinct values of the feature
    seen in training. A value never seen (or seen fewer than ``min_support`` times) says nothing
    (it contributes 0, and says why); a feature not set (``None`` or absent), or never seen in
    training, is left out. The score is in
    log-odds: the baseline is the prior's, and each feature contributes ``log(P(value | won) /
    P(value | lost))``.

    Example:
        >>> import funnelkit.scoring as sc
        >>> history = [{"origin": "paid_search"}, {"origin": "email"}, {"origin": "paid_search"}]
        >>> scorer = sc.NaiveBayesScorer.fit(history, [True, False, False])
        >>> round(scorer.probability({"origin": "paid_search"}), 3)
        0.4
        >>> print(scorer.score({"origin": "paid_search", "segment": "pet"}, at=None).explain())
        naive_bayes 1: -0.4055 log-odds (probability 0.400)
          baseline -0.6931
          +0.2877: origin: 'paid_search' (seen 1 won, 1 lost)
    """

    table: Table
    smoothing: float = 1.0
    min_support: int | None = None
    segment_field: str | None = None
    segments: Mapping[Hashable, Table] = attrs.field(factory=FrozenDict, repr=False)
    """A table per segment, used for examples of that segment where it holds both classes."""
    id: str = "naive_bayes"
    version: str = "1"
    _weights: Mapping[Hashable, Mapping[str, Mapping[Hashable, float]]] = attrs.field(
        init=False, repr=False, eq=False
    )
    """Each table's weights, by segment (``None`` for the whole history's), computed once."""

    def __attrs_post_init__(self) -> None:
        """Compute each table's weights once: scoring then adds up looked-up numbers."""
        tables = {None: self.table, **self.segments}
        weights = {key: table.weights(self.smoothing, self.min_support) for key, table in tables.items()}
        object.__setattr__(self, "_weights", weights)

    @classmethod
    def fit(
        cls,
        examples: Iterable[Example],
        outcomes: Iterable[bool],
        *,
        smoothing: float = 1.0,
        min_support: int | None = None,
        segment_field: str | None = None,
        id: str = "naive_bayes",
        version: str = "1",
    ) -> NaiveBayesScorer:
        """Learn from ``examples`` (feature mappings) and ``outcomes`` (``True`` for won).

        With ``segment_field``, each segment (such as a sales team) gets its own table, used for
        its examples where it holds both won and lost history; other examples use the table of
        the whole history.

        Raises:
            InvalidInput: the history is empty, one class only, of mismatched lengths, or holds a
                value that cannot be counted; or an option is out of range.
        """
        what = "cannot fit a naive Bayes scorer"
        problems = _check_options(smoothing, min_support)
        if problems:
            raise InvalidInput(what, problems)
        known, results, names = history(what, examples, outcomes)
        table = _learned(what, known, results, names)
        segments: dict[Hashable, tuple[list[Example], list[bool]]] = {}
        if segment_field is not None:
            for example, outcome in zip(known, results, strict=True):
                segment = example.get(segment_field)
                if segment is not None:
                    members = segments.setdefault(segment, ([], []))
                    members[0].append(example)
                    members[1].append(outcome)
        tables = {segment: Table.learn(*members, names) for segment, members in segments.items()}
        return cls(
            table,
            float(smoothing),
            min_support,
            segment_field,
            FrozenDict({segment: table for segment, table in tables.items() if table.has_both}),
            id,
            version,
        )

    def probability(self, example: Example) -> float:
        """The chance ``example`` (a mapping of features) is won, from 0 to 1."""
        mapping_only(example)
        key, table = self._table_of(example)
        weights = self._weights[key]
        segment = self.segment_field
        try:
            # fsum is exactly rounded: the order of the features cannot change the result
            odds = math.fsum(
                weights[name].get(value, 0.0)
                for name, value in example.items()
                if name in weights and name != segment
            )
        except TypeError:  # a value that cannot be hashed: the explained path says so
            return self.score(example, at=None).probability or 0.0
        return sigmoid(math.log(table.won / table.lost) + odds)

    def _table_of(self, example: Example) -> tuple[Hashable, Table]:
        if self.segment_field is not None:
            segment = example.get(self.segment_field)
            if segment is not None and segment in self.segments:
                return segment, self.segments[segment]
        return None, self.table

    def score(self, subject: object, *, at: datetime | None) -> ScoreResult:
        """Score a mapping of features (or a funnel object, read as of ``at``) in log-odds."""
        example = example_of(subject, at)
        key, table = self._table_of(example)
        where = "" if key is None else f" in segment {key!r}"
        baseline = math.log(table.won / table.lost)
        parts = [
            self._contribution(table, self._weights[key], name, example[name], where)
            for name in sorted(example)
            if example[name] is not None and name != self.segment_field and name in self.table.counts
        ]
        result = summed(self.id, self.version, baseline, parts, unit="log-odds")
        return attrs.evolve(result, probability=sigmoid(result.value))

    def _contribution(
        self,
        table: Table,
        weights: Mapping[str, Mapping[Hashable, float]],
        name: str,
        value: object,
        where: str,
    ) -> Contribution:
        seen = table.counts.get(name, {})
        try:
            won, lost = seen.get(value, (0, 0))
        except TypeError:
            return Contribution(name, 0.0, f"{value!r} cannot be counted (it is not hashable)")
        if won + lost == 0:
            return Contribution(name, 0.0, f"{value!r} never seen in training{where}")
        if self.min_support is not None and won + lost < self.min_support:
            return Contribution(
                name, 0.0, f"{value!r} seen {won + lost} times{where}, fewer than {self.min_support}"
            )
        return Contribution(name, weights[name][value], f"{value!r} (seen {won} won, {lost} lost{where})")
