"""Qualification hardening: bad input is a FunnelError naming what failed; holes a mutation run found."""

import functools
import pickle
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

import funnelkit as fk
import funnelkit.qualification as q

AT = datetime(2026, 3, 1, tzinfo=timezone.utc)
MET, PARTIAL, UNMET, UNKNOWN = q.Verdict.met, q.Verdict.partial, q.Verdict.unmet, q.Verdict.unknown


def fixed(name: str, verdict: q.Verdict, grade: int | None = None) -> q.Criterion:
    return q.criterion(name, lambda _subject: q.CriterionResult(name, verdict, "fixed", grade))


def facts(*found: tuple[str, q.FactValue] | tuple[str, q.FactValue, int]) -> q.Evidence:
    return q.Evidence(tuple(q.Fact(item[0], item[1], "call", AT, *item[2:]) for item in found))


@attrs.frozen
class Broken:
    """A user's criterion (not built on Combinable) that raises ``outcome`` or returns it."""

    id: str
    outcome: object

    def assess(self, _subject: object) -> q.CriterionResult:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome  # type: ignore[return-value]  # wrong on purpose


def boom(_subject: object) -> q.Verdict:
    return q.Verdict.met if 1 / 0 else q.Verdict.unmet


class Stop(BaseException):
    """Not an Exception: like KeyboardInterrupt, it must pass untouched."""


# 1. lookups by name raise UnknownName


def test_an_unknown_framework_is_an_unknown_name() -> None:
    registry = q.Registry.with_builtins()
    with pytest.raises(fk.UnknownName) as caught:
        registry.framework("nope")
    error = caught.value
    assert (error.kind, error.name) == ("framework", "nope")
    assert error.known == tuple(sorted(q.frameworks()))
    assert str(error) == f"no framework is registered as 'nope'; registered: {', '.join(error.known)}"
    assert isinstance(error, LookupError)
    assert not isinstance(error, KeyError)
    assert pickle.loads(pickle.dumps(error)) == error
    with pytest.raises(fk.UnknownName, match=r"as \['bant'\]"):
        registry.framework(["bant"])  # type: ignore[arg-type]
    with pytest.raises(fk.UnknownName, match=r"registered: none$"):
        q.Registry().framework("bant")


def test_unknown_built_in_names_are_unknown_names() -> None:
    with pytest.raises(fk.UnknownName) as caught:
        q.fact_criteria("budget", "nope")
    assert (caught.value.kind, caught.value.name) == ("built-in fact criterion", "nope")
    assert caught.value.known == tuple(sorted(q.QUESTIONS))
    with pytest.raises(fk.UnknownName, match=r"as \['budget'\]"):
        q.fact_criteria(["budget"])  # type: ignore[arg-type]
    with pytest.raises(fk.UnknownName) as variant:
        q.bant("two_of_four")  # type: ignore[arg-type]
    assert variant.value.known == ("three_of_four", "all_of", "graded")
    with pytest.raises(fk.UnknownName):
        q.bant(["graded"])  # type: ignore[arg-type]


def test_criteria_need_not_inherit_combinable() -> None:
    # the Criterion test is structural: an id and an assess method are enough
    mine = Broken("mine", q.CriterionResult("mine", MET, "always"))
    registry = q.Registry()
    registry.add_criterion(mine)
    assert registry.criteria["mine"] is mine
    framework = q.Framework("f", "1", q.not_(mine))
    assert framework.evaluate(None).outcome is q.Outcome.not_yet
    assert registry.define({"id": "g", "version": "1", "policy": "mine"}).evaluate(None).outcome is (
        q.Outcome.qualified
    )


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda: q.all_of(q.fact("budget", "?"), "need"), "all_of"),  # type: ignore[arg-type]
        (lambda: q.weighted("0.5", {"need": 1}), "weighted"),  # type: ignore[dict-item]
        (lambda: q.not_("need"), "not_"),  # type: ignore[arg-type]
        (lambda: q.knock_out(3), "knock_out"),  # type: ignore[arg-type]
        (lambda: q.Framework("f", "1", "need"), "framework 'f'"),  # type: ignore[arg-type]
    ],
)
def test_non_criteria_are_definition_errors(build: Any, what: str) -> None:
    with pytest.raises(fk.DefinitionError, match="is not a criterion: it has no id and assess") as caught:
        build()
    assert caught.value.what == what


