"""Points models: fit and engagement rules, caps, decay, windows, inactivity, grades, and data."""

import math
import pickle
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit.scoring._decay import Decay, HalfLife, StepDecay, half_life, linear_decay, step_decay
from funnelkit.scoring._engagement import EngagementRule
from funnelkit.scoring._fit import FitRule, Given, field_is, role, tagged
from funnelkit.scoring._grades import Grades
from funnelkit.scoring._points import Group, PointsModel
from funnelkit.scoring._points_data import points_model_from, points_model_schema
from funnelkit.scoring._results import Contribution, Scorer, ScoreResult

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)


def ago(days: float) -> datetime:
    return AT - timedelta(days=days)


def touch(
    days: float,
    kind: fk.TouchKind = fk.TouchKind.visit,
    channel: fk.Channel = fk.Channel.email,
    campaign: str = "spring",
    url: str | None = None,
) -> fk.Touch:
    return fk.Touch(channel, campaign, kind, ago(days), url=url)


ACME = fk.Account("acme", "Acme", fk.AccountKind.company, employees=300, industry="software")
ADA = fk.Contact("Ada", "ada@acme.example", fk.ContactRole.decision_maker)

MODEL = PointsModel(
    "demo",
    "1",
    [
        Group(
            "who",
            [
                FitRule("mid-market", 20, fk.attribute("employees", at_least=50, below=1000)),
                FitRule("buyer", 10, role("decision_maker", "economic_buyer")),
                FitRule("gambling", -50, fk.attribute("industry", one_of="gambling")),
            ],
            maximum=25,
        ),
        Group(
            "web",
            [
                EngagementRule("pricing", 5, url_contains="/pricing", maximum=8),
                EngagementRule("form", 10, kind="form_submission"),
            ],
            decay=half_life(30),
        ),
    ],
    maximum=100,
    grades=Grades(fit=(20, 10, 5), engagement=(20, 10, 5)),
)


def amounts(result: ScoreResult, name: str) -> list[float]:
    return [part.amount for part in result.contributions if part.name == name]


# --- examples -----------------------------------------------------------------------------------


def test_a_points_model_is_a_scorer_and_explains_each_rule_and_cap() -> None:
    pricing = "/pricing"
    subject = {
        "account": ACME,
        "contact": ADA,
        "touches": [
            touch(0, url=pricing),
            touch(1, url=pricing),
            touch(30, url=pricing),
            touch(30, fk.TouchKind.form_submission),
            touch(-1, fk.TouchKind.form_submission),  # after `at`: does not count
        ],
    }
    result = MODEL.score(subject, at=AT)
    assert isinstance(MODEL, Scorer)
    assert result.value == pytest.approx(25 + 8 + 5)
    assert result.grade == "A2"
    assert result.clipped == pytest.approx(-5 + 8 - 5 - 4.886 - 2.5, abs=1e-3)
    assert result.explain().splitlines() == (
        [
            "demo 1: 38 points, grade A2",
            "  +20: mid-market: employees = 300, at least 50 and below 1000",
            "  +10: buyer: role = 'decision_maker', one of 'decision_maker', 'economic_buyer'",
            "  -5: who: the group's total 30 capped at its maximum 25",
            "  +5: pricing: visit via email 'spring' on /pricing, 0 days ago: 5 x 1 (half-life 30 days)",
            "  +5: form: form_submission via email 'spring', 30 days ago: 10 x 0.5 (half-life 30 days)",
            (
                "  +4.886: pricing: visit via email 'spring' on /pricing, 1 day ago: 5 x 0.977"
                " (half-life 30 days)"
            ),
            "  -4.386: pricing: the rule's total 12.39 capped at its maximum 8",
            "  +2.5: pricing: visit via email 'spring' on /pricing, 30 days ago: 5 x 0.5 (half-life 30 days)",
        ]
    )


