"""A points model's value alone: always ``score(...).value``, to the bit, by every path it takes."""

import pickle
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit.scoring._decay import half_life, linear_decay, step_decay
from funnelkit.scoring._engagement import EngagementRule
from funnelkit.scoring._fit import FitRule, field_is, role, tagged
from funnelkit.scoring._grades import Grades
from funnelkit.scoring._points import Group, PointsModel
from funnelkit.scoring._points_values import LARGEST

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
EUR = fk.Money("1000000", "EUR")


def ago(days: float) -> datetime:
    return AT - timedelta(days=days)


def touch(
    days: float,
    kind: fk.TouchKind | str = fk.TouchKind.visit,
    channel: fk.Channel | str = fk.Channel.email,
    campaign: str = "spring",
    url: str | None = None,
) -> fk.Touch:
    return fk.Touch(fk.Channel(channel), campaign, fk.TouchKind(kind), ago(days), url=url)


def same(model: PointsModel, subject: object, at: datetime = AT) -> float:
    """The value, having checked it is the score's to the bit, alone and among others."""
    found = model.value(subject, at=at)
    expected = model.score(subject, at=at).value
    assert found.hex() == expected.hex()
    assert [value.hex() for value in model.values([subject, subject], at=at)] == [expected.hex()] * 2
    return found


class Boost:
    """A decay of your own that breaks the rule: more than the points while a touch is new."""

    def factor(self, age: float) -> float:
        return 1.5 if age < 1 else 1 / (1 + age)

    def __str__(self) -> str:
        return "boost"


def _verdict(subject: object) -> q.Verdict:
    return q.Verdict.met if "vip" in getattr(subject, "tags", ()) else q.Verdict.unmet


OWN = q.criterion("own", _verdict)
"""A criterion of your own: the value asks its ``assess``, as the score does."""

# --- the property -------------------------------------------------------------------------------

KINDS = ["visit", "form_submission", "webinar", "page_view"]
CHANNELS = ["email", "search", "webinar"]
CAMPAIGNS = ["spring", "launch"]
URLS = [None, "/pricing", "/docs/pricing", "/blog"]
CRITERIA = [
    fk.attribute("employees", at_least=250),
    fk.attribute("employees", at_least=50, below=1000),
    fk.attribute("industry", one_of=["software", "retail"]),
    fk.attribute("tags", includes="vip"),
    fk.attribute("fields.tier", one_of=["gold", 1]),
    fk.attribute("fields.size", at_least=10),
    fk.attribute("annual_revenue", at_least=EUR),
    role("decision_maker", "champion"),
    tagged("vip"),
    field_is("plan", "pro", True),
    q.fact("budget", "Is there budget?"),
    q.any_of(fk.attribute("industry", one_of="software"), tagged("vip")),
    q.not_(tagged("vip")),
    OWN,
]
points = st.integers(-50, 50) | st.floats(-50, 50)
decays = (
    st.builds(half_life, st.floats(0.1, 400) | st.integers(1, 400))
    | st.builds(lambda rate, every: step_decay(rate, every=every), st.floats(0, 0.99), st.floats(0.1, 100))
    | st.builds(lambda rate, every: linear_decay(rate, every=every), st.floats(0, 0.99), st.floats(0.1, 100))
    | st.just(Boost())
)


@st.composite
def limits(draw: st.DrawFn) -> tuple[float | None, float | None]:
    low, high = draw(st.none() | points), draw(st.none() | points)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


@st.composite
def groups(draw: st.DrawFn, index: int) -> Group:
    size = draw(st.integers(1, 4))
    if draw(st.booleans()):
        fit = [FitRule(f"f{index}.{n}", draw(points), draw(st.sampled_from(CRITERIA))) for n in range(size)]
        return Group(f"g{index}", fit, *draw(limits()))
    rules = [
        EngagementRule(
            f"e{index}.{n}",
            draw(points),
            kind=draw(st.lists(st.sampled_from(KINDS), max_size=2)),
            channel=draw(st.lists(st.sampled_from(CHANNELS), max_size=2)),
            campaign=draw(st.lists(st.sampled_from(CAMPAIGNS), max_size=1)),
            url_contains=draw(st.sampled_from([None, "/pricing", "pricing"])),
            minimum=(bounds := draw(limits()))[0],
            maximum=bounds[1],
        )
        for n in range(size)
    ]
    fading = draw(st.sampled_from(["decay", "window", "none"]))
    decay = draw(decays) if fading == "decay" else None
    window = draw(st.floats(0.5, 200)) if fading == "window" else None
    return Group(f"g{index}", rules, *draw(limits()), decay=decay, window=window)


