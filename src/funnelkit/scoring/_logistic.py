"""Logistic regression: a scorer from coefficients, and a pure-Python L2-regularised fit.

A logistic scorer adds an intercept and one term per feature in log-odds, ``P(won) = 1 / (1 +
exp(-value))``. A numeric feature's term is ``coefficient * value``, or ``coefficient * (value -
mean) / scale`` for a standardised one; a categorical feature's term is the coefficient of its
value. A missing feature (``None`` or absent) and a category the model does not know add nothing.

``LogisticScorer.fit`` learns the coefficients by Newton's method (in ``_newton``): it
standardises numeric features, one-hot encodes categorical ones and minimises the log-loss plus
``l2 / 2`` times the squared coefficients, the intercept not penalised, deterministically.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import Any, Union

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.scoring._features import example_of, mapping_only, sigmoid
from funnelkit.scoring._history import Example, history
from funnelkit.scoring._history import categorical as countable
from funnelkit.scoring._newton import MAX_STEPS, Design, newton
from funnelkit.scoring._results import Contribution, ScoreResult, summed

Key = Union[str, tuple[str, Hashable]]  # noqa: UP007 - a runtime alias, and the package supports 3.10
"""A coefficient's key: a numeric feature's name, or a categorical feature's ``(name, value)``."""

_PAIR = 2


