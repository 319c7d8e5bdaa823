"""The MQL policy: when a lead's score and grade say it is ready for sales, recommend the command."""

from __future__ import annotations

import math
from datetime import datetime

import attrs

from funnelkit._errors import DefinitionError, InvalidInput, Problem
from funnelkit._lead import Lead
from funnelkit._scores import NURTURE, QUALIFY, Recommendation
from funnelkit.scoring._results import Scorer

LETTERS = "ABCD"
"""Fit letters, best first."""


def _check(policy: MqlPolicy) -> None:
    faults = []
    scorer: object = policy.scorer  # typed, but definitions come from data too
    if not isinstance(scorer, Scorer):
        faults.append(f"scorer={scorer!r} is not a scorer (it needs id, version and score)")
    threshold: object = policy.min_score
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        faults.append(f"min_score={threshold!r} must be a finite number")
    if policy.min_grade is not None and policy.min_grade not in LETTERS:
        faults.append(f"min_grade={policy.min_grade!r} must be one of {', '.join(LETTERS)}, or None")
    if faults:
        raise DefinitionError(f"MQL policy {policy.id!r}", faults)


@attrs.frozen
class MqlPolicy:
    """Marketing qualification as data: a score of at least ``min_score``, a fit of at least ``min_grade``.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> import funnelkit.scoring as sc
        >>> at = datetime(2026, 6, 1, tzinfo=timezone.utc)
        >>> model = sc.PointsModel("inbound", "1", [
        ...     sc.Group("who", [sc.FitRule("smb", 30, fk.attribute("segment", one_of="smb"))]),
        ...     sc.Group("what", [sc.EngagementRule("form", 40, kind="form_submission")]),
        ... ], grades=sc.Grades(fit=(30, 20, 10), engagement=(40, 20, 10)))
        >>> source = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, at)
        >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company, segment="smb")
        >>> lead = fk.Lead.create("L-1", account=acme, source=source, at=at)
        >>> advice = sc.MqlPolicy(model, min_score=60, min_grade="B").recommend(lead, at=at)
        >>> advice.command, advice.reasons
        ('mark_marketing_qualified', ('score 70 is at least 60', 'grade A1: fit A is at least B'))
    """

    scorer: Scorer
    min_score: float
    min_grade: str | None = None
    """The lowest fit letter (``"A"`` best) that may qualify; ``None`` for any."""
    id: str = "mql"

    def __attrs_post_init__(self) -> None:
        """Refuse a policy that could not judge."""
        _check(self)

    def recommend(self, lead: Lead, *, at: datetime) -> Recommendation:
        """Score ``lead`` at ``at`` and say whether to mark it marketing-qualified or nurture it."""
        if not isinstance(lead, Lead):
            raise InvalidInput(
                f"MQL policy {self.id!r} cannot judge", [Problem(("lead",), "must be a Lead", lead)]
            )
        result = self.scorer.score(lead, at=at)
        passes = result.value >= self.min_score
        reasons = [f"score {result.value:g} is {'at least' if passes else 'below'} {self.min_score:g}"]
        if self.min_grade is not None:
            letter = (result.grade or "?")[0]
            good = letter in LETTERS and LETTERS.index(letter) <= LETTERS.index(self.min_grade)
            if result.grade is None:
                reasons.append(f"the score has no grade, and the policy asks for at least {self.min_grade}")
            else:
                words = "is at least" if good else "is below"
                reasons.append(f"grade {result.grade}: fit {letter} {words} {self.min_grade}")
            passes = passes and good
        wanted = QUALIFY if passes else NURTURE
        if wanted in lead.allowed_events():
            return Recommendation(self.id, wanted, tuple(reasons), result)
        reasons.append(f"status {lead.status.value!r} does not allow {wanted}")
        return Recommendation(self.id, None, tuple(reasons), result)
