"""Criteria: the Protocol user criteria follow, and the built-in criteria that judge facts."""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Protocol, TypeGuard, TypeVar, runtime_checkable

import attrs

from funnelkit._errors import CriterionFailed, FunnelError
from funnelkit._money import Money
from funnelkit.qualification._evidence import NO_EVIDENCE, Evidence, Fact
from funnelkit.qualification._results import CriterionResult, Verdict


@runtime_checkable
class Criterion(Protocol):
    """Anything that judges a subject: an ``id`` and a pure, total ``assess`` method.

    ``assess`` must not raise on missing facts (a missing fact is ``unknown``), must not change
    anything, and must give the same result for the same subject every time. When a combinator
    or a framework calls it, an exception it raises (other than a :class:`~funnelkit.FunnelError`,
    which passes unchanged) or a value it returns that is not a :class:`CriterionResult` becomes a
    :class:`~funnelkit.CriterionFailed` naming the framework, the criterion and the subject.
    """

    @property
    def id(self) -> str:
        """A stable id, unique within a framework, such as ``"budget"``."""
        ...  # pragma: no cover - a Protocol member

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - a lead, an opportunity or evidence
        """Judge ``subject`` and say why."""
        ...  # pragma: no cover - a Protocol member


def is_criterion(value: object) -> TypeGuard[Criterion]:
    """Whether ``value`` looks like a :class:`Criterion`: it has an ``id`` and an ``assess`` method.

    The same test as ``isinstance(value, Criterion)``, spelled out: a runtime Protocol check walks
    the Protocol's members on every call, and on Python before 3.12 counts any attribute set on
    the Protocol class later as one more member to look for.
    """
    return hasattr(value, "id") and callable(getattr(value, "assess", None))


def evidence_of(subject: object) -> Evidence:
    """The evidence of a lead or opportunity, or ``subject`` itself if it is evidence."""
    if isinstance(subject, Evidence):
        return subject
    evidence = getattr(subject, "evidence", NO_EVIDENCE)
    return evidence if isinstance(evidence, Evidence) else NO_EVIDENCE


T = TypeVar("T")

NO_FRAMEWORK = "(no framework)"
EVALUATING: ContextVar[str] = ContextVar("funnelkit_evaluating", default=NO_FRAMEWORK)
"""The framework being evaluated, as ``"id version"``, for the errors of the criteria it calls."""

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def describe(subject: object) -> str:
    """A subject in a few words: a funnel object by kind, id and status, evidence by size, else its repr."""
    kind = getattr(subject, "_kind", None)
    if isinstance(kind, str):
        status = getattr(getattr(subject, "status", None), "value", None)
        return f"{kind} {getattr(subject, 'id', None)!r} in status {status!r}"
    if isinstance(subject, Evidence):
        count = len(subject.facts)
        return f"evidence with {count} {'fact' if count == 1 else 'facts'}"
    return _SHORT.repr(subject)


def failure(criterion: object, subject: object, problem: str) -> CriterionFailed:
    """The error for ``criterion`` failing on ``subject``, naming the framework being evaluated."""
    name = getattr(criterion, "id", None)
    return CriterionFailed(
        framework=EVALUATING.get(),
        criterion=name if isinstance(name, str) else _SHORT.repr(criterion),
        subject=describe(subject),
        problem=problem,
    )


def run(criterion: object, call: Callable[[Any], T], subject: object) -> T:
    """``call(subject)`` on behalf of ``criterion``; what it raises becomes a CriterionFailed.

    Raises:
        CriterionFailed: ``call`` raised, with its exception as the ``__cause__``.
        FunnelError: ``call`` raised one on purpose; it passes unchanged.
    """
    try:
        return call(subject)
    except FunnelError:
        raise
    except Exception as error:
        raise failure(criterion, subject, f"it raised {type(error).__name__}: {error}") from error


def assessed(criterion: Criterion, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
    """``criterion.assess(subject)``, checked: the one place combinators and frameworks call criteria.

    Raises:
        CriterionFailed: the criterion raised (its exception is the ``__cause__``), or returned
            something other than a CriterionResult with a Verdict.
        FunnelError: the criterion raised one on purpose; it passes unchanged.
    """
    # run(criterion, criterion.assess, subject), inlined: this is the hot path
    try:
        result: object = criterion.assess(subject)
    except FunnelError:
        raise
    except Exception as error:
        raise failure(criterion, subject, f"it raised {type(error).__name__}: {error}") from error
    if not isinstance(result, CriterionResult):
        raise failure(criterion, subject, f"it returned {_SHORT.repr(result)}, not a CriterionResult")
    verdict: object = result.verdict  # typed, but a user's criterion may build results from anything
    if not isinstance(verdict, Verdict):
        problem = f"it returned a result whose verdict is {_SHORT.repr(verdict)}, not a Verdict"
        raise failure(criterion, subject, problem)
    return result


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


def _name_of(judge: Judge) -> str:
    # a partial or a callable object has no __name__
    name = getattr(judge, "__name__", None)
    return name if isinstance(name, str) else _SHORT.repr(judge)


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
        problem = f"{_name_of(self.judge)} returned {_SHORT.repr(found)}, not a Verdict or a CriterionResult"
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
