"""Territories: ordered rules route accounts, owners take turns by capacity, the turns fold from events."""

import copy
import pickle
from datetime import datetime, timezone
from typing import Any

import cloudpickle
import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q

AT = datetime(2026, 5, 1, tzinfo=timezone.utc)

EMEA = fk.Territory("emea", [fk.Owner("u-ada", capacity=2), "u-bo"])
DACH = fk.Territory("dach", ["u-cy"])
REST = fk.Territory("rest", ["u-dee"])
DACH_RULE = fk.TerritoryRule("dach", fk.attribute("country", one_of=["DE", "AT", "CH"]), DACH)
EMEA_RULE = fk.TerritoryRule(
    "emea-large",
    q.all_of(fk.attribute("region", one_of="EMEA"), fk.attribute("employees", at_least=250)),
    EMEA,
)
TERRITORIES = fk.Territories([DACH_RULE, EMEA_RULE], default=REST)


def account(id: str = "acme", **attributes: Any) -> fk.Account:
    return fk.Account(id, "Acme", fk.AccountKind.company, **attributes)


ACME = account(region="EMEA", country="FR", employees=1200)


# rules


def test_the_first_rule_met_routes_the_account_and_explains_why() -> None:
    assignment = TERRITORIES.assign(ACME)
    assert (assignment.account, assignment.territory, assignment.owner, assignment.rule) == (
        "acme",
        "emea",
        "u-ada",
        "emea-large",
    )
    assert assignment.reason == (
        "territory 'emea' by rule 'emea-large': "
        "region = 'EMEA', one of 'EMEA'; employees = 1200, at least 250"
    )
    assert assignment.matched is not None
    assert assignment.matched.criterion == "emea-large"
    assert [(result.criterion, result.verdict.value) for result in assignment.passed_over] == [
        ("dach", "unmet")
    ]
    assert assignment.explain() == (
        "account 'acme': territory 'emea', owner 'u-ada', rule 'emea-large'\n"
        "unmet: dach: country = 'FR', not one of 'DE', 'AT', 'CH'\n"
        "met: emea-large: all 2 must be met (2 met)\n"
        "  met: region in {'EMEA'}: region = 'EMEA', one of 'EMEA'\n"
        "  met: employees >= 250: employees = 1200, at least 250\n"
        "owner 'u-ada': next in 'emea': fewest assignments for its capacity; "
        "so far u-ada 0 (capacity 2), u-bo 0 (capacity 1)"
    )
    assert assignment.rotation == fk.Rotation({"emea": {"u-ada": 1}})


def test_an_earlier_rule_wins_when_rules_overlap() -> None:
    assert TERRITORIES.assign(account(region="EMEA", country="DE", employees=1200)).territory == "dach"


def test_unknown_does_not_match_and_the_default_takes_what_no_rule_matches() -> None:
    assignment = TERRITORIES.assign(account())
    assert (assignment.territory, assignment.owner, assignment.rule) == ("rest", "u-dee", "default")
    assert assignment.rule == fk.Territories.DEFAULT_RULE
    assert assignment.matched is None
    assert assignment.reason == "territory 'rest' by default: no rule matched"
    assert [result.verdict.value for result in assignment.passed_over] == ["unknown", "unknown"]
    assert assignment.explain() == (
        "account 'acme': territory 'rest', owner 'u-dee', rule 'default'\n"
        "unknown: dach: country not known\n"
        "unknown: emea-large: all 2 must be met (2 unknown)\n"
        "  unknown: region in {'EMEA'}: region not known\n"
        "  unknown: employees >= 250: employees not known\n"
        "no rule matched: the default\n"
        "owner 'u-dee': next in 'rest': fewest assignments for its capacity; so far u-dee 0 (capacity 1)"
    )


def test_no_rule_matching_and_no_default_is_refused_naming_the_account_and_each_rule() -> None:
    territories = fk.Territories([DACH_RULE, EMEA_RULE])
    with pytest.raises(fk.NoTerritory) as caught:
        territories.assign(account("zed", country="US"))
    error = caught.value
    assert isinstance(error, LookupError)
    assert error.account == "zed"
    assert [result.criterion for result in error.results] == ["dach", "emea-large"]
    assert str(error) == (
        "no territory rule matches account 'zed', and there is no default territory:\n"
        "  - dach: unmet: country = 'US', not one of 'DE', 'AT', 'CH'\n"
        "  - emea-large: unknown: region not known; employees not known\n"
        "add a rule that matches it, or a default territory"
    )
    assert pickle.loads(pickle.dumps(error)) == error


