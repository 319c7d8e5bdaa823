"""Stage gates: a framework's milestones and criteria mapped onto any pipeline's stages."""

import pickle
from datetime import datetime, timezone
from decimal import Decimal

import attrs
import pytest

import funnelkit as fk
import funnelkit.qualification as q

AT = datetime(2026, 7, 1, tzinfo=timezone.utc)
ACME = fk.Account("acme", "Acme", fk.AccountKind.company)
F = fk.ForecastCategory


def saas(*, quote_requires: tuple[str, ...] = ()) -> fk.Pipeline:
    return fk.Pipeline(
        "saas",
        (
            fk.Stage("lead_in", Decimal("0.1"), F.pipeline),
            fk.Stage("trial", Decimal("0.2"), F.pipeline),
            fk.Stage("usage", Decimal("0.4"), F.best_case),
            fk.Stage("quote", Decimal("0.7"), F.commit, requires=quote_requires),
        ),
    )


def requires(pipeline: fk.Pipeline) -> dict[str, tuple[str, ...]]:
    return {stage.value: stage.requires for stage in pipeline.stages}


def graded(*names: str, grade: int = 2) -> list[q.Fact]:
    return [q.Fact(name, "yes", "call", AT, grade) for name in names]


def test_milestones_map_by_stage_order_onto_the_last_stages() -> None:
    gated = saas().gated_by(q.meddic())
    assert requires(gated) == {
        "lead_in": (),
        "trial": ("pain", "metrics"),
        "usage": ("pain", "metrics", "economic_buyer", "champion"),
        "quote": ("pain", "metrics", "economic_buyer", "champion", "decision_criteria", "decision_process"),
    }
    assert (gated.name, gated.framework, gated.stage_grade) == ("saas+meddic", q.meddic(), 2)
    default = fk.DEFAULT_PIPELINE.gated_by(q.meddic())
    assert requires(default)["discovery"] == requires(default)["evaluation"] == ()
    assert requires(default)["trial"] == ("pain", "metrics")


def test_gates_on_a_custom_pipeline_gate() -> None:
    deal = fk.Opportunity.create("O-1", account=ACME, at=AT, pipeline=saas().gated_by(q.meddic()))
    assert deal.status.value == "lead_in"  # the first stage is entered on creation, and takes no gate
    with pytest.raises(fk.TransitionNotAllowed, match="pain unknown, metrics unknown"):
        deal.advance(at=AT)
    deal = deal.record(at=AT, facts=graded("pain", "metrics")).advance(at=AT)
    with pytest.raises(fk.TransitionNotAllowed, match="economic_buyer unknown, champion unknown"):
        deal.advance(at=AT)
    moved = deal.record(at=AT, facts=graded("economic_buyer", "champion")).advance(at=AT)
    assert moved.status.value == "usage"
    assert moved.history[-1].payload["gate"] == q.Summary(
        "usage_gate",
        "1",
        "qualified",
        tuple((name, "met") for name in ("pain", "metrics", "economic_buyer", "champion")),
    )


def test_the_caller_maps_milestones_and_criteria_and_hand_set_requirements_stay() -> None:
    gated = saas(quote_requires=("champion", "budget")).gated_by(
        q.meddic(), {"usage": "discover"}, requires={"quote": ("economic_buyer", "champion")}
    )
    assert requires(gated) == {
        "lead_in": (),
        "trial": (),
        "usage": ("pain", "metrics"),
        "quote": ("champion", "budget", "economic_buyer"),
    }
    only_requires = saas().gated_by(q.bant(), requires={"usage": "budget"})
    assert requires(only_requires) == {"lead_in": (), "trial": (), "usage": ("budget",), "quote": ()}


def test_a_gate_uses_the_frameworks_own_criteria() -> None:
    def big(subject: object) -> q.Verdict:
        amount = getattr(subject, "amount", None)
        return q.Verdict.met if amount is not None and amount.amount >= 10_000 else q.Verdict.unmet

    big_deal = q.criterion("big_deal", big)
    framework = q.Framework("sized", "1", q.all_of(big_deal, q.fact("need", "?")))
    pipeline = saas().gated_by(framework, requires={"usage": ["big_deal"]})
    small = fk.Opportunity.create("O-1", account=ACME, at=AT, pipeline=pipeline, amount=fk.Money(500, "EUR"))
    with pytest.raises(fk.TransitionNotAllowed, match="big_deal unmet"):
        small.advance(at=AT).advance(at=AT)
    large = fk.Opportunity.create(
        "O-2", account=ACME, at=AT, pipeline=pipeline, amount=fk.Money(50_000, "EUR")
    )
    assert large.advance(at=AT).advance(at=AT).status.value == "usage"
    # a hand-set requirement the framework has no criterion for is a fact
    facts = saas(quote_requires=("budget",)).gated_by(framework, requires={"usage": ["big_deal"]})
    assert facts.requirement("quote") == q.min_grade(2, *q.fact_criteria("budget"))
    assert facts.requirement("usage") == q.min_grade(2, big_deal)


