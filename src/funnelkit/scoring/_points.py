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
from funnelkit.scoring._points_values import Plan, clamp, restart, touches_until
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
    if minimum is None and maximum is None:
        return None
    raw = math.fsum(part.amount for part in parts)
    amount = clamp(raw, minimum, maximum)
    if amount is None:
        return None
    capped = maximum is not None and raw > maximum
    said = f"capped at its maximum {maximum:g}" if capped else f"raised to its minimum {minimum:g}"
    return Contribution(name, amount, f"{whose} total {raw:.4g} {said}")


def _subject(what: str, subject: object) -> object:
    if isinstance(subject, Mapping):
        return given(what, subject)
    if hasattr(subject, "account") or hasattr(subject, "touches"):
        return subject
    message = f"must be a lead, an opportunity, or a mapping with keys among {', '.join(KEYS)}"
    raise InvalidInput(what, [Problem(("subject",), message, subject)])


def _said(touch: Touch, age: float) -> str:
    url = f" on {touch.url}" if touch.url else ""
    return f"{touch.kind.value} via {touch.channel.value} {touch.campaign!r}{url}, {days(age)} ago"


def _engaged(
    group: Group, touches: Sequence[Touch], ages: Sequence[float], caps: list[Contribution]
) -> list[Contribution]:
    parts: list[Contribution] = []
    decay, window = group.decay, group.window
    # what every reason of the group ends with, written once
    fading = "" if decay is None else f" ({decay})"
    within = "" if window is None else f", within the last {days(window)}"
    for rule in cast("tuple[EngagementRule, ...]", group.rules):
        fired: list[Contribution] = []
        for touch, age in zip(touches, ages, strict=True):
            if not rule.matches(touch) or (window is not None and age > window):
                continue
            factor = 1.0 if decay is None else decay.factor(age)
            if factor > 0:
                faded = "" if decay is None else f": {rule.points:g} x {factor:.3g}{fading}"
                fired.append(
                    Contribution(rule.id, rule.points * factor, f"{_said(touch, age)}{faded}{within}")
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
    _plan: Plan = attrs.field(init=False, repr=False, eq=False)
    """The model compiled for :meth:`value`, once."""

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id or version, no groups, an id used twice, bad limits or days; compile the rest."""
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
        plan = Plan(self.id, self.version, self.groups, self.minimum, self.maximum, self.inactivity)
        object.__setattr__(self, "_plan", plan)

    def score(self, subject: object, *, at: datetime) -> ScoreResult:
        """Score ``subject`` as of ``at``, explaining each rule that fired and each clamp.

        Raises:
            InvalidInput: ``at`` is not timezone-aware, or ``subject`` is not something it can score.
            CriterionFailed: a fit criterion of your own raised, or returned something not a result.
        """
        what = self._plan.what
        check_aware(what, "at", at)
        seen = _subject(what, subject)
        contributions: list[Contribution] = []
        touches = self._active(touches_until(seen, at), at, contributions)
        ages = [(at - touch.at).total_seconds() / DAY for touch in touches]
        caps: list[Contribution] = []
        totals: dict[bool, list[float]] = {True: [], False: []}
        token = EVALUATING.set(self._plan.name)
        try:
            for group in self.groups:
                parts = _fitted(group, seen) if group.is_fit else _engaged(group, touches, ages, caps)
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
        start = restart([touch.at for touch in touches], at, self.inactivity)
        if start:
            gap = f"no touch for more than {days(self.inactivity)} after {touches[start - 1].at.isoformat()}"
            reason = f"{gap}: the {start} touches up to then count nothing"
            notes.append(Contribution("inactivity reset", 0.0, reason))
        return touches[start:]

    def value(self, subject: object, *, at: datetime) -> float:
        """``score(subject, at=at).value``, to the bit, without the explanation: to rank many subjects.

        The model is compiled once, when it is made: a value works out the same amounts as
        :meth:`score`, but writes no reasons and builds no result, so it is several times faster.
        (A model with a decay of your own, or points or limits past 1e200, is scored in full.)

        Raises:
            InvalidInput: as for :meth:`score`.
            CriterionFailed: as for :meth:`score`.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> import funnelkit.scoring as sc
            >>> model = sc.PointsModel("demo", "1", [
            ...     sc.Group("did", [sc.EngagementRule("form", 10, kind="form_submission")],
            ...              decay=sc.half_life(30)),
            ... ])
            >>> form = fk.Touch(fk.Channel.email, "spring", fk.TouchKind.form_submission,
            ...                 datetime(2026, 3, 1, tzinfo=timezone.utc))
            >>> at = datetime(2026, 3, 31, tzinfo=timezone.utc)
            >>> model.value({"touches": [form]}, at=at), model.score({"touches": [form]}, at=at).value
            (5.0, 5.0)
        """
        plan = self._plan
        check_aware(plan.what, "at", at)
        if not plan.fast:
            return self.score(subject, at=at).value
        return plan.valuer()(_subject(plan.what, subject), at)

    def values(self, subjects: Iterable[object], *, at: datetime) -> list[float]:
        """The :meth:`value` of each subject as of ``at``, in order: to rank many at once.

        ``at`` is checked once for them all.

        Raises:
            InvalidInput: as for :meth:`score`.
            CriterionFailed: as for :meth:`score`.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> import funnelkit.scoring as sc
            >>> model = sc.PointsModel("demo", "1", [
            ...     sc.Group("who", [sc.FitRule("big", 20, fk.attribute("employees", at_least=250))]),
            ... ])
            >>> accounts = [fk.Account(name, name, fk.AccountKind.company, employees=size)
            ...             for name, size in (("acme", 300), ("zed", 12))]
            >>> model.values([{"account": account} for account in accounts],
            ...              at=datetime(2026, 3, 31, tzinfo=timezone.utc))
            [20.0, 0.0]
        """
        plan = self._plan
        what = plan.what
        check_aware(what, "at", at)
        if not plan.fast:
            return [self.score(subject, at=at).value for subject in subjects]
        value = plan.valuer()
        return [value(_subject(what, subject), at) for subject in subjects]