def test_a_lead_counts_its_source_and_touches(day: Callable[[int], datetime], lead: fk.Lead) -> None:
    lead = lead.engage(at=day(3), touch=fk.Touch(fk.Channel.email, "x", fk.TouchKind.download, day(3)))
    model = PointsModel("any", "1", [Group("all", [EngagementRule("touch", 1)])])
    assert model.score(lead, at=day(10)).value == 2
    assert model.score(lead, at=day(2)).value == 1


def test_an_opportunitys_committee_plays_roles(day: Callable[[int], datetime], acme: fk.Account) -> None:
    deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
    model = PointsModel("roles", "1", [Group("who", [FitRule("champion", 7, role("champion"))])])
    assert model.score(deal, at=day(2)).value == 0
    champion = fk.Contact("Bo", "bo@acme.example", fk.ContactRole.champion)
    deal = deal.add_contact(at=day(2), contact=champion)
    assert model.score(deal, at=day(2)).value == 7


def test_fit_criteria_read_the_subject_itself() -> None:
    model = PointsModel(
        "own",
        "1",
        [
            Group(
                "who",
                [
                    FitRule("vip", 5, tagged("vip")),
                    FitRule("pro", 3, field_is("plan", "pro")),
                    FitRule("user", 1, role("user")),
                    FitRule("budget", 2, q.fact("budget", "Is there budget?")),
                ],
            )
        ],
    )
    facts = q.Evidence([q.Fact("budget", True, "call", AT)])
    result = model.score({"tags": ["vip"], "fields": {"plan": "pro"}, "evidence": facts}, at=AT)
    assert [(part.name, part.reason) for part in result.contributions] == [
        ("vip", "tagged 'vip'"),
        ("pro", "field plan = 'pro', one of 'pro'"),
        ("budget", "budget = True (from call)"),
    ]
    assert model.score({"fields": {"plan": "team"}}, at=AT).value == 0
    assert field_is("plan", "pro").assess(Given()).verdict is q.Verdict.unknown
    assert field_is("plan", "pro").assess(object()).verdict is q.Verdict.unknown
    assert tagged("vip").assess(Given()).reason == "not tagged 'vip'"
    assert role("user").assess(Given()).verdict is q.Verdict.unknown
    assert role("user").assess(Given(contact=ADA)).reason == "role = 'decision_maker', not one of 'user'"
    assert field_is("plan", "pro").assess(Given(fields=fk.Fields({"plan": "x"}))).reason == (
        "field plan = 'x', not one of 'pro'"
    )
    assert repr(role("user")) == "role('user')"
    assert repr(tagged("vip")) == "tagged('vip')"
    assert repr(field_is("plan", "pro", 2)) == "field_is('plan', 'pro', 2)"


def test_engagement_rules_filter_by_kind_channel_campaign_and_url() -> None:
    rule = EngagementRule(
        "webinar", 1, kind=["webinar"], channel="webinar", campaign=("launch",), url_contains="/live"
    )
    good = fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.webinar, AT, url="https://x/live")
    assert rule.matches(good)
    assert not rule.matches(
        fk.Touch(fk.Channel.email, "launch", fk.TouchKind.webinar, AT, url="https://x/live")
    )
    assert not rule.matches(
        fk.Touch(fk.Channel.webinar, "other", fk.TouchKind.webinar, AT, url="https://x/live")
    )
    assert not rule.matches(
        fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.visit, AT, url="https://x/live")
    )
    assert not rule.matches(fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.webinar, AT))
    assert repr(rule) == (
        "EngagementRule('webinar', 1, kind=('webinar',), channel=('webinar',), campaign=('launch',), "
        "url_contains='/live')"
    )
    assert EngagementRule("own", 1, kind="page_view").kind == (fk.TouchKind("page_view"),)


