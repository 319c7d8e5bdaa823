"""A points model's value alone, for ranking many subjects: its rules compiled once, no words.

:meth:`~funnelkit.scoring.PointsModel.value` gives ``score(...).value`` to the bit. It works out
the same amounts in the same way (each rule's points times the same decay factor, each cap from
the same exactly rounded sum) and leaves out what only explains them: reasons, contributions,
grades, and the order of the touches where no inactivity reset needs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, cast

from funnelkit._market import AttributeCriterion
from funnelkit._values import Account, Channel, Touch, TouchKind
from funnelkit.qualification._criteria import EVALUATING, Criterion, assessed
from funnelkit.qualification._results import Verdict
from funnelkit.scoring._decay import DAY, HalfLife, StepDecay
from funnelkit.scoring._engagement import EngagementRule, Limit
from funnelkit.scoring._fit import FieldCriterion, FitRule, RoleCriterion, TagCriterion

if TYPE_CHECKING:
    from funnelkit.scoring._points import Group

LARGEST = 1e200
"""The most points or the largest limit this path works with. Past it, a sum the explained path
works out (such as the total of its caps) could overflow where this path's do not: that path decides."""

_BUILT_IN = (HalfLife, StepDecay, type(None))
"""The decays this path works out as they do, never more than the points."""

_SAYS_MET = (AttributeCriterion, RoleCriterion, TagCriterion, FieldCriterion)
"""The criteria whose ``is_met`` gives the verdict of their ``assess`` without writing a reason."""


def clamp(raw: float, minimum: Limit, maximum: Limit) -> float | None:
    """What brings the total ``raw`` within the limits, or ``None`` if it is within."""
    if maximum is not None and raw > maximum:
        return maximum - raw
    if minimum is not None and raw < minimum:
        return minimum - raw
    return None


def touches_until(subject: object, at: datetime) -> list[Touch]:
    """The subject's source touch and later touches up to ``at``, oldest first."""
    source = getattr(subject, "source", None)
    given = ([source] if isinstance(source, Touch) else []) + list(getattr(subject, "touches", ()))
    return sorted((touch for touch in given if touch.at <= at), key=lambda touch: touch.at)


def restart(times: Sequence[datetime], at: datetime, inactivity: float) -> int:
    """How many touches, at ``times`` (oldest first), came before the last long gap: 0 if none did.

    A gap is long when it lasts more than ``inactivity`` days; the last one may run up to ``at``.
    """
    limit = inactivity * DAY
    times = [*times, at]
    return max(
        (
            index
            for index in range(1, len(times))
            if (times[index] - times[index - 1]).total_seconds() > limit
        ),
        default=0,
    )


def _met(criterion: Criterion, subject: object) -> bool:
    return assessed(criterion, subject).verdict is Verdict.met


class _Fit(NamedTuple):
    """A fit group: each rule's test and points."""

    tests: tuple[tuple[Callable[[object], bool], float], ...]


_Rule = tuple[int, float, bool, "tuple[Channel, ...] | None", "tuple[str, ...] | None", "str | None"]
"""An engagement rule, as a touch of a kind it takes meets it: where its amounts go (-1 straight
into the score, else the index of its own list, to be clamped), its points, whether it filters by
anything but the kind, and those filters: channels, campaigns, url text. A plain tuple, as the
loop over every touch unpacks it fastest."""


_Rules = tuple[dict[TouchKind, tuple[_Rule, ...]], tuple[_Rule, ...]]
"""Rules by the touch kinds they take, and the rules that take a touch of any kind (and so of a
kind no rule names)."""


class _Engagement(NamedTuple):
    """An engagement group: its rules by the touch kinds they take, and how its touches fade."""

    rules: tuple[_Rules, _Rules]
    """The rules that may take a touch with a url, then those that may take one without (indexed
    by ``touch.url is None``): a rule that looks for text in the url never takes a touch without one."""
    limits: tuple[tuple[Limit, Limit], ...]
    """The limits of each rule that has any, by slot."""
    half_life: float | None
    """The days of a half-life decay, worked out here as its ``factor`` does."""
    step: Callable[[float], float] | None
    """A step or linear decay's ``factor``; ``None`` when the group does not decay so."""
    window: float | None


