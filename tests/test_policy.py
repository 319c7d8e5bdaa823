"""The MQL policy recommends, with its reasons, and performs nothing."""

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
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


POLICY = sc.MqlPolicy(MODEL, min_score=60, min_grade="B")


def test_a_lead_the_policy_recommends_is_marked_and_its_event_keeps_the_recommendation() -> None:
    ready = lead("smb").work(at=AT)
    marked = ready.mark_marketing_qualified(at=AT, policy=POLICY)
    assert marked.status is fk.LeadStatus.marketing_qualified
    stored = marked.history[-1].payload["recommendation"]
    assert stored == POLICY.recommend(ready, at=AT)
    assert stored.result == MODEL.score(ready, at=AT)
    assert stored.reason == "score 70 is at least 60; grade A1: fit A is at least B"
    assert [type(part.amount) for part in stored.result.contributions] == [float, float]  # 30 points: 30.0


def test_a_lead_the_policy_would_nurture_is_refused_with_its_reasons_and_unchanged() -> None:
    unready = lead("enterprise").work(at=AT)
    with pytest.raises(fk.TransitionNotAllowed) as refused:
        unready.mark_marketing_qualified(at=AT, policy=POLICY)
    message = str(refused.value)
    assert "policy_agrees: policy 'mql' recommends nurture: score 40 is below 60; grade D1" in message
    assert unready.version == 2
    assert unready.status is fk.LeadStatus.working
    advice = POLICY.recommend(unready, at=AT)
    nurtured = unready.nurture(at=AT, reason=advice.reason)
    assert nurtured.reason == "score 40 is below 60; grade D1: fit D is below B"


def test_without_a_policy_marking_is_a_persons_call() -> None:
    marked = lead("enterprise").mark_marketing_qualified(at=AT)
    assert marked.history[-1].payload == {"recommendation": None}


@attrs.frozen
class Always:
    """A policy of your own: it recommends ``command`` whatever the score."""

    command: str | None
    id: str = "always"

    def recommend(self, subject: fk.Lead, *, at: datetime) -> sc.Recommendation:
        return sc.Recommendation(self.id, self.command, ("house rule",), MODEL.score(subject, at=at))


def test_a_policy_of_your_own_guards_the_mql_too() -> None:
    assert isinstance(Always("nurture"), sc.Policy)
    assert lead("enterprise").mark_marketing_qualified(at=AT, policy=Always(QUALIFY)).version == 2
    for command, says in (("nurture", "recommends nurture: house rule"), (None, "recommends neither")):
        with pytest.raises(fk.TransitionNotAllowed, match=says):
            lead("smb").mark_marketing_qualified(at=AT, policy=Always(command))


QUALIFY = "mark_marketing_qualified"


@attrs.frozen
class Broken:
    """A policy of your own that does not answer with a recommendation."""

    id: str = "broken"

    def recommend(self, lead: fk.Lead, *, at: datetime) -> object:  # noqa: ARG002 - the protocol's
        return "yes"


def test_a_policy_argument_that_is_not_a_policy_or_answers_wrongly_is_refused() -> None:
    with pytest.raises(fk.InvalidInput, match="policy: must be a Policy or None"):
        lead("smb").mark_marketing_qualified(at=AT, policy=MODEL)  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match="policy: must recommend with a Recommendation"):
        lead("smb").mark_marketing_qualified(at=AT, policy=Broken())  # type: ignore[arg-type]


def test_a_status_that_does_not_allow_an_mql_is_said_before_the_policy_argument() -> None:
    marked = lead("smb").mark_marketing_qualified(at=AT)
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'mark_marketing_qualified'"):
        marked.mark_marketing_qualified(at=AT, policy=MODEL)  # type: ignore[arg-type]


def test_the_recommendation_survives_json_and_a_tampered_score_does_not_load() -> None:
    marked = lead("smb").mark_marketing_qualified(at=AT, policy=POLICY)
    stored = json.loads(json.dumps(fk.dump(marked)))
    assert fk.load(fk.Lead, stored) == marked
    result = stored["history"][-1]["payload"]["recommendation"]["result"]
    for wrong, says in (("70", "valid number"), (True, "valid number"), (71.0, "must equal the baseline")):
        tampered = copy.deepcopy(stored)
        tampered["history"][-1]["payload"]["recommendation"]["result"] = {**result, "value": wrong}
        with pytest.raises(fk.InvalidInput, match=says):
            fk.load(fk.Lead, tampered)
    nurtured = copy.deepcopy(stored)
    nurtured["history"][-1]["payload"]["recommendation"]["command"] = "nurture"
    with pytest.raises(fk.InvalidInput, match="'mark_marketing_qualified' from 'new' leads to None"):
        fk.load(fk.Lead, nurtured)