def test_a_territory_may_be_reached_by_several_rules_and_keeps_one_rotation() -> None:
    nordics = fk.TerritoryRule("nordics", fk.attribute("country", one_of=["SE", "NO"]), EMEA)
    territories = fk.Territories([EMEA_RULE, nordics])
    first = territories.assign(account(country="SE"))
    second = territories.assign(ACME, rotation=first.rotation)
    third = territories.assign(account(country="NO"), rotation=second.rotation)
    assert [first.rule, second.rule, third.rule] == ["nordics", "emea-large", "nordics"]
    assert [first.owner, second.owner, third.owner] == ["u-ada", "u-ada", "u-bo"]


def test_wrong_inputs_are_refused_with_what_is_allowed() -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        TERRITORIES.assign("acme", rotation={})  # type: ignore[arg-type]
    assert caught.value.what == "territories cannot assign 'acme'"
    assert [str(problem) for problem in caught.value.problems] == [
        "account: must be an Account, such as lead.account (got 'acme')",
        "rotation: must be a Rotation, such as the last assignment's (got {})",
    ]


def test_a_criterion_that_fails_names_the_rule() -> None:
    def broken(_account: object) -> q.Verdict:
        raise KeyError("x")

    territories = fk.Territories([fk.TerritoryRule("odd", q.criterion("broken", broken), DACH)])
    with pytest.raises(fk.CriterionFailed) as caught:
        territories.assign(ACME)
    assert (caught.value.framework, caught.value.criterion) == ("territory rule 'odd'", "broken")


# definitions


@pytest.mark.parametrize(
    ("make", "what", "problems"),
    [
        (
            lambda: fk.Owner(" ", 0),
            "owner ' '",
            ["id ' ' must be a non-blank string", "capacity 0 must be a whole number from 1"],
        ),
        (lambda: fk.Owner("u-ada", True), "owner 'u-ada'", ["capacity True must be a whole number from 1"]),
        (lambda: fk.Territory("t", [""]), "owner ''", ["id '' must be a non-blank string"]),
        (
            lambda: fk.Territory("", []),
            "territory ''",
            ["id '' must be a non-blank string", "give at least one owner"],
        ),
        (lambda: fk.Territory("t", ["a", "b", "a"]), "territory 't'", ["owner 'a' is listed more than once"]),
        (
            lambda: fk.Territory("t", 7),  # type: ignore[arg-type]
            "territory owners",
            ["7 must be a sequence of owner ids or Owners, in tie-break order"],
        ),
        (
            lambda: fk.Territory("t", ["a", 7]),  # type: ignore[list-item]
            "territory owners",
            ["7 is not an owner: give an owner id or an Owner"],
        ),
        (
            lambda: fk.TerritoryRule(" ", "country", "dach"),  # type: ignore[arg-type]
            "territory rule ' '",
            [
                "id ' ' must be a non-blank string",
                "when='country' is not a criterion: it has no id and assess(subject)",
                "territory='dach' must be a Territory",
            ],
        ),
        (
            lambda: fk.Territories(DACH_RULE),  # type: ignore[arg-type]
            "territories",
            [f"rules={DACH_RULE!r} must be a sequence of TerritoryRule"],
        ),
        (
            lambda: fk.Territories("dach"),  # type: ignore[arg-type]
            "territories",
            ["rules='dach' must be a sequence of TerritoryRule"],
        ),
        (
            lambda: fk.Territories([DACH]),  # type: ignore[list-item]
            "territories",
            [f"{DACH!r} is not a TerritoryRule"],
        ),
        (lambda: fk.Territories([]), "territories", ["give at least one rule, or a default territory"]),
        (
            lambda: fk.Territories([DACH_RULE], default="rest"),  # type: ignore[arg-type]
            "territories",
            ["default='rest' must be a Territory or None"],
        ),
        (
            lambda: fk.Territories([DACH_RULE, EMEA_RULE, DACH_RULE]),
            "territories",
            ["rule id 'dach' is used twice"],
        ),
        (
            lambda: fk.Territories([fk.TerritoryRule("default", DACH_RULE.when, DACH)]),
            "territories",
            ["rule id 'default' is kept for the default territory"],
        ),
        (
            lambda: fk.Territories([DACH_RULE], default=fk.Territory("dach", ["u-x"])),
            "territories",
            ["territory 'dach' is defined twice, with different owners"],
        ),
    ],
)
def test_a_definition_that_cannot_work_is_a_definition_error_naming_it(
    make: Any, what: str, problems: list[str]
) -> None:
    with pytest.raises(fk.DefinitionError) as caught:
        make()
    assert caught.value.what == what
    assert list(caught.value.problems) == problems


