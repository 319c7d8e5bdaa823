"""Every kind of funnelkit value crosses into Dask worker processes and comes back equal.

The client pickles each value with every pickle protocol and with cloudpickle; a worker process
loads each copy and pickles it again the same way; the client loads what came back. Dask's own
serialisation (a value sent to a task and returned) is checked too.
"""

import enum
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any

import cloudpickle
import distributed
import pytest

import funnelkit as fk
import funnelkit.analytics as an
import funnelkit.qualification as q
import funnelkit.scoring as sc
from funnelkit import demo

AT = datetime(2026, 3, 1, tzinfo=timezone.utc)
LATER = AT + timedelta(days=30)

WAIT = 20
"""Seconds to wait for tasks: a value a worker cannot load fails the tests rather than hangs them."""

WAYS: dict[str, Callable[[object], bytes]] = {
    **{
        f"pickle{protocol}": partial(pickle.dumps, protocol=protocol)
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
    },
    "cloudpickle": cloudpickle.dumps,
}
"""Each way to pickle a value, by name: every protocol of the standard library, and cloudpickle."""

TRAVELS = [*WAYS, "dask"]
"""How a value travels to a worker and back: pickled one of WAYS by the client, or by Dask itself."""


# pytest imports this module by path, so a worker process cannot import it to find a function by
# name. The functions a worker runs are local, and Dask sends them with their code: it falls back
# to cloudpickle for what plain pickle cannot name.


def reload_task() -> Callable[[str, bytes], tuple[int, bytes]]:
    """A task that loads a payload, pickles the copy again the same way and says which process ran it."""

    def reload(way: str, payload: bytes) -> tuple[int, bytes]:
        return os.getpid(), WAYS[way](pickle.loads(payload))

    return reload


def identity_task() -> Callable[[Any], Any]:
    """A task that hands its argument back, for Dask to serialise both ways."""

    def identity(value: Any) -> Any:  # no TypeVar: the worker would import this module to load it
        return value

    return identity


# --- the values --------------------------------------------------------------------------------


def events_of(subjects: Iterable[Any]) -> list[fk.Event]:
    return [event for subject in subjects for event in subject.history]


FUNNEL = demo.simulate(7, 100)
PROSPECT, LEAD, OPPORTUNITY, CLIENT = (
    FUNNEL.prospects[0],
    FUNNEL.leads[0],
    FUNNEL.opportunities[0],
    FUNNEL.clients[0],
)
EVENTS = events_of([*FUNNEL.prospects, *FUNNEL.leads, *FUNNEL.opportunities, *FUNNEL.clients])

ACME = fk.Account("acme", "Acme Ltd", fk.AccountKind.company, segment="smb", territory="EMEA", employees=300)
ADA = fk.Contact("Ada Byron", "ada@acme.example", fk.ContactRole.decision_maker)
TOUCH = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, AT, url="/pricing")
SCORED_LEAD = fk.Lead.create("L-scored", account=ACME, contact=ADA, source=TOUCH, at=AT).engage(
    at=AT + timedelta(days=3),
    touch=fk.Touch(fk.Channel.email, "news", fk.TouchKind.click, AT + timedelta(days=3)),
)

F = fk.ForecastCategory
SELF_SERVE = fk.Pipeline(
    "self-serve",
    (
        fk.Stage("trial", Decimal("0.2"), F.pipeline),
        fk.Stage("usage", None, F.best_case),
        fk.Stage("quote", Decimal("0.7"), F.commit),
    ),
    allow_skip=True,
    allow_back=False,
    reopen_to="usage",
)
SELF_SERVE_DEAL = fk.Opportunity.create(
    "O-self-serve", account=ACME, at=AT, pipeline=SELF_SERVE, amount=fk.Money("1200.00", "EUR")
).skip(at=LATER, to="quote")

HISTORY = [
    {"channel": "search", "account.segment": "smb", "stage": "discovery", "touches": 2},
    {"channel": "email", "account.segment": "enterprise", "stage": "proof", "touches": 5},
    {"channel": "search", "account.segment": "enterprise", "stage": "negotiation", "touches": 1},
    {"channel": "social", "account.segment": "smb", "stage": "discovery", "touches": 0},
]
WON = [True, False, True, False]
STAGES = [stage.value for stage in fk.DEFAULT_PIPELINE.stages]

