"""Target markets: the accounts a funnel is for, as criteria over their attributes.

A target market (an ideal customer profile) is a criterion over accounts: :func:`attribute`
criteria joined by the qualification combinators. An attribute criterion reads one attribute of
an account by name, and an attribute not known yet is ``unknown``, never ``unmet``, so a market
tells "outside" from "not known yet". Territory rules are made of the same criteria.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from funnelkit._errors import DefinitionError, InvalidInput, Problem
from funnelkit._json import NAME
from funnelkit._money import Money
from funnelkit._values import Account
from funnelkit.qualification import (
    Combinable,
    Criterion,
    CriterionResult,
    Framework,
    Outcome,
    QualificationResult,
    Verdict,
)
from funnelkit.qualification._criteria import SHORT

Scalar = str | int | float | bool
"""A value ``one_of`` and ``includes`` compare with."""
Bound = int | float | Decimal | Money
"""A bound of ``at_least`` and ``below``: a number, or an amount of money."""

ATTRIBUTES = tuple(field.name for field in attrs.fields(Account) if field.name != "fields")
"""The account attributes a criterion reads by name; a custom field is read as ``fields.<name>``."""
_FIELD = "fields."
_TEXT, _NUMBER, _MONEY, _TAGS, _ANY = "text", "number", "money", "tags", "any"
_KINDS = {"employees": _NUMBER, "annual_revenue": _MONEY, "tags": _TAGS}
"""The attributes that are not text; a custom field may hold anything."""
_TESTS = {
    _TEXT: ("one_of",),
    _NUMBER: ("one_of", "at_least/below"),
    _MONEY: ("at_least/below",),
    _TAGS: ("includes",),
    _ANY: ("one_of", "includes", "at_least/below"),
}


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if isinstance(value, int):
        return True  # a whole number is finite, however large (math.isfinite would overflow)
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _is_scalar(value: object, kind: str) -> bool:
    if kind in (_TEXT, _TAGS):
        return isinstance(value, str) and bool(value.strip())
    if kind == _NUMBER:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, (str, bool)) or _is_number(value)


def _is_bound(value: object, kind: str) -> bool:
    if kind == _MONEY:
        return isinstance(value, Money)
    return _is_number(value) or (kind == _ANY and isinstance(value, Money))


def _kind(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    if name.startswith(_FIELD):
        return _ANY if NAME.fullmatch(name.removeprefix(_FIELD)) else None
    return _KINDS.get(name, _TEXT) if name in ATTRIBUTES else None


def _values(values: object) -> object:
    # one value stands for itself: one_of="DE", not one_of=("D", "E")
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values if values is None else (values,)
    if isinstance(values, (set, frozenset)):
        return tuple(sorted(values, key=repr))  # a set's order differs between runs: sort it
    return tuple(values)


def shown(value: object) -> str:
    """A value as an explanation shows it: money and decimals as written, tags as a set."""
    if isinstance(value, (Money, Decimal)):
        return str(value)
    if isinstance(value, enum.Enum):
        return repr(value.value)
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(repr, value))) + "}" if value else "(none)"
    return SHORT.repr(value)


_KIND_WORDS = {
    _TEXT: "non-blank strings",
    _TAGS: "a non-blank string",
    _NUMBER: "whole numbers",
    _ANY: "strings, numbers or booleans",
}
_BOUND_WORDS = {_NUMBER: "a number", _MONEY: "a Money", _ANY: "a number or a Money"}


@attrs.frozen(repr=False)
class AttributeCriterion(Combinable):
    """Judges one attribute of an account: met, unmet, or unknown while the attribute is not known.

    Made by :func:`attribute`. It judges an :class:`~funnelkit.Account`, or the account of a
    prospect, lead, opportunity or client; anything else is unknown.
    """

    name: str
    """The attribute, such as ``"employees"``, or ``"fields.plan"`` for a custom field."""
    one_of: tuple[Scalar, ...] | None = attrs.field(default=None, converter=_values)
    """Met when the value is one of these."""
    includes: Scalar | None = None
    """Met when the value (the tags, or a list in a custom field) holds this."""
    at_least: Bound | None = None
    """Met when the value is at least this (and below ``below``, if given)."""
    below: Bound | None = None
    """Met when the value is below this (and at least ``at_least``, if given)."""
    id: str = ""
    """The criterion's id; by default the test written out, such as ``"employees >= 50"``."""
    _requirement: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Refuse an unknown attribute or a test it cannot take; write the id and requirement once."""
        problems = self._problems()
        if problems:
            raise DefinitionError(f"attribute({self.name!r})", problems)
        object.__setattr__(self, "_requirement", self._written(words=True))
        if not self.id:
            object.__setattr__(self, "id", self._written(words=False))

    def _problems(self) -> list[str]:
        kind = _kind(self.name)
        if kind is None:
            names = ", ".join(ATTRIBUTES)
            return [f"{self.name!r} is not an account attribute: use {names}, or fields.<name>"]
        given = [
            test
            for test, value in (("one_of", self.one_of), ("includes", self.includes))
            if value is not None
        ]
        if self.at_least is not None or self.below is not None:
            given.append("at_least/below")
        own: object = self.id  # typed, but definitions come from data too
        blank = not isinstance(own, str) or (own != "" and not own.strip())
        problems = [f"id {self.id!r} must be a non-blank string"] if blank else []
        if len(given) != 1 or given[0] not in _TESTS[kind]:
            tests = " or ".join(f"{test}=" for test in _TESTS[kind])
            return [*problems, f"{self.name} takes one test, {tests}; got {', '.join(given) or 'none'}"]
        return problems + self._value_problems(kind)

    def _value_problems(self, kind: str) -> list[str]:
        if self.one_of is not None:
            values: object = self.one_of
            if not isinstance(values, tuple) or not values or not all(_is_scalar(v, kind) for v in values):
                return [f"one_of={values!r} must be {_KIND_WORDS[kind]}, at least one"]
            return []
        if self.includes is not None:
            return (
                []
                if _is_scalar(self.includes, kind)
                else [f"includes={self.includes!r} must be {_KIND_WORDS[kind]}"]
            )
        bounds = [bound for bound in (self.at_least, self.below) if bound is not None]
        wrong = [
            f"bound {bound!r} must be {_BOUND_WORDS[kind]}" for bound in bounds if not _is_bound(bound, kind)
        ]
        if wrong or len(bounds) == 1:
            return wrong
        return _band_problems(*bounds)

    def _written(self, *, words: bool) -> str:
        """The test in words (``"at least 50"``) or as the id (``"employees >= 50"``)."""
        if self.one_of is not None:
            values = ", ".join(shown(value) for value in self.one_of)
            return f"one of {values}" if words else f"{self.name} in {{{values}}}"
        if self.includes is not None:
            return f"including {shown(self.includes)}" if words else f"{shown(self.includes)} in {self.name}"
        low = None if self.at_least is None else shown(self.at_least)
        high = None if self.below is None else shown(self.below)
        if words:
            return " and ".join(
                text for text in (low and f"at least {low}", high and f"below {high}") if text
            )
        if low is not None and high is not None:
            return f"{low} <= {self.name} < {high}"
        return f"{self.name} >= {low}" if low is not None else f"{self.name} < {high}"

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the attribute of ``subject``'s account."""
        account = subject if isinstance(subject, Account) else getattr(subject, "account", None)
        if not isinstance(account, Account):
            return self._result(Verdict.unknown, f"no account to read {self.name} from")
        value = _read(account, self.name)
        if value is None:
            return self._result(Verdict.unknown, f"{self.name} not known")
        said = f"{self.name} = {shown(value)}"
        doubt = self._doubt(value)
        if doubt is not None:
            return self._result(Verdict.unknown, f"{said}, {doubt}, so cannot tell if {self._requirement}")
        if self._holds(value):
            return self._result(Verdict.met, f"{said}, {self._requirement}")
        return self._result(Verdict.unmet, f"{said}, not {self._requirement}")

    def is_met(self, subject: Any) -> bool:  # noqa: ANN401 - see Criterion
        """Whether :meth:`assess` judges ``subject`` met, without writing why: for scoring many subjects.

        Example:
            >>> import funnelkit as fk
            >>> big = fk.attribute("employees", at_least=250)
            >>> big.is_met(fk.Account("acme", "Acme Ltd", fk.AccountKind.company, employees=1200))
            True
        """
        account = subject if isinstance(subject, Account) else getattr(subject, "account", None)
        if not isinstance(account, Account):
            return False
        value = _read(account, self.name)
        if value is None:
            return False
        if self.one_of is not None:  # the most common test, spelled out: it needs no _doubt
            for one in self.one_of:  # noqa: SIM110 - a loop, twice as fast as any() over a generator
                if same_value(value, one):
                    return True
            return False
        return self._doubt(value) is None and self._holds(value)

    def _result(self, verdict: Verdict, reason: str) -> CriterionResult:
        return CriterionResult(self.id, verdict, reason, evidence=(self.name,))

    def _doubt(self, value: object) -> str | None:
        """Why ``value`` cannot be judged (a custom field of another kind), or ``None``."""
        if self.includes is not None:
            return None if isinstance(value, (tuple, frozenset)) else "not a list"
        if self.one_of is not None:
            return None
        bound = self.at_least if self.at_least is not None else self.below
        if isinstance(bound, Money):
            if not isinstance(value, Money):
                return "not an amount of money"
            return None if value.currency == bound.currency else f"not in {bound.currency}"
        return None if _is_number(value) else "not a number"

    def _holds(self, value: Any) -> bool:  # noqa: ANN401 - a value _doubt let through
        if self.one_of is not None:
            return any(same_value(value, one) for one in self.one_of)
        if self.includes is not None:
            return any(same_value(item, self.includes) for item in value)
        return (self.at_least is None or value >= self.at_least) and (
            self.below is None or value < self.below
        )

    def __repr__(self) -> str:
        tests = ("one_of", "includes", "at_least", "below")
        given = [f"{test}={getattr(self, test)!r}" for test in tests if getattr(self, test) is not None]
        own = "" if self.id == self._written(words=False) else f", id={self.id!r}"
        return f"attribute({self.name!r}, {', '.join(given)}{own})"