def test_a_territory_takes_one_owner_id_and_adds_up_capacities() -> None:
    assert fk.Territory("t", "u-ada") == fk.Territory("t", [fk.Owner("u-ada")])
    assert EMEA.capacity == 3


# rotation


def test_round_robin_and_capacity_rotation_are_pure_values() -> None:
    rotation = fk.Rotation()
    owners = []
    for _ in range(6):
        assignment = TERRITORIES.assign(ACME, rotation=rotation)
        rotation = assignment.rotation
        owners.append(assignment.owner)
    assert owners == ["u-ada", "u-ada", "u-bo", "u-ada", "u-ada", "u-bo"]
    assert rotation == fk.Rotation({"emea": {"u-ada": 4, "u-bo": 2}})
    assert rotation.count("emea", "u-bo") == 2
    assert rotation.count("dach", "u-bo") == 0
    with pytest.raises(fk.InvalidInput) as caught:
        rotation.count(["emea"], 7)  # type: ignore[arg-type]
    assert [str(problem) for problem in caught.value.problems] == [
        "territory: must be an id (got ['emea'])",
        "owner: must be an id (got 7)",
    ]
    assert TERRITORIES.assign(ACME, rotation=rotation) == TERRITORIES.assign(
        ACME, rotation=copy.deepcopy(rotation)
    )


def test_a_rotation_leaves_out_zero_counts_and_refuses_what_is_no_count() -> None:
    assert fk.Rotation({"emea": {"u-ada": 0}, "dach": {"u-cy": 0, "u-x": 1}}) == fk.Rotation(
        {"dach": {"u-x": 1}}
    )
    assert fk.Rotation().adding("emea", "u-ada").adding("emea", "u-ada") == fk.Rotation(
        {"emea": {"u-ada": 2}}
    )
    with pytest.raises(fk.InvalidInput) as caught:
        fk.Rotation({"emea": {"u-ada": -1, "u-bo": True, 3: 1}, 4: {}, "dach": 5})  # type: ignore[dict-item]
    assert [str(problem) for problem in caught.value.problems] == [
        "emea.u-ada: must be a whole number from 0, under an owner id (got -1)",
        "emea.u-bo: must be a whole number from 0, under an owner id (got True)",
        "emea.3: must be a whole number from 0, under an owner id (got 1)",
        "4: must map a territory id to owner ids and counts (got {})",
        "dach: must map a territory id to owner ids and counts (got 5)",
    ]
    with pytest.raises(fk.InvalidInput, match="counts: must map territory ids to owner counts"):
        fk.Rotation(["emea"])  # type: ignore[arg-type]


def opportunity(id: str, acme: fk.Account) -> fk.Opportunity:
    return fk.Opportunity.create(id, account=acme, at=AT)


def test_the_rotation_folds_from_the_assigned_events_of_these_rules_only() -> None:
    rotation = fk.Rotation()
    deals = []
    for number, acme in enumerate([ACME, ACME, account(), ACME]):
        assignment = TERRITORIES.assign(acme, rotation=rotation)
        rotation = assignment.rotation
        deal = opportunity(f"O-{number}", acme)
        deals.append(
            deal.assign(at=AT, owner=assignment.owner, reason=assignment.reason, rule=assignment.rule)
        )
    by_hand = opportunity("O-8", ACME).assign(at=AT, owner="u-ada", reason="she knows them")
    other_rule = opportunity("O-9", ACME).assign(at=AT, owner="u-ada", reason="x", rule="another-model")
    gone = opportunity("O-7", ACME).assign(at=AT, owner="u-gone", reason="x", rule="emea-large")
    odd = fk.Event("Lead", "L-1", 1, "assign", "new", "new", AT, {"owner": ["u-ada"], "rule": "emea-large"})
    events = [event for deal in [*deals, by_hand, other_rule, gone] for event in deal.history] + [odd]
    assert TERRITORIES.rotation_from(events) == rotation
    assert rotation == fk.Rotation({"emea": {"u-ada": 2, "u-bo": 1}, "rest": {"u-dee": 1}})
    half = len(events) // 2
    assert TERRITORIES.rotation_from(events[half:], TERRITORIES.rotation_from(events[:half])) == rotation
    without_default = fk.Territories([DACH_RULE, EMEA_RULE])
    assert without_default.rotation_from(events) == fk.Rotation({"emea": {"u-ada": 2, "u-bo": 1}})


