"""Every built-in scorer keeps the Scorer contract, proved by the suite users run on their own."""

from datetime import datetime, timezone

import pytest
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc
from funnelkit.testing import ScorerContract

HISTORY = [
    {"channel": "search", "account.segment": "smb", "stage": "discovery", "touches": 2},
    {"channel": "email", "account.segment": "enterprise", "stage": "proof", "touches": 5},
    {"channel": "search", "account.segment": "enterprise", "stage": "negotiation", "touches": 1},
    {"channel": "social", "account.segment": "smb", "stage": "discovery", "touches": 0},
]
WON = [True, False, True, False]
STAGES = [stage.value for stage in fk.DEFAULT_PIPELINE.stages]


class TestNaiveBayes(ScorerContract):
    scorer = sc.NaiveBayesScorer.fit(HISTORY, WON, segment_field="account.segment")


class TestFrequencies(ScorerContract):
    scorer = sc.FrequencyScorer.fit(
        [{k: v for k, v in e.items() if k != "touches"} for e in HISTORY], WON, stage_order=STAGES
    )


class TestLogistic(ScorerContract):
    scorer = sc.LogisticScorer.fit(HISTORY, WON, l2=1.0)


class TestPoints(ScorerContract):
    scorer = sc.PointsModel(
        "contract",
        "1",
        [
            sc.Group("who", [sc.FitRule("smb", 10, fk.attribute("segment", one_of="smb"))], maximum=5),
            sc.Group(
                "what",
                [
                    sc.EngagementRule("form", 10, kind="form_submission"),
                    sc.EngagementRule("click", -3, kind="click"),
                ],
                decay=sc.half_life(14),
            ),
        ],
        maximum=12,
        grades=sc.Grades(),
    )


class TestCombined(ScorerContract):
    scorer = sc.Combined([(TestNaiveBayes.scorer, 0.5), (TestLogistic.scorer, 0.5)])


ACME = fk.Account("a", "A", fk.AccountKind.company)
OPENED = datetime(2026, 1, 1, tzinfo=timezone.utc)
WON_DEAL = fk.Opportunity.create("O-9", account=ACME, at=OPENED).win(at=OPENED, client_id="C-9").source


class TestARefusalSaysWhyAndIsTheSameEveryTime(ScorerContract):
    """A frequency scorer refuses a won deal's stage: the contract accepts a named refusal."""

    scorer = TestFrequencies.scorer
    subjects = st.just(WON_DEAL)


def test_the_frequency_scorer_refuses_a_stage_outside_its_order() -> None:
    with pytest.raises(fk.InvalidInput, match="got 'won'"):
        TestFrequencies.scorer.score(WON_DEAL, at=datetime(2026, 1, 3, tzinfo=timezone.utc))


def test_a_probability_takes_features_and_names_anything_else() -> None:
    lead = fk.Lead.create(
        "L-1",
        account=fk.Account("a", "A", fk.AccountKind.company),
        source=fk.Touch(
            fk.Channel.search,
            "brand",
            fk.TouchKind.form_submission,
            datetime(2026, 1, 1, tzinfo=timezone.utc),
        ),
        at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )
    stages = ["new", "won"]
    scorers: list[sc.NaiveBayesScorer | sc.LogisticScorer | sc.FrequencyScorer] = [
        sc.NaiveBayesScorer.fit([{"a": 1}, {"a": 2}], [True, False]),
        sc.LogisticScorer.fit([{"a": "x"}, {"a": "y"}], [True, False]),
        sc.FrequencyScorer.fit(
            [{"stage": "new", "a": 1}, {"stage": "won", "a": 2}], [False, True], stage_order=stages
        ),
    ]
    for scorer in scorers:
        with pytest.raises(fk.InvalidInput, match=r"example: must be a mapping of features; score a lead"):
            scorer.probability(lead)  # type: ignore[arg-type]
