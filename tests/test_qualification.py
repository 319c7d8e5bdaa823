"""Qualification: verdict algebra, frameworks, definitions from data, registries and plugins."""

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing

AT = datetime(2026, 3, 1, tzinfo=timezone.utc)
DEFINITE = [q.Verdict.met, q.Verdict.partial, q.Verdict.unmet]


def fixed(name: str, verdict: q.Verdict, grade: int | None = None) -> q.Criterion:
    return q.criterion(name, lambda _subject: q.CriterionResult(name, verdict, "fixed", grade))


verdicts = st.sampled_from(list(q.Verdict))
definite = st.sampled_from(DEFINITE)
modes = st.sampled_from(list(q.UnknownMode))


def criteria_with(draw_verdicts: Iterable[q.Verdict]) -> list[q.Criterion]:
    return [fixed(f"c{index}", verdict) for index, verdict in enumerate(draw_verdicts)]


@given(definite)
def test_double_negation(verdict: q.Verdict) -> None:
    c = fixed("c", verdict)
    assert (~~c).assess(None).verdict is verdict  # type: ignore[operator]


@given(verdicts, modes)
def test_all_of_one_is_itself(verdict: q.Verdict, mode: q.UnknownMode) -> None:
    c = fixed("c", verdict)
    expected = q.Verdict.unmet if (verdict is q.Verdict.unknown and mode is q.UnknownMode.unmet) else verdict
    assert q.all_of(c, unknown=mode).assess(None).verdict is expected


@given(st.lists(definite, min_size=1, max_size=5))
def test_de_morgan(found: list[q.Verdict]) -> None:
    children = criteria_with(found)
    left = q.not_(q.all_of(*children)).assess(None).verdict
    right = q.any_of(*(q.not_(c) for c in children)).assess(None).verdict
    assert left is right
    left = q.not_(q.any_of(*children)).assess(None).verdict
    right = q.all_of(*(q.not_(c) for c in children)).assess(None).verdict
    assert left is right