def test_caps_raise_to_a_minimum_too() -> None:
    model = PointsModel(
        "floors",
        "1",
        [Group("bad", [EngagementRule("bounce", -10, kind="email_open", minimum=-15)], minimum=-12)],
        minimum=-5,
    )
    result = model.score({"touches": [touch(1, fk.TouchKind.email_open)] * 3}, at=AT)
    assert result.value == -5
    assert [part.reason for part in result.contributions if part.amount > 0] == [
        "the rule's total -30 raised to its minimum -15",
        "the group's total -15 raised to its minimum -12",
        "the model's total -12 raised to its minimum -5",
    ]
    assert result.clipped == 25


def test_a_window_counts_only_recent_touches_and_says_so() -> None:
    model = PointsModel("recent", "1", [Group("web", [EngagementRule("visit", 1)], window=7)])
    result = model.score({"touches": [touch(7), touch(7.5), touch(2)]}, at=AT)
    assert result.value == 2
    assert result.contributions[0].reason == "visit via email 'spring', 7 days ago, within the last 7 days"


def test_decay_forms() -> None:
    assert HalfLife(10).factor(10) == 0.5
    assert str(step_decay(0.25, every=7)) == "-25% every 7 days"
    assert str(linear_decay(0.5, every=1)) == "-50% of the points every 1 day"
    assert str(half_life(2.5)) == "half-life 2.5 days"
    assert repr(half_life(30)) == "half_life(30)"
    assert repr(step_decay(0.5, every=30)) == "step_decay(0.5, every=30)"
    assert repr(linear_decay(0.5, every=30)) == "linear_decay(0.5, every=30)"
    assert linear_decay(0.5, every=1).factor(5) == 0
    assert isinstance(StepDecay(0.1, 1), Decay)


def test_a_fully_decayed_touch_adds_nothing() -> None:
    model = PointsModel(
        "fade", "1", [Group("web", [EngagementRule("visit", 4)], decay=linear_decay(0.5, every=1))]
    )
    result = model.score({"touches": [touch(1.5), touch(3)]}, at=AT)
    assert [part.amount for part in result.contributions] == [2.0]


def test_inactivity_starts_engagement_again_from_zero() -> None:
    model = PointsModel(
        "fresh",
        "1",
        [
            Group("who", [FitRule("big", 5, fk.attribute("employees", at_least=250))]),
            Group("web", [EngagementRule("visit", 1)]),
        ],
        inactivity=30,
    )
    result = model.score({"account": ACME, "touches": [touch(100), touch(90), touch(20), touch(10)]}, at=AT)
    assert result.value == 5 + 2
    note = result.contributions[0]
    assert (note.name, note.amount) == ("inactivity reset", 0.0)
    assert note.reason.startswith("no touch for more than 30 days after 2026-03-03T00:00:00+00:00")
    assert note.reason.endswith(": the 2 touches up to then count nothing")
    assert model.score({"account": ACME, "touches": [touch(31)]}, at=AT).value == 5  # gap up to `at`
    assert model.score({"touches": [touch(30), touch(0)]}, at=AT).value == 2  # exactly 30 days: no reset
    assert model.score({"account": ACME}, at=AT).value == 5


def test_a_criterion_that_fails_names_the_points_model() -> None:
    def broken(_subject: object) -> q.Verdict:
        raise KeyError("x")

    model = PointsModel("demo", "3", [Group("who", [FitRule("broken", 1, q.criterion("broken", broken))])])
    with pytest.raises(fk.CriterionFailed, match="demo 3: criterion 'broken' failed"):
        model.score({}, at=AT)


def test_grades_cells() -> None:
    grades = Grades()
    assert [grades.grade(score, score) for score in (80, 75, 60, 30, 10)] == ["A1", "A1", "B2", "C3", "D4"]


# --- properties ---------------------------------------------------------------------------------

