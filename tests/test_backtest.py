"""Back-testing: learn before the cut, score what was open at the cut, judge by what happened next."""

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import funnelkit as fk
import funnelkit.scoring as sc

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
CUT = START + timedelta(days=100)
UNTIL = START + timedelta(days=200)


def deal(n: int, segment: str, opened: int, closed: int | None, won: bool) -> fk.Opportunity:
    account = fk.Account(f"A-{n}", f"A {n}", fk.AccountKind.company, segment=segment)
    opportunity = fk.Opportunity.create(f"O-{n}", account=account, at=START + timedelta(days=opened))
    if closed is None:
        return opportunity
    at = START + timedelta(days=closed)
    return opportunity.win(at=at, client_id=f"C-{n}").source if won else opportunity.lose(at=at, reason="no")


def history() -> list[fk.Opportunity]:
    # enterprise deals tend to be won, smb deals lost, before and after the cut
    before = [deal(n, "enterprise" if n % 3 else "smb", n, 50 + n, won=bool(n % 3)) for n in range(30)]
    after = [
        deal(100 + n, "enterprise" if n % 2 else "smb", 60 + n, 120 + n, won=bool(n % 2)) for n in range(20)
    ]
    still_open = [deal(200, "smb", 10, None, won=False), deal(201, "enterprise", 150, 160, won=True)]
    return [*before, *after, *still_open]


def test_a_segment_that_predicts_the_outcome_ranks_perfectly() -> None:
    result = sc.backtest(history(), sc.NaiveBayesScorer.fit, cut=CUT, until=UNTIL, k=5)
    assert (result.trained, result.scored, result.won) == (30, 20, 10)
    assert result.auc == 1.0
    assert result.precision == 1.0
    assert result.brier is not None
    assert result.brier < 0.25
    assert sum(b.count for b in result.calibration) == 20
    assert result.summary().startswith(
        "naive_bayes: learned from 30 closed by 2026-04-11, scored 20 open then and closed by 2026-07-20 "
        "(10 won): AUC 1.000, precision at 5 1.000, Brier "
    )


def test_nothing_after_the_cut_reaches_the_scorer() -> None:
    seen: list[Any] = []

    def learn(examples: Any, outcomes: Any) -> sc.NaiveBayesScorer:
        seen.extend(examples)
        return sc.NaiveBayesScorer.fit(examples, outcomes)

    sc.backtest(history(), learn, cut=CUT, until=UNTIL)
    assert len(seen) == 30
    assert {example["account.segment"] for example in seen} == {"enterprise", "smb"}


def test_age_reads_each_training_example_early() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    account = fk.Account("A", "A", fk.AccountKind.company)
    opened = [fk.Opportunity.create(f"O-{n}", account=account, at=start) for n in range(4)]
    later = start + timedelta(days=20)
    deals = [
        opened[0]
        .advance(at=start + timedelta(days=1))
        .win(at=start + timedelta(days=2), client_id="C-0")
        .source,
        opened[1].lose(at=start + timedelta(days=2), reason="pricing"),
        opened[2].lose(at=later, reason="pricing"),
        opened[3].win(at=later, client_id="C-3").source,
    ]
    statuses: dict[object, set[object]] = {}

    def learn(examples: Any, outcomes: Any) -> sc.NaiveBayesScorer:
        statuses.setdefault(len(statuses), {example["status"] for example in examples})
        return sc.NaiveBayesScorer.fit([{"x": 1}] * len(outcomes), outcomes)

    cut, until = start + timedelta(days=10), start + timedelta(days=30)
    sc.backtest(deals, learn, cut=cut, until=until)
    sc.backtest(deals, learn, cut=cut, until=until, age=timedelta(0))
    assert statuses == {0: {"evaluation", "discovery"}, 1: {"discovery"}}  # just before closing; as created


class Points:
    """A scorer without probabilities: the Brier score and calibration are left out."""

    id = "points"
    version = "1"

    def score(self, subject: Any, *, at: datetime) -> sc.ScoreResult:  # noqa: ARG002 - the protocol's
        value = 10.0 if subject.account.segment == "enterprise" else 0.0
        return sc.ScoreResult(self.id, self.version, value, 0.0, (sc.Contribution("segment", value, "x"),))


def test_a_scorer_without_probabilities_and_a_one_sided_test_set() -> None:
    one_sided = [d for d in history() if d.id != "O-100" and (int(d.id[2:]) < 100 or int(d.id[2:]) % 2)]
    result = sc.backtest(one_sided, lambda _e, _o: Points(), cut=CUT, until=UNTIL, k=50)
    assert (result.auc, result.brier, result.calibration, result.k) == (None, None, (), result.scored)
    assert "AUC n/a" in result.summary()
    assert "Brier" not in result.summary()


def test_a_points_model_is_back_tested_on_the_objects_as_they_stood() -> None:
    model = sc.PointsModel(
        "segment-points",
        "1",
        [sc.Group("who", [sc.FitRule("big", 10, fk.attribute("segment", one_of="enterprise"))])],
    )
    by_model = sc.backtest(history(), lambda _e, _o: model, cut=CUT, until=UNTIL)
    by_hand = sc.backtest(history(), lambda _e, _o: Points(), cut=CUT, until=UNTIL)
    assert by_model.scorer == "segment-points"
    assert (by_model.scored, by_model.won, by_model.auc) == (by_hand.scored, by_hand.won, by_hand.auc)
    assert by_model.auc is not None


@pytest.mark.parametrize(
    ("cut", "until", "message"),
    [
        (datetime(2026, 4, 1), UNTIL, "cut: must be a timezone-aware datetime"),  # noqa: DTZ001 - the point
        (CUT, CUT, "until: must be after the cut"),
        (CUT, CUT + timedelta(seconds=1), "nothing open at the cut closed by then"),
    ],
)
def test_bad_input_is_named(cut: Any, until: Any, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        sc.backtest(history(), sc.NaiveBayesScorer.fit, cut=cut, until=until)
