"""Logistic regression: a scorer from coefficients, and a pure-Python L2-regularised fit.

A logistic scorer adds an intercept and one term per feature in log-odds, ``P(won) = 1 / (1 +
exp(-value))``. A numeric feature's term is ``coefficient * value``, or ``coefficient * (value -
mean) / scale`` for a standardised one; a categorical feature's term is the coefficient of its
value. A missing feature (``None`` or absent) and a category the model does not know add nothing.

``LogisticScorer.fit`` learns the coefficients by Newton's method: it standardises numeric
features, one-hot encodes categorical ones and minimises the log-loss plus ``l2 / 2`` times the
squared coefficients (the intercept is not penalised). The gradient, whose zero is the answer, and
the objective are exactly rounded sums (:func:`math.fsum`), and columns are sorted by name and
value, so the coefficients do not depend on the order of features, nor on the order of examples
beyond the last bits of float rounding (the Hessian, which only steers the steps, uses plain sums).
"""

from __future__ import annotations

import math
import numbers
from array import array
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from operator import add, mul, sub
from typing import Any, Union

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.scoring._features import example_of, sigmoid
from funnelkit.scoring._history import Example, history
from funnelkit.scoring._history import categorical as countable
from funnelkit.scoring._results import Contribution, ScoreResult, summed

Key = Union[str, tuple[str, Hashable]]  # noqa: UP007 - a runtime alias, and the package supports 3.10
"""A coefficient's key: a numeric feature's name, or a categorical feature's ``(name, value)``."""

MAX_STEPS = 100
"""The most Newton steps a fit takes before it gives up (20 are plenty with ``l2 > 0``)."""
TOLERANCE = 1e-10
"""A fit stops when no Newton step moves a coefficient by more than this (relative to 1 + the largest)."""
_SINGULAR = 1e-12  # a Cholesky pivot this small, against its diagonal, is a column the others determine
_SMALLEST_STEP = 1e-10  # a line search that halves this far has met rounding noise, not a slope
_PAIR = 2
_SLACK = 1e-12  # relative rounding noise of the objective that a line search tolerates


def _finite(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float
        return False


def _is_number(value: object) -> bool:
    kind = type(value)  # the exact types first: the abstract check is slow over millions of values
    return kind is float or kind is int or (kind is not bool and isinstance(value, numbers.Real))


def _curvature(value: float) -> float:
    # p * (1 - p) computed from exp(-|value|) so it does not round to 0 for confident examples
    exp = math.exp(-abs(value))
    return exp / (1 + exp) ** 2


def _residual(value: float, outcome: float) -> float:
    # p - y, with 1 - p taken as sigmoid(-value) so that confident examples keep their gradient
    return -sigmoid(-value) if outcome else sigmoid(value)


def _softplus(value: float) -> float:
    return value + math.log1p(math.exp(-value)) if value > 0 else math.log1p(math.exp(value))


def _order(value: object) -> tuple[str, str]:
    return type(value).__name__, repr(value)


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
        id: str = "logistic",
        version: str = "1",
    ) -> LogisticScorer:
        """Learn an L2-regularised logistic model from ``examples`` and ``outcomes`` (``True`` for won).

        A feature whose values are all numbers (not bools) is numeric: it is standardised by the
        mean and the standard deviation of its known values (a constant one by 1), and a missing
        value counts as the mean. Any other feature, and any named in ``categorical``, is one-hot
        encoded, one column per value seen; a missing value sets none. The fit minimises the
        log-loss summed over examples plus ``l2 / 2`` times the sum of squared standardised
        coefficients, the intercept unpenalised (``l2=1.0`` is scikit-learn's ``C=1.0`` on
        standardised data), by Newton's method from the intercept-only model, with a Cholesky
        solve and step halving, until no step moves a coefficient by more than
        :data:`TOLERANCE`. With ``l2=0`` a column the others determine keeps coefficient 0.

        Each step costs about ``n * f**2 / 2`` products for ``n`` examples of ``f`` features,
        plus ``c**3 / 6`` for ``c`` columns (all the categories together); 100,000 examples of 20
        features take seconds, not minutes. Group rare categories before fitting if there are
        thousands.

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
                not named in ``categorical``; ``l2`` is negative or not finite; or, with too small
                an ``l2``, the classes are separable and the coefficients grow without bound.
        """
        what = "cannot fit a logistic scorer"
        if not _finite(l2) or l2 < 0:
            raise InvalidInput(what, [Problem(("l2",), "must be a finite number from 0, such as 1.0", l2)])
        known, results = history(what, examples, outcomes)
        if isinstance(categorical, str):
            raise InvalidInput(
                what, [Problem(("categorical",), "must be a collection of names", categorical)]
            )
        countable(what, known)
        design = _Design.build(what, known, results, frozenset(categorical))
        solution = _newton(design, float(l2))
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
        """The chance ``example`` is won, from 0 to 1."""
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