KINDS = [fk.TouchKind.visit, fk.TouchKind.form_submission, fk.TouchKind.email_open]
CHANNELS = [fk.Channel.email, fk.Channel.search]
CRITERIA = [
    fk.attribute("employees", at_least=250),
    fk.attribute("industry", one_of=["software", "retail"]),
    role("decision_maker"),
    tagged("vip"),
    field_is("plan", "pro"),
]
points = st.integers(-50, 50) | st.floats(-50, 50)
ages = st.floats(0, 400)
decays: st.SearchStrategy[Decay] = (
    st.builds(half_life, st.floats(0.1, 400))
    | st.builds(lambda rate, every: step_decay(rate, every=every), st.floats(0, 0.99), st.floats(0.1, 100))
    | st.builds(lambda rate, every: linear_decay(rate, every=every), st.floats(0, 0.99), st.floats(0.1, 100))
)


@st.composite
def limits(draw: st.DrawFn) -> tuple[float | None, float | None]:
    low, high = draw(st.none() | st.floats(-80, 80)), draw(st.none() | st.floats(-80, 80))
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


@st.composite
def groups(draw: st.DrawFn, index: int) -> Group:
    size = draw(st.integers(1, 3))
    if draw(st.booleans()):
        fit = [FitRule(f"f{index}.{n}", draw(points), draw(st.sampled_from(CRITERIA))) for n in range(size)]
        return Group(f"g{index}", fit, *draw(limits()))
    rules = []
    for n in range(size):
        low, high = draw(limits())
        rule = EngagementRule(
            f"e{index}.{n}",
            draw(points),
            kind=draw(st.lists(st.sampled_from(KINDS), max_size=2)),
            channel=draw(st.lists(st.sampled_from(CHANNELS), max_size=1)),
            minimum=low,
            maximum=high,
        )
        rules.append(rule)
    fading = draw(st.sampled_from(["decay", "window", "none"]))
    decay = draw(decays) if fading == "decay" else None
    window = draw(st.floats(0.5, 200)) if fading == "window" else None
    return Group(f"g{index}", rules, *draw(limits()), decay=decay, window=window)


@st.composite
def models(draw: st.DrawFn) -> PointsModel:
    count = draw(st.integers(1, 4))
    low, high = draw(limits())
    return PointsModel(
        "model",
        "1",
        [draw(groups(index)) for index in range(count)],
        low,
        high,
        inactivity=draw(st.none() | st.floats(1, 200)),
        grades=draw(st.none() | st.just(Grades())),
    )


touches = st.builds(
    touch,
    st.floats(-30, 400),
    st.sampled_from(KINDS),
    st.sampled_from(CHANNELS),
)
subjects = st.fixed_dictionaries(
    {
        "account": st.builds(
            lambda employees, industry: fk.Account(
                "a", "A", fk.AccountKind.company, employees=employees, industry=industry
            ),
            st.none() | st.integers(0, 1000),
            st.none() | st.sampled_from(["software", "gambling"]),
        ),
        "contact": st.none() | st.just(ADA),
        "tags": st.frozensets(st.sampled_from(["vip", "partner"])),
        "fields": st.dictionaries(st.just("plan"), st.sampled_from(["pro", "free"])),
        "touches": st.lists(touches, max_size=8),
    }
)


def within(value: float, minimum: float | None, maximum: float | None) -> bool:
    return (minimum is None or value >= minimum - 1e-9) and (maximum is None or value <= maximum + 1e-9)


@given(models(), subjects)
def test_contributions_add_up_and_every_cap_holds(model: PointsModel, subject: dict[str, Any]) -> None:
    result = model.score(subject, at=AT)
    assert math.isclose(result.value, math.fsum(part.amount for part in result.contributions), abs_tol=1e-9)
    assert within(result.value, model.minimum, model.maximum)
    caps = [part for part in result.contributions if "capped" in part.reason or "raised" in part.reason]
    assert math.isclose(result.clipped, math.fsum(part.amount for part in caps), abs_tol=1e-9)
    for group in model.groups:
        names = {group.id, *(rule.id for rule in group.rules)}
        assert within(
            sum(p.amount for p in result.contributions if p.name in names), group.minimum, group.maximum
        )
        for rule in group.rules:
            if isinstance(rule, EngagementRule):
                assert within(sum(amounts(result, rule.id)), rule.minimum, rule.maximum)
    assert (result.grade is None) is (model.grades is None)


