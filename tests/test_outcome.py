"""The fast path: ``framework.outcome(x)`` is always ``framework.evaluate(x).outcome``."""

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing

AT = datetime(2026, 3, 1, tzinfo=timezone.utc)
NAMES = ("budget", "authority", "need", "timeline")
LETTERS = q.fact_criteria(*NAMES)

BUILT_IN = [
    *q.frameworks().values(),
    q.bant("all_of"),
    q.bant("graded"),
    *(q.meddic(minimum) for minimum in range(4)),
    q.meddpicc(3),
]


@given(testing.evidence(), st.sampled_from(BUILT_IN))
def test_outcome_is_the_outcome_of_evaluate_for_every_built_in_framework(
    evidence: q.Evidence, framework: q.Framework
) -> None:
    assert framework.outcome(evidence) is framework.evaluate(evidence).outcome


@given(testing.leads(), st.sampled_from(BUILT_IN))
def test_outcome_judges_funnel_objects_alike(lead: fk.Lead, framework: q.Framework) -> None:
    assert framework.outcome(lead) is framework.evaluate(lead).outcome


def fixed(id: str, verdict: q.Verdict, *, knocked: bool = False) -> q.Combinable:
    """A user criterion whose result, when ``knocked``, carries an unmet knock-out below it."""
    below = (q.CriterionResult("inner", q.Verdict.unmet, "no", knock_out=True),) if knocked else ()
    return q.criterion(id, lambda _subject: q.CriterionResult(id, verdict, "fixed", None, (), below))


class Opaque(q.Combinator):
    """A user's combinator with its own assess: a plan treats it as a leaf."""

    def assess(self, _subject: Any) -> q.CriterionResult:
        return q.CriterionResult(self.id, q.Verdict.met, "always", None, (), ())

    def _decide(self, _judged: Any) -> Any:
        return q.Verdict.unmet, None  # never asked: assess does not combine

    def _rule(self) -> str:
        return "opaque"


MODES = st.sampled_from(q.UnknownMode)


@st.composite
def policies(draw: st.DrawFn, pool: list[q.Criterion]) -> q.Criterion:
    """A random policy over criteria drawn, without repeats, from ``pool``."""
    depth = draw(st.integers(0, 2))
    return _policy(draw, pool, depth)


def _policy(draw: st.DrawFn, pool: list[q.Criterion], depth: int) -> q.Criterion:  # noqa: PLR0911 - one return per kind
    if depth == 0 or len(pool) < 2:
        return pool.pop()
    width = draw(st.integers(1, min(3, len(pool))))
    children = [_policy(draw, pool, depth - 1) for _ in range(width) if pool]
    kind = draw(
        st.sampled_from(["all", "any", "gate", "at_least", "weighted", "min_grade", "not", "knock", "opaque"])
    )
    mode = draw(MODES)
    if kind == "all":
        return q.all_of(*children, unknown=mode)
    if kind == "any":
        return q.any_of(*children, unknown=mode)
    if kind == "gate":
        return q.gate(*children, unknown=mode)
    if kind == "at_least":
        return q.at_least(draw(st.integers(1, len(children))), *children, unknown=mode)
    if kind == "weighted":
        weights = draw(st.lists(st.integers(1, 3), min_size=len(children), max_size=len(children)))
        return q.weighted("0.5", list(zip(children, weights, strict=True)), unknown=mode)
    if kind == "min_grade":
        return q.min_grade(draw(st.integers(0, 3)), *children, unknown=mode)
    if kind == "not":
        return q.not_(children[0])
    if kind == "opaque":
        return Opaque(tuple(children), mode)
    return q.knock_out(children[0])


@st.composite
def frameworks_and_evidence(draw: st.DrawFn) -> tuple[q.Framework, q.Evidence]:
    users = [
        fixed(f"user_{number}", draw(st.sampled_from(q.Verdict)), knocked=draw(st.booleans()))
        for number in range(2)
    ]
    pool = draw(st.permutations([*LETTERS, *users]))
    policy = draw(policies(list(pool)))
    return q.Framework("random", "1", policy), draw(testing.evidence(names=NAMES))


@given(frameworks_and_evidence())
def test_outcome_is_the_outcome_of_evaluate_for_random_policies(case: tuple[q.Framework, q.Evidence]) -> None:
    framework, evidence = case
    result = framework.evaluate(evidence)
    assert framework.outcome(evidence) is result.outcome
    assert set(result.ask_next) <= {r.criterion for r in result.criteria if r.verdict is q.Verdict.unknown}


