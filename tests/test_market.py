"""Target markets: attribute criteria over accounts, and fits that explain themselves."""

import copy
import pickle
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing
from funnelkit._market import ATTRIBUTES, because, shown

AT = datetime(2026, 5, 1, tzinfo=timezone.utc)
EUR = fk.Money("1000000", "EUR")


def account(**attributes: Any) -> fk.Account:
    return fk.Account("acme", "Acme", fk.AccountKind.company, **attributes)


MARKET = fk.TargetMarket(
    "eu-mid-market",
    q.all_of(
        fk.attribute("country", one_of=["DE", "FR", "NL"]),
        fk.attribute("employees", at_least=50, below=1000),
        q.not_(fk.attribute("industry", one_of="gambling")),
    ),
)
INSIDE = account(country="DE", employees=300, industry="software")


def maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values)


@st.composite
def accounts(draw: st.DrawFn) -> fk.Account:
    """Accounts with every attribute a criterion reads, each sometimes unknown."""
    return fk.Account(
        draw(testing.ids("A-")),
        "Some Co",
        draw(st.sampled_from(fk.AccountKind)),
        segment=draw(maybe(["smb", "mid-market", "enterprise"])),
        industry=draw(maybe(["software", "retail", "gambling"])),
        employees=draw(st.none() | st.integers(0, 5000)),
        annual_revenue=draw(st.none() | testing.money()),
        country=draw(maybe(["DE", "FR", "US", "BR"])),
        region=draw(maybe(["EMEA", "AMER"])),
        owner=draw(maybe(["u-ada", "u-bo"])),
        fields=draw(
            st.dictionaries(st.sampled_from(["plan", "seats"]), st.integers(0, 9) | st.text(max_size=3))
        ),
        tags=draw(st.frozensets(st.sampled_from(["partner", "vip"]))),
    )


# attribute criteria


@pytest.mark.parametrize(
    ("criterion", "attributes", "verdict", "reason"),
    [
        (
            fk.attribute("country", one_of=["DE", "FR"]),
            {"country": "DE"},
            "met",
            "country = 'DE', one of 'DE', 'FR'",
        ),
        (fk.attribute("country", one_of="DE"), {"country": "US"}, "unmet", "country = 'US', not one of 'DE'"),
        (fk.attribute("country", one_of="DE"), {}, "unknown", "country not known"),
        (fk.attribute("kind", one_of="consumer"), {}, "unmet", "kind = 'company', not one of 'consumer'"),
        (fk.attribute("employees", at_least=50), {"employees": 50}, "met", "employees = 50, at least 50"),
        (fk.attribute("employees", below=50), {"employees": 50}, "unmet", "employees = 50, not below 50"),
        (fk.attribute("employees", one_of=[0, 1]), {"employees": 1}, "met", "employees = 1, one of 0, 1"),
        (
            fk.attribute("employees", at_least=50, below=250),
            {"employees": 249},
            "met",
            "employees = 249, at least 50 and below 250",
        ),
        (
            fk.attribute("annual_revenue", at_least=EUR),
            {"annual_revenue": EUR},
            "met",
            "annual_revenue = 1000000 EUR, at least 1000000 EUR",
        ),
        (
            fk.attribute("annual_revenue", below=EUR),
            {"annual_revenue": fk.Money(5, "USD")},
            "unknown",
            "annual_revenue = 5 USD, not in EUR, so cannot tell if below 1000000 EUR",
        ),
        (
            fk.attribute("tags", includes="vip"),
            {"tags": ["vip", "a"]},
            "met",
            "tags = {'a', 'vip'}, including 'vip'",
        ),
        (fk.attribute("tags", includes="vip"), {}, "unmet", "tags = (none), not including 'vip'"),
        (fk.attribute("fields.plan", one_of="gold"), {}, "unknown", "fields.plan not known"),
        (
            fk.attribute("fields.plan", one_of=True),
            {"fields": {"plan": 1}},
            "unmet",
            "fields.plan = 1, not one of True",
        ),
        (
            fk.attribute("fields.seats", includes=2),
            {"fields": {"seats": [1, 2]}},
            "met",
            "fields.seats = (1, 2), including 2",
        ),
        (
            fk.attribute("fields.seats", includes=2),
            {"fields": {"seats": 2}},
            "unknown",
            "fields.seats = 2, not a list, so cannot tell if including 2",
        ),
        (
            fk.attribute("fields.seats", at_least=Decimal("2.5")),
            {"fields": {"seats": "many"}},
            "unknown",
            "fields.seats = 'many', not a number, so cannot tell if at least 2.5",
        ),
        (
            fk.attribute("fields.seats", at_least=2.5),
            {"fields": {"seats": 3}},
            "met",
            "fields.seats = 3, at least 2.5",
        ),
        (
            fk.attribute("fields.arr", at_least=EUR),
            {"fields": {"arr": 5}},
            "unknown",
            "fields.arr = 5, not an amount of money, so cannot tell if at least 1000000 EUR",
        ),
    ],
)
def test_an_attribute_criterion_reads_one_attribute_and_says_what_it_found(
    criterion: fk.AttributeCriterion, attributes: dict[str, Any], verdict: str, reason: str
) -> None:
    result = criterion.assess(account(**attributes))
    assert (result.verdict.value, result.reason) == (verdict, reason)
    assert result.criterion == criterion.id
    assert result.evidence == (criterion.name,)