# 2. a criterion that fails is a CriterionFailed naming the framework, the criterion and the subject


def test_a_raising_criterion_names_framework_criterion_and_subject(lead: fk.Lead, day: Any) -> None:
    accepted = lead.work(at=day(2)).mark_marketing_qualified(at=day(3)).accept(at=day(4))
    broken = q.Framework(
        "mine", "2", q.all_of(q.fact("budget", "?"), Broken("boom", ZeroDivisionError("oops")))
    )
    with pytest.raises(fk.CriterionFailed) as caught:
        broken.evaluate(accepted)
    error = caught.value
    assert error.framework == "mine 2"
    assert error.criterion == "boom"
    assert error.subject == "Lead 'L-1' in status 'sales_accepted'"
    assert error.problem == "it raised ZeroDivisionError: oops"
    assert str(error) == (
        "mine 2: criterion 'boom' failed on Lead 'L-1' in status 'sales_accepted': "
        "it raised ZeroDivisionError: oops"
    )
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert isinstance(error, RuntimeError)
    # through a command too, leaving the lead as it was
    with pytest.raises(fk.CriterionFailed, match=r"^mine 2: criterion 'boom'"):
        accepted.qualify(at=day(5), framework=broken)
    assert accepted.status.value == "sales_accepted"


def test_a_criterion_function_that_raises_or_returns_nonsense(opportunity: fk.Opportunity) -> None:
    raising = q.Framework("fn", "1.0", q.any_of(q.fact("budget", "?"), q.criterion("broken", boom)))
    with pytest.raises(fk.CriterionFailed) as caught:
        raising.evaluate(opportunity)
    assert (caught.value.framework, caught.value.criterion) == ("fn 1.0", "broken")
    assert caught.value.subject == "Opportunity 'O-1' in status 'discovery'"
    assert caught.value.problem == "it raised ZeroDivisionError: division by zero"
    assert isinstance(caught.value.__cause__, ZeroDivisionError)

    says_met = q.Framework("fn", "1.0", q.criterion("says_met", lambda _s: "met"))  # type: ignore[arg-type,return-value]
    with pytest.raises(fk.CriterionFailed) as wrong:
        says_met.evaluate(q.Evidence())
    assert wrong.value.criterion == "says_met"
    assert wrong.value.subject == "evidence with 0 facts"
    assert wrong.value.problem == "<lambda> returned 'met', not a Verdict or a CriterionResult"
    assert wrong.value.__cause__ is None


@pytest.mark.parametrize(
    ("returned", "problem"),
    [
        ("met", "it returned 'met', not a CriterionResult"),
        (None, "it returned None, not a CriterionResult"),
        (q.CriterionResult("odd", "met", "a str, not a Verdict"), "whose verdict is 'met', not a Verdict"),  # type: ignore[arg-type]
    ],
)
def test_a_criterion_returning_something_else(returned: object, problem: str) -> None:
    framework = q.Framework("odd", "3", q.knock_out(Broken("odd", returned)))
    with pytest.raises(fk.CriterionFailed) as caught:
        framework.evaluate(facts(("budget", True)))
    assert caught.value.framework == "odd 3"
    assert caught.value.subject == "evidence with 1 fact"
    assert caught.value.problem.endswith(problem)


def test_the_policy_itself_may_fail_and_odd_ids_and_subjects_are_shown_short() -> None:
    odd = Broken(7, ValueError("no"))  # type: ignore[arg-type]
    with pytest.raises(fk.CriterionFailed) as caught:
        q.Framework("plain", "1", odd).evaluate("x" * 500)
    assert caught.value.criterion == "Broken(id=7, outcome=ValueError('no'))"
    assert caught.value.subject.startswith("'xxx")
    assert "..." in caught.value.subject
    assert len(caught.value.subject) < 70


