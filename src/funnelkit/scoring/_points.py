"""Points models: fit and engagement rules in capped groups, with decay, as data.

A points model scores a subject at an explicit ``at``: fit groups give points for who the subject
is (they never decay), engagement groups give points for each touch a rule matches, faded by the
group's decay or counted only inside its window. Rules, groups and the total are each clamped to
their minimum and maximum, and whatever a clamp takes off or adds is a contribution of its own,
so the contributions always add up to the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import cast

import attrs

from funnelkit._errors import DefinitionError, InvalidInput, Problem
from funnelkit._values import Touch, check_aware
from funnelkit.qualification._criteria import EVALUATING, assessed
from funnelkit.qualification._results import Verdict
from funnelkit.scoring._decay import DAY, Decay, days, days_problem
from funnelkit.scoring._engagement import EngagementRule, Limit, limit_problems
from funnelkit.scoring._fit import KEYS, FitRule, given, text_problems
from funnelkit.scoring._grades import Grades
from funnelkit.scoring._results import Contribution, ScoreResult, summed

Rule = FitRule | EngagementRule


def _rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    given: object = rules  # typed, but definitions come from data too
    return tuple(given) if isinstance(given, Iterable) else (given,)  # type: ignore[return-value]


@attrs.frozen
class Group:
    """Rules whose total is clamped to ``minimum`` and ``maximum``: all fit rules, or all engagement rules.

    An engagement group may fade its touches' points with a ``decay``, or count only the touches of
    the last ``window`` days, not both (as HubSpot enforces). A fit group takes neither: fit never
    decays.

    Example:
        >>> import funnelkit.scoring as sc
        >>> web = sc.Group("web", [sc.EngagementRule("visit", 1, kind="visit")], maximum=20,
        ...                decay=sc.half_life(30))
        >>> web.is_fit, web.decay
        (False, half_life(30))
    """

    id: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    minimum: Limit = None
    maximum: Limit = None
    decay: Decay | None = None
    window: float | None = None
    """Count only the touches of the last ``window`` days (a touch exactly that old counts)."""

    def __attrs_post_init__(self) -> None:
        """Refuse an empty or mixed group, decay on fit, decay with a window, bad limits or days."""
        problems = text_problems(("id", self.id))
        kinds = {type(rule) for rule in self.rules}
        if not self.rules or not kinds <= {FitRule, EngagementRule}:
            problems.append("rules must be FitRules or EngagementRules, at least one")
        elif len(kinds) > 1:
            problems.append("rules must be all fit rules or all engagement rules, not both")
        elif self.is_fit and (self.decay is not None or self.window is not None):
            problems.append("a fit group takes no decay or window: fit never decays")
        if self.decay is not None and self.window is not None:
            problems.append("a group uses decay or a window, not both")
        if self.decay is not None and not callable(getattr(self.decay, "factor", None)):
            problems.append(f"decay {self.decay!r} must be a decay, such as half_life(30)")
        window = None if self.window is None else days_problem("window", self.window)
        problems += limit_problems(self.minimum, self.maximum) + ([] if window is None else [window])
        if problems:
            raise DefinitionError(f"group {self.id!r}", problems)

    @property
    def is_fit(self) -> bool:
        """Whether the group holds fit rules (else engagement rules)."""
        return isinstance(self.rules[0], FitRule)


def _cap(
    name: str, whose: str, parts: Sequence[Contribution], minimum: Limit, maximum: Limit
) -> Contribution | None:
    """The contribution that brings ``parts`` within the limits, or ``None`` if they are within."""
    raw = math.fsum(part.amount for part in parts)
    if maximum is not None and raw > maximum:
        return Contribution(name, maximum - raw, f"{whose} total {raw:.4g} capped at its maximum {maximum:g}")
    if minimum is not None and raw < minimum:
        return Contribution(name, minimum - raw, f"{whose} total {raw:.4g} raised to its minimum {minimum:g}")
    return None


def _subject(what: str, subject: object) -> object:
    if isinstance(subject, Mapping):
        return given(what, subject)
    if hasattr(subject, "account") or hasattr(subject, "touches"):
        return subject
    message = f"must be a lead, an opportunity, or a mapping with keys among {', '.join(KEYS)}"
    raise InvalidInput(what, [Problem(("subject",), message, subject)])


def _touches(subject: object, at: datetime) -> list[Touch]:
    """The subject's source touch and later touches up to ``at``, oldest first."""
    source = getattr(subject, "source", None)
    given = ([source] if isinstance(source, Touch) else []) + list(getattr(subject, "touches", ()))
    return sorted((touch for touch in given if touch.at <= at), key=lambda touch: touch.at)


