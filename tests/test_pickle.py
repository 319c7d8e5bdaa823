"""Every object, event, value, pipeline, conversion and error survives pickle, cloudpickle and copies."""

import copy
import pickle
from typing import Any

import cloudpickle
import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing
from funnelkit.qualification import FactValue

ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()


def copies(value: object) -> list[Any]:
    found = [pickle.loads(pickle.dumps(value, protocol)) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)]
    return [*found, cloudpickle.loads(cloudpickle.dumps(value)), copy.deepcopy(value), copy.copy(value)]


@given(ANY_SUBJECT)
def test_funnel_objects_and_their_events_copy_equal(subject: Any) -> None:
    for again in copies(subject):
        assert again == subject
        assert type(again) is type(subject)
        assert again.status is subject.status or again.status == subject.status
    for event in subject.history:
        assert all(again == event and hash(again) == hash(event) for again in copies(event))


@given(testing.pipelines())
def test_pipelines_copy_equal_and_work(pipeline: fk.Pipeline) -> None:
    for again in copies(pipeline):
        assert again == pipeline
        assert again.table.by_status == pipeline.table.by_status


@given(st.data())
def test_custom_pipeline_deals_keep_working_after_a_copy(data: st.DataObject) -> None:
    deal = data.draw(testing.opportunities(pipeline=data.draw(testing.pipelines())))
    again = pickle.loads(pickle.dumps(deal))
    assert again == deal
    assert again.allowed_events() == deal.allowed_events()


def test_values_enums_and_conversions_copy(lead: fk.Lead, day: Any) -> None:
    facts: dict[str, FactValue] = {"budget": True, "authority": True, "need": "x"}
    ready = lead.mark_marketing_qualified(at=day(2)).accept(at=day(2)).record(at=day(3), facts=facts)
    conversion = ready.qualify(at=day(4)).convert(at=day(5), opportunity_id="O-1", amount=fk.Money(5, "EUR"))
    for value in (conversion, lead.account, lead.contact, lead.source, fk.Money("1.50", "EUR"), lead.history):
        assert all(again == value for again in copies(value))
    for member in (fk.LeadStatus.new, fk.Channel.email, fk.ForecastCategory.commit):
        assert all(again is member for again in copies(member))
    assert fk.dump(conversion) == {"source": fk.dump(conversion.source), "target": fk.dump(conversion.target)}


def test_errors_copy_equal(lead: fk.Lead, day: Any) -> None:
    errors: list[fk.FunnelError] = []
    for attempt in (
        lambda: lead.qualify(at=day(2)),
        lambda: lead.send("fly", at=day(2)),
        lambda: lead.nurture(at=day(2), reason=" "),
        lambda: fk.Money(1, "EUR") + fk.Money(1, "USD"),
        lambda: fk.Pipeline("broken", ()),
    ):
        with pytest.raises(fk.FunnelError) as caught:
            attempt()
        errors.append(caught.value)
    for error in errors:
        for again in copies(error):
            assert again == error
            assert str(again) == str(error)
            assert hash(again) == hash(error)
    assert errors[0] != errors[1]
    assert errors[0] != "error"
