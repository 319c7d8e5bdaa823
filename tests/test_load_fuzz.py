"""An airtight boundary: load takes what dump writes and refuses the rest with InvalidInput, only."""

import copy
import json
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

KINDS: dict[str, type[Any]] = {
    "Prospect": fk.Prospect,
    "Lead": fk.Lead,
    "Opportunity": fk.Opportunity,
    "Client": fk.Client,
}
ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the root excluded."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found.append((*here, key))
        found.extend(paths(value, (*here, key)))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[type[Any], Any]:
    """A dumped object, event or snapshot with one place changed, removed or added to."""
    subject = draw(ANY_SUBJECT)
    form = draw(st.sampled_from(["object", "snapshot", "event"]))
    kind: type[Any] = fk.Event if form == "event" else type(subject)
    if form == "object":
        document = fk.dump(subject)
    elif form == "snapshot":
        document = fk.snapshot(subject)
    else:
        document = fk.dump(draw(st.sampled_from(list(subject.history))))
    document = json.loads(json.dumps(document))
    where = draw(st.sampled_from(paths(document)))
    parent = document
    for key in where[:-1]:
        parent = parent[key]
    change = draw(st.sampled_from(["replace", "remove", "add"] if isinstance(parent, dict) else ["replace"]))
    if change == "replace":
        parent[where[-1]] = draw(JSON)
    elif change == "remove":
        del parent[where[-1]]
    else:
        parent[draw(st.text(min_size=1, max_size=8))] = draw(JSON)
    event(f"{form}: {change}")
    return kind, document


@given(mutated())
def test_load_refuses_or_round_trips_and_nothing_else_escapes(case: tuple[type[Any], Any]) -> None:
    kind, document = case
    try:
        loaded = fk.load(kind, copy.deepcopy(document), pipelines=[fk.DEFAULT_PIPELINE])
    except fk.InvalidInput as error:
        refusal = error
    else:
        event("accepted")
        stored = (
            fk.snapshot(loaded) if isinstance(document, dict) and "state" in document else fk.dump(loaded)
        )
        assert fk.load(kind, json.loads(json.dumps(stored))) == loaded
        return
    event("refused")
    assert refusal.problems


@given(ANY_SUBJECT)
def test_what_dump_writes_load_accepts_exactly(subject: Any) -> None:
    for document in (fk.dump(subject), fk.snapshot(subject)):
        text = json.loads(json.dumps(document))
        loaded = fk.load(type(subject), text)
        assert fk.dump(loaded) == text or fk.snapshot(loaded) == text


def refused(kind: type[Any], document: Any) -> list[str]:
    with pytest.raises(fk.InvalidInput) as caught:
        fk.load(kind, document)
    return [str(problem) for problem in caught.value.problems]


def test_no_silent_conversions(lead: fk.Lead, day: Any) -> None:
    worked = fk.dump(lead.work(at=day(2)).history[-1])
    assert refused(fk.Event, worked | {"at": "2"})[0].startswith(
        "at: must be an ISO 8601 time with its offset"
    )
    assert refused(fk.Event, worked | {"at": 1767225600})[0].startswith("at: must be an ISO 8601 time")
    for sequence in (True, "1", 1.0):
        assert refused(fk.Event, worked | {"sequence": sequence})[0].startswith(
            "sequence: Input should be a valid integer"
        )
    recorded = fk.dump(lead.record(at=day(2), facts={"need": True}).history[-1])
    recorded["payload"]["facts"][0]["value"] = 1.0
    assert any(line.startswith("payload.facts.0.value") for line in refused(fk.Event, recorded))
    money = {"amount": "1e999999999", "currency": "EUR"}
    assert refused(fk.Money, money)[0].startswith("amount: must be a decimal number written as a string")
    assert refused(fk.Money, money | {"amount": "99999999999999999999"})[0].startswith(
        "amount: must be below 10**18 in size, with at most 12 places"
    )


def test_deep_and_long_inputs_are_refused_whole(lead: fk.Lead) -> None:
    nested: Any = "company"
    for _ in range(1000):
        nested = [nested]
    document = fk.dump(lead)
    document["history"][0]["payload"]["account"]["kind"] = nested
    assert refused(fk.Lead, document) == [
        "(input): nests deeper than 64 levels; nothing funnelkit stores does"
    ]
    long_address = "a@" + "b." * 8000 + "example"
    document = fk.dump(lead)
    document["history"][0]["payload"]["contact"]["email"] = long_address
    assert refused(fk.Lead, document)[0].startswith("history.0.payload.contact.email: must be an address")
    with pytest.raises(fk.InvalidInput, match="email: must be an address"):
        fk.Contact("Ada", "a@b.c" + "x" * 250)


def test_nothing_but_invalid_input_escapes_load() -> None:
    assert refused(fk.Money, {"amount": "1", "currency": "EUR", "extra": object()})[0].startswith(
        "extra: Extra inputs"
    )
    with pytest.raises(fk.InvalidInput, match="could not be read"):
        fk.load(int, {"value": 1})