def _reason(touch: Touch, age: float, rule: EngagementRule, group: Group, factor: float) -> str:
    url = f" on {touch.url}" if touch.url else ""
    reason = f"{touch.kind.value} via {touch.channel.value} {touch.campaign!r}{url}, {days(age)} ago"
    if group.decay is not None:
        reason += f": {rule.points:g} x {factor:.3g} ({group.decay})"
    if group.window is not None:
        reason += f", within the last {days(group.window)}"
    return reason


def _engaged(
    group: Group, touches: Sequence[Touch], at: datetime, caps: list[Contribution]
) -> list[Contribution]:
    parts: list[Contribution] = []
    for rule in cast("tuple[EngagementRule, ...]", group.rules):
        fired: list[Contribution] = []
        for touch in touches:
            if not rule.matches(touch):
                continue
            age = (at - touch.at).total_seconds() / DAY
            if group.window is not None and age > group.window:
                continue
            factor = 1.0 if group.decay is None else group.decay.factor(age)
            if factor > 0:
                fired.append(
                    Contribution(rule.id, rule.points * factor, _reason(touch, age, rule, group, factor))
                )
        cap = _cap(rule.id, "the rule's", fired, rule.minimum, rule.maximum)
        parts += fired if cap is None else [*fired, cap]
        caps += [] if cap is None else [cap]
    return parts


def _fitted(group: Group, subject: object) -> list[Contribution]:
    results = ((rule, assessed(rule.criterion, subject)) for rule in cast("tuple[FitRule, ...]", group.rules))
    return [
        Contribution(rule.id, rule.points, result.reason)
        for rule, result in results
        if result.verdict is Verdict.met
    ]


def _groups(groups: Iterable[Group]) -> tuple[Group, ...]:
    given: object = groups  # typed, but definitions come from data too
    return tuple(given) if isinstance(given, Iterable) else (given,)  # type: ignore[return-value]


