"""Criteria: the Protocol user criteria follow, and the checked way combinators and frameworks call them."""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Protocol, TypeGuard, TypeVar, runtime_checkable

from funnelkit._errors import CriterionFailed, FunnelError
from funnelkit.qualification._evidence import NO_EVIDENCE, Evidence
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

SHORT = reprlib.Repr()
SHORT.maxstring = SHORT.maxother = 60


def describe(subject: object) -> str:
    """A subject in a few words: a funnel object by kind, id and status, evidence by size, else its repr."""
    kind = getattr(subject, "_kind", None)
    if isinstance(kind, str):
        status = getattr(getattr(subject, "status", None), "value", None)
        return f"{kind} {getattr(subject, 'id', None)!r} in status {status!r}"
    if isinstance(subject, Evidence):
        count = len(subject.facts)
        return f"evidence with {count} {'fact' if count == 1 else 'facts'}"
    return SHORT.repr(subject)


def failure(criterion: object, subject: object, problem: str) -> CriterionFailed:
    """The error for ``criterion`` failing on ``subject``, naming the framework being evaluated."""
    name = getattr(criterion, "id", None)
    return CriterionFailed(
        framework=EVALUATING.get(),
        criterion=name if isinstance(name, str) else SHORT.repr(criterion),
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
        raise failure(criterion, subject, f"it returned {SHORT.repr(result)}, not a CriterionResult")
    verdict: object = result.verdict  # typed, but a user's criterion may build results from anything
    if not isinstance(verdict, Verdict):
        problem = f"it returned a result whose verdict is {SHORT.repr(verdict)}, not a Verdict"
        raise failure(criterion, subject, problem)
    return result