WHO = sc.Group(
    "who",
    [
        sc.FitRule("mid-market", 20, fk.attribute("employees", at_least=50, below=1000)),
        sc.FitRule("buyer", 15, sc.role("decision_maker", "economic_buyer")),
        sc.FitRule("partner", 5, sc.tagged("partner")),
        sc.FitRule("plan", 5, sc.field_is("plan", "pro")),
        sc.FitRule("budget", 10, q.fact("budget", "Is there a budget?")),
    ],
    maximum=40,
)
POINTS = sc.PointsModel(
    "inbound",
    "3",
    [
        WHO,
        sc.Group("web", [sc.EngagementRule("pricing", 5, url_contains="/pricing")], decay=sc.half_life(30)),
        sc.Group(
            "forms",
            [sc.EngagementRule("form", 10, kind="form_submission")],
            decay=sc.step_decay(0.5, every=30),
        ),
        sc.Group(
            "mail", [sc.EngagementRule("click", 3, channel="email")], decay=sc.linear_decay(0.1, every=7)
        ),
        sc.Group("events", [sc.EngagementRule("webinar", 15, kind="webinar")], window=90),
    ],
    maximum=100,
    inactivity=120,
    grades=sc.Grades(fit=(35, 20, 10), engagement=(30, 15, 5)),
)
POINTS_FROM_DATA = sc.points_model_from(
    {
        "id": "inbound",
        "version": "5",
        "groups": [
            {"id": "who", "rules": [{"id": "smb", "points": 20, "attribute": "segment", "one_of": ["smb"]}]},
            {
                "id": "web",
                "decay": {"step_decay": 0.5, "every": 30},
                "rules": [{"id": "form", "points": 10, "kind": "form_submission"}],
            },
        ],
    }
)
NAIVE_BAYES = sc.NaiveBayesScorer.fit(HISTORY, WON, segment_field="account.segment")
LOGISTIC = sc.LogisticScorer.fit(HISTORY, WON, l2=1.0)
SCORER_REGISTRY = sc.Registry()
SCORER_REGISTRY.add(NAIVE_BAYES)
SCORER_REGISTRY.add(POINTS)

SCORERS: dict[str, Any] = {
    "points model with decays, window and grades": POINTS,
    "points model from data": POINTS_FROM_DATA,
    "naive Bayes per segment": NAIVE_BAYES,
    "frequencies": sc.FrequencyScorer.fit(HISTORY, WON, stage_order=STAGES),
    "logistic": LOGISTIC,
    "combined": sc.Combined([(NAIVE_BAYES, 0.5), (LOGISTIC, 0.3), (POINTS, 0.2)]),
}
"""Every kind of scorer funnelkit.scoring offers: after the trip each scores a lead the same."""

EVIDENCE = q.Evidence(
    (
        q.Fact("budget", fk.Money("50000.00", "EUR"), "call with CFO", AT, 2),
        q.Fact("need", "slow invoicing", "discovery call", AT),
        q.Fact("authority", False, "email", AT, 1),
        q.Fact("pain", "manual work", "demo", AT, 3),
    )
)
FRAMEWORKS: dict[str, q.Framework] = {
    "BANT": q.bant(),
    "BANT graded": q.bant("graded"),
    "MEDDPICC": q.meddpicc(1),
    "framework from data": q.Registry.with_builtins().define(
        {
            "id": "partner-deal",
            "version": "3",
            "policy": {
                "all_of": [
                    {"knock_out": "need"},
                    {"any_of": ["budget", "funds"], "unknown": "ignore"},
                    {"at_least": 2, "of": ["authority", "timeline", "champion"]},
                    {
                        "weighted": [
                            {"criterion": "pain", "weight": 2},
                            {"criterion": "metrics", "weight": 1},
                        ],
                        "threshold": "0.5",
                    },
                ]
            },
            "milestones": {"discover": ["pain"], "prove": ["need", "budget"]},
        }
    ),
}
"""Qualification frameworks: after the trip each evaluates the evidence the same."""


def accumulator() -> an.Accumulator:
    return an.Accumulator(by=("kind",), costs=demo.COSTS).add_all(EVENTS)


def merged_accumulator() -> an.Accumulator:
    """Two accumulators on slices of the events split by object, merged: they share their records."""
    prospects = an.Accumulator(by=("kind",), costs=demo.COSTS).add_all(events_of(FUNNEL.prospects))
    others = an.Accumulator(by=("kind",), costs=demo.COSTS)
    others.add_all(events_of([*FUNNEL.leads, *FUNNEL.opportunities, *FUNNEL.clients]))
    return prospects.merge(others)