@st.composite
def models(draw: st.DrawFn) -> PointsModel:
    count = draw(st.integers(1, 4))
    return PointsModel(
        "model",
        "1",
        [draw(groups(index)) for index in range(count)],
        *draw(limits()),
        inactivity=draw(st.none() | st.floats(1, 200)),
        grades=draw(st.none() | st.just(Grades())),
    )


touches = st.builds(
    touch,
    st.floats(-30, 400) | st.sampled_from([0, 1, 30]),
    st.sampled_from(KINDS),
    st.sampled_from(CHANNELS),
    st.sampled_from(CAMPAIGNS),
    st.sampled_from(URLS),
)
accounts = st.builds(
    lambda employees, industry, fields, tags, revenue: fk.Account(
        "a",
        "A",
        fk.AccountKind.company,
        employees=employees,
        industry=industry,
        fields=fields,
        tags=tags,
        annual_revenue=revenue,
    ),
    st.none() | st.integers(0, 2000),
    st.none() | st.sampled_from(["software", "gambling"]),
    st.dictionaries(
        st.sampled_from(["tier", "size"]), st.sampled_from(["gold", 1, True, 12, 9.5, "big"]), max_size=2
    ),
    st.frozensets(st.sampled_from(["vip", "partner"])),
    st.none() | st.sampled_from([EUR, fk.Money("5000000", "EUR"), fk.Money("5000000", "USD")]),
)
people = st.sampled_from(
    [
        fk.Contact("Ada", "ada@acme.example", fk.ContactRole.decision_maker),
        fk.Contact("Bo", "bo@acme.example", fk.ContactRole.user),
        fk.Contact("Cy", "cy@acme.example", fk.ContactRole.champion),
    ]
)
mappings = st.fixed_dictionaries(
    {},
    optional={
        "account": st.none() | accounts,
        "contact": st.none() | people,
        "committee": st.lists(people, max_size=2),
        "tags": st.frozensets(st.sampled_from(["vip", "partner"])),
        "fields": st.dictionaries(st.just("plan"), st.sampled_from(["pro", "free", True, 1])),
        "evidence": st.sampled_from([q.Evidence([q.Fact("budget", True, "call", AT)]), q.NO_EVIDENCE]),
        "source": st.none() | touches,
        "touches": st.lists(touches, max_size=8),
    },
)


@st.composite
def leads(draw: st.DrawFn) -> fk.Lead:
    source = draw(touches.filter(lambda found: found.at <= AT))
    lead = fk.Lead.create("L-1", account=draw(accounts), contact=draw(people), source=source, at=source.at)
    for later in sorted(draw(st.lists(touches, max_size=6)), key=lambda found: found.at):
        if later.at >= lead.last_at:
            lead = lead.engage(at=later.at, touch=later)
    return lead


@given(models(), mappings | leads(), st.sampled_from([AT, AT + timedelta(days=45), ago(60)]))
def test_the_value_is_the_scores_to_the_bit(model: PointsModel, subject: object, at: datetime) -> None:
    same(model, subject, at)


# --- each path, by hand -------------------------------------------------------------------------

WEB = Group(
    "web",
    [
        EngagementRule("pricing", 5, url_contains="/pricing", maximum=8),
        EngagementRule("form", 10, kind="form_submission"),
        EngagementRule("launch", 3, kind=["webinar", "visit"], channel="webinar", campaign="launch"),
        EngagementRule("floor", -4, kind="email_open", minimum=-6),
    ],
    maximum=30,
    decay=half_life(30),
)
WHO = Group(
    "who",
    [
        FitRule("big", 20, fk.attribute("employees", at_least=250)),
        FitRule("buyer", 10, role("decision_maker")),
        FitRule("vip", 5, tagged("vip")),
        FitRule("pro", 3, field_is("plan", "pro")),
    ],
    maximum=32,
)
ACME = fk.Account("acme", "Acme", fk.AccountKind.company, employees=300)
ADA = fk.Contact("Ada", "ada@acme.example", fk.ContactRole.decision_maker)
MODEL = PointsModel("demo", "1", [WHO, WEB], maximum=55)
SUBJECT = {
    "account": ACME,
    "contact": ADA,
    "tags": ["vip"],
    "fields": {"plan": "pro"},
    "source": touch(40, "form_submission", url="/pricing"),
    "touches": [
        touch(20, url="/pricing"),
        touch(10, url="/pricing"),
        touch(5, "webinar", "webinar", "launch"),
        touch(5, "webinar", "webinar", "spring"),  # the wrong campaign
        touch(4, "visit", "email", "launch"),  # the wrong channel
        touch(3, "email_open"),
        touch(2, "email_open"),
        touch(1, "download", url="/pricing"),  # a kind only the rule of any kind takes
        touch(-2, "form_submission"),  # after `at`: does not count
    ],
}