def _finite(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float
        return False


@attrs.frozen
class LogisticScorer:
    """A logistic model: an intercept plus one log-odds term per feature, and ``P(won)`` from their sum.

    ``coefficients`` maps a numeric feature's name to its coefficient, and a categorical
    feature's ``(name, value)`` to that value's. ``scaling`` maps a numeric feature to its
    ``(mean, scale)``: its coefficient then applies to ``(value - mean) / scale``. A bool is a
    category (``("paid", True)``); a missing feature and an unknown category contribute nothing.

    Example:
        >>> from funnelkit.scoring import LogisticScorer
        >>> scorer = LogisticScorer(
        ...     {"employees": 0.5, ("origin", "referral"): 1.2}, -1.0,
        ...     scaling={"employees": (200.0, 100.0)}, id="demo",
        ... )
        >>> round(scorer.probability({"employees": 400, "origin": "referral"}), 3)
        0.769
        >>> print(scorer.score({"employees": 400, "origin": "fair"}, at=None).explain())
        demo 1: 0 log-odds (probability 0.500)
          baseline -1
          +1: employees: 400 is 2 scales of 100 from the mean 200, times +0.5
          +0: origin: 'fair' not seen in training
    """

    coefficients: Mapping[Key, float]
    intercept: float
    id: str = attrs.field(default="logistic", kw_only=True)
    version: str = attrs.field(default="1", kw_only=True)
    scaling: Mapping[str, tuple[float, float]] = attrs.field(factory=FrozenDict, kw_only=True)
    _numeric: dict[str, float] = attrs.field(init=False, eq=False, repr=False)
    _levels: dict[str, dict[Hashable, float]] = attrs.field(init=False, eq=False, repr=False)
    _names: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Check the model and keep it read-only; :class:`InvalidInput` names every fault."""
        problems = _model_problems(self.coefficients, self.intercept, self.scaling, self.id, self.version)
        if problems:
            raise InvalidInput("not a valid logistic scorer", problems)
        numeric: dict[str, float] = {}
        levels: dict[str, dict[Hashable, float]] = {}
        for key, coefficient in self.coefficients.items():
            if isinstance(key, str):
                numeric[key] = float(coefficient)
            else:
                levels.setdefault(key[0], {})[key[1]] = float(coefficient)
        setattr_ = object.__setattr__
        setattr_(
            self, "coefficients", FrozenDict({key: float(value) for key, value in self.coefficients.items()})
        )
        setattr_(self, "intercept", float(self.intercept))
        scaling = {name: (float(mean), float(scale)) for name, (mean, scale) in self.scaling.items()}
        setattr_(self, "scaling", FrozenDict(scaling))
        setattr_(self, "_numeric", numeric)
        setattr_(self, "_levels", levels)
        setattr_(self, "_names", tuple(sorted({*numeric, *levels})))

    @classmethod
    def fit(
        cls,
        examples: Iterable[Example],
        outcomes: Iterable[bool],
        *,
        l2: float = 1.0,
        categorical: Iterable[str] = (),
        min_support: int | None = None,
        id: str = "logistic",
        version: str = "1",
    ) -> LogisticScorer:
        """Learn an L2-regularised logistic model from ``examples`` and ``outcomes`` (``True`` for won).

        A feature whose values are all numbers (not bools) is numeric: it is standardised by the
        mean and the standard deviation of its known values (a constant one by 1), and a missing
        value counts as the mean. Any other feature, and any named in ``categorical``, is one-hot
        encoded, one column per value seen (with ``min_support``, per value seen in at least
        that many examples: a rarer one is scored as unseen, adding nothing, as naive Bayes and
        frequencies skip it); a missing value sets none. The fit minimises the
        log-loss summed over examples plus ``l2 / 2`` times the sum of squared standardised
        coefficients, the intercept unpenalised (``l2=1.0`` is scikit-learn's ``C=1.0`` on
        standardised data), by Newton's method from the intercept-only model, with a Cholesky
        solve and step halving, until no step moves a coefficient by more than
        a tolerance of 1e-10. With ``l2=0`` a column the others determine keeps coefficient 0.

        Each step costs about ``n * f**2 / 2`` products for ``n`` examples of ``f`` features,
        plus ``c**3 / 6`` for ``c`` columns (all the categories together); 100,000 examples of 20
        features take seconds, not minutes. With thousands of categories, set ``min_support``
        (or group rare categories before fitting).

        Example:
            >>> from funnelkit.scoring import LogisticScorer
            >>> examples = [{"visits": 1}, {"visits": 2}, {"visits": 3}, {"visits": 4}]
            >>> scorer = LogisticScorer.fit(examples, [False, True, False, True], l2=0.5)
            >>> scorer.scaling["visits"]
            (2.5, 1.118033988749895)
            >>> round(scorer.coefficients["visits"], 4)
            0.6163
            >>> round(scorer.probability({"visits": 4}), 3)
            0.696

        Raises:
            InvalidInput: the history is empty, one class only or of mismatched lengths; a value
                is unhashable, NaN or infinite; a feature mixes numbers with other values and is
                not named in ``categorical``; ``l2`` is negative or not finite; ``min_support``
                is not a whole number from 1; or, with too small
                an ``l2``, the classes are separable and the coefficients grow without bound.
        """
        what = "cannot fit a logistic scorer"
        if not _finite(l2) or l2 < 0:
            raise InvalidInput(what, [Problem(("l2",), "must be a finite number from 0, such as 1.0", l2)])
        support: object = min_support  # typed, but callers may pass anything
        if support is not None and (isinstance(support, bool) or not isinstance(support, int) or support < 1):
            raise InvalidInput(
                what, [Problem(("min_support",), "must be a whole number from 1, or None", min_support)]
            )
        known, results, _ = history(what, examples, outcomes)
        if isinstance(categorical, str):
            raise InvalidInput(
                what, [Problem(("categorical",), "must be a collection of names", categorical)]
            )
        countable(what, known)
        design = Design.build(what, known, results, frozenset(categorical), min_support or 1)
        solution = newton(design, float(l2))
        if solution is None:
            raise InvalidInput(
                what,
                [
                    Problem(
                        ("l2",),
                        f"is too small: the fit did not settle in {MAX_STEPS} steps, so the classes "
                        "are (nearly) separable; use a larger l2",
                        l2,
                    )
                ],
            )
        coefficients: dict[Key, float] = dict(zip(design.numeric, solution[1:], strict=False))
        coefficients.update(zip(design.levels, solution[1 + len(design.numeric) :], strict=True))
        return cls(coefficients, solution[0], id=id, version=version, scaling=design.scaling)

    def probability(self, example: Example) -> float:
        """The chance ``example`` (a mapping of features) is won, from 0 to 1."""
        mapping_only(example)
        return sigmoid(self.intercept + math.fsum(part.amount for part in self._parts(example)))

    def score(self, subject: object, *, at: datetime | None) -> ScoreResult:
        """Score a mapping of features (or a funnel object, read as of ``at``) in log-odds."""
        parts = self._parts(example_of(subject, at))
        result = summed(self.id, self.version, self.intercept, parts, unit="log-odds")
        return attrs.evolve(result, probability=sigmoid(result.value))

    def _parts(self, example: Mapping[str, Any]) -> list[Contribution]:
        problems: list[Problem] = []
        parts: list[Contribution] = []
        for name in self._names:
            value = example.get(name)
            if value is None:
                parts.append(Contribution(name, 0.0, "missing"))
            elif name in self._numeric:
                if not _finite(value):
                    problems.append(Problem((name,), "must be a finite number, or None when unknown", value))
                    continue
                parts.append(self._term(name, value))
            elif not _hashes(value):
                problems.append(Problem((name,), "must be hashable, such as text, a number or a bool", value))
            elif value in self._levels[name]:
                coefficient = self._levels[name][value]
                parts.append(Contribution(name, coefficient, f"{value!r} (coefficient {coefficient:+.4g})"))
            else:
                parts.append(Contribution(name, 0.0, f"{value!r} not seen in training"))
        if problems:
            raise InvalidInput("cannot score", problems)
        return parts

    def _term(self, name: str, value: float) -> Contribution:
        coefficient = self._numeric[name]
        if name not in self.scaling:
            return Contribution(name, coefficient * value, f"{value!r} times {coefficient:+.4g}")
        mean, scale = self.scaling[name]
        standard = (value - mean) / scale
        return Contribution(
            name,
            coefficient * standard,
            f"{value!r} is {standard:.4g} scales of {scale:.4g} from the mean {mean:.4g}, "
            f"times {coefficient:+.4g}",
        )


def _hashes(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _model_problems(
    coefficients: object, intercept: object, scaling: object, id: object, version: object
) -> list[Problem]:
    problems = [
        Problem((name,), "must be a non-blank string", value)
        for name, value in (("id", id), ("version", version))
        if not isinstance(value, str) or not value.strip()
    ]
    if not _finite(intercept):
        problems.append(Problem(("intercept",), "must be a finite number", intercept))
    if not isinstance(coefficients, Mapping):
        return [*problems, Problem(("coefficients",), "must be a mapping of names to numbers", coefficients)]
    if not isinstance(scaling, Mapping):
        return [*problems, Problem(("scaling",), "must map numeric features to (mean, scale)", scaling)]
    kinds: dict[str, str] = {}
    for key, value in coefficients.items():
        numeric = isinstance(key, str)
        if not numeric and not (isinstance(key, tuple) and len(key) == _PAIR and isinstance(key[0], str)):
            problems.append(Problem(("coefficients",), "keys must be names or (name, value) pairs", key))
            continue
        name = key if numeric else key[0]
        kind = "numeric" if numeric else "categorical"
        if kinds.setdefault(name, kind) != kind:
            problems.append(Problem(("coefficients", name), "is both numeric and categorical", key))
        if not _finite(value):
            problems.append(Problem(("coefficients", repr(key)), "must be a finite number", value))
    return problems + _scaling_problems(scaling, kinds)


def _scaling_problems(scaling: Mapping[object, object], kinds: dict[str, str]) -> list[Problem]:
    problems = []
    for name, pair in scaling.items():
        if kinds.get(name) != "numeric":  # type: ignore[call-overload]
            problems.append(Problem(("scaling", repr(name)), "must name a numeric coefficient", name))
        elif not (
            isinstance(pair, tuple) and len(pair) == _PAIR and _finite(pair[0]) and _finite(pair[1])
        ) or (pair[1] <= 0):
            problems.append(
                Problem(("scaling", str(name)), "must be (mean, scale), finite, scale above 0", pair)
            )
    return problems
