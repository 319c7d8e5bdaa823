"""Back-testing: learn from what closed before a date, score what was open then, see what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from funnelkit._deals import Opportunity
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import utc
from funnelkit._lead import Lead
from funnelkit.scoring._evaluation import Bin, auc, brier, calibration, precision_at
from funnelkit.scoring._features import CLOSED, CLOSING, as_of, training_set
from funnelkit.scoring._results import Scorer

Learner = Callable[[Sequence[Mapping[str, Any]], Sequence[bool]], Scorer]
"""What learns a scorer from examples and outcomes, such as ``sc.NaiveBayesScorer.fit``."""


@attrs.frozen
class BackTest:
    """How a scorer learned from the history before ``cut`` ranked what was open at ``cut``."""

    scorer: str
    cut: datetime
    until: datetime
    trained: int
    """How many closed objects it learned from."""
    scored: int
    """How many objects open at the cut had closed by ``until``, and were scored."""
    won: int
    auc: float | None
    """``None`` where the scored objects were all won or all lost."""
    precision: float
    """The share won among the top ``k`` scored."""
    k: int
    brier: float | None
    """``None`` where the scorer gives no probabilities."""
    calibration: tuple[Bin, ...]

    def summary(self) -> str:
        """One line: what was learned from, what was scored, and how well."""
        shown = "n/a" if self.auc is None else f"{self.auc:.3f}"
        return (
            f"{self.scorer}: learned from {self.trained} closed by {self.cut.date()}, scored {self.scored} "
            f"open then and closed by {self.until.date()} ({self.won} won): AUC {shown}, "
            f"precision at {self.k} {self.precision:.3f}"
            + ("" if self.brier is None else f", Brier {self.brier:.4f}")
        )


def backtest(
    objects: Iterable[object],
    learn: Learner,
    *,
    cut: datetime,
    until: datetime,
    k: int = 10,
    age: timedelta | None = None,
) -> BackTest:
    """Learn from what closed by ``cut``; score what was open at ``cut`` and closed by ``until``.

    Each open object is scored as it stood at ``cut`` (a predictive scorer reads its features
    then, a points model its touches until then) and judged by how it closed by ``until``:
    nothing after the cut reaches the scorer, so the figures say how the scorer would have done
    had it been used then. ``learn`` may ignore the history, as a points model's does. ``age``
    reads each training example that long after its creation, as ``training_set`` does, so what
    an object became on its way to closing cannot give its outcome away.

    Raises:
        InvalidInput: the times are not aware or ``until`` is not after ``cut``; nothing closed
            before the cut, or nothing open at the cut closed by ``until``.
    """
    what = "cannot back-test"
    times: tuple[tuple[str, object], ...] = (("cut", cut), ("until", until))  # callers may pass anything
    problems = [
        Problem((name,), "must be a timezone-aware datetime, such as one in UTC", value)
        for name, value in times
        if not isinstance(value, datetime) or value.utcoffset() is None
    ]
    when, end = utc(cut), utc(until)
    if not problems and end <= when:
        problems.append(Problem(("until",), f"must be after the cut, {when.isoformat()}", until))
    if problems:
        raise InvalidInput(what, problems)
    every = tuple(objects)
    examples, outcomes = training_set(every, at=when, age=age)
    scorer = learn(examples, outcomes)
    scores: list[float] = []
    probabilities: list[float] = []
    results: list[bool] = []
    # training_set has refused anything but leads and opportunities
    for subject in [subject for subject in every if isinstance(subject, (Lead, Opportunity))]:
        then = as_of(subject, when)
        later = as_of(subject, end) if then is not None else None
        if then is None or later is None or then.status.value in CLOSED or later.status.value not in CLOSED:
            continue
        closing = CLOSING[later._kind]  # noqa: SLF001
        last = [event for event in later.history if event.command in closing][-1]
        # the object as it stood: a points model reads its touches, a predictive one its features
        result = scorer.score(then, at=when)
        scores.append(result.value)
        if result.probability is not None:
            probabilities.append(result.probability)
        results.append(closing[last.command])
    if not results:
        raise InvalidInput(what, [Problem(("until",), "nothing open at the cut closed by then", until)])
    won = sum(results)
    given = min(k, len(results))
    honest = len(probabilities) == len(results)
    return BackTest(
        scorer.id,
        when,
        end,
        len(examples),
        len(results),
        won,
        auc(scores, results) if 0 < won < len(results) else None,
        precision_at(given, scores, results),
        given,
        brier(probabilities, results) if honest else None,
        calibration(probabilities, results) if honest else (),
    )