def _band_problems(low: Bound, high: Bound) -> list[str]:
    band = f"at_least={shown(low)} and below={shown(high)}"
    if isinstance(low, Money) and isinstance(high, Money):
        if low.currency != high.currency:
            return [f"{band} must be in one currency"]
        fits = low < high
    elif isinstance(low, Money) or isinstance(high, Money):
        return [f"{band} must both be numbers or both be money"]
    else:
        fits = low < high
    return [] if fits else [f"{band} leave no value between them"]


def same_value(value: object, other: object) -> bool:
    """Whether two attribute values are the same: equal, and both booleans or neither.

    ``True == 1`` in Python; a custom field that says ``True`` is not the number 1.
    """
    return value == other and isinstance(value, bool) is isinstance(other, bool)


def _read(account: Account, name: str) -> object:
    if name.startswith(_FIELD):
        return account.fields.get(name.removeprefix(_FIELD))
    return getattr(account, name)


def attribute(
    name: str,
    *,
    one_of: Iterable[Scalar] | Scalar | None = None,
    includes: Scalar | None = None,
    at_least: Bound | None = None,
    below: Bound | None = None,
    id: str = "",
) -> AttributeCriterion:
    """Make a criterion that judges the account attribute ``name`` by one test.

    ``name`` is an attribute of :class:`~funnelkit.Account` (``kind``, ``segment``,
    ``territory``, ``industry``, ``employees``, ``annual_revenue``, ``country``, ``region``,
    ``owner``, ``tags``, even ``id`` and ``name``), or ``fields.<name>`` for a custom field.

    The test is one of ``one_of`` (the value is one of these), ``includes`` (the tags, or a list
    field, hold this), or ``at_least`` and ``below`` (a number or an amount in a range; both
    together make a band whose upper end is left out, so bands side by side neither overlap nor
    leave gaps). A value not known is ``unknown``; a custom field the test cannot judge (text
    where a number is wanted, money in another currency) is ``unknown`` too, and says why.

    Raises:
        DefinitionError: ``name`` is no account attribute, or the test does not suit it.

    Example:
        >>> import funnelkit as fk
        >>> big = fk.attribute("employees", at_least=250)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company, employees=1200)
        >>> big.id, big.assess(acme).reason
        ('employees >= 250', 'employees = 1200, at least 250')
        >>> big.assess(fk.Account("zed", "Zed", fk.AccountKind.company)).verdict.value
        'unknown'
    """
    return AttributeCriterion(name, one_of, includes, at_least, below, id)


