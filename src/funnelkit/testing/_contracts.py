"""A contract test suite that users subclass to prove their criteria keep the Criterion contract."""

from __future__ import annotations

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

    @settings(max_examples=50)
    @given(data=st.data())
    def test_total(self, data: st.DataObject) -> None:
        """Any subject gets a result with a verdict and a reason; nothing raises."""
        result = self.criterion.assess(data.draw(self.subjects))
        assert isinstance(result, CriterionResult)
        assert isinstance(result.verdict, Verdict)
        assert result.reason.strip(), "every result says why"
        assert result.criterion == self.criterion.id

    @settings(max_examples=50)
    @given(data=st.data())
    def test_pure(self, data: st.DataObject) -> None:
        """Assessing changes nothing about the subject."""
        subject = data.draw(self.subjects)
        before = _snapshot(subject)
        self.criterion.assess(subject)
        assert _snapshot(subject) == before

    @settings(max_examples=50)
    @given(data=st.data())
    def test_deterministic(self, data: st.DataObject) -> None:
        """The same subject, or an equal one, gets the same result every time."""
        subject = data.draw(self.subjects)
        assert self.criterion.assess(subject) == self.criterion.assess(subject)

    def test_unknown_without_evidence(self) -> None:
        """With no evidence at all, a criterion that judges facts must not claim they are met."""
        assert self.criterion.assess(Evidence()).verdict is not Verdict.met


def _snapshot(subject: object) -> object:
    return dump(subject)