@given(models(), subjects)
def test_scores_depend_only_on_the_inputs_and_at_and_survive_pickling(
    model: PointsModel, subject: dict[str, Any]
) -> None:
    first = model.score(subject, at=AT)
    assert model.score(dict(subject), at=AT) == first
    assert pickle.loads(pickle.dumps(model)).score(subject, at=AT) == first


@given(models(), subjects, st.floats(0, 1000))
def test_fit_never_decays(model: PointsModel, subject: dict[str, Any], later: float) -> None:
    fit = PointsModel(
        "fit",
        "1",
        [group for group in model.groups if group.is_fit] or [Group("g", [FitRule("r", 1, tagged("vip"))])],
    )
    assert fit.score(subject, at=AT) == fit.score(subject, at=AT + timedelta(days=later))


@given(decays, ages, ages)
def test_decay_is_one_when_new_and_never_grows_with_age(decay: Decay, age: float, more: float) -> None:
    assert decay.factor(0) == 1
    assert 0 <= decay.factor(age + more) <= decay.factor(age) <= 1


@given(st.floats(0.1, 400), ages)
def test_a_half_life_halves(days: float, age: float) -> None:
    decay = half_life(days)
    assert decay.factor(days) == 0.5
    assert math.isclose(decay.factor(age + days), decay.factor(age) / 2, rel_tol=1e-9, abs_tol=1e-300)


@given(st.floats(0, 0.99), st.floats(0.1, 100), ages)
def test_step_and_linear_forms(rate: float, every: float, age: float) -> None:
    periods = math.floor(age / every)
    assert step_decay(rate, every=every).factor(age) == (1 - rate) ** periods
    assert linear_decay(rate, every=every).factor(age) == max(0.0, 1 - rate * periods)


@given(st.lists(st.floats(-10, 100), max_size=10), st.floats(0.5, 60))
def test_a_window_excludes_old_touches(days: list[float], window: float) -> None:
    model = PointsModel("recent", "1", [Group("web", [EngagementRule("visit", 1)], window=window)])
    result = model.score({"touches": [touch(age) for age in days]}, at=AT)
    assert result.value == sum(1 for age in days if 0 <= (AT - ago(age)).total_seconds() / 86400 <= window)


# --- bad input ----------------------------------------------------------------------------------