def test_outside_a_framework_the_error_says_so() -> None:
    for policy in (q.not_(Broken("boom", KeyError("k"))), q.criterion("broken", boom)):
        with pytest.raises(fk.CriterionFailed) as caught:
            policy.assess(None)
        assert caught.value.framework == "(no framework)"
        assert caught.value.subject == "None"
    # a framework that failed leaves no trace behind
    with pytest.raises(fk.CriterionFailed, match=r"^f 1: "):
        q.Framework("f", "1", Broken("boom", KeyError("k"))).evaluate(None)
    with pytest.raises(fk.CriterionFailed, match=r"^\(no framework\): criterion 'boom'"):
        q.all_of(Broken("boom", KeyError("k"))).assess(None)


def test_nested_frameworks_name_the_one_that_failed() -> None:
    inner_ok = q.Framework("inner_ok", "1", q.fact("budget", "?"))
    inner_broken = q.Framework("inner", "1", Broken("boom", OSError("disk")))
    asks_ok = q.criterion("asks_ok", lambda s: inner_ok.evaluate(s).tree)
    asks_broken = q.criterion("asks_broken", lambda s: inner_broken.evaluate(s).tree)
    with pytest.raises(fk.CriterionFailed) as inner:
        q.Framework("outer", "1", q.all_of(asks_ok, asks_broken)).evaluate(q.Evidence())
    assert (inner.value.framework, inner.value.criterion) == ("inner 1", "boom")
    with pytest.raises(fk.CriterionFailed) as outer:
        q.Framework("outer", "1", q.all_of(asks_ok, Broken("late", OSError("disk")))).evaluate(q.Evidence())
    assert (outer.value.framework, outer.value.criterion) == ("outer 1", "late")


def test_funnel_errors_and_base_exceptions_pass_unchanged() -> None:
    on_purpose = fk.InvalidInput("custom", [fk.Problem(("x",), "bad")])
    with pytest.raises(fk.InvalidInput) as caught:
        q.Framework("f", "1", q.all_of(Broken("strict", on_purpose))).evaluate(None)
    assert caught.value is on_purpose
    with pytest.raises(fk.InvalidInput) as direct:
        q.criterion("strict", Broken("strict", on_purpose).assess).assess(None)
    assert direct.value is on_purpose
    with pytest.raises(Stop):
        q.Framework("f", "1", q.not_(Broken("stop", Stop()))).evaluate(None)


def test_criterion_failed_pickles() -> None:
    with pytest.raises(fk.CriterionFailed) as caught:
        q.Framework("mine", "2", q.criterion("broken", boom)).evaluate(facts(("need", "x")))
    error = caught.value
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(error, protocol))
        assert type(back) is fk.CriterionFailed
        assert back == error
        assert str(back) == str(error)
        assert (back.framework, back.criterion, back.subject, back.problem) == (
            "mine 2",
            "broken",
            "evidence with 1 fact",
            "it raised ZeroDivisionError: division by zero",
        )


def test_judges_without_a_name() -> None:
    def judge(verdict: q.Verdict, _subject: object) -> q.Verdict:
        return verdict

    partial = q.criterion("partial", functools.partial(judge, q.Verdict.met))
    assert repr(partial).startswith("criterion('partial', functools.partial(<function")
    assert partial.assess(None).reason.endswith("says met")


# 3. holes the mutation run found


def test_weighted_accepts_fractional_weights_that_add_up_to_one() -> None:
    met, unmet, half = fixed("a", MET), fixed("b", UNMET), fixed("c", PARTIAL)
    light = q.weighted("0.5", {met: "0.25", unmet: "0.75"})
    assert repr(light) == "weighted(0.5; a=0.25, b=0.75)"
    result = light.assess(None)
    assert (result.verdict, result.grade) == (UNMET, None)
    heavy = q.weighted(Decimal("0.5"), [(met, Decimal("0.75")), (unmet, Decimal("0.25"))])
    assert heavy.assess(None).verdict is MET
    # exactly at the threshold is met; partial counts half: 0.5 * 0.5 + 0.5 = 0.75
    assert q.weighted("0.25", {met: "0.25", unmet: "0.75"}).assess(None).verdict is MET
    assert q.weighted("0.75", {half: "0.5", met: "0.5"}).assess(None).verdict is MET
    assert q.weighted("0.76", {half: "0.5", met: "0.5"}).assess(None).verdict is UNMET
    # weights adding up to less than 1 are fine too: only the shares count
    assert q.weighted("0.5", {met: "0.1", unmet: "0.2"}).assess(None).verdict is UNMET
    assert q.weighted("0.3", {met: "0.1", unmet: "0.2"}).assess(None).verdict is MET
    single = q.weighted("1", {met: 1})
    assert single.assess(None).verdict is MET