def change_accumulator() -> an.ChangeAccumulator:
    return an.ChangeAccumulator(start=AT, end=AT + timedelta(days=365), basis="weighted").add_all(EVENTS)


LATE_EVENTS = events_of([SCORED_LEAD, SELF_SERVE_DEAL])
"""Events of objects no accumulator has seen, to add after the trip."""

ACCUMULATORS: dict[str, Callable[[], Any]] = {
    "Accumulator": accumulator,
    "Accumulator after a merge": merged_accumulator,
    "ChangeAccumulator": change_accumulator,
}
"""Accumulators with events added: after the trip each reports the same, and takes more events."""


def raised(attempt: Callable[[], object]) -> fk.FunnelError:
    with pytest.raises(fk.FunnelError) as caught:
        attempt()
    return caught.value


ENUM_MEMBERS: dict[str, tuple[enum.Enum, ...]] = {
    kind.__name__: tuple(kind)
    for kind in (
        fk.AccountKind,
        fk.BuyerStage,
        fk.Channel,
        fk.ClientStatus,
        fk.ContactRole,
        fk.ForecastCategory,
        fk.LeadStatus,
        fk.ProspectStatus,
        fk.TouchKind,
        q.Outcome,
        q.UnknownMode,
        q.Verdict,
    )
}
"""Every member of every enum, by the enum's name: each must come back as itself."""

VALUES: dict[str, object] = {
    "Prospect": PROSPECT,
    "Lead": LEAD,
    "Opportunity": OPPORTUNITY,
    "Client": CLIENT,
    "Prospect events": PROSPECT.history,
    "Lead events": LEAD.history,
    "Opportunity events": OPPORTUNITY.history,
    "Client events": CLIENT.history,
    "Money": fk.Money("1234.50", "EUR"),
    "Account": ACME,
    "Contact": ADA,
    "Touch": TOUCH,
    "custom Pipeline": SELF_SERVE,
    "Opportunity on the custom pipeline": SELF_SERVE_DEAL,
    "its stage": SELF_SERVE_DEAL.status,
    "default Pipeline": fk.DEFAULT_PIPELINE,
    **SCORERS,
    "ScoreResult": POINTS.score(SCORED_LEAD, at=LATER),
    "MqlPolicy": sc.MqlPolicy(POINTS, min_score=30, min_grade="B"),
    "Recommendation": sc.MqlPolicy(POINTS, min_score=30, min_grade="B").recommend(SCORED_LEAD, at=LATER),
    "scoring Registry": SCORER_REGISTRY,
    **FRAMEWORKS,
    "Evidence": EVIDENCE,
    "QualificationResult": q.meddpicc().evaluate(EVIDENCE),
    "qualification Registry": q.Registry.with_builtins(),
    **{name: build() for name, build in ACCUMULATORS.items()},
    "Report": an.report(EVENTS, by=("channel",)),
    "PipelineChange": an.pipeline_change(
        EVENTS, start=AT, end=AT + timedelta(days=365), window=(date(2026, 1, 1), date(2027, 1, 1))
    ),
    "InvalidInput": raised(lambda: an.report(EVENTS, period="decade")),
    "TransitionNotAllowed": raised(lambda: SELF_SERVE_DEAL.move_back(at=LATER)),
    "DefinitionError": raised(lambda: fk.Pipeline("broken", ())),
    "CurrencyMismatch": raised(lambda: fk.Money(1, "EUR") + fk.Money(1, "USD")),
}
"""One value of each kind, by name."""


