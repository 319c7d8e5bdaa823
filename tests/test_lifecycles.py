"""Stateful tests: random command sequences keep every rule of the funnel."""

from decimal import Decimal

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing

TestProspects = testing.ProspectMachine.TestCase
TestLeads = testing.LeadMachine.TestCase
TestOpportunities = testing.OpportunityMachine.TestCase
TestClients = testing.ClientMachine.TestCase

FLEXIBLE = fk.Pipeline(
    "flexible",
    (
        fk.Stage("qualify", Decimal("0.1"), fk.ForecastCategory.pipeline),
        fk.Stage("demo", None, fk.ForecastCategory.best_case),
        fk.Stage("offer", Decimal("0.7"), fk.ForecastCategory.commit),
    ),
    allow_skip=True,
    allow_back=False,
    reopen_to="demo",
)
TestFlexiblePipeline = testing.pipeline_machine(FLEXIBLE).TestCase


def test_pipeline_machine_is_named_after_the_pipeline() -> None:
    assert testing.pipeline_machine(FLEXIBLE).__name__ == "FlexiblePipelineMachine"


def test_lifecycle_classes_are_exported() -> None:
    assert fk.Prospect.lifecycle is fk.ProspectLifecycle
    assert fk.Lead.lifecycle is fk.LeadLifecycle
    assert fk.Client.lifecycle is fk.ClientLifecycle
    assert fk.Opportunity.lifecycle is fk.DEFAULT_PIPELINE.lifecycle


def test_every_event_is_a_declared_command_with_a_past_tense_name() -> None:
    from funnelkit._events import PAST_TENSE

    for kind in (fk.Prospect, fk.Lead, fk.Client):
        assert set(kind._class_table.events) == set(kind.commands)
    pipelines = (FLEXIBLE, fk.DEFAULT_PIPELINE)
    assert {event for pipeline in pipelines for event in pipeline.table.events} == set(
        fk.Opportunity.commands
    )
    named = {
        (kind._kind, command)
        for kind in (fk.Prospect, fk.Lead, fk.Client, fk.Opportunity)
        for command in kind.event_payloads
    }
    assert named == set(PAST_TENSE)


def test_statuses_are_the_lifecycle_states() -> None:
    for kind, status in (
        (fk.Prospect, fk.ProspectStatus),
        (fk.Lead, fk.LeadStatus),
        (fk.Client, fk.ClientStatus),
    ):
        assert [state.id for state in kind.lifecycle.states] == [member.value for member in status]


TestMeddicGatedPipeline = testing.pipeline_machine(fk.DEFAULT_PIPELINE.gated_by(q.meddic())).TestCase
