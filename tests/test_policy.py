"""The MQL policy recommends, with its reasons, and performs nothing."""

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import funnelkit as fk
import funnelkit.scoring as sc

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
MODEL = sc.PointsModel(
    "inbound",
    "1",
    [
        sc.Group("who", [sc.FitRule("smb", 30, fk.attribute("segment", one_of="smb"))]),
        sc.Group("what", [sc.EngagementRule("form", 40, kind="form_submission")]),
    ],
    grades=sc.Grades(fit=(30, 20, 10), engagement=(40, 20, 10)),
)


def lead(segment: str, kind: fk.TouchKind = fk.TouchKind.form_submission) -> fk.Lead:
    source = fk.Touch(fk.Channel.search, "brand", kind, AT)
    account = fk.Account("a", "A", fk.AccountKind.company, segment=segment)
    return fk.Lead.create("L-1", account=account, source=source, at=AT)


def test_a_ready_lead_is_recommended_for_mql_and_nothing_is_done() -> None:
    ready = lead("smb")
    advice = sc.MqlPolicy(MODEL, min_score=60, min_grade="B").recommend(ready, at=AT)
    assert advice.command == "mark_marketing_qualified"
    assert advice.result == MODEL.score(ready, at=AT)
    assert ready.version == 1


def test_a_lead_short_of_the_score_or_grade_is_nurtured_saying_why() -> None:
    policy = sc.MqlPolicy(MODEL, min_score=60, min_grade="A", id="strict")
    advice = policy.recommend(lead("enterprise"), at=AT)
    assert advice.command == "nurture"
    assert advice.reasons == ("score 40 is below 60", "grade D1: fit D is below A")
    later = policy.recommend(lead("smb"), at=AT + timedelta(days=1))
    assert later.command == "mark_marketing_qualified"


def test_a_status_that_allows_neither_says_so() -> None:
    qualified = lead("smb").mark_marketing_qualified(at=AT)
    advice = sc.MqlPolicy(MODEL, min_score=60).recommend(qualified, at=AT)
    assert advice.command is None
    assert advice.reasons[-1] == "status 'marketing_qualified' does not allow mark_marketing_qualified"


def test_a_scorer_without_grades_cannot_pass_a_grade() -> None:
    bayes = sc.NaiveBayesScorer.fit([{"channel": "search"}, {"channel": "email"}], [True, False])
    advice = sc.MqlPolicy(bayes, min_score=-10, min_grade="C").recommend(lead("smb"), at=AT)
    assert advice.command == "nurture"
    assert advice.reasons[-1] == "the score has no grade, and the policy asks for at least C"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scorer": "points", "min_score": 1}, "is not a scorer"),
        ({"scorer": MODEL, "min_score": float("nan")}, "min_score=nan must be a finite number"),
        ({"scorer": MODEL, "min_score": 1, "min_grade": "E"}, "min_grade='E' must be one of A, B, C, D"),
    ],
)
def test_a_policy_that_could_not_judge_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message):
        sc.MqlPolicy(**options)


def test_only_a_lead_is_judged() -> None:
    with pytest.raises(fk.InvalidInput, match="lead: must be a Lead"):
        sc.MqlPolicy(MODEL, min_score=1).recommend("L-1", at=AT)  # type: ignore[arg-type]