# --- the cluster --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[distributed.Client]:
    """Two single-threaded worker processes and a client of them, for this module's tests."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            local_directory=tmp_path_factory.mktemp("dask"),
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


Trip = distributed.Future[Any]
"""A value on its way through a worker."""

Trips = dict[tuple[str, str], Trip | Exception]
"""Values on their way, by name and way; or the error of a value the client could not pickle."""


def send(client: distributed.Client, value: object, way: str) -> Trip:
    """Send ``value`` to a worker process ``way``; the future is of what the worker sends back.

    Pickled, the client pickles it and the worker loads it and pickles the copy again; by Dask, it
    is a task's argument, and the task's result.
    """
    if way == "dask":
        return client.submit(identity_task(), value, pure=False)
    return client.submit(reload_task(), way, WAYS[way](value), pure=False)


def receive(trip: Trip, way: str) -> Any:
    """The copy that came back from a trip ``way``."""
    if way == "dask":
        return trip.result(timeout=WAIT)
    pid, payload = trip.result(timeout=WAIT)
    assert pid != os.getpid()  # the copy was made in another process
    return pickle.loads(payload)


@pytest.fixture(scope="module")
def trips(client: distributed.Client) -> Trips:
    """Every value of VALUES and ENUM_MEMBERS sent every way, all at once: one by one is five times slower.

    A value the client cannot pickle one way keeps the error, for the tests of that trip to raise.
    """
    sent: Trips = {}
    for name, value in [*VALUES.items(), *ENUM_MEMBERS.items()]:
        for way in TRAVELS:
            try:
                sent[name, way] = send(client, value, way)
            except Exception as refused:  # noqa: BLE001 - whatever it is, the test of this trip raises it
                sent[name, way] = refused
    distributed.wait([trip for trip in sent.values() if isinstance(trip, distributed.Future)], timeout=WAIT)
    return sent


@pytest.fixture(params=TRAVELS)
def way(request: pytest.FixtureRequest) -> str:
    """Each way a value travels, in turn."""
    chosen: str = request.param
    return chosen


def came_back(trips: Trips, name: str, way: str) -> Any:
    """The copy of the value called ``name`` that came back from a worker process, travelling ``way``."""
    trip = trips[name, way]
    if isinstance(trip, Exception):
        raise trip
    return receive(trip, way)


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUES)
def test_values_come_back_equal_and_of_the_same_type(trips: Trips, way: str, name: str) -> None:
    value = VALUES[name]
    again = came_back(trips, name, way)
    assert type(again) is type(value)
    assert again == value


@pytest.mark.parametrize("name", ENUM_MEMBERS)
def test_enum_members_come_back_as_themselves(trips: Trips, way: str, name: str) -> None:
    members = ENUM_MEMBERS[name]
    again = came_back(trips, name, way)
    assert len(again) == len(members)
    assert all(back is member for back, member in zip(again, members, strict=True))


@pytest.mark.parametrize("name", ["Prospect", "Lead", "Opportunity", "Client"])
def test_funnel_objects_keep_their_status_and_can_go_on(trips: Trips, way: str, name: str) -> None:
    subject: Any = VALUES[name]
    again = came_back(trips, name, way)
    if isinstance(subject, fk.Opportunity):  # a deal's status is a stage of its pipeline: a value
        assert again.status == subject.status
        assert again.status.forecast_category is subject.status.forecast_category
    else:
        assert again.status is subject.status
    assert again.allowed_events() == subject.allowed_events()
    assert again.history == subject.history


def test_a_deal_on_a_custom_pipeline_follows_it(trips: Trips, way: str) -> None:
    again = came_back(trips, "Opportunity on the custom pipeline", way)
    assert again.pipeline == SELF_SERVE
    assert again.status == SELF_SERVE.stages[-1]
    assert again.allowed_events() == SELF_SERVE_DEAL.allowed_events()
    assert again.win(at=LATER, client_id="C-9") == SELF_SERVE_DEAL.win(at=LATER, client_id="C-9")


@pytest.mark.parametrize("name", SCORERS)
def test_scorers_score_a_lead_the_same(trips: Trips, way: str, name: str) -> None:
    again = came_back(trips, name, way)
    assert again.score(SCORED_LEAD, at=LATER) == SCORERS[name].score(SCORED_LEAD, at=LATER)


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_frameworks_evaluate_the_same(trips: Trips, way: str, name: str) -> None:
    framework = FRAMEWORKS[name]
    again = came_back(trips, name, way)
    assert again.evaluate(EVIDENCE) == framework.evaluate(EVIDENCE)
    assert again.requirement("prove") == framework.requirement("prove")


@pytest.mark.parametrize("name", ACCUMULATORS)
def test_accumulators_report_the_same_and_go_on_adding(
    client: distributed.Client, way: str, name: str
) -> None:
    built = ACCUMULATORS[name]()
    again = receive(send(client, built, way), way)  # its own copy, to change
    assert again.report() == built.report()
    again.add_all(LATE_EVENTS)
    built.add_all(LATE_EVENTS)
    assert again.report() == built.report()
    assert again == built