def test_weighted_fractions_from_data() -> None:
    definition = {
        "id": "scored",
        "version": "1",
        "policy": {
            "weighted": [{"criterion": "budget", "weight": "0.25"}, {"criterion": "need", "weight": "0.75"}],
            "threshold": "0.7",
        },
    }
    scored = q.framework_from(definition, q.Registry.with_builtins().criteria)
    assert scored.evaluate(facts(("budget", True), ("need", "x"))).outcome is q.Outcome.qualified
    assert scored.evaluate(facts(("budget", False), ("need", "x"))).outcome is q.Outcome.qualified
    assert scored.evaluate(facts(("budget", True), ("need", ""))).outcome is q.Outcome.not_yet
    # budget cannot lift the score past 0.7 without need; need alone can
    unknown_budget = scored.evaluate(facts(("need", "x")))
    assert unknown_budget.outcome is q.Outcome.qualified
    assert scored.evaluate(facts(("budget", True))).ask_next == ("need",)


def test_ask_next_asks_what_a_knock_out_could_disqualify_on() -> None:
    need, budget = q.fact_criteria("need", "budget")
    knocking = q.Framework("k", "1", q.all_of(q.knock_out(need), budget))
    plain = q.Framework("p", "1", q.all_of(need, budget))
    no_budget = facts(("budget", False))
    # budget is unmet, so need cannot qualify; but an unmet need would disqualify, so ask it
    assert knocking.evaluate(no_budget).outcome is q.Outcome.not_yet
    assert knocking.evaluate(no_budget).ask_next == ("need",)
    assert plain.evaluate(no_budget).ask_next == ()
    # once knocked out, nothing else is worth asking
    knocked = knocking.evaluate(facts(("need", False)))
    assert knocked.outcome is q.Outcome.disqualified
    assert knocked.ask_next == ()
    assert knocking.evaluate(q.Evidence()).ask_next == ("need", "budget")
    # a knock-out below a knock-out still knocks out, though the outer one is met
    nested = q.Framework("n", "1", q.knock_out(q.any_of(q.knock_out(need), budget)))
    assert nested.evaluate(facts(("budget", True))).ask_next == ("need",)
    assert nested.evaluate(facts(("budget", True), ("need", False))).outcome is q.Outcome.disqualified


def test_ask_next_sees_through_not() -> None:
    budget, competition, pain = q.fact_criteria("budget", "competition", "pain")
    uncontested = q.Framework("u", "1", q.all_of(budget, q.not_(competition)))
    assert uncontested.evaluate(facts(("budget", True))).ask_next == ("competition",)
    assert uncontested.evaluate(facts(("budget", False))).ask_next == ()
    assert (
        uncontested.evaluate(facts(("budget", True), ("competition", False))).outcome is q.Outcome.qualified
    )
    # not_ flips met and unmet but leaves partial: with pain partial, competition decides
    # between partial (not flipped: not yet) and unmet (flipped: met, so qualified)
    flipped = q.Framework("f", "1", q.not_(q.all_of(competition, pain)))
    result = flipped.evaluate(facts(("pain", "manual work", 1)))
    assert result.outcome is q.Outcome.not_yet
    assert result.ask_next == ("competition",)
    # knock_out over not_: a competitor found disqualifies
    fenced = q.Framework("x", "1", q.all_of(q.knock_out(q.not_(competition)), budget))
    assert fenced.evaluate(facts(("budget", False))).ask_next == ("competition",)
    assert fenced.evaluate(facts(("competition", True))).outcome is q.Outcome.disqualified


