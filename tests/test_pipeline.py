"""Custom pipelines: bad definitions are refused with every fault named."""

from decimal import Decimal

import pytest

import funnelkit as fk

F = fk.ForecastCategory


DESCRIBING = ("set_fields", "tag", "untag", "update_account", "add_contact", "remove_contact")
"""The events that describe an opportunity, allowed in every stage but won."""


def stage(name: str, probability: str | None = "0.5") -> fk.Stage:
    return fk.Stage(name, None if probability is None else Decimal(probability), F.pipeline)


def faults(**definition: object) -> tuple[str, ...]:
    definition.setdefault("stages", (stage("a"), stage("b")))
    with pytest.raises(fk.DefinitionError) as caught:
        fk.Pipeline("bad", **definition)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    return caught.value.problems


def test_no_stages() -> None:
    assert faults(stages=()) == ("it has no stages: give at least one open stage",)


def test_every_fault_is_listed() -> None:
    problems = faults(
        stages=(
            stage("a"),
            stage("a"),
            stage("won"),
            stage("Not an id!"),
            stage("class"),
            stage("b", "1.5"),
            fk.Stage("c", 0.5, F.pipeline),  # type: ignore[arg-type]
            fk.Stage("d", None, "pipeline"),  # type: ignore[arg-type]
            stage("skip"),
        )
    )
    assert problems == (
        "stage 1 ('a') repeats an earlier stage's id",
        "stage 2 ('won') uses a reserved id: 'won' and 'lost' are added to every pipeline",
        "stage 3 ('Not an id!') needs a Python identifier as its id, such as 'proof'",
        "stage 4 ('class') needs a Python identifier as its id, such as 'proof'",
        "stage 5 ('b') has probability Decimal('1.5'): give a Decimal in [0, 1], or None for unknown",
        "stage 6 ('c') has probability 0.5: give a Decimal in [0, 1], or None for unknown",
        "stage 7 ('d') has forecast category 'pipeline': use a ForecastCategory",
        "stage 8 ('skip') uses a reserved id: it names an event or an attribute of the lifecycle",
    )


def test_options_must_name_stages() -> None:
    assert faults(start="zz", reopen_to="yy") == (
        "start 'zz' is not one of its stages: ['a', 'b']",
        "reopen_to 'yy' is not one of its stages: ['a', 'b']",
    )


def test_unreachable_stages() -> None:
    assert faults(start="b", allow_back=False) == (
        "stage 'a' is unreachable from the start stage: allow moving back, or start earlier",
    )


def test_a_skipping_pipeline() -> None:
    pipeline = fk.Pipeline(
        "fast lane", (stage("a"), stage("b"), stage("c", None)), allow_skip=True, allow_back=False
    )
    assert pipeline.lifecycle.__name__ == "FastLanePipeline"
    assert pipeline.table.by_status["a"] == (
        "advance",
        "skip",
        "win",
        "lose",
        "record",
        "estimate",
        "set_forecast",
        "assign",
        "note_buyer_stage",
        *DESCRIBING,
    )
    assert pipeline.table.by_status["lost"] == ("reopen", "assign", *DESCRIBING)
    assert pipeline.first.value == "a"
    assert "a --> c : Skip [to_c]" in fk.mermaid(pipeline)


def test_skip_needs_a_later_stage(acme: fk.Account) -> None:
    from datetime import datetime, timezone

    at = datetime(2026, 2, 1, tzinfo=timezone.utc)
    pipeline = fk.Pipeline("p", (stage("a"), stage("b"), stage("c")), allow_skip=True)
    deal = fk.Opportunity.create("O-1", account=acme, at=at, pipeline=pipeline)
    events = (
        "advance",
        "skip",
        "win",
        "lose",
        "record",
        "estimate",
        "set_forecast",
        "assign",
        "note_buyer_stage",
        *DESCRIBING,
    )
    assert deal.allowed_events() == events
    assert deal.skip(at=at, to="c").status.value == "c"
    with pytest.raises(fk.TransitionNotAllowed) as caught:
        deal.skip(at=at, to="a")
    assert "to_b: skip needs to='b' to reach this stage" in caught.value.failed_guards


@pytest.mark.parametrize("version", [0, -2, True, "1"])
def test_a_pipeline_version_is_a_whole_number_from_one(version: object) -> None:
    stages = (fk.Stage("talk", None, fk.ForecastCategory.pipeline),)
    with pytest.raises(fk.DefinitionError, match=f"version {version!r} must be a whole number from 1"):
        fk.Pipeline("quick", stages, version=version)  # type: ignore[arg-type]