def deciding(result: CriterionResult) -> Iterator[CriterionResult]:
    """The leaves below ``result`` that decided it.

    At each level, the children that share the verdict decided it; where none does (the child of
    a ``not_``), every child did.
    """
    if not result.children:
        yield result
        return
    same = [child for child in result.children if child.verdict is result.verdict]
    for child in same or result.children:
        yield from deciding(child)


def because(*results: CriterionResult) -> str:
    """The reasons of the results that decided ``results``, in one line."""
    return "; ".join(dict.fromkeys(leaf.reason for result in results for leaf in deciding(result)))


_OUTCOMES = {Verdict.met: Outcome.qualified, Verdict.unmet: Outcome.disqualified}
_SAYS = {
    Outcome.qualified: "inside",
    Outcome.disqualified: "outside",
    Outcome.not_yet: "not known to be inside",
}


@attrs.frozen
class MarketFit:
    """How an account fits a target market, criterion by criterion.

    ``outcome`` is ``qualified`` inside the market, ``disqualified`` outside it, and ``not_yet``
    while what is known cannot tell; ``result.ask_next`` then names what to find out.
    """

    market: str
    """The target market's id."""
    account: str
    """The account's id."""
    result: QualificationResult
    """The profile's verdict on the account: the criteria tree, each criterion, what to ask next."""

    @property
    def outcome(self) -> Outcome:
        """Inside (``qualified``), outside (``disqualified``) or not known yet (``not_yet``)."""
        return self.result.outcome

    @property
    def reason(self) -> str:
        """One line saying why, such as a prospect's reason to be excluded."""
        tree = self.result.tree
        cited = [tree]
        if self.outcome is Outcome.disqualified and tree.verdict is not Verdict.unmet:
            # a knock-out deep in the profile disqualified it, whatever the rest says
            cited = [node for node in tree.walk() if node.knock_out and node.verdict is Verdict.unmet]
        return f"{_SAYS[self.outcome]} target market {self.market!r}: {because(*cited)}"

    def explain(self) -> str:
        """The reason, then the criteria tree and what to ask next, as text."""
        return f"account {self.account!r}: {self.reason}\n{self.result.explain()}"