def wide(unknowns: int) -> q.QualificationResult:
    """All of ``unknowns - 1`` unknown facts, and one unknown fact that cannot matter."""
    letters = [q.fact(f"f{index}", "?") for index in range(unknowns - 1)]
    irrelevant = q.any_of(q.fact("yes", "?"), q.fact("irrelevant", "?"))
    return q.Framework("wide", "1", q.all_of(*letters, irrelevant)).evaluate(facts(("yes", True)))


@pytest.mark.parametrize("unknowns", [10, 11])
def test_up_to_eleven_unknowns_each_is_asked_only_if_it_matters(unknowns: int) -> None:
    # each unknown is weighed against every answer to the 10 (or fewer) others
    result = wide(unknowns)
    assert sum(leaf.verdict is UNKNOWN for leaf in result.criteria) == unknowns
    assert result.ask_next == tuple(f"f{index}" for index in range(unknowns - 1))


def test_past_eleven_unknowns_every_unknown_is_asked() -> None:
    # with 11 others, trying every answer would cost too much: all are worth asking
    result = wide(12)
    assert result.ask_next == (*(f"f{index}" for index in range(11)), "irrelevant")


def test_meddic_defaults() -> None:
    meddic = q.meddic()
    letters = ("metrics", "economic_buyer", "decision_criteria", "decision_process", "pain", "champion")
    assert (meddic.id, meddic.version, meddic.stage_grade) == ("meddic", "1.0", 2)
    assert meddic.source == "PTC, 1996 (Dick Dunkel, John McMahon, Jack Napoli)"
    assert tuple(c.id for c in meddic.criteria) == letters
    assert all(isinstance(c, q.FactCriterion) and c.question == q.QUESTIONS[c.id] for c in meddic.criteria)
    assert repr(meddic.policy) == f"min_grade(2; {', '.join(letters)})"
    assert dict(meddic.milestones) == {
        "discover": ("pain", "metrics"),
        "prove": ("pain", "metrics", "economic_buyer", "champion"),
        "commit": (
            "pain",
            "metrics",
            "economic_buyer",
            "champion",
            "decision_criteria",
            "decision_process",
        ),
    }
    assert repr(meddic.requirement("prove")) == "min_grade(2; pain, metrics, economic_buyer, champion)"
    assert meddic == q.meddic(2) == q.frameworks()["meddic"]
    validated = facts(*((letter, "yes", 2) for letter in letters))
    assert meddic.evaluate(validated).outcome is q.Outcome.qualified
    identified = validated.adding([q.Fact("champion", "maybe Ada", "call", AT, 1)])
    assert meddic.evaluate(identified).outcome is q.Outcome.not_yet
    strict = q.meddic(3)
    assert (strict.stage_grade, repr(strict.policy).split(";")[0]) == (3, "min_grade(3")
    assert strict.evaluate(validated).outcome is q.Outcome.not_yet


def test_stage_grade_three_needs_confirmed_facts(day: Any, acme: fk.Account) -> None:
    stages = (
        fk.Stage("discovery", Decimal("0.1"), fk.ForecastCategory.pipeline),
        fk.Stage("proof", Decimal("0.6"), fk.ForecastCategory.best_case, ("champion",)),
    )
    strict = fk.Pipeline("strict", stages, stage_grade=3)
    lenient = fk.Pipeline("lenient", stages)
    validated = [q.Fact("champion", "Ada", "call", day(2), 2)]
    deal = fk.Opportunity.create("O-1", account=acme, at=day(1), pipeline=strict)
    held = deal.record(at=day(2), facts=validated)
    with pytest.raises(fk.TransitionNotAllowed, match="proof_gate 1 says not_yet"):
        held.advance(at=day(3))
    assert held.status.value == "discovery"
    confirmed = held.record(at=day(3), facts=[q.Fact("champion", "Ada", "her own words", day(3), 3)])
    moved = confirmed.advance(at=day(4))
    assert moved.status.value == "proof"
    gate = moved.history[-1].payload["gate"]
    assert isinstance(gate, q.Summary)
    assert gate.outcome == "qualified"
    # the same grade-2 champion is enough under the default stage_grade of 2
    easy = fk.Opportunity.create("O-2", account=acme, at=day(1), pipeline=lenient)
    assert easy.record(at=day(2), facts=validated).advance(at=day(3)).status.value == "proof"