@attrs.frozen
class PointsModel:
    """A points model: groups of fit and engagement rules, a total clamped to limits, and grades.

    It follows the :class:`Scorer` protocol. The subject is a lead, an opportunity (or another
    funnel object), or a mapping with keys among ``account``, ``contact``, ``committee``,
    ``fields``, ``tags``, ``evidence``, ``source`` and ``touches``, read as a lead's attributes.
    Its touches are its ``source`` and its ``touches``; those after ``at`` do not count.

    With ``inactivity`` (days), a gap of more than that many days without any touch starts
    engagement again from zero: only the touches after the last such gap count (none, if the gap
    runs up to ``at``). With ``grades``, the result's grade is the cell of the fit groups' total
    and the engagement groups' total, each after its groups' limits.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> import funnelkit.scoring as sc
        >>> model = sc.PointsModel("demo", "1", [
        ...     sc.Group("who", [sc.FitRule("big", 20, fk.attribute("employees", at_least=250))]),
        ...     sc.Group("did", [sc.EngagementRule("form", 10, kind="form_submission")],
        ...              decay=sc.half_life(30)),
        ... ])
        >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company, employees=300)
        >>> form = fk.Touch(fk.Channel.email, "spring", fk.TouchKind.form_submission,
        ...                 datetime(2026, 3, 1, tzinfo=timezone.utc))
        >>> result = model.score({"account": acme, "touches": [form]},
        ...                      at=datetime(2026, 3, 31, tzinfo=timezone.utc))
        >>> print(result.explain())
        demo 1: 25 points
          +20: big: employees = 300, at least 250
          +5: form: form_submission via email 'spring', 30 days ago: 10 x 0.5 (half-life 30 days)
    """

    id: str
    version: str
    groups: tuple[Group, ...] = attrs.field(converter=_groups)
    minimum: Limit = None
    maximum: Limit = None
    inactivity: float | None = None
    """Days without any touch after which engagement starts again from zero; ``None`` never."""
    grades: Grades | None = None

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id or version, no groups, an id used twice, bad limits or days."""
        problems = text_problems(("id", self.id), ("version", self.version))
        if not self.groups or not all(isinstance(group, Group) for group in self.groups):
            problems.append("groups must be Groups, at least one")
        else:
            ids = [group.id for group in self.groups] + [
                rule.id for group in self.groups for rule in group.rules
            ]
            twice = sorted({name for name in ids if ids.count(name) > 1})
            problems += (
                [f"ids must be unique among groups and rules; used twice: {', '.join(twice)}"]
                if twice
                else []
            )
        inactivity = None if self.inactivity is None else days_problem("inactivity", self.inactivity)
        problems += limit_problems(self.minimum, self.maximum) + ([] if inactivity is None else [inactivity])
        grades: object = self.grades  # typed, but definitions come from data too
        if grades is not None and not isinstance(grades, Grades):
            problems.append(f"grades {grades!r} must be Grades or None")
        if problems:
            raise DefinitionError(f"points model {self.id!r}", problems)

    def score(self, subject: object, *, at: datetime) -> ScoreResult:
        """Score ``subject`` as of ``at``, explaining each rule that fired and each clamp.

        Raises:
            InvalidInput: ``at`` is not timezone-aware, or ``subject`` is not something it can score.
            CriterionFailed: a fit criterion of your own raised, or returned something not a result.
        """
        what = f"points model {self.id!r}"
        check_aware(what, "at", at)
        seen = _subject(what, subject)
        contributions: list[Contribution] = []
        touches = self._active(_touches(seen, at), at, contributions)
        caps: list[Contribution] = []
        totals: dict[bool, list[float]] = {True: [], False: []}
        token = EVALUATING.set(f"{self.id} {self.version}")
        try:
            for group in self.groups:
                parts = _fitted(group, seen) if group.is_fit else _engaged(group, touches, at, caps)
                cap = _cap(group.id, "the group's", parts, group.minimum, group.maximum)
                parts += [] if cap is None else [cap]
                caps += [] if cap is None else [cap]
                totals[group.is_fit].append(math.fsum(part.amount for part in parts))
                contributions += parts
        finally:
            EVALUATING.reset(token)
        cap = _cap(self.id, "the model's", contributions, self.minimum, self.maximum)
        contributions += [] if cap is None else [cap]
        caps += [] if cap is None else [cap]
        grade = None
        if self.grades is not None:
            grade = self.grades.grade(math.fsum(totals[True]), math.fsum(totals[False]))
        clipped = math.fsum(part.amount for part in caps)
        return summed(self.id, self.version, 0.0, contributions, grade=grade, clipped=clipped)

    def _active(self, touches: list[Touch], at: datetime, notes: list[Contribution]) -> list[Touch]:
        """The touches after the last gap longer than ``inactivity``; a note says what was dropped."""
        if self.inactivity is None or not touches:
            return touches
        limit = self.inactivity * DAY
        times = [touch.at for touch in touches] + [at]
        start = max(
            (
                index
                for index in range(1, len(times))
                if (times[index] - times[index - 1]).total_seconds() > limit
            ),
            default=0,
        )
        if start:
            gap = f"no touch for more than {days(self.inactivity)} after {times[start - 1].isoformat()}"
            reason = f"{gap}: the {start} touches up to then count nothing"
            notes.append(Contribution("inactivity reset", 0.0, reason))
        return touches[start:]