def test_folding_refuses_what_is_no_event() -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        TERRITORIES.rotation_from([opportunity("O-1", ACME).history[0], "assign"])  # type: ignore[list-item]
    assert [str(problem) for problem in caught.value.problems] == [
        "events.1: must be an Event (got 'assign')"
    ]
    for events, rotation in ((7, fk.Rotation()), ([], {})):
        with pytest.raises(fk.InvalidInput, match="must be Events and a Rotation"):
            TERRITORIES.rotation_from(events, rotation)  # type: ignore[arg-type]


def test_an_assignment_is_recorded_with_its_rule_and_a_manual_one_without() -> None:
    assignment = TERRITORIES.assign(ACME)
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, AT)
    lead = fk.Lead.create(
        "L-1", account=ACME, contact=fk.Contact("Ada", "ada@acme.example"), source=touch, at=AT
    )
    lead = lead.assign(at=AT, owner=assignment.owner, reason=assignment.reason, rule=assignment.rule)
    lead = lead.assign(at=AT, owner="u-bo", reason="asked for by the customer")
    assert [dict(event.payload) for event in lead.history[1:]] == [
        {"owner": "u-ada", "reason": assignment.reason, "rule": "emea-large"},
        {"owner": "u-bo", "reason": "asked for by the customer", "rule": None},
    ]
    assert TERRITORIES.rotation_from(lead.history) == assignment.rotation


def test_territories_and_assignments_copy_equal_and_assign_alike() -> None:
    assignment = TERRITORIES.assign(ACME)
    for value in (TERRITORIES, assignment, assignment.rotation, EMEA_RULE):
        for again in (
            pickle.loads(pickle.dumps(value)),
            cloudpickle.loads(cloudpickle.dumps(value)),
            copy.deepcopy(value),
        ):
            assert again == value
            assert hash(again) == hash(value)
    assert pickle.loads(pickle.dumps(TERRITORIES)).assign(ACME) == assignment


# properties

COUNTRIES = ["DE", "FR", "US", "BR", "JP", "IN"]


@st.composite
def accounts(draw: st.DrawFn) -> fk.Account:
    return account(
        draw(st.sampled_from(["a", "b", "c"])),
        country=draw(st.none() | st.sampled_from(COUNTRIES)),
        region=draw(st.none() | st.sampled_from(["EMEA", "AMER"])),
        employees=draw(st.none() | st.integers(0, 2000)),
    )


@st.composite
def owner_lists(draw: st.DrawFn, max_size: int = 5) -> list[fk.Owner]:
    ids = draw(
        st.lists(
            st.sampled_from(["u-a", "u-b", "u-c", "u-d", "u-e"]), min_size=1, max_size=max_size, unique=True
        )
    )
    return [fk.Owner(name, draw(st.integers(1, 10))) for name in ids]


@st.composite
def disjoint_territories(draw: st.DrawFn) -> list[fk.TerritoryRule]:
    """Rules that never overlap: each takes countries no other rule takes."""
    countries = draw(st.permutations(COUNTRIES))
    cuts = sorted(draw(st.lists(st.integers(1, len(COUNTRIES) - 1), max_size=3, unique=True)))
    groups = [countries[start:end] for start, end in zip([0, *cuts], [*cuts, len(COUNTRIES)], strict=True)]
    return [
        fk.TerritoryRule(
            f"r{number}",
            fk.attribute("country", one_of=group),
            fk.Territory(f"t{number}", draw(owner_lists())),
        )
        for number, group in enumerate(groups)
    ]