@pytest.mark.parametrize(
    ("gate", "problem"),
    [
        (
            lambda p: p.gated_by(q.meddic(), {"proof": "discover"}),
            "stage 'proof' is not one of the open stages",
        ),
        (
            lambda p: p.gated_by(q.meddic(), {"trial": "close"}),
            "milestone 'close' is not one of its milestones",
        ),
        (lambda p: p.gated_by(q.meddic(), {"trial": ["pain"]}), "milestone ['pain'] is not one of its"),
        (lambda p: p.gated_by(q.bant(), requires={"trial": ["pain"]}), "criterion 'pain' is not one of its"),
        (lambda p: p.gated_by(q.bant()), "the framework has no milestones"),
        (lambda p: p.gated_by(q.meddic()).gated_by(q.meddic(), {}), "it is gated by 'meddic' already"),
        (lambda p: p.gated_by("meddic"), "'meddic' is not a Framework"),
    ],
)
def test_bad_gates_are_definition_errors(gate: object, problem: str) -> None:
    pipeline = saas()
    with pytest.raises(fk.DefinitionError, match="gating pipeline 'saas") as caught:
        gate(pipeline)  # type: ignore[operator]
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_more_milestones_than_stages() -> None:
    short = fk.Pipeline("short", (fk.Stage("talk", None, F.pipeline), fk.Stage("sign", None, F.commit)))
    with pytest.raises(fk.DefinitionError, match="3 milestones for the 1 open stages after the first"):
        short.gated_by(q.meddic())
    assert requires(short.gated_by(q.meddic(), {"sign": "commit"}))["talk"] == ()


def test_the_qualification_package_knows_no_stage_ids() -> None:
    stage_ids = set(fk.DEFAULT_PIPELINE.by_value)
    for framework in q.frameworks().values():
        assert not set(framework.milestones) & stage_ids


def test_gated_pipelines_are_stored_by_reference_and_pickle_whole() -> None:
    pipeline = saas().gated_by(q.meddic())
    deal = fk.Opportunity.create("O-1", account=ACME, at=AT, pipeline=pipeline)
    document = fk.dump(deal)
    assert document["pipelines"][0]["framework"] == {"id": "meddic", "version": "1.0"}
    with pytest.raises(
        fk.InvalidInput, match=r"gated by framework 'meddic' version 1\.0, whose criteria are code"
    ):
        fk.load(fk.Opportunity, document)
    assert fk.load(fk.Opportunity, document, pipelines=[pipeline]) == deal
    restored = fk.load(fk.Opportunity, fk.snapshot(deal), pipelines=[pipeline])
    assert (restored.pipeline, restored.version) == (pipeline, deal.version)
    back = pickle.loads(pickle.dumps(pipeline))
    assert back == pipeline
    assert back.framework == q.meddic()
    assert back.gates == pipeline.gates
    ungated = saas()
    assert (
        fk.dump(fk.Opportunity.create("O-2", account=ACME, at=AT, pipeline=ungated))["pipelines"][0][
            "framework"
        ]
        is None
    )


def test_a_deal_stored_under_one_gating_does_not_load_under_another() -> None:
    proving = saas().gated_by(q.meddic(), {"quote": "prove"})
    discovering = saas().gated_by(q.meddic(), {"quote": "discover"})
    assert proving.key == discovering.key  # the same name and version: the caller's to tell apart
    document = fk.dump(fk.Opportunity.create("O-1", account=ACME, at=AT, pipeline=proving))
    with pytest.raises(
        fk.InvalidInput, match=r"differs from the pipeline 'saas\+meddic' version 1 given to load"
    ):
        fk.load(fk.Opportunity, document, pipelines=[discovering])
    with pytest.raises(
        fk.InvalidInput, match=r"names 'saas\+meddic' version 1 twice, for different pipelines"
    ):
        fk.load(fk.Opportunity, document, pipelines=[proving, discovering])
    by_bant = saas().gated_by(q.bant(), requires={"quote": ["budget"]}, name="saas+meddic")
    with pytest.raises(fk.InvalidInput, match="differs from the pipeline"):
        fk.load(fk.Opportunity, document, pipelines=[by_bant])
    with pytest.raises(fk.InvalidInput, match="differs from the pipeline"):
        fk.load(fk.Opportunity, document, pipelines=[attrs.evolve(saas(), name="saas+meddic")])
    renamed = saas().gated_by(q.meddic(), {"quote": "discover"}, name="saas+discovery")
    assert renamed.name == "saas+discovery"
    assert fk.load(fk.Opportunity, document, pipelines=[proving, renamed]).pipeline == proving


def test_nothing_advances_into_the_first_stage_so_it_takes_no_gate() -> None:
    with pytest.raises(fk.DefinitionError, match="stage 'lead_in' is the first: nothing advances into it"):
        saas().gated_by(q.meddic(), requires={"lead_in": ["pain"]})
    with pytest.raises(fk.DefinitionError, match="its gate would never be judged"):
        fk.Pipeline("p", (fk.Stage("a", None, F.pipeline, requires=("pain",)), fk.Stage("b", None, F.commit)))
    three = fk.Pipeline("three", tuple(fk.Stage(name, None, F.pipeline) for name in ("a", "b", "c")))
    with pytest.raises(fk.DefinitionError, match="3 milestones for the 2 open stages after the first"):
        three.gated_by(q.meddic())


def test_definitions_name_milestones_not_stages() -> None:
    registry = q.Registry.with_builtins()
    mine = registry.define(
        {
            "id": "mine",
            "version": "1",
            "policy": {"all_of": ["pain", "need"]},
            "milestones": {"talk": ["pain"]},
        }
    )
    assert saas().gated_by(mine).by_value["quote"].requires == ("pain",)
    with pytest.raises(fk.DefinitionError, match="a framework names no pipeline's stages: name milestones"):
        registry.define({"id": "old", "version": "1", "policy": "pain", "stages": {"proof": ["pain"]}})
