"""A contract test suite that users subclass to prove their criteria keep the Criterion contract."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st

from funnelkit.qualification import Criterion, CriterionResult, Evidence, Verdict
from funnelkit.testing._evidence import evidence
from funnelkit.testing._reach import reachable
from funnelkit.testing._strategies import leads, opportunities

_SUBJECTS = evidence() | leads() | opportunities()


class CriterionContract:
    """A test suite proving a criterion is pure, total and deterministic.

    Subclass it with a name pytest collects and set ``criterion``; it draws leads,
    opportunities and evidence to assess (override ``subjects`` to draw others; they must survive
    ``copy.deepcopy``). It runs as many examples as the Hypothesis profile loaded says.

    Example::

        class TestBigAccount(CriterionContract):
            criterion = big_account
    """

    criterion: ClassVar[Criterion]
    subjects: ClassVar[st.SearchStrategy[Any]] = _SUBJECTS
    """What to assess; override to draw subjects your criterion is meant for."""

    def test_total(self) -> None:
        """Any subject gets a result with a verdict and a reason; nothing raises."""

        @checked(self.subjects)
        def check(subject: object) -> None:
            result = self.criterion.assess(subject)
            assert isinstance(result, CriterionResult)
            assert isinstance(result.verdict, Verdict)
            assert result.reason.strip(), "every result says why"
            assert result.criterion == self.criterion.id

        check()

    def test_pure(self) -> None:
        """Assessing changes nothing, and a result depends on nothing but its subject.

        Frozen subjects cannot change by accident, so this records everything an assessment
        could change on purpose: the subjects (as their equality sees them, before any
        assessment), and the criterion with what it holds (a list it was given, a counter, a
        closure), its class and the globals its functions read (around one assessment, after
        both subjects were assessed once, so a value it works out on first use and keeps is not
        taken for a change). After another subject, a subject must get the result it got after
        itself, so state kept where no record reaches shows too.
        """

        @checked(st.tuples(self.subjects, self.subjects))
        def check(subjects: tuple[object, object]) -> None:
            subject, other = subjects
            criterion = self.criterion
            untouched = reachable(subjects, cached=False)
            for warm in (other, subject):
                criterion.assess(warm)
            first = criterion.assess(subject)
            before = state_of(criterion)
            criterion.assess(other)
            assert state_of(criterion) == before, (
                "assessing changed the criterion, its class or a global its code reads"
            )
            assert reachable(subjects, cached=False) == untouched, "assessing changed the subject"
            assert criterion.assess(subject) == first, (
                "a subject's result depends on what was assessed before it"
            )

        check()

    def test_deterministic(self) -> None:
        """The same subject, or an equal one, gets the same result every time."""

        @checked(self.subjects)
        def check(subject: object) -> None:
            result = self.criterion.assess(subject)
            assert self.criterion.assess(subject) == result, "the same subject got another result"
            twin = copy.deepcopy(subject)
            assert self.criterion.assess(twin) == result, "an equal copy of the subject got another result"

        check()

    def test_unknown_without_evidence(self) -> None:
        """With no evidence at all, a criterion that judges facts must not claim they are met."""
        assert self.criterion.assess(Evidence()).verdict is not Verdict.met


def state_of(judge: object) -> object:
    """What a call could change besides its subject: the criterion or scorer, and its own classes."""
    return reachable(judge, _namespaces(type(judge)))


def _namespaces(kind: type) -> list[Mapping[str, object]]:
    # only the classes of the criterion's own package: the bases others wrote (object, Protocol,
    # a library's) are shared by everyone, may keep caches of their own, and are not its doing
    package = _package(kind)
    return [vars(klass) for klass in kind.__mro__ if _package(klass) == package]


def _package(kind: type) -> str:
    return kind.__module__.split(".")[0]


def checked(subjects: st.SearchStrategy[Any]) -> Callable[[Callable[[Any], None]], Callable[[], None]]:
    # each run builds its own Hypothesis test, so every subclass gets a test of its own; one
    # broken promise is enough to report
    def decorate(check: Callable[[Any], None]) -> Callable[[], None]:
        wrapped: Callable[[], None] = settings(report_multiple_bugs=False)(given(subjects)(check))
        return wrapped

    return decorate
