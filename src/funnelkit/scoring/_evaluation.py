"""How well scores rank and how honest probabilities are: AUC, precision at k, lift, Brier, calibration."""

from __future__ import annotations

import math
from collections.abc import Iterable

import attrs

from funnelkit._errors import InvalidInput, Problem, at_most


def _paired(what: str, scores: Iterable[float], outcomes: Iterable[bool]) -> tuple[list[float], list[bool]]:
    raw_scores: object = scores  # typed, but callers may pass anything
    raw_outcomes: object = outcomes
    given_scores: list[object] | None = list(raw_scores) if isinstance(raw_scores, Iterable) else None
    given_outcomes: list[object] | None = list(raw_outcomes) if isinstance(raw_outcomes, Iterable) else None
    if given_scores is None or given_outcomes is None:
        raise InvalidInput(what, [Problem((), "scores and outcomes must be iterables", (scores, outcomes))])
    problems = [
        Problem(("scores", index), "must be a finite number", score)
        for index, score in enumerate(given_scores)
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score)
    ]
    problems.extend(
        Problem(("outcomes", index), "must be True (won) or False (lost)", outcome)
        for index, outcome in enumerate(given_outcomes)
        if not isinstance(outcome, bool)
    )
    if len(given_scores) != len(given_outcomes):
        problems.append(
            Problem(
                ("outcomes",), f"must be as many as the scores ({len(given_scores)})", len(given_outcomes)
            )
        )
    elif not given_scores:
        problems.append(Problem(("scores",), "must not be empty", 0))
    if problems:
        raise InvalidInput(what, at_most(problems))
    return [float(score) for score in given_scores], given_outcomes  # type: ignore[arg-type,return-value] # checked above


def auc(scores: Iterable[float], outcomes: Iterable[bool]) -> float:
    """The chance a won example scores above a lost one (ties count half): 0.5 is a coin, 1 perfect.

    Example:
        >>> from funnelkit.scoring import auc
        >>> auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
        0.75

    Raises:
        InvalidInput: the lists differ in length, are empty, hold something that is not a
            finite number or a bool, or hold only one outcome (AUC compares won with lost).
    """
    values, results = _paired("cannot compute the AUC", scores, outcomes)
    won = sum(results)
    lost = len(results) - won
    if not won or not lost:
        problem = "must hold both won and lost examples: the AUC compares one with the other"
        raise InvalidInput("cannot compute the AUC", [Problem(("outcomes",), problem)])
    # the rank-sum form: the average rank of each group of tied scores, one pass after a sort
    order = sorted(range(len(values)), key=values.__getitem__)
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        average = (start + end) / 2 + 1
        rank_sum += average * sum(1 for index in order[start : end + 1] if results[index])
        start = end + 1
    return (rank_sum - won * (won + 1) / 2) / (won * lost)


def _top(k: int, values: list[float]) -> list[int]:
    """The indices of the ``k`` highest scores; ties go to the earlier example."""
    return sorted(range(len(values)), key=lambda index: (-values[index], index))[:k]


def _check_k(what: str, k: object, size: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= size:
        raise InvalidInput(what, [Problem(("k",), f"must be a whole number from 1 to {size}", k)])
    return k


def precision_at(k: int, scores: Iterable[float], outcomes: Iterable[bool]) -> float:
    """The share of won examples among the ``k`` highest scores (ties go to the earlier example).

    Example:
        >>> from funnelkit.scoring import precision_at
        >>> precision_at(2, [0.9, 0.8, 0.3, 0.1], [True, False, True, False])
        0.5
    """
    values, results = _paired("cannot compute precision at k", scores, outcomes)
    top = _top(_check_k("cannot compute precision at k", k, len(values)), values)
    return sum(results[index] for index in top) / len(top)


def lift(k: int, scores: Iterable[float], outcomes: Iterable[bool]) -> float:
    """Precision at ``k`` over the share of won examples in all: how much better than picking at random.

    Example:
        >>> from funnelkit.scoring import lift
        >>> lift(1, [0.9, 0.8, 0.3, 0.1], [True, False, True, False])
        2.0
    """
    values, results = _paired("cannot compute lift", scores, outcomes)
    base = sum(results) / len(results)
    if not base:
        raise InvalidInput(
            "cannot compute lift", [Problem(("outcomes",), "must hold at least one won example")]
        )
    top = _top(_check_k("cannot compute lift", k, len(values)), values)
    return sum(results[index] for index in top) / len(top) / base


def _probabilities(
    what: str, probabilities: Iterable[float], outcomes: Iterable[bool]
) -> tuple[list[float], list[bool]]:
    values, results = _paired(what, probabilities, outcomes)
    problems = [
        Problem(("probabilities", index), "must be from 0 to 1", value)
        for index, value in enumerate(values)
        if not 0 <= value <= 1
    ]
    if problems:
        raise InvalidInput(what, at_most(problems))
    return values, results


def brier(probabilities: Iterable[float], outcomes: Iterable[bool]) -> float:
    """The mean squared gap between each probability and what happened (1 won, 0 lost): 0 is perfect.

    Example:
        >>> from funnelkit.scoring import brier
        >>> brier([0.9, 0.2], [True, False])
        0.025
    """
    values, results = _probabilities("cannot compute the Brier score", probabilities, outcomes)
    return math.fsum((value - result) ** 2 for value, result in zip(values, results, strict=True)) / len(
        values
    )


@attrs.frozen
class Bin:
    """One bin of a calibration table: the probabilities in ``[low, high)`` and what happened."""

    low: float
    high: float
    count: int
    predicted: float
    """The mean probability in the bin."""
    observed: float
    """The share of won examples in the bin."""


def calibration(
    probabilities: Iterable[float], outcomes: Iterable[bool], *, bins: int = 10
) -> tuple[Bin, ...]:
    """How often what was given probability p came true, in ``bins`` equal bins of [0, 1].

    Empty bins are left out.

    Example:
        >>> from funnelkit.scoring import calibration
        >>> table = calibration([0.1, 0.15, 0.8], [False, True, True], bins=2)
        >>> [(b.low, b.count, b.predicted, b.observed) for b in table]
        [(0.0, 2, 0.125, 0.5), (0.5, 1, 0.8, 1.0)]
    """
    what = "cannot compute a calibration table"
    given: object = bins  # typed, but callers may pass anything
    if isinstance(given, bool) or not isinstance(given, int) or given < 1:
        raise InvalidInput(what, [Problem(("bins",), "must be a whole number from 1", bins)])
    values, results = _probabilities(what, probabilities, outcomes)
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for value, result in zip(values, results, strict=True):
        grouped.setdefault(min(int(value * bins), bins - 1), []).append((value, result))
    return tuple(
        Bin(
            index / bins,
            (index + 1) / bins,
            len(members),
            math.fsum(value for value, _ in members) / len(members),
            sum(result for _, result in members) / len(members),
        )
        for index, members in sorted(grouped.items())
    )
