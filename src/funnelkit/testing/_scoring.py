"""A contract test suite that users subclass to prove their scorers keep the Scorer contract."""

from __future__ import annotations

import copy
import math
import pickle
from datetime import datetime
from typing import Any, ClassVar

from hypothesis import strategies as st

from funnelkit._errors import FunnelError
from funnelkit.scoring import Scorer, ScoreResult
from funnelkit.testing._contracts import checked, state_of
from funnelkit.testing._reach import reachable
from funnelkit.testing._strategies import START, leads, opportunities, times

_SUBJECTS = leads() | opportunities()


@st.composite
def _scored(draw: st.DrawFn, subjects: st.SearchStrategy[Any]) -> tuple[Any, datetime]:
    subject = draw(subjects)
    return subject, draw(times(getattr(subject, "last_at", START)))


class ScorerContract:
    """A test suite proving a scorer adds up, is pure and deterministic, and pickles.

    Subclass it with a name pytest collects and set ``scorer``; it draws leads and opportunities
    and a time after each one's latest event (override ``subjects`` to draw others, such as
    mappings of features; they must survive ``copy.deepcopy``).

    Example::

        class TestMyScorer(ScorerContract):
            scorer = my_points_model
    """

    scorer: ClassVar[Scorer]
    subjects: ClassVar[st.SearchStrategy[Any]] = _SUBJECTS
    """What to score; override to draw subjects your scorer is meant for."""

    def test_adds_up(self) -> None:
        """Every result is a ScoreResult of this scorer whose baseline and contributions make its value.

        A scorer may refuse a subject it cannot score (a closed deal's stage, say) with a
        ``FunnelError`` that says why; no other exception may escape.
        """

        @checked(_scored(self.subjects))
        def check(drawn: tuple[Any, datetime]) -> None:
            subject, at = drawn
            result = _score(self.scorer, subject, at)
            if isinstance(result, str):
                return  # refused, saying why
            assert isinstance(result, ScoreResult)
            assert (result.scorer, result.version) == (self.scorer.id, self.scorer.version)
            total = result.baseline + math.fsum(part.amount for part in result.contributions)
            assert math.isclose(total, result.value, rel_tol=1e-9, abs_tol=1e-9)
            assert all(part.reason.strip() for part in result.contributions), "every contribution says why"
            assert result.probability is None or 0 <= result.probability <= 1

        check()

    def test_deterministic_and_pure(self) -> None:
        """The same subject and time, or equal copies, get the same result; scoring changes nothing."""

        @checked(_scored(self.subjects))
        def check(drawn: tuple[Any, datetime]) -> None:
            subject, at = drawn
            untouched = reachable(drawn, cached=False)
            first = _score(self.scorer, subject, at)
            before = state_of(self.scorer)
            assert _score(self.scorer, copy.deepcopy(subject), at) == first, "an equal copy scored otherwise"
            assert state_of(self.scorer) == before, (
                "scoring changed the scorer, its class or a global it reads"
            )
            assert reachable(drawn, cached=False) == untouched, "scoring changed the subject"

        check()

    def test_pickles(self) -> None:
        """A scorer sent through pickle (to another process) scores the same."""

        @checked(_scored(self.subjects))
        def check(drawn: tuple[Any, datetime]) -> None:
            subject, at = drawn
            again = pickle.loads(pickle.dumps(self.scorer))  # noqa: S301 - our own object, round-tripped
            assert _score(again, subject, at) == _score(self.scorer, subject, at)

        check()


def _score(scorer: Scorer, subject: object, at: datetime) -> ScoreResult | str:
    """The result, or the message of the ``FunnelError`` that refused the subject."""
    try:
        return scorer.score(subject, at=at)
    except FunnelError as error:
        return str(error)
