"""funnelkit.testing: strategies valid by construction, reaching every status."""

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing
from funnelkit._subject import Subject
from funnelkit.testing import _strategies


@pytest.mark.parametrize(
    ("strategy", "status"),
    [(testing.prospects, s) for s in fk.ProspectStatus]
    + [(testing.leads, s) for s in fk.LeadStatus]
    + [(testing.clients, s) for s in fk.ClientStatus],
)
@given(data=st.data())
def test_status_filter_reaches_every_status(strategy: Any, status: Any, data: st.DataObject) -> None:
    subject = data.draw(strategy(status=status))
    assert subject.status is status
    testing.check_invariants(subject)


@pytest.mark.parametrize("status", list(fk.DEFAULT_PIPELINE.by_value))
@given(data=st.data())
def test_opportunities_reach_every_stage(status: str, data: st.DataObject) -> None:
    opportunity = data.draw(testing.opportunities(status=status))
    assert opportunity.status.value == status
    testing.check_invariants(opportunity)


@given(data=st.data())
def test_custom_pipelines_reach_every_stage(data: st.DataObject) -> None:
    pipeline = data.draw(testing.pipelines())
    for status in pipeline.by_value:
        assert data.draw(testing.opportunities(status=status, pipeline=pipeline)).status.value == status


SUBJECTS = (fk.Prospect, fk.Lead, fk.Opportunity, fk.Client)
VALUES = (fk.Money, fk.Touch, fk.Account, fk.Contact)


@given(st.tuples(*(st.from_type(kind) for kind in SUBJECTS)))
def test_types_resolve_through_the_entry_point(subjects: tuple[Subject, ...]) -> None:
    for subject, kind in zip(subjects, SUBJECTS, strict=True):
        assert isinstance(subject, kind)
        testing.check_invariants(subject)


@given(st.tuples(*(st.from_type(kind) for kind in VALUES)))
def test_values_resolve_through_the_entry_point(values: tuple[Any, ...]) -> None:
    assert tuple(type(value) for value in values) == VALUES


@given(testing.times(), testing.stages(), st.from_type(fk.Pipeline))
def test_times_are_aware_and_stages_valid(at: Any, stage: fk.Stage, pipeline: fk.Pipeline) -> None:
    assert at.utcoffset() is not None
    assert stage.is_open
    assert pipeline.first.is_open


def test_raised_returns_the_error_or_none() -> None:
    assert testing.raised(lambda: None) is None
    error = testing.raised(lambda: fk.Money(1, "x"))
    assert isinstance(error, fk.InvalidInput)


def test_a_broken_object_fails_the_invariants(lead: fk.Lead) -> None:
    with pytest.raises(fk.InvalidInput, match="status: does not match the history"):
        fk.Lead(lead.id, fk.LeadStatus.working, lead.account, lead.contact, lead.source, history=lead.history)
    # the constructor refuses it, but a user's own code may still forge one
    broken = copy.copy(lead)
    object.__setattr__(broken, "status", fk.LeadStatus.working)
    with pytest.raises(AssertionError, match="the latest event sets the status"):
        testing.check_invariants(broken)


def test_shortest_path_to_no_goal_is_empty(lead: fk.Lead) -> None:
    assert _strategies._shortest(lead, None) == []