def test_every_rule_and_clamp_of_a_model_counts_as_in_the_score() -> None:
    # pricing held at its maximum 8, the e-mail opens at their minimum -6, the fit group at 32
    web = 8 + 10 * 0.5 ** (40 / 30) + 3 * 0.5 ** (5 / 30) - 6
    assert same(MODEL, SUBJECT) == pytest.approx(32 + web)
    assert same(PointsModel("web", "1", [WEB]), SUBJECT) == pytest.approx(web)
    assert same(PointsModel("demo", "1", [WHO, WEB], maximum=35), SUBJECT) == 35
    assert same(PointsModel("web", "1", [WEB]), {}) == 0
    assert same(PointsModel("who", "1", [WHO], minimum=40), {"account": ACME}) == 40


def test_a_lead_an_opportunity_and_a_mapping_are_read_alike(
    day: Callable[[int], datetime], lead: fk.Lead, opportunity: fk.Opportunity
) -> None:
    lead = lead.engage(
        at=day(3), touch=fk.Touch(fk.Channel.email, "x", fk.TouchKind.visit, day(3), url="/pricing")
    )
    assert same(MODEL, lead, day(20)) > 0
    assert same(MODEL, opportunity, day(20)) == 0


def test_a_window_counts_the_touches_of_its_last_days() -> None:
    model = PointsModel("recent", "1", [Group("web", [EngagementRule("visit", 1)], window=7)])
    assert same(model, {"touches": [touch(7), touch(7.5), touch(2)]}) == 2
    held = PointsModel("recent", "1", [Group("web", [EngagementRule("visit", 1, maximum=1.5)], window=7)])
    assert same(held, {"touches": [touch(7), touch(7.5), touch(2)]}) == 1.5


def test_every_decay_form_fades_as_in_the_score() -> None:
    subject = {"touches": [touch(0.5), touch(1.5), touch(3), touch(45)]}
    for decay in (half_life(2), step_decay(0.5, every=1), linear_decay(0.5, every=1)):
        model = PointsModel("fade", "1", [Group("web", [EngagementRule("visit", 4)], decay=decay)])
        same(model, subject)
    fully = PointsModel(
        "fade", "1", [Group("web", [EngagementRule("visit", 4)], decay=linear_decay(0.5, every=1))]
    )
    assert same(fully, {"touches": [touch(3)]}) == 0


def test_a_decay_of_your_own_is_asked_and_past_one_the_score_decides() -> None:
    model = PointsModel("own", "1", [Group("web", [EngagementRule("visit", 2)], decay=Boost())])
    assert same(model, {"touches": [touch(3)]}) == 2 / 4
    assert same(model, {"touches": [touch(3), touch(0.5)]}) == 2 / 4 + 3


def test_past_the_largest_points_the_score_decides() -> None:
    model = PointsModel("huge", "1", [Group("web", [EngagementRule("visit", LARGEST * 2)])], maximum=1)
    assert same(model, {"touches": [touch(1), touch(2)]}) == 0  # 1 - 4e200 is -4e200 in floats
    assert not model._plan.fast


def test_inactivity_starts_engagement_again_as_in_the_score() -> None:
    model = PointsModel("fresh", "1", [WHO, Group("web", [EngagementRule("visit", 1)])], inactivity=30)
    assert same(model, {"account": ACME, "touches": [touch(100), touch(90), touch(20), touch(10)]}) == 20 + 2
    assert same(model, {"touches": [touch(31)]}) == 0