@pytest.mark.parametrize(
    ("name", "test", "id", "text"),
    [
        ("country", {"one_of": ["DE", "FR"]}, "country in {'DE', 'FR'}", "one_of=('DE', 'FR')"),
        ("tags", {"includes": "vip"}, "'vip' in tags", "includes='vip'"),
        ("employees", {"at_least": 50}, "employees >= 50", "at_least=50"),
        ("employees", {"below": 50}, "employees < 50", "below=50"),
        ("employees", {"at_least": 5, "below": 50}, "5 <= employees < 50", "at_least=5, below=50"),
    ],
)
def test_an_attribute_criterion_is_named_by_its_test(
    name: str, test: dict[str, Any], id: str, text: str
) -> None:
    criterion = fk.attribute(name, **test)
    assert criterion.id == id
    assert repr(criterion) == f"attribute({name!r}, {text})"
    assert criterion == fk.AttributeCriterion(name, **test)
    assert criterion == fk.attribute(name, **test, id=id)


def test_an_attribute_criterion_may_have_an_id_of_its_own() -> None:
    named = fk.attribute("region", one_of="EMEA", id="emea")
    assert named.id == "emea"
    assert repr(named) == "attribute('region', one_of=('EMEA',), id='emea')"
    assert named.assess(account(region="EMEA")).criterion == "emea"


def test_an_attribute_criterion_judges_the_account_of_a_funnel_object_and_nothing_else() -> None:
    criterion = fk.attribute("country", one_of="DE")
    prospect = fk.Prospect.create(
        "P-1", account=account(country="DE"), contact=fk.Contact("Ada", "ada@acme.example"), at=AT
    )
    assert criterion.assess(prospect).verdict is q.Verdict.met
    for other in (q.Evidence(), None, "acme"):
        result = criterion.assess(other)
        assert (result.verdict, result.reason) == (q.Verdict.unknown, "no account to read country from")


@given(
    accounts(), st.sampled_from([name for name in ATTRIBUTES if name not in ("id", "name", "kind", "tags")])
)
def test_an_attribute_not_known_is_unknown_never_unmet(drawn: fk.Account, name: str) -> None:
    test: dict[str, Any] = {"one_of": "x"}
    if name == "employees":
        test = {"at_least": 1}
    elif name == "annual_revenue":
        test = {"at_least": fk.Money(1, "EUR")}
    verdict = fk.attribute(name, **test).assess(drawn).verdict
    value = getattr(drawn, name)
    in_another_currency = isinstance(value, fk.Money) and value.currency != "EUR"
    assert (verdict is q.Verdict.unknown) is (value is None or in_another_currency)


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"name": "segmnet", "one_of": "smb"}, "'segmnet' is not an account attribute: use id, name, kind,"),
        ({"name": "fields.Plan", "one_of": "x"}, "'fields.Plan' is not an account attribute"),
        ({"name": 7, "one_of": "x"}, "7 is not an account attribute"),
        ({"name": "tags", "one_of": "vip"}, "tags takes one test, includes=; got one_of"),
        ({"name": "country"}, "country takes one test, one_of=; got none"),
        ({"name": "employees", "one_of": 1, "at_least": 2}, "got one_of, at_least/below"),
        ({"name": "annual_revenue", "one_of": 1}, "annual_revenue takes one test, at_least/below="),
        ({"name": "country", "one_of": []}, "one_of=() must be non-blank strings, at least one"),
        ({"name": "country", "one_of": ["DE", " "]}, "must be non-blank strings"),
        ({"name": "employees", "one_of": [True]}, "one_of=(True,) must be whole numbers"),
        ({"name": "fields.plan", "one_of": [None]}, "must be strings, numbers or booleans"),
        ({"name": "fields.plan", "one_of": [float("nan")]}, "must be strings, numbers or booleans"),
        ({"name": "tags", "includes": ""}, "includes='' must be a non-blank string"),
        ({"name": "fields.plan", "includes": ["a"]}, "includes=['a'] must be strings, numbers or booleans"),
        ({"name": "employees", "at_least": EUR}, "must be a number"),
        ({"name": "annual_revenue", "below": 5}, "bound 5 must be a Money"),
        ({"name": "fields.x", "at_least": Decimal("NaN")}, "must be a number or a Money"),
        (
            {"name": "employees", "at_least": 5, "below": 5},
            "at_least=5 and below=5 leave no value between them",
        ),
        ({"name": "fields.x", "at_least": EUR, "below": 3}, "must both be numbers or both be money"),
        (
            {"name": "annual_revenue", "at_least": fk.Money(1, "USD"), "below": EUR},
            "at_least=1 USD and below=1000000 EUR must be in one currency",
        ),
        (
            {"name": "annual_revenue", "at_least": EUR, "below": fk.Money(1, "EUR")},
            "leave no value between them",
        ),
        ({"name": "country", "one_of": "DE", "id": " "}, "id ' ' must be a non-blank string"),
    ],
)
def test_an_attribute_criterion_that_cannot_work_is_a_definition_error(
    arguments: dict[str, Any], problem: str
) -> None:
    with pytest.raises(fk.DefinitionError) as caught:
        fk.attribute(**arguments)
    assert caught.value.what == f"attribute({arguments['name']!r})"
    assert problem in "\n".join(caught.value.problems)