def _engagement(group: Group) -> _Engagement:
    rules: list[tuple[tuple[TouchKind, ...], _Rule]] = []
    limits: list[tuple[Limit, Limit]] = []
    for rule in cast("tuple[EngagementRule, ...]", group.rules):
        slot = -1
        if rule.minimum is not None or rule.maximum is not None:
            slot = len(limits)
            limits.append((rule.minimum, rule.maximum))
        filters = bool(rule.channel or rule.campaign or rule.url_contains is not None)
        found = (slot, rule.points, filters, rule.channel or None, rule.campaign or None, rule.url_contains)
        rules.append((rule.kind, found))
    without_url = [(kinds, found) for kinds, found in rules if found[5] is None]
    decay = group.decay
    half = decay.days if isinstance(decay, HalfLife) else None
    step = decay.factor if isinstance(decay, StepDecay) else None
    return _Engagement((_by_kind(rules), _by_kind(without_url)), tuple(limits), half, step, group.window)


def _by_kind(rules: list[tuple[tuple[TouchKind, ...], _Rule]]) -> _Rules:
    named = {kind for kinds, _ in rules for kind in kinds}
    # a kind's rules keep the group's order, though the amounts would be the same in any
    by_kind = {kind: tuple(found for kinds, found in rules if not kinds or kind in kinds) for kind in named}
    return by_kind, tuple(found for kinds, found in rules if not kinds)


def _test(criterion: Criterion) -> Callable[[object], bool]:
    if type(criterion) is AttributeCriterion and _plain_text_choice(criterion):
        return partial(_one_of_text, criterion.name, frozenset(cast("tuple[str, ...]", criterion.one_of)))
    if type(criterion) in _SAYS_MET:
        return criterion.is_met  # type: ignore[attr-defined, no-any-return]
    return partial(_met, criterion)


def _plain_text_choice(criterion: AttributeCriterion) -> bool:
    """Whether it only asks that a plain account attribute be one of some texts: a set answers that."""
    choice = criterion.one_of
    return (
        choice is not None
        and all(type(one) is str for one in choice)
        and (criterion.includes, criterion.at_least, criterion.below) == (None, None, None)
        and not criterion.name.startswith("fields.")
    )


def _one_of_text(name: str, texts: frozenset[str], subject: object) -> bool:
    """``is_met`` of a text choice on a plain attribute: a value that is text and among them.

    Text equals only text, so a set lookup gives what ``same_value`` would; an account's plain
    attributes are hashable.
    """
    account = getattr(subject, "account", None)
    return isinstance(account, Account) and getattr(account, name) in texts


def _limits(minimum: Limit, maximum: Limit) -> tuple[Limit, Limit] | None:
    return None if minimum is None and maximum is None else (minimum, maximum)


def _biggest(numbers: Iterable[float | None]) -> float:
    return max((abs(number) for number in numbers if number is not None), default=0.0)