@given(disjoint_territories(), st.lists(accounts(), max_size=12), st.data())
def test_assignment_is_deterministic_and_independent_of_the_order_of_rules_that_do_not_overlap(
    rules: list[fk.TerritoryRule], drawn: list[fk.Account], data: st.DataObject
) -> None:
    default = fk.Territory("rest", ["u-z"])
    territories = fk.Territories(rules, default=default)
    shuffled = fk.Territories(data.draw(st.permutations(rules)), default=default)
    rotation = shuffled_rotation = fk.Rotation()
    for acme in drawn:
        assignment = territories.assign(acme, rotation=rotation)
        assert territories.assign(acme, rotation=rotation) == assignment
        other = shuffled.assign(acme, rotation=shuffled_rotation)
        assert (other.territory, other.owner, other.rule, other.matched) == (
            assignment.territory,
            assignment.owner,
            assignment.rule,
            assignment.matched,
        )
        rotation, shuffled_rotation = assignment.rotation, other.rotation
    assert rotation == shuffled_rotation


@given(st.lists(accounts(), max_size=15), st.lists(st.booleans(), max_size=15))
def test_the_rotation_folded_from_events_equals_the_rotation_carried_along(
    drawn: list[fk.Account], by_hand: list[bool]
) -> None:
    rotation = fk.Rotation()
    events: list[fk.Event] = []
    for number, (acme, manual) in enumerate(zip(drawn, by_hand + [False] * len(drawn), strict=False)):
        deal = opportunity(f"O-{number}", acme)
        if manual:
            deal = deal.assign(at=AT, owner="u-ada", reason="by hand")
        else:
            assignment = TERRITORIES.assign(acme, rotation=rotation)
            rotation = assignment.rotation
            deal = deal.assign(at=AT, owner=assignment.owner, reason=assignment.reason, rule=assignment.rule)
        events.extend(deal.history)
    assert TERRITORIES.rotation_from(events) == rotation


@given(owner_lists(), st.integers(1, 60))
def test_capacity_rotation_gives_each_owner_its_share_within_one_after_every_assignment(
    owners: list[fk.Owner], assignments: int
) -> None:
    territory = fk.Territory("t", owners)
    territories = fk.Territories([], default=territory)
    rotation = fk.Rotation()
    total = territory.capacity
    for made in range(1, assignments + 1):
        rotation = territories.assign(ACME, rotation=rotation).rotation
        for owner in owners:
            # |count - made x capacity / total| < 1, in whole numbers
            assert abs(rotation.count("t", owner.id) * total - made * owner.capacity) < total


@given(st.integers(1, 5), st.integers(1, 3), st.integers(0, 30))
def test_round_robin_cycles_the_owners_in_order(size: int, capacity: int, assignments: int) -> None:
    owners = [fk.Owner(f"u-{number}", capacity) for number in range(size)]
    territories = fk.Territories([], default=fk.Territory("t", owners))
    rotation = fk.Rotation()
    chosen = []
    for _ in range(assignments):
        assignment = territories.assign(ACME, rotation=rotation)
        rotation = assignment.rotation
        chosen.append(assignment.owner)
    assert chosen == [owners[number % size].id for number in range(assignments)]


def test_sets_and_mappings_of_owners_or_rules_are_refused_as_their_order_is_not_stable() -> None:
    with pytest.raises(fk.DefinitionError, match="in tie-break order"):
        fk.Territory("t", {"u-ada", "u-bo"})
    with pytest.raises(fk.DefinitionError, match="in tie-break order"):
        fk.Territory("t", {"u-ada": 3, "u-bo": 1})
    rule = fk.TerritoryRule("de", fk.attribute("country", one_of=["DE"]), fk.Territory("de", ["u-a"]))
    with pytest.raises(fk.DefinitionError, match="must be a sequence of TerritoryRule"):
        fk.Territories({rule})


def test_a_set_of_values_gives_the_same_criterion_id_in_every_run() -> None:
    assert fk.attribute("country", one_of={"NL", "DE", "FR"}).id == "country in {'DE', 'FR', 'NL'}"
    big = fk.Account("a", "A", fk.AccountKind.company, employees=2**52)
    assert fk.attribute("employees", at_least=10**400).assess(big).verdict.value == "unmet"