class TestAttributeCriterionContract(testing.CriterionContract):
    criterion = q.all_of(fk.attribute("segment", one_of="smb"), fk.attribute("tags", includes="vip"))
    subjects = accounts() | testing.leads() | testing.evidence()


def test_shown_values_read_as_written() -> None:
    values: list[object] = [EUR, Decimal("2.50"), fk.AccountKind.company, frozenset(), "x"]
    assert [shown(value) for value in values] == [
        "1000000 EUR",
        "2.50",
        "'company'",
        "(none)",
        "'x'",
    ]


# target markets


def test_an_account_inside_the_market_fits_and_says_why() -> None:
    fit = MARKET.fit(INSIDE)
    assert fit.outcome is q.Outcome.qualified
    assert (fit.market, fit.account) == ("eu-mid-market", "acme")
    assert fit.reason == (
        "inside target market 'eu-mid-market': country = 'DE', one of 'DE', 'FR', 'NL'; "
        "employees = 300, at least 50 and below 1000; industry = 'software', not one of 'gambling'"
    )
    assert [result.verdict.value for result in fit.result.criteria] == ["met", "met", "unmet"]


def test_an_account_outside_the_market_is_disqualified_and_explained_criterion_by_criterion() -> None:
    fit = MARKET.fit(account(country="US", employees=20))
    assert fit.outcome is q.Outcome.disqualified
    assert fit.result.outcome is q.Outcome.disqualified
    assert fit.reason == (
        "outside target market 'eu-mid-market': country = 'US', not one of 'DE', 'FR', 'NL'; "
        "employees = 20, not at least 50 and below 1000"
    )
    assert fit.explain() == (
        "account 'acme': " + fit.reason + "\n"
        "eu-mid-market 1: disqualified\n"
        "unmet: all_of(country in {'DE', 'FR', 'NL'}, 50 <= employees < 1000, "
        "not_(industry in {'gambling'})): all 3 must be met (2 unmet, 1 unknown)\n"
        "  unmet: country in {'DE', 'FR', 'NL'}: country = 'US', not one of 'DE', 'FR', 'NL'\n"
        "  unmet: 50 <= employees < 1000: employees = 20, not at least 50 and below 1000\n"
        "  unknown: not_(industry in {'gambling'}): the opposite of industry in {'gambling'}\n"
        "    unknown: industry in {'gambling'}: industry not known"
    )


def test_an_account_not_known_well_enough_is_not_yet_and_says_what_to_find_out() -> None:
    fit = MARKET.fit(account(country="DE"))
    assert fit.outcome is q.Outcome.not_yet
    assert fit.reason == (
        "not known to be inside target market 'eu-mid-market': employees not known; industry not known"
    )
    assert fit.result.ask_next == ("50 <= employees < 1000", "industry in {'gambling'}")
    assert fit.explain().endswith("ask next: 50 <= employees < 1000, industry in {'gambling'}")


def test_a_partial_profile_is_not_yet() -> None:
    def some_fit(_account: object) -> q.Verdict:
        return q.Verdict.partial

    partly = q.criterion("partly", some_fit)
    fit = fk.TargetMarket("m", partly).fit(INSIDE)
    assert fit.outcome is q.Outcome.not_yet
    assert fit.reason == "not known to be inside target market 'm': some_fit says partial"


