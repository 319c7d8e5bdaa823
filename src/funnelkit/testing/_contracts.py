"""A contract test suite that users subclass to prove their criteria keep the Criterion contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st

from funnelkit._boundary import dump
from funnelkit.qualification import Criterion, CriterionResult, Evidence, Verdict
from funnelkit.testing._evidence import evidence
from funnelkit.testing._strategies import leads, opportunities

_SUBJECTS = evidence() | leads() | opportunities()


class CriterionContract:
    """A test suite proving a criterion is pure, total and deterministic.

    Subclass it with a name pytest collects and set ``criterion``; it draws leads,
    opportunities and evidence to assess.

    Example::

        class TestBigAccount(CriterionContract):
            criterion = big_account
    """

    criterion: ClassVar[Criterion]
    subjects: ClassVar[st.SearchStrategy[Any]] = _SUBJECTS
    """What to assess; override to draw subjects your criterion is meant for."""

    def test_total(self) -> None:
        """Any subject gets a result with a verdict and a reason; nothing raises."""

        @_checked(self.subjects)
        def check(subject: object) -> None:
            result = self.criterion.assess(subject)
            assert isinstance(result, CriterionResult)
            assert isinstance(result.verdict, Verdict)
            assert result.reason.strip(), "every result says why"
            assert result.criterion == self.criterion.id

        check()

    def test_pure(self) -> None:
        """Assessing changes nothing about the subject."""

        @_checked(self.subjects)
        def check(subject: object) -> None:
            before = dump(subject)
            self.criterion.assess(subject)
            assert dump(subject) == before

        check()

    def test_deterministic(self) -> None:
        """The same subject, or an equal one, gets the same result every time."""

        @_checked(self.subjects)
        def check(subject: object) -> None:
            assert self.criterion.assess(subject) == self.criterion.assess(subject)

        check()

    def test_unknown_without_evidence(self) -> None:
        """With no evidence at all, a criterion that judges facts must not claim they are met."""
        assert self.criterion.assess(Evidence()).verdict is not Verdict.met


def _checked(subjects: st.SearchStrategy[Any]) -> Callable[[Callable[[Any], None]], Callable[[], None]]:
    # each run builds its own Hypothesis test, so every subclass gets a test of its own
    def decorate(check: Callable[[Any], None]) -> Callable[[], None]:
        wrapped: Callable[[], None] = settings(max_examples=40)(given(subjects)(check))
        return wrapped

    return decorate
