"""The criterion contract fails criteria that break it: changed state, hidden state, changed subjects."""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import strategies as st

import funnelkit.qualification as q
from funnelkit import testing

SEEN: list[object] = []
"""A module global that one impure criterion below appends to."""


def verdict_of(subject: Any) -> q.Verdict:
    """A pure judgement: met when some fact was recorded."""
    return q.Verdict.met if q.evidence_of(subject).facts else q.Verdict.unknown


def judged(criterion_id: str, subject: Any) -> q.CriterionResult:
    return q.CriterionResult(criterion_id, verdict_of(subject), "judged")


@attrs.frozen
class Appending:
    """Keeps every subject in a list it was given."""

    kept: list[object]
    id: str = "appending"

    def assess(self, subject: Any) -> q.CriterionResult:
        self.kept.append(subject)
        return judged(self.id, subject)


@attrs.define
class Counting:
    """Counts its calls on itself; its results do not depend on the count."""

    calls: int = 0
    id: str = "counting"

    def assess(self, subject: Any) -> q.CriterionResult:
        self.calls += 1
        return judged(self.id, subject)


@attrs.frozen
class Global:
    """Appends to a module global."""

    id: str = "global"

    def assess(self, subject: Any) -> q.CriterionResult:
        SEEN.append(subject)
        return judged(self.id, subject)


@attrs.frozen
class Forging:
    """Empties the frozen evidence it judges, through ``object.__setattr__``."""

    id: str = "forging"

    def assess(self, subject: Any) -> q.CriterionResult:
        result = judged(self.id, subject)
        object.__setattr__(subject, "facts", q.Evidence().facts)
        return result


@attrs.frozen
class Meddling:
    """Marks the mutable subject it judges."""

    id: str = "meddling"

    def assess(self, subject: Any) -> q.CriterionResult:
        subject.judged = True
        return judged(self.id, subject)


class Moody:
    """Alternates its verdict from call to call, whatever the subject: state behind one slot."""

    __slots__ = ("id", "mood")

    def __init__(self) -> None:
        self.id = "moody"
        self.mood = False

    def assess(self, _subject: Any) -> q.CriterionResult:
        self.mood = not self.mood
        return q.CriterionResult(self.id, q.Verdict.met if self.mood else q.Verdict.unmet, "mood")


def like_the_one_before(previous: object) -> q.CriterionResult:
    verdict = q.Verdict.unmet if previous is None else verdict_of(previous)
    return q.CriterionResult("echo", verdict, "like the subject before")


class Echo:
    """Judges each subject by the one assessed before it, which it keeps on itself."""

    def __init__(self) -> None:
        self.id = "echo"
        self.previous: object = None

    def assess(self, subject: Any) -> q.CriterionResult:
        previous, self.previous = self.previous, subject
        return like_the_one_before(previous)


PREVIOUS: ContextVar[object] = ContextVar("previous", default=None)


class HiddenEcho:
    """The same, keeping the subject where no record of state reaches: in a context variable."""

    id = "echo"

    def assess(self, subject: Any) -> q.CriterionResult:
        previous = PREVIOUS.get()
        PREVIOUS.set(subject)
        return like_the_one_before(previous)


def in_closure() -> q.Criterion:
    """A criterion made from a function that remembers what it judged in a closure."""
    remembered: dict[int, object] = {}

    def judge(subject: Any) -> q.Verdict:
        remembered[len(remembered)] = subject
        return verdict_of(subject)

    return q.criterion("closure", judge)


def in_partial() -> q.Criterion:
    """A criterion made from a partial function that appends to the list it was given."""

    def judge(kept: list[object], subject: Any) -> q.Verdict:
        kept.append(subject)
        return verdict_of(subject)

    return q.criterion("partial", functools.partial(judge, []))


def small_evidence(known: bool) -> q.Evidence:
    """Evidence with one fact or none: a new object each time, and quick to shrink."""
    if not known:
        return q.Evidence()
    return q.Evidence((q.Fact("need", True, "call", datetime(2026, 1, 1, tzinfo=timezone.utc)),))


EVIDENCE = st.builds(small_evidence, st.booleans())
MUTABLE = st.builds(SimpleNamespace, evidence=EVIDENCE)


def contract(criterion: object, subjects: st.SearchStrategy[Any] = EVIDENCE) -> testing.CriterionContract:
    suite = type("Probe", (testing.CriterionContract,), {"criterion": criterion, "subjects": subjects})
    made: testing.CriterionContract = suite()
    return made


CHANGES_ITSELF: dict[str, Callable[[], object]] = {
    "appends to a list it was given": lambda: Appending([]),
    "counts its calls": Counting,
    "appends to a module global": Global,
    "remembers subjects in a closure": in_closure,
    "appends to a list in a partial": in_partial,
    "flips a slot on every call": Moody,
    "keeps the subject before on itself": Echo,
}


@pytest.mark.parametrize("case", list(CHANGES_ITSELF))
def test_criteria_that_change_their_state_fail_the_purity_test(case: str) -> None:
    with pytest.raises(AssertionError, match="assessing changed the criterion, its class or a global"):
        contract(CHANGES_ITSELF[case]()).test_pure()


@pytest.mark.parametrize(("make", "subjects"), [(Forging, EVIDENCE), (Meddling, MUTABLE)])
def test_criteria_that_change_their_subject_fail_the_purity_test(
    make: Callable[[], object], subjects: st.SearchStrategy[Any]
) -> None:
    # each changes a subject once, the same way every time: only a record made before fails it
    with pytest.raises(AssertionError, match="assessing changed the subject"):
        contract(make(), subjects).test_pure()


def test_state_no_record_reaches_still_shows_in_the_results() -> None:
    with pytest.raises(AssertionError, match="depends on what was assessed before it"):
        contract(HiddenEcho()).test_pure()


def test_results_that_change_from_call_to_call_fail_determinism() -> None:
    with pytest.raises(AssertionError, match="the same subject got another result"):
        contract(Moody()).test_deterministic()


class Favourite:
    """Tells one object apart from its equal copies."""

    def __init__(self, favourite: object) -> None:
        self.id = "favourite"
        self.favourite = id(favourite)

    def assess(self, subject: Any) -> q.CriterionResult:
        verdict = q.Verdict.met if id(subject) == self.favourite else q.Verdict.unmet
        return q.CriterionResult(self.id, verdict, "by identity")


def test_results_that_tell_equal_copies_apart_fail_determinism() -> None:
    subject = small_evidence(known=True)
    with pytest.raises(AssertionError, match="an equal copy of the subject got another result"):
        contract(Favourite(subject), st.just(subject)).test_deterministic()


class Memo:
    """Pure: it builds a table on first use and never changes it after."""

    def __init__(self) -> None:
        self.id = "memo"
        self.table: dict[bool, q.Verdict] | None = None

    def assess(self, subject: Any) -> q.CriterionResult:
        if self.table is None:
            self.table = {True: q.Verdict.met, False: q.Verdict.unknown}
        return q.CriterionResult(self.id, self.table[bool(q.evidence_of(subject).facts)], "looked up")


class TestAPureCriterionWithATableBuiltOnFirstUseKeepsTheContract(testing.CriterionContract):
    criterion: ClassVar[q.Criterion] = Memo()
    subjects = EVIDENCE | MUTABLE


class TestAPureFunctionKeepsTheContract(testing.CriterionContract):
    criterion: ClassVar[q.Criterion] = q.criterion("pure", verdict_of)