@given(st.lists(verdicts, min_size=1, max_size=5), st.randoms(use_true_random=False), modes)
def test_order_does_not_matter(found: list[q.Verdict], random: Any, mode: q.UnknownMode) -> None:
    children = criteria_with(found)
    shuffled = list(children)
    random.shuffle(shuffled)
    k = max(1, len(children) // 2)
    for make in (q.all_of, q.any_of, lambda *c, unknown: q.at_least(k, *c, unknown=unknown)):
        assert (
            make(*children, unknown=mode).assess(None).verdict
            is make(*shuffled, unknown=mode).assess(None).verdict
        )


@given(st.lists(verdicts, min_size=1, max_size=6), st.data())
def test_block_mode_is_unknown_exactly_when_unknowns_could_change_it(
    found: list[q.Verdict], data: Any
) -> None:
    children = criteria_with(found)
    k = data.draw(st.integers(1, len(children)))
    policy = q.at_least(k, *children)
    low = q.at_least(k, *children, unknown=q.UnknownMode.unmet).assess(None).verdict
    high_children = criteria_with(v if v.is_definite else q.Verdict.met for v in found)
    high = q.at_least(k, *high_children).assess(None).verdict
    assert policy.assess(None).verdict is (low if low is high else q.Verdict.unknown)


@given(st.lists(verdicts, min_size=1, max_size=6))
def test_ignore_mode_leaves_unknowns_out(found: list[q.Verdict]) -> None:
    known = [v for v in found if v.is_definite]
    result = q.all_of(*criteria_with(found), unknown=q.UnknownMode.ignore).assess(None).verdict
    if not known:
        assert result is q.Verdict.unknown
    else:
        assert result is q.all_of(*criteria_with(known)).assess(None).verdict


@given(testing.evidence())
def test_more_met_evidence_never_unqualifies(evidence: q.Evidence) -> None:
    # monotone policies: adding positive, well-graded facts can only help
    for framework in q.frameworks().values():
        before = framework.evaluate(evidence).outcome
        names = [c.id for c in framework.criteria]
        better = evidence.adding(q.Fact(name, True, "confirmed", AT, 3) for name in names[:2])
        after = framework.evaluate(better).outcome
        if before is q.Outcome.qualified:
            assert after is q.Outcome.qualified


@given(testing.evidence(), st.sampled_from(sorted(q.frameworks())))
def test_framework_results_explain_themselves(evidence: q.Evidence, name: str) -> None:
    framework = q.frameworks()[name]
    result = framework.evaluate(evidence)
    judged = [r.criterion for r in result.criteria]
    everything = [c.id for c in framework.criteria]
    # every criterion is judged, but where a gate that is not met stops the rest
    gated = [node for node in result.tree.walk() if "not judged until it is met" in node.reason]
    assert judged == (everything[:1] if gated else everything)
    assert (name == "anum" and result.criteria[0].verdict is not q.Verdict.met) is bool(gated)
    text = result.explain()
    for failing in result.failing:
        assert failing.criterion in text
    assert result == framework.evaluate(evidence)
    assert set(result.ask_next) <= {r.criterion for r in result.criteria if r.verdict is q.Verdict.unknown}
    assert len(result.reasons) == len(result.criteria)


def facts(**values: Any) -> q.Evidence:
    return q.Evidence(tuple(q.Fact(name, value, "call", AT) for name, value in values.items()))


def test_bant_is_three_of_four() -> None:
    bant = q.frameworks()["bant"]
    assert bant.evaluate(facts(budget=True, authority=True, need="x")).outcome is q.Outcome.qualified
    two = bant.evaluate(facts(budget=True, need="x", timeline=False))
    assert two.outcome is q.Outcome.not_yet
    assert two.ask_next == ("authority",)
    assert (
        q.bant("all_of").evaluate(facts(budget=True, authority=True, need="x")).outcome is q.Outcome.not_yet
    )
    graded = q.Evidence((q.Fact("budget", True, "call", AT, 1),))
    assert q.bant("graded").evaluate(graded).criteria[0].verdict is q.Verdict.partial


def test_fact_verdicts() -> None:
    budget = q.fact("budget", "Is there budget?")
    assert budget.assess(facts(budget=fk.Money(0, "EUR"))).verdict is q.Verdict.unmet
    assert q.fact("memo", "Any memo?").assess(facts(memo="")).verdict is q.Verdict.unmet
    for grade, verdict in ((0, q.Verdict.unmet), (1, q.Verdict.partial), (2, q.Verdict.met)):
        graded = q.Evidence((q.Fact("budget", True, "call", AT, grade),))
        assert budget.assess(graded).verdict is verdict
    assert repr(budget) == "fact('budget')"
    assert q.evidence_of(object()) == q.Evidence()


def test_contradictions_are_named() -> None:
    evidence = facts(budget=True).adding([q.Fact("budget", False, "CFO email", AT)])
    assert evidence.contradictions() == ("budget",)
    assert q.frameworks()["bant"].criteria[0].assess(evidence).verdict is q.Verdict.unmet


def test_anum_gates_on_authority_and_knock_outs_disqualify() -> None:
    anum = q.frameworks()["anum"]
    result = anum.evaluate(facts(authority=False, need="x", urgency="high", budget=True))
    assert result.outcome is q.Outcome.not_yet
    assert "gate authority is unmet: need, urgency, budget not judged until it is met" in result.explain()
    assert [r.criterion for r in result.criteria] == ["authority"]
    assert anum.evaluate(facts(need="x")).ask_next == ("authority",)
    assert anum.evaluate(facts(authority="CFO")).ask_next == ("need", "urgency", "budget")
    passed = anum.evaluate(facts(authority="CFO", need="x", urgency="high", budget=True))
    assert passed.outcome is q.Outcome.qualified
    assert len(passed.criteria) == 4
    strict = q.Framework("strict", "1", q.knock_out(q.fact("need", "?")) & q.fact("budget", "?"))
    assert strict.evaluate(facts(need=False)).outcome is q.Outcome.disqualified
    assert "knock_out(need)" in repr(strict.policy)


def test_weighted_and_min_grade() -> None:
    a, b = fixed("a", q.Verdict.met), fixed("b", q.Verdict.partial)
    assert q.weighted("0.7", {a: 1, b: 1}).assess(None).verdict is q.Verdict.met
    assert q.weighted("0.8", [(a, 1), (b, 1)]).assess(None).verdict is q.Verdict.unmet
    assert repr(q.weighted("0.5", {a: 2, b: 1})) == "weighted(0.5; a=2, b=1)"
    unknown = fixed("u", q.Verdict.unknown)
    ignoring = q.weighted("0.5", {a: 1, unknown: 5}, unknown=q.UnknownMode.ignore)
    assert ignoring.assess(None).verdict is q.Verdict.met
    assert "unknown=ignore" in repr(ignoring)
    graded = q.min_grade(2, fixed("x", q.Verdict.met, 3), fixed("y", q.Verdict.partial, 1))
    assert graded.assess(None).verdict is q.Verdict.partial
    assert graded.assess(None).grade == 1
    assert q.min_grade(1, fixed("z", q.Verdict.unmet)).assess(None).verdict is q.Verdict.unmet


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda c: q.at_least(3, c), "k=3 must be a whole number from 1 to 1"),
        (lambda c: q.weighted("0.5", {c: 0}), "must add up to more than 0"),
        (lambda c: q.weighted("0.5", {c: -1}), "is negative"),
        (lambda c: q.weighted("2", {c: 1}), "threshold 2 must be in [0, 1]"),
        (lambda c: q.min_grade(4, c), "minimum 4 must be 0, 1, 2 or 3"),
        (lambda c: q.all_of(c, c), "appears more than once"),
        (lambda _c: q.any_of(), "give at least one criterion"),
    ],
)
def test_bad_combinations_are_definition_errors(build: Any, message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build(fixed("c", q.Verdict.met))


def test_frameworks_refuse_repeated_ids_and_unknown_milestone_criteria() -> None:
    budget = q.fact("budget", "?")
    with pytest.raises(fk.DefinitionError, match="used twice"):
        q.Framework("twice", "1", q.all_of(budget, q.not_(budget)))
    with pytest.raises(fk.DefinitionError, match="milestone 'prove' requires unknown criterion 'pain'"):
        q.Framework("staged", "1", budget, milestones={"prove": ("pain",)})
    with pytest.raises(fk.DefinitionError, match="stage_grade 4 must be 0, 1, 2 or 3"):
        q.Framework("graded", "1", budget, stage_grade=4)
    assert q.frameworks()["bant"].requirement("prove") is None
    assert q.meddic().requirement("prove") == q.min_grade(
        2, *q.fact_criteria("pain", "metrics", "economic_buyer", "champion")
    )
    assert q.meddic().criterion("pain") == q.fact_criteria("pain")[0]
    assert q.meddic().criterion("budget") is None


def test_frameworks_from_data() -> None:
    registry = q.Registry.with_builtins()
    definition = {
        "id": "mine",
        "version": "2",
        "policy": {
            "all_of": [
                {"knock_out": "need"},
                {"any_of": ["budget", "funds"], "unknown": "ignore"},
                {"not": "competition"},
                {"gate": ["authority", "timeline"]},
                {
                    "weighted": [{"criterion": "pain", "weight": "2"}, {"criterion": "metrics", "weight": 1}],
                    "threshold": "0.5",
                },
                {"min_grade": 1, "of": ["champion"]},
            ]
        },
        "milestones": {"prove": ["champion"]},
    }
    mine = registry.define(definition)
    assert registry.framework("mine") is mine
    assert mine.requirement("prove") == q.min_grade(2, registry.criteria["champion"])
    assert len(mine.criteria) == 9
    assert mine.evaluate(facts(need=False)).outcome is q.Outcome.disqualified


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"all_of": ["budget", "nope"]}, "policy.all_of.1: unknown criterion 'nope'"),
        ({"at_least": 5, "of": ["budget", "need"]}, "policy: k=5 must be a whole number from 1 to 2"),
        (
            {"weighted": [{"criterion": "budget", "weight": 0}], "threshold": "0.5"},
            "policy: the weights add up",
        ),
        ({"all_of": ["budget", "budget"]}, "policy: criterion 'budget' appears more than once"),
        ({"some_of": ["budget"]}, "policy"),
    ],
)
def test_bad_definitions_name_the_entry(policy: object, message: str) -> None:
    with pytest.raises(fk.DefinitionError) as caught:
        q.framework_from({"id": "x", "version": "1", "policy": policy}, q.Registry.with_builtins().criteria)
    assert any(problem.startswith(message) for problem in caught.value.problems), caught.value.problems