def test_criteria_of_your_own_are_asked_and_their_failures_name_the_model() -> None:
    def broken(_subject: object) -> q.Verdict:
        raise KeyError("x")

    model = PointsModel(
        "demo",
        "3",
        [Group("who", [FitRule("own", 2, OWN), FitRule("budget", 1, q.fact("budget", "Is there budget?"))])],
    )
    facts = q.Evidence([q.Fact("budget", True, "call", AT)])
    assert same(model, {"tags": ["vip"], "evidence": facts}) == 3
    failing = PointsModel("demo", "3", [Group("who", [FitRule("broken", 1, q.criterion("broken", broken))])])
    with pytest.raises(fk.CriterionFailed, match="demo 3: criterion 'broken' failed"):
        failing.value({}, at=AT)
    with pytest.raises(fk.CriterionFailed, match="demo 3: criterion 'broken' failed"):
        failing.values([{}], at=AT)


def test_what_the_score_refuses_the_value_refuses() -> None:
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware datetime"):
        MODEL.value({}, at=datetime(2026, 6, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware datetime"):
        MODEL.values([], at=datetime(2026, 6, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(fk.InvalidInput, match="must be a lead, an opportunity, or a mapping"):
        MODEL.value(42, at=AT)
    with pytest.raises(fk.InvalidInput, match="is not a key of a subject"):
        MODEL.values([{}, {"acount": ACME}], at=AT)


def test_values_take_any_iterable_and_a_model_keeps_its_plan_through_copies() -> None:
    subjects = [SUBJECT, {}, {"account": ACME}]
    expected = [MODEL.score(subject, at=AT).value for subject in subjects]
    assert MODEL.values(iter(subjects), at=AT) == expected
    assert pickle.loads(pickle.dumps(MODEL)).values(subjects, at=AT) == expected
    assert PointsModel("demo", "1", [WHO, WEB], maximum=55) == MODEL
    assert "_plan" not in repr(MODEL)


# --- built-in criteria say met as their assess does ----------------------------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        fk.attribute("employees", at_least=250),
        fk.attribute("industry", one_of=["software", "retail"]),
        fk.attribute("tags", includes="vip"),
        fk.attribute("fields.tier", one_of=["gold", 1]),
        fk.attribute("fields.size", at_least=10),
        fk.attribute("annual_revenue", at_least=EUR),
        role("decision_maker", "champion"),
        tagged("vip"),
        field_is("plan", "pro", True),
    ],
)
@pytest.mark.parametrize(
    "subject",
    [
        SimpleNamespace(),
        SimpleNamespace(account="not an account", fields="not fields"),
        ACME,
        SimpleNamespace(account=ACME),
        SimpleNamespace(
            account=fk.Account(
                "big",
                "Big",
                fk.AccountKind.company,
                employees=2000,
                industry="retail",
                tags=frozenset({"vip"}),
                fields={"tier": 1, "size": "large"},
                annual_revenue=fk.Money("2000000", "EUR"),
            ),
            tags=frozenset({"vip"}),
            fields={"plan": True},
            contact=fk.Contact("Bo", "bo@acme.example", fk.ContactRole.user),
            committee=(fk.Contact("Cy", "cy@acme.example", fk.ContactRole.champion),),
        ),
        SimpleNamespace(
            account=fk.Account(
                "odd",
                "Odd",
                fk.AccountKind.company,
                fields={"tier": True, "size": 12},
                annual_revenue=fk.Money("2000000", "USD"),
            ),
            contact=ADA,
            fields={"plan": 1},
        ),
    ],
)
def test_is_met_is_assess_saying_met(criterion: Any, subject: object) -> None:
    assert criterion.is_met(subject) is (criterion.assess(subject).verdict is q.Verdict.met)


def test_a_text_choice_on_an_account_attribute_reads_as_the_criterion_does() -> None:
    model = PointsModel(
        "choice",
        "1",
        [
            Group(
                "who",
                [
                    FitRule("mid", 20, fk.attribute("segment", one_of=["mid", "enterprise"])),
                    FitRule(
                        "company", 5, fk.attribute("kind", one_of="company")
                    ),  # an enumeration, by its value
                ],
            )
        ],
    )
    at = datetime(2026, 3, 31, tzinfo=timezone.utc)
    subjects: list[object] = [
        {"account": fk.Account("a", "A", fk.AccountKind.company, segment="mid", employees=300)},
        {"account": fk.Account("b", "B", fk.AccountKind.company, segment="smb")},
        {"account": fk.Account("c", "C", fk.AccountKind.company)},
        {"touches": []},
    ]
    assert (
        model.values(subjects, at=at)
        == [model.score(s, at=at).value for s in subjects]
        == [25.0, 5.0, 5.0, 0.0]
    )