def test_a_knock_out_anywhere_in_the_profile_puts_the_account_outside() -> None:
    profile = q.any_of(
        q.knock_out(fk.attribute("tags", includes="blocked")), fk.attribute("country", one_of="DE")
    )
    fit = fk.TargetMarket("m", profile).fit(INSIDE)
    assert fit.result.tree.verdict is q.Verdict.met
    assert fit.outcome is q.Outcome.disqualified
    assert fit.reason == "outside target market 'm': tags = (none), not including 'blocked'"


def test_a_prospect_outside_the_market_is_excluded_with_the_fits_reason() -> None:
    contact = fk.Contact("Ada", "ada@acme.example")
    prospect = fk.Prospect.create("P-1", account=account(country="US"), contact=contact, at=AT)
    fit = MARKET.fit(prospect.account)
    assert fit.outcome is q.Outcome.disqualified
    excluded = prospect.exclude(at=AT, reason=fit.reason)
    assert excluded.status is fk.ProspectStatus.excluded
    assert (
        excluded.reason
        == "outside target market 'eu-mid-market': country = 'US', not one of 'DE', 'FR', 'NL'"
    )


def test_a_market_judges_accounts_only() -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        MARKET.fit("acme")  # type: ignore[arg-type]
    assert caught.value.what == "target market 'eu-mid-market' cannot judge 'acme'"
    assert (
        str(caught.value.problems[0]) == "account: must be an Account, such as prospect.account (got 'acme')"
    )


def test_a_criterion_that_fails_names_the_market() -> None:
    def broken(_account: object) -> q.Verdict:
        raise ZeroDivisionError

    with pytest.raises(fk.CriterionFailed) as caught:
        fk.TargetMarket("m", q.criterion("broken", broken)).fit(INSIDE)
    assert (caught.value.framework, caught.value.criterion) == ("m 1", "broken")


@pytest.mark.parametrize(
    ("make", "problems"),
    [
        (
            lambda: fk.TargetMarket(" ", fk.attribute("country", one_of="DE")),
            ["id ' ' must be a non-blank string"],
        ),
        (
            lambda: fk.TargetMarket("m", fk.attribute("country", one_of="DE"), version=""),
            ["version '' must be a non-blank string"],
        ),
        (
            lambda: fk.TargetMarket("m", "country"),  # type: ignore[arg-type]
            ["policy 'country' is not a criterion: it has no id and assess(subject)"],
        ),
        (
            lambda: fk.TargetMarket(
                "m",
                q.any_of(fk.attribute("country", one_of="DE"), q.not_(fk.attribute("country", one_of="DE"))),
            ),
            ["criterion id \"country in {'DE'}\" is used twice"],
        ),
    ],
)
def test_a_market_that_cannot_work_is_a_definition_error(make: Any, problems: list[str]) -> None:
    with pytest.raises(fk.DefinitionError) as caught:
        make()
    assert caught.value.what.startswith("target market")
    assert list(caught.value.problems) == problems


@given(accounts())
def test_a_fit_is_deterministic_and_its_outcome_follows_the_profile(drawn: fk.Account) -> None:
    fit = MARKET.fit(drawn)
    assert MARKET.fit(copy.deepcopy(drawn)) == fit
    verdict = fit.result.tree.verdict
    expected = {q.Verdict.met: q.Outcome.qualified, q.Verdict.unmet: q.Outcome.disqualified}
    assert fit.outcome is expected.get(verdict, q.Outcome.not_yet)
    assert fit.reason.split(": ", 1)[1] == because(fit.result.tree)


def test_markets_fits_and_criteria_pickle_and_compare_equal() -> None:
    fit = MARKET.fit(INSIDE)
    for value in (MARKET, fit, fk.attribute("annual_revenue", at_least=EUR)):
        again = pickle.loads(pickle.dumps(value))
        assert again == value
        assert hash(again) == hash(value)
    assert pickle.loads(pickle.dumps(MARKET)).fit(INSIDE) == fit


def test_attribute_criteria_join_qualification_frameworks_on_leads() -> None:
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, AT)
    lead = fk.Lead.create(
        "L-1", account=INSIDE, contact=fk.Contact("Ada", "ada@acme.example"), source=touch, at=AT
    )
    framework = q.Framework(
        "fit-and-need", "1", q.all_of(fk.attribute("country", one_of="DE"), q.fact("need", "?"))
    )
    lead = lead.record(at=AT, facts=[q.Fact("need", "slow invoicing", "call", AT)])
    assert framework.evaluate(lead).outcome is q.Outcome.qualified
