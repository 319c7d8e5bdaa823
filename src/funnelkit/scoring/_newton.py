"""Fitting a logistic regression by Newton's method, deterministic and in pure Python.

The fit minimises the log-loss plus ``l2 / 2`` times the squared coefficients (the intercept is
not penalised) over standardised numeric columns and one-hot categorical ones. The gradient and
the objective are exactly rounded sums (:func:`math.fsum`), and columns are sorted by name and
value, so the coefficients do not depend on the order of features, nor on the order of examples
beyond the last bits of float rounding. ``LogisticScorer.fit`` (in ``_logistic``) calls it.
"""

from __future__ import annotations

import math
import numbers
from array import array
from collections import Counter
from collections.abc import Hashable
from operator import add, mul, sub
from typing import Any

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit.scoring._features import sigmoid
from funnelkit.scoring._history import Example

MAX_STEPS = 100
"""The most Newton steps a fit takes before it gives up (20 are plenty with ``l2 > 0``)."""
TOLERANCE = 1e-10
"""A fit stops when no Newton step moves a coefficient by more than this (relative to 1 + the largest)."""
_SINGULAR = 1e-12  # a Cholesky pivot this small, against its diagonal, is a column the others determine
_SMALLEST_STEP = 1e-10  # a line search that halves this far has met rounding noise, not a slope
_SLACK = 1e-12  # relative rounding noise of the objective that a line search tolerates


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
class Design:
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
        cls,
        what: str,
        examples: tuple[Example, ...],
        outcomes: tuple[bool, ...],
        named: frozenset[str],
        min_support: int = 1,
    ) -> Design:
        """The design of ``examples``; a category in fewer than ``min_support`` of them gets no column."""
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
            counts = Counter(value for value in values if value is not None)
            seen = sorted((value for value, count in counts.items() if count >= min_support), key=_order)
            first = len(levels)
            position = {value: index for index, value in enumerate(seen, start=first)}
            levels.extend((name, value) for value in seen)
            members: list[list[int]] = [[] for _ in seen]
            code = [position.get(value, -1) for value in values]
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


def _linear(design: Design, beta: list[float]) -> list[float]:
    values = [0.0] * len(design.outcomes)
    for coefficient, column in zip(beta, design.columns, strict=False):
        values = list(map(add, values, map(coefficient.__mul__, column)))
    table = [*beta[len(design.columns) :], 0.0]  # category -1 (none) reads the 0.0 at the end
    for code in design.codes:
        values = list(map(add, values, map(table.__getitem__, code)))
    return values


def _objective(design: Design, beta: list[float], l2: float) -> float:
    values = _linear(design, beta)
    loss = math.fsum(map(sub, map(_softplus, values), map(mul, design.outcomes, values)))
    return loss + l2 / 2 * math.fsum(value * value for value in beta[1:])


def _system(design: Design, beta: list[float], l2: float) -> tuple[list[list[float]], list[float]]:
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


def newton(design: Design, l2: float) -> list[float] | None:
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