def test_registry_refuses_clashes_and_non_criteria() -> None:
    registry = q.Registry.with_builtins()
    with pytest.raises(fk.DefinitionError, match="criterion id 'budget' is taken"):
        registry.add_criterion(q.fact("budget", "?"))
    registry.add_criterion(q.fact("budget", "Really?"), replace=True)
    with pytest.raises(fk.DefinitionError, match="has no id and assess"):
        registry.add_criterion("budget")  # type: ignore[arg-type]
    with pytest.raises(fk.DefinitionError, match="framework id 'bant' is taken"):
        registry.add_framework(q.bant())
    with pytest.raises(fk.DefinitionError, match="is not a Framework"):
        registry.add_framework("bant")  # type: ignore[arg-type]
    with pytest.raises(fk.UnknownName, match="no framework is registered as 'zzz'; registered: anum, bant,"):
        registry.framework("zzz")


class FakeEntry:
    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = value

    def load(self) -> object:
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def test_entry_points_load_on_demand_and_broken_plugins_are_reported() -> None:
    big = q.criterion("big_account", lambda _s: q.Verdict.met)
    plugins: dict[str, list[FakeEntry]] = {
        q.CRITERIA_GROUP: [
            FakeEntry("big", big),
            FakeEntry("several", lambda: [q.fact("x1", "?"), q.fact("x2", "?")]),
            FakeEntry("broken", ImportError("no module named acme_rules")),
        ],
        q.FRAMEWORKS_GROUP: [
            FakeEntry("data", {"id": "acme", "version": "1", "policy": {"all_of": ["big_account", "x1"]}}),
            FakeEntry("object", q.neat),
            FakeEntry("bad", {"id": "bad", "version": "1", "policy": "missing"}),
        ],
    }
    registry = q.Registry().load_entry_points(lambda group: plugins[group])  # type: ignore[arg-type,return-value]
    assert set(registry.criteria) == {"big_account", "x1", "x2"}
    assert set(registry.frameworks) == {"acme", "neat"}
    assert [(e.name, e.error.split(":")[0]) for e in registry.errors] == [
        ("broken", "ImportError"),
        ("bad", "DefinitionError"),
    ]
    assert q.Registry().load_entry_points().errors == ()