@attrs.frozen
class TargetMarket:
    """The accounts a funnel is for (an ideal customer profile): an id and a criterion over accounts.

    An account is inside when the profile is met, outside when it is unmet (or a knock-out in it
    is), and not known yet otherwise.

    Example:
        >>> import funnelkit as fk
        >>> import funnelkit.qualification as q
        >>> market = fk.TargetMarket("eu-mid-market", q.all_of(
        ...     fk.attribute("country", one_of=["DE", "FR", "NL"]),
        ...     fk.attribute("employees", at_least=50, below=1000),
        ... ))
        >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company, country="US", employees=300)
        >>> fit = market.fit(acme)
        >>> fit.outcome.value, fit.reason
        ('disqualified', "outside target market 'eu-mid-market': country = 'US', not one of 'DE', 'FR', 'NL'")
    """

    id: str
    profile: Criterion
    """What an account inside the market meets: attribute criteria joined by combinators."""
    version: str = "1"
    _framework: Framework = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id or version, a profile that is no criterion, and criterion ids used twice."""
        given: tuple[tuple[str, object], ...] = (("id", self.id), ("version", self.version))
        problems = [
            f"{name} {value!r} must be a non-blank string"
            for name, value in given
            if not isinstance(value, str) or not value.strip()
        ]
        try:
            framework = Framework(str(self.id), str(self.version), self.profile)
        except DefinitionError as error:
            problems += error.problems
        if problems:
            raise DefinitionError(f"target market {self.id!r}", problems)
        object.__setattr__(self, "_framework", framework)

    def fit(self, account: Account) -> MarketFit:
        """Judge whether ``account`` is inside the market, and say why.

        Raises:
            InvalidInput: ``account`` is not an Account.
            CriterionFailed: a criterion of your own raised, or returned something not a result.
        """
        given: object = account  # typed, but callers may pass a lead for its account
        if not isinstance(given, Account):
            problem = Problem(("account",), "must be an Account, such as prospect.account", given)
            raise InvalidInput(f"target market {self.id!r} cannot judge {SHORT.repr(given)}", [problem])
        result = self._framework.evaluate(account)
        if result.outcome is not Outcome.disqualified:
            result = attrs.evolve(result, outcome=_OUTCOMES.get(result.tree.verdict, Outcome.not_yet))
        return MarketFit(self.id, account.id, result)
