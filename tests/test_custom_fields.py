"""Custom fields and tags: JSON values and labels of the user's own, set and cleared by commands."""

import copy
import json
import math
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing
from funnelkit._frozen import FrozenDict
from funnelkit._json import MAX_NESTING, freeze_json, tag_set, thaw_json

ACME = fk.Account("acme", "Acme", fk.AccountKind.company)


def day(n: int) -> datetime:
    return datetime(2026, 5, n, tzinfo=timezone.utc)


def deal() -> fk.Opportunity:
    return fk.Opportunity.create("O-1", account=ACME, at=day(1))


def test_fields_are_set_merged_and_cleared_by_events() -> None:
    first = deal().set_fields(at=day(2), landing_page="b48ec5", pages=[1, {"a": 2}], paid=True)
    second = first.set_fields(at=day(3), paid=None, score=0.5)
    assert dict(second.fields) == {"landing_page": "b48ec5", "pages": (1, FrozenDict({"a": 2})), "score": 0.5}
    assert second.history[-1].payload == {"fields": {"paid": None, "score": 0.5}}
    assert second.history[-1].name == "OpportunityFieldsSet"
    assert dict(first.fields)["paid"] is True  # the object it was sent to is unchanged


def test_frozen_values_stay_frozen_and_cost_nothing_to_copy() -> None:
    fields = deal().set_fields(at=day(2), pages=[1, [2, 3]], meta={"k": "v"}).fields
    assert fields["pages"] == (1, (2, 3))
    with pytest.raises(TypeError, match="read-only"):
        fields["meta"]["k"] = "w"
    with pytest.raises(TypeError, match="read-only"):
        fields["x"] = 1
    assert copy.deepcopy(fields) is fields
    assert pickle.loads(pickle.dumps(fields)) == fields
    assert isinstance(pickle.loads(pickle.dumps(fields)), fk.Fields)
    assert hash(fields) == hash(fk.Fields({"meta": {"k": "v"}, "pages": [1, [2, 3]]}))
    assert repr(fk.Fields({"a": [1]})) == "Fields({'a': (1,)})"


@pytest.mark.parametrize(
    ("values", "location", "message"),
    [
        ({"Landing": 1}, "Landing", "is not a field name in snake_case"),
        ({"x": math.nan}, "x", "a finite number, not NaN or infinity"),
        ({"x": math.inf}, "x", "a finite number, not NaN or infinity"),
        ({"x": {1: "a"}}, "x", "an object's keys are strings"),
        ({"x": {1, 2}}, "x", "None, a boolean, a number, a string, or a list or dict of these"),
        ({"x": b"raw"}, "x", "None, a boolean, a number, a string, or a list or dict of these"),
    ],
)
def test_a_bad_field_is_named_and_nothing_changes(
    values: dict[str, Any], location: str, message: str
) -> None:
    before = deal()
    with pytest.raises(fk.InvalidInput) as caught:
        before.set_fields(at=day(2), ok=1, **values)
    assert caught.value.what == "Opportunity 'O-1' in status 'discovery' cannot 'set_fields'"
    [problem] = caught.value.problems
    assert problem.location == (location,)
    assert message in problem.message
    assert before.version == 1


def test_set_fields_needs_a_field_and_nesting_has_a_limit() -> None:
    with pytest.raises(fk.InvalidInput, match="give at least one field"):
        deal().set_fields(at=day(2))
    deep: Any = 1
    for _ in range(MAX_NESTING + 1):
        deep = [deep]
    with pytest.raises(fk.InvalidInput, match=f"at most {MAX_NESTING} deep"):
        deal().set_fields(at=day(2), deep=deep)
    with pytest.raises(fk.InvalidInput, match="must be a mapping"):
        fk.Fields(["a"])  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match="is not a field name"):
        fk.Fields({3: "x"})  # type: ignore[dict-item]


def test_the_time_is_judged_with_the_arguments() -> None:
    later = deal().set_fields(at=day(5), a=1)
    with pytest.raises(fk.InvalidInput) as caught:
        later.set_fields(at=day(2), a=2)
    assert [p.location for p in caught.value.problems] == [("at",)]


