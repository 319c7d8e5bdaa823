"""The criteria that judge a subject themselves: fact criteria, and criteria made from functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from funnelkit._money import Money
from funnelkit.qualification._combinators import Combinable
from funnelkit.qualification._criteria import SHORT, evidence_of, failure, run
from funnelkit.qualification._evidence import Fact
from funnelkit.qualification._results import CriterionResult, Verdict

Judge = Callable[[Any], "CriterionResult | Verdict"]


def _name_of(judge: Judge) -> str:
    # a partial or a callable object has no __name__
    name = getattr(judge, "__name__", None)
    return name if isinstance(name, str) else SHORT.repr(judge)


@attrs.frozen(repr=False)
class _FunctionCriterion(Combinable):
    id: str
    judge: Judge

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        found: object = run(self, self.judge, subject)
        if isinstance(found, Verdict):
            return CriterionResult(self.id, found, f"{_name_of(self.judge)} says {found.value}")
        if isinstance(found, CriterionResult):
            return attrs.evolve(found, criterion=self.id)
        problem = f"{_name_of(self.judge)} returned {SHORT.repr(found)}, not a Verdict or a CriterionResult"
        raise failure(self, subject, problem)

    def __repr__(self) -> str:
        return f"criterion({self.id!r}, {_name_of(self.judge)})"


def criterion(id: str, judge: Judge) -> Combinable:
    """Make a criterion from a plain function that returns a Verdict or a CriterionResult.

    The criterion's ``assess`` raises :class:`~funnelkit.CriterionFailed` when ``judge`` raises
    (other than a :class:`~funnelkit.FunnelError`, which passes unchanged; the exception is the
    ``__cause__``) or returns anything else.

    Example:
        >>> from funnelkit.qualification import Verdict, criterion
        >>> big = criterion("big_account", lambda lead: Verdict.met)
        >>> big.assess(None).verdict.value
        'met'
    """
    return _FunctionCriterion(id, judge)


def fact_verdict(fact: Fact) -> Verdict:
    value = fact.value
    if value is False or (isinstance(value, Money) and value.amount <= 0) or value in ("", 0):
        return Verdict.unmet
    if fact.grade is None or fact.grade >= 2:  # noqa: PLR2004 - 2 is "validated" on the 0-3 scale
        return Verdict.met
    return Verdict.partial if fact.grade == 1 else Verdict.unmet


@attrs.frozen(repr=False)
class FactCriterion(Combinable):
    """Met when a fact is known and positive; its grade (if any) caps the verdict.

    No fact is unknown. False, zero money, an empty text or grade 0 is unmet; grade 1 is
    partial; grade 2 or 3, or an ungraded positive fact, is met.
    """

    id: str
    fact: str
    question: str
    """What it asks, such as "Is there budget or a way to fund it?"."""
    _unknown: CriterionResult = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Make, once, the result for a subject without the fact: results never change."""
        reason = f"no {self.fact} recorded: ask {self.question!r}"
        object.__setattr__(self, "_unknown", CriterionResult(self.id, Verdict.unknown, reason))

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the latest fact called ``self.fact``."""
        fact = evidence_of(subject).by_name.get(self.fact)
        if fact is None:
            return self._unknown
        verdict = fact_verdict(fact)
        grade = "" if fact.grade is None else f", grade {fact.grade}"
        reason = f"{self.fact} = {fact.value} (from {fact.source}{grade})"
        return CriterionResult(self.id, verdict, reason, fact.grade, (self.fact,))

    def __repr__(self) -> str:
        return f"fact({self.id!r})"


def fact(id: str, question: str, *, name: str | None = None) -> FactCriterion:
    """Make a criterion that judges the fact called ``name`` (default: ``id``).

    Example:
        >>> from funnelkit.qualification import fact
        >>> fact("budget", "Is there budget?").assess(None).verdict.value
        'unknown'
    """
    return FactCriterion(id, name or id, question)