def test_lead_qualification_is_guarded_and_recorded(lead: fk.Lead, day: Any) -> None:
    accepted = lead.work(at=day(2)).mark_marketing_qualified(at=day(3)).accept(at=day(4))
    before = fk.dump(accepted)
    with pytest.raises(fk.TransitionNotAllowed) as caught:
        accepted.qualify(at=day(5))
    assert "budget unknown, authority unknown" in caught.value.failed_guards[0]
    assert fk.dump(accepted) == before
    with pytest.raises(fk.InvalidInput) as bad:
        accepted.record(at=day(5), facts={"budget": "lots", "need": 3})  # type: ignore[arg-type]
    assert [p.location for p in bad.value.problems] == [
        ("facts", "budget", "value"),
        ("facts", "need", "value"),
    ]
    with pytest.raises(fk.InvalidInput, match="give at least one fact"):
        accepted.record(at=day(5), facts=[])
    known: dict[str, q.FactValue] = {"budget": True, "need": "x", "timeline": "Q3"}
    ready = accepted.record(at=day(5), facts=known, source="call")
    qualified = ready.qualify(at=day(6), framework=q.frameworks()["bant"])
    summary = qualified.history[-1].payload["qualification"]
    assert isinstance(summary, q.Summary)
    assert summary.outcome == "qualified"
    assert dict(summary.verdicts)["authority"] == "unknown"
    with pytest.raises(fk.InvalidInput, match="framework: must be a Framework"):
        ready.qualify(at=day(6), framework="bant")  # type: ignore[arg-type]


def test_a_disqualifying_result_is_a_reason(lead: fk.Lead, day: Any) -> None:
    knock = q.Framework("fit", "1", q.knock_out(q.fact("need", "?")))
    needless = lead.record(at=day(2), facts={"need": False})
    result = knock.evaluate(needless)
    assert needless.disqualify(at=day(3), reason=result).reason == "fit 1 disqualified: knock_out(need)"
    with pytest.raises(fk.InvalidInput, match="must have disqualified"):
        lead.disqualify(at=day(3), reason=knock.evaluate(lead))