def test_outcome_sees_knock_outs_inside_a_users_result() -> None:
    framework = q.Framework("users", "1", q.all_of(fixed("a", q.Verdict.met, knocked=True)))
    assert framework.outcome(q.Evidence()) is q.Outcome.disqualified
    assert framework.evaluate(q.Evidence()).outcome is q.Outcome.disqualified


def test_a_gate_that_is_not_met_judges_nothing_else_on_either_path() -> None:
    calls: list[str] = []

    def counted(_subject: object) -> q.Verdict:
        calls.append("rest")
        return q.Verdict.met

    framework = q.Framework("gated", "1", q.gate(LETTERS[1], q.criterion("rest", counted)))
    assert framework.outcome(q.Evidence()) is q.Outcome.not_yet
    assert framework.evaluate(q.Evidence()).ask_next == ("authority",)
    assert calls == []
    authority = q.Evidence((q.Fact("authority", "CFO", "call", AT),))
    assert framework.outcome(authority) is q.Outcome.qualified
    assert calls == ["rest"]


@pytest.mark.parametrize("subject", [None, "L-1", 42, {"budget": True}])
def test_a_framework_that_judges_facts_refuses_what_holds_none(subject: object) -> None:
    bant = q.bant()
    for judge in (bant.outcome, bant.evaluate):
        with pytest.raises(
            fk.InvalidInput, match=r"framework bant 1\.0 judges facts and cannot judge"
        ) as caught:
            judge(subject)
        assert caught.value.problems[0].message == "must be a lead, an opportunity, or Evidence"


def test_funnel_objects_without_evidence_and_users_own_subjects_are_judged() -> None:
    client = fk.Client.create(
        "C-1", account=fk.Account("a", "A", fk.AccountKind.company), opportunity_id="O", at=AT
    )
    assert q.bant().outcome(client) is q.bant().evaluate(client).outcome is q.Outcome.not_yet
    mine = q.Framework("mine", "1", fixed("ok", q.Verdict.met))
    assert mine.outcome({"any": "record"}) is mine.evaluate({"any": "record"}).outcome is q.Outcome.qualified


def test_outcome_names_the_framework_when_a_criterion_fails() -> None:
    def broken(_subject: object) -> q.Verdict:
        raise ValueError("boom")

    framework = q.Framework("fragile", "2", q.all_of(LETTERS[0], q.criterion("broken", broken)))
    with pytest.raises(fk.CriterionFailed) as caught:
        framework.outcome(q.Evidence())
    assert (caught.value.framework, caught.value.criterion) == ("fragile 2", "broken")


class Strict(q.Combinator):
    """A user's combinator that combines its own way, and fails on purpose."""

    def _decide(self, _judged: Any) -> Any:
        raise ValueError("no verdict")

    def _rule(self) -> str:
        return "strict"


def test_a_users_combinator_that_fails_is_named_with_its_framework() -> None:
    framework = q.Framework("custom", "3", Strict(LETTERS, q.UnknownMode.block))
    for judge in (framework.outcome, framework.evaluate):
        with pytest.raises(fk.CriterionFailed, match="it raised ValueError: no verdict") as caught:
            judge(q.Evidence())
        assert caught.value.framework == "custom 3"


def test_what_to_ask_next_is_remembered_by_pattern_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from funnelkit.qualification import _frameworks

    monkeypatch.setattr(_frameworks, "_ASKED", 2)
    bant = q.bant()
    at = AT
    patterns: list[dict[str, q.FactValue]] = [
        {},
        {"budget": True},
        {"budget": True, "need": "x"},
        {"budget": False},
    ]
    for facts in patterns * 2:
        evidence = q.Evidence(tuple(q.Fact(name, value, "call", at) for name, value in facts.items()))
        result = bant.evaluate(evidence)
        assert len(bant._plan.asked or {}) <= 2
        assert result == q.bant().evaluate(evidence)  # a framework that remembers nothing yet
    assert bant.evaluate(q.Evidence()).ask_next == ("budget", "authority", "need", "timeline")
    assert q.Framework("users", "1", fixed("u", q.Verdict.unknown))._plan.asked is None