def test_tags_are_added_and_removed_and_a_missing_one_is_refused() -> None:
    tagged = deal().tag(at=day(2), tags=["inbound", "vip"]).tag(at=day(3), tags="vip")
    assert tagged.tags == frozenset({"inbound", "vip"})
    assert tagged.history[-1].payload == {"tags": ("vip",)}
    untagged = tagged.untag(at=day(4), tags={"vip"})
    assert untagged.tags == frozenset({"inbound"})
    with pytest.raises(fk.InvalidInput) as caught:
        untagged.untag(at=day(5), tags=["inbound", "vipp"])
    [problem] = caught.value.problems
    assert problem.message == "has tags the object does not have; its tags are 'inbound'"
    assert problem.input == ["vipp"]
    with pytest.raises(fk.InvalidInput, match="its tags are none"):
        deal().untag(at=day(2), tags="x")


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (" vip", "must not start or end with spaces"),
        ("x" * 65, "must be at most 64 characters"),
        ([""], "must be a non-blank string"),
        ([3], "must be a non-blank string"),
    ],
)
def test_a_bad_tag_is_named(tags: Any, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        deal().tag(at=day(2), tags=tags)


def test_tags_must_be_a_tag_or_an_iterable_of_tags() -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        deal().tag(at=day(2), tags=3)  # type: ignore[arg-type]
    assert caught.value.problems[0].message == "must be an Iterable or a non-blank string"
    with pytest.raises(fk.InvalidInput, match="must be a tag or an iterable of tags"):
        tag_set("x", {"a": 1})


def test_a_lead_carries_its_fields_and_tags_to_its_opportunity(lead: fk.Lead, day: Any) -> None:
    facts: dict[str, Any] = {"budget": True, "authority": True, "need": "speed"}
    ready = (
        lead.set_fields(at=day(2), lead_type="online_medium")
        .tag(at=day(2), tags="inbound")
        .record(at=day(2), facts=facts)
        .mark_marketing_qualified(at=day(3))
        .accept(at=day(3))
        .qualify(at=day(4))
    )
    converted = ready.convert(at=day(5), opportunity_id="O-9")
    assert dict(converted.target.fields) == {"lead_type": "online_medium"}
    assert converted.target.tags == frozenset({"inbound"})
    assert [event.command for event in converted.target.history] == ["create", "record", "set_fields", "tag"]
    assert converted.source.fields == ready.fields  # the lead keeps its copy


def test_a_won_deal_is_final_and_takes_no_fields() -> None:
    lost = deal().lose(at=day(2), reason="went quiet").tag(at=day(3), tags="revisit")
    assert lost.tags == frozenset({"revisit"})
    won = deal().win(at=day(2), client_id="C-1")
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'set_fields'"):
        won.source.set_fields(at=day(3), a=1)
    assert won.target.set_fields(at=day(3), plan="pro").fields == fk.Fields({"plan": "pro"})


@given(testing.custom_fields(), testing.tags())
def test_fields_and_tags_round_trip_through_json(fields: fk.Fields, tags: frozenset[str]) -> None:
    subject = deal()
    if fields:
        subject = subject.set_fields(at=day(2), **fields)
    if tags:
        subject = subject.tag(at=day(3), tags=tags)
    for stored in (fk.dump(subject), fk.snapshot(subject)):
        again = fk.load(fk.Opportunity, json.loads(json.dumps(stored)))
        assert (again.fields, again.tags) == (subject.fields, subject.tags)
    account = fk.Account("a", "A", fk.AccountKind.company, fields=fields, tags=tags)
    assert fk.load(fk.Account, json.loads(json.dumps(fk.dump(account)))) == account


@given(testing.json_values())
def test_freezing_and_thawing_a_json_value_gives_it_back(value: Any) -> None:
    frozen = freeze_json(value)
    assert thaw_json(frozen) == json.loads(json.dumps(value))
    hash(frozen)


@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1), st.lists(st.sampled_from(["a", "b", "c"])))
def test_tags_behave_as_a_set(added: list[str], removed: list[str]) -> None:
    subject = deal().tag(at=day(2), tags=added)
    present = [tag for tag in removed if tag in subject.tags]
    if present:
        subject = subject.untag(at=day(3), tags=present)
    assert subject.tags == frozenset(added) - frozenset(present)


def test_stored_fields_and_tags_are_checked() -> None:
    stored = fk.snapshot(deal().set_fields(at=day(2), a=1).tag(at=day(2), tags="t"))
    stored["state"]["fields"] = {"Bad": 1, "x": [1.5]}
    stored["state"]["tags"] = [" t"]
    with pytest.raises(fk.InvalidInput) as caught:
        fk.load(fk.Opportunity, stored)
    messages = {problem.location[-1]: problem.message for problem in caught.value.problems}
    assert messages["fields"] == "'Bad' is not a field name in snake_case"
    assert messages["tags"] == "' t' must not start or end with spaces"


def test_the_json_schema_describes_fields_and_tags() -> None:
    schema = fk.json_schema(fk.Account)["properties"]
    assert schema["fields"]["propertyNames"] == {"pattern": "^[a-z][a-z0-9_]{0,63}$"}
    assert schema["tags"]["items"] == {"type": "string", "maxLength": 64}
    assert schema["tags"]["uniqueItems"] is True
    state = fk.snapshot_schema(fk.Lead)["$defs"]["LeadState"]["properties"]
    assert {"fields", "tags"} <= set(state)


def test_values_are_kept_as_plain_json_types() -> None:
    fields = deal().set_fields(at=day(2), channel=fk.Channel("partner"), size=True, count=7).fields
    assert type(fields["channel"]) is str
    assert fields["channel"] == "partner"
    assert (fields["size"], fields["count"]) == (True, 7)
    with pytest.raises(fk.InvalidInput, match="magnitude below 2\\*\\*53"):
        deal().set_fields(at=day(2), count=2**53)
    assert deal().set_fields(at=day(2), count=-(2**53) + 1).fields["count"] == -(2**53) + 1
    with pytest.raises(fk.InvalidInput, match="other than None"):
        fk.Fields({"a": None})
    with pytest.raises(fk.InvalidInput, match="give at least one tag"):
        deal().tag(at=day(2), tags=[])
    with pytest.raises(fk.InvalidInput, match="give at least one tag"):
        deal().tag(at=day(2), tags="t").untag(at=day(3), tags=())
