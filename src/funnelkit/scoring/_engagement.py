"""Engagement: what a subject did. Engagement rules give points for each touch they match."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from funnelkit._errors import DefinitionError, InvalidInput
from funnelkit._values import Channel, Touch, TouchKind
from funnelkit.scoring._decay import is_finite
from funnelkit.scoring._fit import rule_problems, text_problems

Limit = float | None


def _many(values: object) -> tuple[object, ...]:
    # one value stands for itself: kind="visit", not kind=("v", "i", ...)
    if isinstance(values, str) or not isinstance(values, Iterable):
        return (values,)
    return tuple(values)


def _members(
    kind: type[TouchKind | Channel], values: tuple[object, ...], problems: list[str]
) -> tuple[object, ...]:
    members: list[object] = []
    for value in values:
        try:
            members.append(kind(value))
        except (InvalidInput, ValueError):
            problems.append(
                f"{kind.__name__.lower()} {value!r} must be a {kind.__name__} or a snake_case name"
            )
    return tuple(members)


def limit_problems(minimum: object, maximum: object) -> list[str]:
    """What is wrong with limits: each ``None`` or finite, and the minimum not above the maximum."""
    problems = [
        f"{name}={value!r} must be a finite number or None"
        for name, value in (("minimum", minimum), ("maximum", maximum))
        if value is not None and not is_finite(value)
    ]
    if not problems and minimum is not None and maximum is not None and minimum > maximum:  # type: ignore[operator]
        problems.append(f"minimum={minimum!r} must not be above maximum={maximum!r}")
    return problems


@attrs.frozen(repr=False)
class EngagementRule:
    """Points for each touch that matches: of one of ``kind``, through one of ``channel``, ...

    A filter left empty matches any touch; ``url_contains`` matches touches whose url holds that
    text. The rule's total over its touches is clamped to ``minimum`` and ``maximum``.

    Example:
        >>> import funnelkit.scoring as sc
        >>> sc.EngagementRule("pricing", 5, url_contains="/pricing", maximum=15)
        EngagementRule('pricing', 5, url_contains='/pricing', maximum=15)
    """

    id: str
    points: float
    kind: tuple[TouchKind, ...] = attrs.field(default=(), converter=_many)
    channel: tuple[Channel, ...] = attrs.field(default=(), converter=_many)
    campaign: tuple[str, ...] = attrs.field(default=(), converter=_many)
    url_contains: str | None = None
    minimum: Limit = None
    maximum: Limit = None

    def __attrs_post_init__(self) -> None:
        """Refuse bad points, kinds, channels, campaigns, url text or limits, naming each."""
        problems = rule_problems(self.id, self.points)
        object.__setattr__(self, "kind", _members(TouchKind, self.kind, problems))
        object.__setattr__(self, "channel", _members(Channel, self.channel, problems))
        campaigns: tuple[object, ...] = self.campaign  # typed, but definitions come from data too
        problems += text_problems(*(("campaign", campaign) for campaign in campaigns))
        url: object = self.url_contains  # typed, but definitions come from data too
        if url is not None and (not isinstance(url, str) or not url):
            problems.append(f"url_contains={url!r} must be a non-empty string or None")
        problems += limit_problems(self.minimum, self.maximum)
        if problems:
            raise DefinitionError(f"engagement rule {self.id!r}", problems)

    def matches(self, touch: Touch) -> bool:
        """Whether ``touch`` passes every filter the rule has."""
        return (
            (not self.kind or touch.kind in self.kind)
            and (not self.channel or touch.channel in self.channel)
            and (not self.campaign or touch.campaign in self.campaign)
            and (self.url_contains is None or (touch.url is not None and self.url_contains in touch.url))
        )

    def __repr__(self) -> str:
        shown = [
            f"{name}={value!r}"
            for name, value in (
                ("url_contains", self.url_contains),
                ("minimum", self.minimum),
                ("maximum", self.maximum),
            )
            if value is not None
        ]
        filters = [
            f"{name}={tuple(getattr(value, 'value', value) for value in values)!r}"
            for name, values in (("kind", self.kind), ("channel", self.channel), ("campaign", self.campaign))
            if values
        ]
        return f"EngagementRule({', '.join([repr(self.id), repr(self.points), *filters, *shown])})"
