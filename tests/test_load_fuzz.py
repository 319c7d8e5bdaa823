"""An airtight boundary: load takes what dump writes and refuses the rest with InvalidInput, only."""

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing
from funnelkit._stored import MAX_DEPTH, depth_problem

SUBJECTS = (fk.Prospect, fk.Lead, fk.Opportunity, fk.Client)
KINDS: tuple[type[Any], ...] = (
    *SUBJECTS,
    fk.Event,
    fk.Money,
    fk.Account,
    fk.Contact,
    fk.Touch,
    fk.Pipeline,
    fk.Stage,
    q.Fact,
    q.Evidence,
)
ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()
CUSTOM = fk.Pipeline(
    "custom",
    (
        fk.Stage("talk", None, fk.ForecastCategory.pipeline),
        fk.Stage("offer", Decimal("0.5"), fk.ForecastCategory.commit, requires=("budget",)),
    ),
    allow_skip=True,
    version=3,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ODD = (
    st.floats()
    | st.integers(min_value=2**63)
    | st.binary(max_size=4)
    | st.builds(object)
    | st.tuples(st.integers())
    | st.frozensets(st.integers(), max_size=2)
    | st.dictionaries(st.integers(), st.integers(), max_size=2)
)
"""Python values JSON cannot hold, which a caller may still pass to load."""


def paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the root excluded."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found.append((*here, key))
        found.extend(paths(value, (*here, key)))
    return found


def leaves(data: Any) -> list[Any]:
    """Every value in a document that is not a list or an object: what a mix-up would put elsewhere."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in leaves(value)]
    return [data]


@st.composite
def stored(draw: st.DrawFn) -> tuple[type[Any], Any]:
    """Something funnelkit writes, as JSON: an object, a snapshot, an event or a value inside one."""
    subject = draw(ANY_SUBJECT | testing.opportunities(pipeline=CUSTOM))
    form = draw(st.sampled_from(["object", "snapshot", "event", "value"]))
    if form == "object":
        return type(subject), fk.dump(subject)
    if form == "snapshot":
        return type(subject), fk.snapshot(subject)
    event = draw(st.sampled_from(list(subject.history)))
    if form == "event":
        return fk.Event, fk.dump(event)
    values = [value for value in (subject.account, *event.payload.values()) if type(value) in KINDS]
    value = draw(st.sampled_from(values))
    return type(value), fk.dump(value)


def mutate(draw: st.DrawFn, document: Any) -> Any:
    """Change one place of ``document``: replace, swap in a value from elsewhere, remove or add."""
    where = draw(st.sampled_from(paths(document) or [()]))
    if not where:
        return draw(JSON | ODD)
    parent = document
    for key in where[:-1]:
        parent = parent[key]
    changes = ["replace", "mix up", "odd"] + (["remove", "add"] if isinstance(parent, dict) else [])
    change = draw(st.sampled_from(changes))
    event(f"change: {change}")
    if change == "replace":
        parent[where[-1]] = draw(JSON)
    elif change == "mix up":
        parent[where[-1]] = copy.deepcopy(draw(st.sampled_from(leaves(document))))
    elif change == "odd":
        parent[where[-1]] = draw(ODD)
    elif change == "remove":
        del parent[where[-1]]
    else:
        parent[draw(st.text(min_size=1, max_size=8))] = draw(JSON)
    return document


@st.composite
def mutated(draw: st.DrawFn) -> tuple[type[Any], Any]:
    """A stored document with up to three places changed, loaded as its own kind or, now and then, another.

    Now and then nothing is changed, so that what load accepts is checked too.
    """
    kind, document = draw(stored())
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
        document = mutate(draw, document)
    if draw(st.integers(0, 9)) == 0:
        kind = draw(st.sampled_from(KINDS))
    event(f"loaded as {kind.__name__}")
    return kind, document


def loads_or_refuses(kind: type[Any], document: Any) -> None:
    """Load ``document``: a refusal says what is wrong; what is accepted round-trips and keeps the rules."""
    refusal: fk.InvalidInput | None = None
    try:
        loaded = fk.load(kind, document, pipelines=[fk.DEFAULT_PIPELINE])
    except fk.InvalidInput as error:
        refusal = error
    if refusal is not None:
        event("refused")
        assert refusal.problems, "a refusal says what is wrong"
        assert all(problem.message.strip() for problem in refusal.problems)
        return
    event("accepted")
    assert isinstance(loaded, kind)
    if isinstance(loaded, SUBJECTS) and loaded.history.start == 0:
        testing.check_invariants(loaded)
    written = fk.snapshot(loaded) if isinstance(document, dict) and "state" in document else fk.dump(loaded)
    assert fk.load(kind, json.loads(json.dumps(written))) == loaded


@given(mutated())
def test_load_refuses_or_round_trips_and_nothing_else_escapes(case: tuple[type[Any], Any]) -> None:
    kind, document = case
    loads_or_refuses(kind, copy.deepcopy(document))


@given(st.sampled_from(KINDS), JSON | ODD | st.lists(JSON | ODD, max_size=3))
def test_anything_at_all_is_refused_or_loaded(kind: type[Any], document: Any) -> None:
    loads_or_refuses(kind, document)


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


def _depth(value: object) -> int:
    """How many containers deep ``value``'s deepest value sits, counted the plain recursive way."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, (list, tuple)) or not value:
        return 0
    return 1 + max(_depth(child) for child in value)


def _nested(depth: int, leaf: object) -> object:
    for level in range(depth):
        leaf = [leaf, 1] if level % 2 else {"k": leaf, "flat": "x"}
    return leaf


@given(
    st.integers(min_value=0, max_value=70),
    st.sampled_from([[], {}, "x", 0, None, (1,)]),
    st.recursive(
        st.none() | st.integers(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    ),
)
def test_the_depth_limit_counts_containers_as_the_plain_recursion_does(
    depth: int, leaf: object, beside: object
) -> None:
    data = {"beside": beside, "deep": _nested(depth, leaf)}
    problem = depth_problem(data)
    assert (problem is not None) == (_depth(data) > MAX_DEPTH)
    event("refused" if problem else "accepted")