@attrs.frozen
class _Design:
    """The training data as the solver reads it: dense numeric columns and sparse one-hot ones."""

    outcomes: list[float]
    numeric: tuple[str, ...]
    scaling: dict[str, tuple[float, float]]
    columns: list[list[float]]
    """A column of ones (the intercept), then each standardised numeric feature."""
    levels: tuple[tuple[str, Hashable], ...]
    rows: list[array[int]]
    """For each category, the examples that have it (compact: there are as many as examples per feature)."""
    codes: list[list[int]]
    """For each categorical feature, each example's category, by position (-1: none)."""
    crossings: list[tuple[int, int, array[int]]]
    """For two categories of different features, the examples that have both."""

    @classmethod
    def build(
        cls, what: str, examples: tuple[Example, ...], outcomes: tuple[bool, ...], named: frozenset[str]
    ) -> _Design:
        kinds: dict[str, set[bool]] = {}
        for example in examples:
            for name, value in example.items():
                if value is not None:
                    kinds.setdefault(name, set()).add(_is_number(value))
        mixed = sorted(name for name, seen in kinds.items() if len(seen) > 1 and name not in named)
        if mixed:
            raise InvalidInput(
                what,
                [
                    Problem(("examples", name), "mixes numbers with other values; name it in categorical")
                    for name in mixed
                ],
            )
        numeric = tuple(sorted(name for name, seen in kinds.items() if seen == {True} and name not in named))
        scaling: dict[str, tuple[float, float]] = {}
        columns = [[1.0] * len(examples)]
        for name in numeric:
            values = [example.get(name) for example in examples]
            mean, scale = _standard(what, name, [value for value in values if value is not None])
            scaling[name] = (mean, scale)
            columns.append([0.0 if value is None else (value - mean) / scale for value in values])
        levels: list[tuple[str, Hashable]] = []
        rows: list[array[int]] = []
        codes: list[list[int]] = []
        for name in sorted(set(kinds) - set(numeric)):
            values = [example.get(name) for example in examples]
            seen = sorted({value for value in values if value is not None}, key=_order)
            first = len(levels)
            position = {value: index for index, value in enumerate(seen, start=first)}
            levels.extend((name, value) for value in seen)
            members: list[list[int]] = [[] for _ in seen]
            code = [-1 if value is None else position[value] for value in values]
            for index, column in enumerate(code):
                if column >= 0:
                    members[column - first].append(index)
            rows.extend(array("i", found) for found in members)
            codes.append(code)
        y = [1.0 if outcome else 0.0 for outcome in outcomes]
        return cls(y, numeric, scaling, columns, tuple(levels), rows, codes, _crossings(codes))


def _standard(what: str, name: str, values: list[Any]) -> tuple[float, float]:
    try:
        floats = [float(value) for value in values]
    except OverflowError:
        problem = Problem(("examples", name), "holds a number too large for a float")
        raise InvalidInput(what, [problem]) from None
    mean = math.fsum(floats) / len(floats)
    spread = math.sqrt(math.fsum((value - mean) ** 2 for value in floats) / len(floats))
    return mean, spread or 1.0


def _crossings(codes: list[list[int]]) -> list[tuple[int, int, array[int]]]:
    found: list[tuple[int, int, array[int]]] = []
    for first, left in enumerate(codes):
        for right in codes[first + 1 :]:
            groups: dict[tuple[int, int], list[int]] = {}
            for index, pair in enumerate(zip(left, right, strict=True)):
                if pair[0] >= 0 and pair[1] >= 0:
                    groups.setdefault(pair, []).append(index)
            found.extend((row, column, array("i", members)) for (row, column), members in groups.items())
    return found