def test_stage_gates(day: Any, acme: fk.Account) -> None:
    milestones = {"evaluation": "discover", "proof": "prove", "negotiation": "commit"}
    pipeline = fk.DEFAULT_PIPELINE.gated_by(q.meddpicc(), milestones)
    deal = fk.Opportunity.create("O-1", account=acme, at=day(1), pipeline=pipeline)
    refused = "evaluation_gate 1 says not_yet; not met: pain unknown"
    with pytest.raises(fk.TransitionNotAllowed, match=refused):
        deal.advance(at=day(2))
    graded = [q.Fact(name, "yes", "call", day(2), grade) for name, grade in (("pain", 3), ("metrics", 2))]
    moved = deal.record(at=day(2), facts=graded).advance(at=day(3))
    assert moved.history[-1].payload["gate"] == q.Summary(
        "evaluation_gate", "1", "qualified", (("pain", "met"), ("metrics", "met"))
    )
    assert "paper_process" in pipeline.by_value["negotiation"].requires
    assert fk.load(fk.Opportunity, fk.dump(moved), pipelines=[pipeline]) == moved
    assert pipeline.requirement("won") is None


def test_gates_need_their_result() -> None:
    from funnelkit._gates import GATE_GUARD

    assert GATE_GUARD.why(None, {}) == "entering this stage needs the result of its gate"
    from funnelkit._lead import GUARDS

    assert GUARDS["is_qualified"].why(None, {}) == "qualify needs the result of a qualification framework"


def test_pipelines_check_requirements_and_grades() -> None:
    with pytest.raises(fk.DefinitionError) as caught:
        fk.Pipeline("p", (fk.Stage("a", None, fk.ForecastCategory.pipeline, ("not a name",)),), stage_grade=7)
    assert caught.value.problems == (
        "stage 0 ('a') requires ('not a name',): name facts, such as 'economic_buyer'",
        (
            "stage 0 ('a') requires ('not a name',), but nothing advances into the first stage, "
            "so its gate would never be judged: require them of a later stage"
        ),
        "stage_grade 7 must be 0, 1, 2 or 3",
    )


def test_evidence_values_are_checked() -> None:
    with pytest.raises(fk.InvalidInput, match="must be 0, 1, 2, 3 or None"):
        q.Fact("budget", True, "call", AT, 5)
    with pytest.raises(fk.InvalidInput, match="must be a non-blank string"):
        q.Fact("budget", True, " ", AT)
    assert q.Fact("custom_score", 7, "model", AT).value == 7
    assert q.Evidence().latest("budget") is None


def test_criterion_functions_may_return_results() -> None:
    made = q.criterion("mine", lambda _s: q.CriterionResult("whatever", q.Verdict.partial, "half"))
    assert made.assess(None).criterion == "mine"
    assert repr(made) == "criterion('mine', <lambda>)"
    other = q.criterion("other", lambda _s: q.Verdict.unmet)
    assert isinstance(made & other | ~q.fact("budget", "?"), q.Combinator)
    assert q.all_of(made).assess(None).leaves()[0].reason == "half"


class TestBudgetCriterionContract(testing.CriterionContract):
    criterion = q.fact("budget", "Is there budget?")


class TestCombinedCriterionContract(testing.CriterionContract):
    criterion = q.at_least(2, *q.fact_criteria("need", "pain", "metrics"))


def test_many_unknowns_are_all_worth_asking() -> None:
    letters = [q.fact(f"f{index}", "?") for index in range(12)]
    result = q.Framework("wide", "1", q.all_of(*letters)).evaluate(q.Evidence())
    assert result.ask_next == tuple(f"f{index}" for index in range(12))


def test_at_least_ignoring_unknowns_counts_only_what_is_known() -> None:
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    budget, need, pain = (q.fact(name, f"What about {name}?") for name in ("budget", "need", "pain"))
    rule = q.at_least(1, budget, need, unknown=q.UnknownMode.ignore)
    known = q.Evidence((q.Fact("budget", True, "call", at),))
    assert rule.assess(known).verdict is q.Verdict.met  # need is unknown and left out
    partly = q.at_least(2, budget, need, pain, unknown=q.UnknownMode.ignore)
    assert partly.assess(known).verdict is q.Verdict.unmet
    assert partly.assess(q.Evidence()).verdict is q.Verdict.unknown
