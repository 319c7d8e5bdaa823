"""Discovery facts recorded on leads and opportunities: the evidence criteria judge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import utc
from funnelkit._frozen import FrozenDict
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._money import Money
from funnelkit._values import aware, non_blank

FactValue = bool | int | str | Money
"""What a fact may hold: a yes or no, a whole number, words, or an amount of money."""

_TEXT = (bool, str)
_MONEY = (bool, Money)

FACTS: Mapping[str, tuple[type, ...]] = FrozenDict(
    {
        "budget": _MONEY,
        "funds": _MONEY,
        "economic_impact": _MONEY,
        "authority": _TEXT,
        "access_to_authority": _TEXT,
        "need": _TEXT,
        "pain": _TEXT,
        "timeline": _TEXT,
        "urgency": _TEXT,
        "interest": _TEXT,
        "prioritization": _TEXT,
        "challenges": _TEXT,
        "goals": _TEXT,
        "plans": _TEXT,
        "consequences": _TEXT,
        "implications": _TEXT,
        "metrics": _TEXT,
        "economic_buyer": _TEXT,
        "decision_criteria": _TEXT,
        "decision_process": _TEXT,
        "paper_process": _TEXT,
        "champion": _TEXT,
        "competition": _TEXT,
    }
)
"""The facts funnelkit knows, with the types each may hold; other names may hold any FactValue."""

GRADES = range(4)
"""Evidence grades: 0 none, 1 identified, 2 validated, 3 confirmed in the buyer's own words."""


def _check_value(fact: Fact, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checked here
    allowed = FACTS.get(fact.name, (bool, int, str, Money))
    if not isinstance(value, allowed):
        names = " or ".join(kind.__name__ for kind in allowed)
        raise InvalidInput(f"fact {fact.name!r}", [Problem(("value",), f"must be {names}", value)])


def _check_grade(_fact: object, _attribute: object, grade: Any) -> None:  # noqa: ANN401 - checked here
    if grade is not None and (isinstance(grade, bool) or grade not in GRADES):
        raise InvalidInput("fact grade", [Problem(("grade",), "must be 0, 1, 2, 3 or None", grade)])


@attrs.frozen
class Fact:
    """One discovery fact: what was learned, from whom or where, when, and how well it is backed.

    Example:
        >>> from datetime import datetime, timezone
        >>> from funnelkit import Money
        >>> from funnelkit.qualification import Fact
        >>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
        >>> Fact("budget", Money(50000, "EUR"), "call with CFO", at).name
        'budget'
    """

    name: str = attrs.field(validator=non_blank("fact"))
    value: FactValue = attrs.field(validator=_check_value)
    source: str = attrs.field(validator=non_blank("fact"))
    """Where it came from, such as ``"discovery call"`` or ``"signed mutual action plan"``."""
    at: datetime = attrs.field(converter=utc, validator=aware("fact"))
    grade: int | None = attrs.field(default=None, validator=_check_grade)
    """How well the evidence backs it, 0 to 3; ``None`` when not graded."""


def _logged(facts: Iterable[Fact]) -> Log[Fact]:
    return facts if isinstance(facts, Log) else Log(facts)


@attrs.frozen
class Evidence:
    """Every fact recorded about a subject, oldest first; the latest fact of a name counts.

    A fact never recorded is unknown, which is not the same as false.
    """

    facts: Log[Fact] = attrs.field(default=EMPTY_LOG, converter=_logged)
    """The facts, oldest first; recording more shares these rather than copying them."""
    _latest: dict[str, Fact] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the facts alone: the latest of each name is worked out again when asked."""
        return (Evidence, (self.facts,))

    def latest(self, name: str) -> Fact | None:
        """Return the latest fact called ``name``, or ``None`` while it is unknown."""
        return self.by_name.get(name)

    @property
    def by_name(self) -> Mapping[str, Fact]:
        """The latest fact of each name, worked out once (evidence never changes)."""
        found = self._latest
        if found is None:
            found = {fact.name: fact for fact in self.facts}
            object.__setattr__(self, "_latest", found)
        return found

    def adding(self, facts: Iterable[Fact]) -> Evidence:
        """Return this evidence with ``facts`` added after the others."""
        return Evidence(self.facts.extend(facts))

    def contradictions(self) -> tuple[str, ...]:
        """Name the facts recorded with different values over time, such as a budget that vanished."""
        values: dict[str, set[object]] = {}
        for fact in self.facts:
            values.setdefault(fact.name, set()).add(_key(fact.value))
        return tuple(name for name, seen in values.items() if len(seen) > 1)


def _key(value: FactValue) -> object:
    # True == 1 in Python; a fact that said True and later 1 did change its kind
    return (type(value).__name__, value)


NO_EVIDENCE = Evidence()