class Plan:
    """A points model compiled for :meth:`~funnelkit.scoring.PointsModel.value`: its groups, ready to run."""

    __slots__ = ("asks", "fast", "groups", "inactivity", "limits", "made_of", "name", "what")

    def __init__(  # noqa: PLR0917 - the model's own fields, once
        self,
        id: str,
        version: str,
        groups: Sequence[Group],
        minimum: Limit,
        maximum: Limit,
        inactivity: float | None,
    ) -> None:
        """Compile a points model's groups and limits."""
        self.made_of = (id, version, tuple(groups), minimum, maximum, inactivity)
        """What it was compiled from: a copy or a pickle compiles that again."""
        self.name = f"{id} {version}"
        self.what = f"points model {id!r}"
        self.inactivity = inactivity
        self.limits = _limits(minimum, maximum)
        self.groups = tuple(
            (
                _Fit(
                    tuple(
                        (_test(rule.criterion), rule.points)
                        for rule in cast("tuple[FitRule, ...]", group.rules)
                    )
                )
                if group.is_fit
                else _engagement(group),
                _limits(group.minimum, group.maximum),
            )
            for group in groups
        )
        rules = [rule for group in groups for rule in group.rules]
        self.asks = any(type(rule.criterion) not in _SAYS_MET for rule in rules if isinstance(rule, FitRule))
        limits = [minimum, maximum] + [limit for group in groups for limit in (group.minimum, group.maximum)]
        limits += [
            limit
            for rule in rules
            if isinstance(rule, EngagementRule)
            for limit in (rule.minimum, rule.maximum)
        ]
        # a decay of your own may give more than the points; huge amounts may overflow a sum of the
        # explained path that this one does not work out (its caps' total): there, that path decides
        self.fast = all(type(group.decay) in _BUILT_IN for group in groups) and (
            _biggest(rule.points for rule in rules) + _biggest(limits) <= LARGEST
        )

    def __reduce__(self) -> tuple[type[Plan], tuple[object, ...]]:
        """Pickle (with any protocol) as what it was compiled from, not its compiled parts."""
        return (Plan, self.made_of)

    def valuer(self) -> Callable[[object, datetime], float]:
        """What works out the value of a subject (a lead, an opportunity or a :class:`Given`) at a time.

        It names the model for the errors of criteria of your own, if the model has any. Only
        where :attr:`fast`.
        """
        return self._named if self.asks else self._value

    def _named(self, subject: object, at: datetime) -> float:
        token = EVALUATING.set(self.name)
        try:
            return self._value(subject, at)
        finally:
            EVALUATING.reset(token)

    def _value(self, subject: object, at: datetime) -> float:
        if self.inactivity is not None:
            touches = touches_until(subject, at)
            touches = touches[restart([touch.at for touch in touches], at, self.inactivity) :]
        else:  # in any order, those after at too: each rule sees to what counts
            source = getattr(subject, "source", None)
            given = getattr(subject, "touches", ())
            touches = [*given, source] if isinstance(source, Touch) else list(given)
        amounts: list[float] = []
        for group, limits in self.groups:
            start = len(amounts)
            if isinstance(group, _Fit):
                for test, points in group.tests:
                    if test(subject):
                        amounts.append(points)
            else:
                _engaged(group, touches, at, amounts)
            if limits is not None:
                cap = clamp(math.fsum(amounts[start:]), *limits)
                if cap is not None:
                    amounts.append(cap)
        total = math.fsum(amounts)
        if self.limits is not None:
            cap = clamp(total, *self.limits)
            if cap is not None:
                amounts.append(cap)
                total = math.fsum(amounts)
        return 0.0 + total


def _engaged(group: _Engagement, touches: Sequence[Touch], at: datetime, amounts: list[float]) -> None:
    """Add what ``group``'s rules give for ``touches`` up to ``at``, each clamped rule with its clamp.

    A touch's age is worked out once a rule takes it, and only then. This loop runs for every
    touch of every subject ranked, so it calls nothing it need not: a call costs a tenth of it.
    """
    rules, limits, half, step, window = group
    # one list per clamped rule; most groups have none or one, which a literal makes faster
    fired: list[list[float]] = [[] for _ in limits] if len(limits) > 1 else [[]] if limits else []
    for touch in touches:
        by_kind, any_kind = rules[touch.url is None]
        factor = None
        for slot, points, filters, channels, campaigns, url in by_kind.get(touch.kind, any_kind):
            if filters and (
                (channels is not None and touch.channel not in channels)
                or (campaigns is not None and touch.campaign not in campaigns)
                or (url is not None and (touch.url is None or url not in touch.url))
            ):
                continue
            if factor is None:
                age = (at - touch.at).total_seconds() / DAY
                if age < 0 or (window is not None and age > window):  # after at, or outside the window
                    break
                # 2.0 ** x is math.pow(2.0, x), as HalfLife.factor works it out: both are C's pow
                factor = 2.0 ** (-age / half) if half is not None else 1.0 if step is None else step(age)
            if factor > 0:
                (amounts if slot < 0 else fired[slot]).append(points * factor)
    for found, (minimum, maximum) in zip(fired, limits, strict=True):
        amounts += found
        raw = math.fsum(found)
        if maximum is not None and raw > maximum:
            amounts.append(maximum - raw)
        elif minimum is not None and raw < minimum:
            amounts.append(minimum - raw)