def _linear(design: _Design, beta: list[float]) -> list[float]:
    values = [0.0] * len(design.outcomes)
    for coefficient, column in zip(beta, design.columns, strict=False):
        values = list(map(add, values, map(coefficient.__mul__, column)))
    table = [*beta[len(design.columns) :], 0.0]  # category -1 (none) reads the 0.0 at the end
    for code in design.codes:
        values = list(map(add, values, map(table.__getitem__, code)))
    return values


def _objective(design: _Design, beta: list[float], l2: float) -> float:
    values = _linear(design, beta)
    loss = math.fsum(map(sub, map(_softplus, values), map(mul, design.outcomes, values)))
    return loss + l2 / 2 * math.fsum(value * value for value in beta[1:])


def _system(design: _Design, beta: list[float], l2: float) -> tuple[list[list[float]], list[float]]:
    """The Hessian and the gradient of the objective at ``beta``.

    The gradient is exactly rounded: where it vanishes is the answer, so it alone decides the
    coefficients. The Hessian only steers the steps there, so plain sums (twice as fast) do.
    """
    values = _linear(design, beta)
    residuals = list(map(_residual, values, design.outcomes))
    weights = list(map(_curvature, values))
    dense, size = len(design.columns), len(beta)
    hessian = [[0.0] * size for _ in range(size)]
    gradient = [math.fsum(map(mul, residuals, column)) for column in design.columns]
    gradient += [math.fsum(map(residuals.__getitem__, members)) for members in design.rows]
    weighted = [list(map(mul, weights, column)) for column in design.columns]
    for i, scaled in enumerate(weighted):
        for j in range(i, dense):
            hessian[i][j] = sum(map(mul, scaled, design.columns[j]))
        for j, members in enumerate(design.rows, start=dense):
            hessian[i][j] = sum(map(scaled.__getitem__, members))
    for j, members in enumerate(design.rows, start=dense):
        hessian[j][j] = sum(map(weights.__getitem__, members))
    for row, column, members in design.crossings:
        hessian[dense + row][dense + column] = sum(map(weights.__getitem__, members))
    for i in range(1, size):
        gradient[i] += l2 * beta[i]
        hessian[i][i] += l2
        for j in range(i):
            hessian[i][j] = hessian[j][i]
    return hessian, gradient


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve ``matrix @ x = vector`` by Cholesky; a column the earlier ones determine gets ``x = 0``."""
    size = len(vector)
    lower = [[0.0] * size for _ in range(size)]
    skipped: set[int] = set()
    for i in range(size):
        for j in range(i + 1):
            rest = matrix[i][j] - math.fsum(map(mul, lower[i][:j], lower[j][:j]))
            if i != j:
                lower[i][j] = 0.0 if j in skipped else rest / lower[j][j]
            elif rest > _SINGULAR * matrix[i][i]:
                lower[i][i] = math.sqrt(rest)
            else:
                lower[i] = [0.0] * i + [1.0] + [0.0] * (size - i - 1)
                skipped.add(i)
    forward: list[float] = []
    for i in range(size):
        forward.append(
            0.0 if i in skipped else (vector[i] - math.fsum(map(mul, lower[i], forward))) / lower[i][i]
        )
    solution = [0.0] * size
    for i in reversed(range(size)):
        later = math.fsum(lower[k][i] * solution[k] for k in range(i + 1, size))
        solution[i] = (forward[i] - later) / lower[i][i]
    return solution


def _newton(design: _Design, l2: float) -> list[float] | None:
    """The coefficients that minimise the objective, or ``None`` if they do not settle."""
    won = math.fsum(design.outcomes)
    beta = [0.0] * (len(design.columns) + len(design.rows))
    beta[0] = math.log(won / (len(design.outcomes) - won))
    current = _objective(design, beta, l2)
    for _ in range(MAX_STEPS):
        hessian, gradient = _system(design, beta, l2)
        step = [-value for value in _solve(hessian, gradient)]
        if max(map(abs, step)) <= TOLERANCE * (1 + max(map(abs, beta))):
            return list(map(add, beta, step))
        slope = math.fsum(map(mul, gradient, step))
        size = 1.0
        while True:
            trial = [value + size * change for value, change in zip(beta, step, strict=True)]
            trial_value = _objective(design, trial, l2)
            if (
                trial_value <= current + 1e-4 * size * slope + _SLACK * (1 + abs(current))
                or size < _SMALLEST_STEP
            ):
                break
            size /= 2
        beta, current = trial, trial_value
    return None