FIT = FitRule("big", 5, fk.attribute("employees", at_least=250))
ENGAGED = EngagementRule("visit", 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: half_life(-1), "days=-1 must be a positive, finite number of days"),
        (lambda: half_life(0), "days=0 must be a positive"),
        (lambda: half_life(math.inf), "days=inf"),
        (lambda: half_life(True), "days=True"),
        (lambda: step_decay(1, every=30), "rate=1 must be in \\[0, 1\\)"),
        (lambda: step_decay(-0.1, every=30), "rate=-0.1"),
        (lambda: linear_decay(math.nan, every=30), "rate=nan must be in"),
        (lambda: step_decay(0.5, every=-7), "every=-7"),
        (lambda: step_decay(0.5, every=10**400), "every=1000"),
        (lambda: FitRule("x", math.nan, FIT.criterion), "points=nan must be a finite number"),
        (lambda: FitRule("x", math.inf, FIT.criterion), "points=inf"),
        (lambda: FitRule(" ", 1, FIT.criterion), "id ' ' must be a non-blank string"),
        (lambda: FitRule("x", 1, "employees"), "criterion 'employees' must be a criterion"),  # type: ignore[arg-type]
        (lambda: EngagementRule("x", "5"), "points='5'"),  # type: ignore[arg-type]
        (lambda: EngagementRule("x", 1, kind="Page View"), "kind 'Page View' must be a TouchKind"),
        (lambda: EngagementRule("x", 1, channel=3), "channel 3 must be a Channel"),
        (lambda: EngagementRule("x", 1, campaign=[""]), "campaign '' must be a non-blank string"),
        (lambda: EngagementRule("x", 1, url_contains=""), "url_contains='' must be a non-empty string"),
        (lambda: EngagementRule("x", 1, minimum=5, maximum=1), "minimum=5 must not be above maximum=1"),
        (lambda: EngagementRule("x", 1, maximum=math.nan), "maximum=nan must be a finite number or None"),
        (lambda: Group("g", []), "rules must be FitRules or EngagementRules, at least one"),
        (lambda: Group("g", 5), "rules must be FitRules"),  # type: ignore[arg-type]
        (lambda: Group("g", [FIT, ENGAGED]), "all fit rules or all engagement rules"),
        (lambda: Group("g", [FIT], decay=half_life(3)), "fit never decays"),
        (lambda: Group("g", [FIT], window=3), "fit never decays"),
        (lambda: Group("g", [ENGAGED], decay=half_life(3), window=7), "decay or a window, not both"),
        (lambda: Group("g", [ENGAGED], decay=30), "decay 30 must be a decay"),  # type: ignore[arg-type]
        (lambda: Group("g", [ENGAGED], window=-7), "window=-7"),
        (lambda: Group("", [ENGAGED], minimum=1, maximum=0), "id '' must be a non-blank string"),
        (lambda: Group("g", [ENGAGED], minimum=1, maximum=0), "minimum=1 must not be above maximum=0"),
        (lambda: PointsModel("", "1", [Group("g", [ENGAGED])]), "id '' must be a non-blank string"),
        (lambda: PointsModel("m", None, [Group("g", [ENGAGED])]), "version None"),  # type: ignore[arg-type]
        (lambda: PointsModel("m", "1", []), "groups must be Groups, at least one"),
        (lambda: PointsModel("m", "1", [ENGAGED]), "groups must be Groups"),  # type: ignore[list-item]
        (lambda: PointsModel("m", "1", [Group("visit", [ENGAGED])]), "used twice: visit"),
        (lambda: PointsModel("m", "1", [Group("g", [ENGAGED])], inactivity=0), "inactivity=0"),
        (lambda: PointsModel("m", "1", [Group("g", [ENGAGED])], maximum=-1, minimum=0), "minimum=0"),
        (lambda: PointsModel("m", "1", [Group("g", [ENGAGED])], grades=(1, 2)), "grades \\(1, 2\\)"),  # type: ignore[arg-type]
        (lambda: Grades(fit=(1, 2, 3)), "fit=\\(1, 2, 3\\) must be three finite numbers, highest first"),
        (lambda: Grades(engagement=(3, 2)), "engagement=\\(3, 2\\)"),
        (lambda: Grades(engagement=5), "engagement=\\(5,\\)"),  # type: ignore[arg-type]
        (lambda: Grades(fit=(3, 2, math.nan)), "fit=\\(3, 2, nan\\)"),
        (role, "roles \\[\\] must be one or more of"),
        (lambda: role("boss"), "roles \\['boss'\\] must be one or more of"),
        (lambda: tagged(" vip"), "tag ' vip' must not start or end with spaces"),
        (lambda: field_is("Plan", "pro"), "'Plan' is not a field name"),
        (lambda: field_is("plan"), "values \\[\\] must be strings, finite numbers or booleans"),
        (lambda: field_is("plan", math.nan), "values \\[nan\\]"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_problem(make: Callable[[], object], message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message):
        make()


@pytest.mark.parametrize(
    ("subject", "location", "message"),
    [
        (42, ("subject",), "must be a lead, an opportunity, or a mapping with keys among account"),
        ({"acount": ACME}, ("acount",), "is not a key of a subject"),
        ({"account": "acme"}, ("account",), "must be Account or NoneType"),
        ({"touches": [touch(1), "visit"]}, ("touches", 1), "must be a Touch"),
        ({"touches": "visit"}, ("touches",), "must be an iterable of Touch"),
        ({"committee": [ACME]}, ("committee", 0), "must be a Contact"),
        ({"fields": {"Plan": 1}}, ("fields", "Plan"), "is not a field name in snake_case"),
        ({"fields": 5}, ("fields",), "must be a mapping of field names"),
        ({"tags": [" x"]}, ("tags", 0), "must not start or end with spaces"),
    ],
)
def test_a_subject_it_cannot_read_is_refused_naming_the_problem(
    subject: object, location: tuple[object, ...], message: str
) -> None:
    with pytest.raises(fk.InvalidInput) as raised:
        MODEL.score(subject, at=AT)
    assert raised.value.problems[0].location == location
    assert message in raised.value.problems[0].message


def test_a_naive_at_is_refused() -> None:
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware datetime"):
        MODEL.score({}, at=datetime(2026, 6, 1))  # noqa: DTZ001 - the point of the test


# --- from data ----------------------------------------------------------------------------------

DEFINITION: dict[str, Any] = {
    "id": "demo",
    "version": "1",
    "maximum": 100,
    "grades": {"fit": [20, 10, 5], "engagement": [20, 10, 5]},
    "groups": [
        {
            "id": "who",
            "maximum": 25,
            "rules": [
                {"id": "mid-market", "points": 20, "attribute": "employees", "at_least": 50, "below": 1000},
                {"id": "buyer", "points": 10, "role": ["decision_maker", "economic_buyer"]},
                {"id": "gambling", "points": -50, "attribute": "industry", "one_of": "gambling"},
            ],
        },
        {
            "id": "web",
            "decay": {"half_life": 30},
            "rules": [
                {"id": "pricing", "points": 5, "url_contains": "/pricing", "maximum": 8},
                {"id": "form", "points": 10, "kind": "form_submission"},
            ],
        },
    ],
}


def test_a_model_from_data_equals_the_one_built_in_code() -> None:
    assert points_model_from(DEFINITION) == MODEL


def test_every_shape_of_rule_and_decay_reads_from_data() -> None:
    model = points_model_from(
        {
            "id": "all",
            "version": "2",
            "inactivity": 90,
            "minimum": 0,
            "groups": [
                {
                    "id": "who",
                    "rules": [
                        {"id": "vip", "points": 1, "tag": "vip"},
                        {"id": "pro", "points": 1, "field": "plan", "one_of": ["pro", "team"]},
                        {"id": "partner", "points": 1, "attribute": "tags", "includes": "partner"},
                        {
                            "id": "rich",
                            "points": 1,
                            "attribute": "annual_revenue",
                            "at_least": {"amount": "1000000", "currency": "EUR"},
                        },
                    ],
                },
                {
                    "id": "a",
                    "decay": {"step_decay": 0.5, "every": 30},
                    "rules": [{"id": "x", "points": 1, "channel": ["email"], "campaign": "spring"}],
                },
                {"id": "b", "decay": {"linear_decay": 0.25, "every": 7}, "rules": [{"id": "y", "points": 1}]},
                {"id": "c", "window": 7, "minimum": -3, "rules": [{"id": "z", "points": -1, "minimum": -2}]},
            ],
        }
    )
    who, a, b, c = model.groups
    assert [rule.criterion for rule in who.rules if isinstance(rule, FitRule)][:4] == [
        tagged("vip"),
        field_is("plan", "pro", "team"),
        fk.attribute("tags", includes="partner"),
        fk.attribute("annual_revenue", at_least=fk.Money("1000000", "EUR")),
    ]
    assert (a.decay, b.decay, c.window, model.inactivity) == (
        step_decay(0.5, every=30),
        linear_decay(0.25, every=7),
        7,
        90,
    )
    assert model.grades is None


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"id": "m", "version": "1"}, "groups: Field required"),
        (
            {"id": "m", "version": "1", "groups": [], "colour": "red"},
            "colour: Extra inputs are not permitted",
        ),
        ({"id": "m", "version": 1, "groups": []}, "version 1 must be a non-blank string"),
        ([], "\\(definition\\): Input should be a valid dictionary"),
        ({"id": "m", "version": "1", "groups": []}, "\\(definition\\): groups must be Groups, at least one"),
        (
            {"id": "m", "version": "1", "groups": [{"id": "g", "rules": [{"id": "r", "points": "5"}]}]},
            "points",
        ),
        (
            {
                "id": "m",
                "version": "1",
                "maximum": float("nan"),
                "groups": [{"id": "g", "rules": [{"id": "r", "points": 1}]}],
            },
            "\\(definition\\): maximum=nan must be a finite number",
        ),
    ],
)
def test_bad_data_is_refused_naming_where(definition: object, message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message):
        points_model_from(definition)


