"""Criteria: the Protocol user criteria follow, and the built-in criteria that judge facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import attrs

from funnelkit._money import Money
from funnelkit.qualification._evidence import NO_EVIDENCE, Evidence, Fact
from funnelkit.qualification._results import CriterionResult, Verdict


@runtime_checkable
class Criterion(Protocol):
    """Anything that judges a subject: an ``id`` and a pure, total ``assess`` method.

    ``assess`` must not raise on missing facts (a missing fact is ``unknown``), must not change
    anything, and must give the same result for the same subject every time.
    """

    @property
    def id(self) -> str:
        """A stable id, unique within a framework, such as ``"budget"``."""
        ...  # pragma: no cover - a Protocol member

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - a lead, an opportunity or evidence
        """Judge ``subject`` and say why."""
        ...  # pragma: no cover - a Protocol member


def evidence_of(subject: object) -> Evidence:
    """The evidence of a lead or opportunity, or ``subject`` itself if it is evidence."""
    if isinstance(subject, Evidence):
        return subject
    evidence = getattr(subject, "evidence", NO_EVIDENCE)
    return evidence if isinstance(evidence, Evidence) else NO_EVIDENCE


class Combinable:
    """Base of the built-in criteria: gives them ``&`` (all of), ``|`` (any of) and ``~`` (not).

    User criteria need not inherit from it; any object that satisfies :class:`Criterion` combines
    through :func:`all_of`, :func:`any_of` and :func:`not_`.
    """

    __slots__ = ()

    @property
    def id(self) -> str:
        """A stable id, unique within a framework."""
        raise NotImplementedError

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge ``subject`` and say why."""
        raise NotImplementedError

    def __and__(self, other: Criterion) -> Combinable:
        """Both criteria: ``all_of(self, other)``."""
        from funnelkit.qualification._combinators import all_of

        return all_of(self, other)

    def __or__(self, other: Criterion) -> Combinable:
        """Either criterion: ``any_of(self, other)``."""
        from funnelkit.qualification._combinators import any_of

        return any_of(self, other)

    def __invert__(self) -> Combinable:
        """The opposite criterion: ``not_(self)``."""
        from funnelkit.qualification._combinators import not_

        return not_(self)


Judge = Callable[[Any], "CriterionResult | Verdict"]


@attrs.frozen(repr=False)
class _FunctionCriterion(Combinable):
    id: str
    judge: Judge

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        found = self.judge(subject)
        if isinstance(found, Verdict):
            return CriterionResult(self.id, found, f"{self.judge.__name__} says {found.value}")
        return attrs.evolve(found, criterion=self.id)

    def __repr__(self) -> str:
        return f"criterion({self.id!r}, {self.judge.__name__})"


def criterion(id: str, judge: Judge) -> Combinable:
    """Make a criterion from a plain function that returns a Verdict or a CriterionResult.

    Example:
        >>> from funnelkit.qualification import Verdict, criterion
        >>> big = criterion("big_account", lambda lead: Verdict.met)
        >>> big.assess(None).verdict.value
        'met'
    """
    return _FunctionCriterion(id, judge)


def _fact_verdict(fact: Fact) -> Verdict:
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

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the latest fact called ``self.fact``."""
        fact = evidence_of(subject).latest(self.fact)
        if fact is None:
            return CriterionResult(
                self.id, Verdict.unknown, f"no {self.fact} recorded: ask {self.question!r}"
            )
        verdict = _fact_verdict(fact)
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