def rules(*rules: dict[str, Any], **group: Any) -> dict[str, Any]:
    return {"id": "m", "version": "1", "groups": [{"id": "g", "rules": list(rules), **group}]}


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (
            rules({"id": "r", "points": 1, "one_of": ["x"]}),
            "groups.0.rules.0: one_of test a fit rule's attribute",
        ),
        (rules({"id": "r", "points": 1, "tag": "a", "role": "user"}), "also got tag"),
        (rules({"id": "r", "points": 1, "tag": "a", "kind": "visit"}), "also got kind"),
        (rules({"id": "r", "points": 1, "role": "user", "one_of": ["x"]}), "a role rule takes no one_of"),
        (rules({"id": "r", "points": 1, "field": "plan", "includes": "x"}), "a field rule takes no includes"),
        (rules({"id": "r", "points": 1, "field": "plan"}), "values \\[\\] must be strings"),
        (
            rules({"id": "r", "points": 1, "attribute": "annual_revenue", "below": {"amount": "1"}}),
            "must be a Money",
        ),
        (
            rules({"id": "r", "points": 1, "attribute": "shoe_size", "one_of": "x"}),
            "'shoe_size' is not an account",
        ),
        (
            rules(
                {
                    "id": "r",
                    "points": 1,
                    "attribute": "annual_revenue",
                    "at_least": {"amount": "x", "currency": "EUR"},
                }
            ),
            "groups.0.rules.0: amount",
        ),
        (rules({"id": "r", "points": 1}, decay={"half_life": 3, "every": 3}), "groups.0.decay: give one of"),
        (rules({"id": "r", "points": 1}, decay={"step_decay": 0.5}), "groups.0.decay: give one of"),
        (rules({"id": "r", "points": 1}, decay={}), "groups.0.decay: give one of"),
        (rules({"id": "r", "points": 1}, decay={"half_life": -3}), "groups.0.decay: days=-3"),
        (
            rules({"id": "r", "points": 1}, decay={"half_life": 3}, window=7),
            "groups.0: a group uses decay or a window",
        ),
        ({**rules({"id": "r", "points": 1}), "grades": {"fit": [1, 2, 3]}}, "grades: fit=\\(1, 2, 3\\)"),
        (rules({"id": "r", "points": 1}, {"id": "r", "points": 2}), "\\(definition\\): ids must be unique"),
    ],
)
def test_a_bad_rule_group_or_grade_in_data_is_refused_naming_where(definition: object, message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message):
        points_model_from(definition)


def test_the_schema_describes_the_definitions() -> None:
    schema = points_model_schema()
    assert sorted(schema["required"]) == ["groups", "id", "version"]  # type: ignore[call-overload]
    assert "Contribution" not in str(schema)
    assert Contribution("a", 1.0, "b").amount == 1.0
