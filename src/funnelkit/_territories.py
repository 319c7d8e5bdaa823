"""Territories: ordered rules that route accounts to territories, and the owners who take turns.

Territories are data: rules over account attributes, each with an id, a criterion made as a
target market's is, and the territory it routes to, plus an optional default territory. The
first rule whose criterion is met wins (unknown does not match). Within a territory the owners
take turns in a rotation weighted by capacity, and the rotation is a value that goes in and
comes out, and can be folded again from the ``Assigned`` events the assignments recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import ClassVar

import attrs

from funnelkit._errors import DefinitionError, FunnelError, InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._frozen import FrozenDict
from funnelkit._market import because
from funnelkit._values import Account
from funnelkit.qualification import Criterion, CriterionResult, Verdict
from funnelkit.qualification._criteria import EVALUATING, SHORT, assessed, is_criterion


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


@attrs.frozen
class Owner:
    """A user or team who takes assignments in a territory, with a capacity (1 unless given).

    Over many assignments an owner gets a share in proportion to its capacity.
    """

    id: str
    capacity: int = 1
    """How many assignments it takes for each one an owner of capacity 1 takes."""

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id, and a capacity that is not a whole number from 1."""
        capacity: object = self.capacity  # typed, but definitions come from data too
        problems = [f"id {self.id!r} must be a non-blank string"] if _blank(self.id) else []
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            problems.append(f"capacity {capacity!r} must be a whole number from 1")
        if problems:
            raise DefinitionError(f"owner {self.id!r}", problems)


def _owners(owners: Iterable[Owner | str] | str) -> tuple[Owner, ...]:
    given: object = owners  # typed, but definitions come from data too
    if isinstance(given, str):
        given = (given,)
    if not isinstance(given, Iterable) or isinstance(given, (set, frozenset, Mapping)):
        # a set's order differs between runs, and the order breaks ties: it must be a sequence
        raise DefinitionError(
            "territory owners", [f"{given!r} must be a sequence of owner ids or Owners, in tie-break order"]
        )
    found = tuple(Owner(item) if isinstance(item, str) else item for item in given)
    wrong = [
        f"{item!r} is not an owner: give an owner id or an Owner"
        for item in found
        if not isinstance(item, Owner)
    ]
    if wrong:
        raise DefinitionError("territory owners", wrong)
    return found


@attrs.frozen
class Territory:
    """A part of the target market and its owners, in the order they take turns.

    Example:
        >>> import funnelkit as fk
        >>> emea = fk.Territory("emea", ["u-ada", fk.Owner("u-bo", capacity=2)])
        >>> [owner.id for owner in emea.owners], emea.capacity
        (['u-ada', 'u-bo'], 3)
    """

    id: str
    owners: tuple[Owner, ...] = attrs.field(converter=_owners)
    """Owner ids or :class:`Owner` values; an id stands for an owner of capacity 1."""

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id, no owners, and an owner listed twice."""
        problems = [f"id {self.id!r} must be a non-blank string"] if _blank(self.id) else []
        ids = [owner.id for owner in self.owners]
        if not ids:
            problems.append("give at least one owner")
        problems += [
            f"owner {name!r} is listed more than once"
            for name in sorted({i for i in ids if ids.count(i) > 1})
        ]
        if problems:
            raise DefinitionError(f"territory {self.id!r}", problems)

    @property
    def capacity(self) -> int:
        """The capacities of its owners, added up."""
        return sum(owner.capacity for owner in self.owners)


@attrs.frozen
class TerritoryRule:
    """Accounts that meet ``when`` go to ``territory``; ``id`` is what ``Assigned`` events record."""

    id: str
    when: Criterion
    """A criterion over accounts, made as a target market's profile is."""
    territory: Territory

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id, a condition that is no criterion, and a territory that is none."""
        territory: object = self.territory  # typed, but definitions come from data too
        problems = [f"id {self.id!r} must be a non-blank string"] if _blank(self.id) else []
        if not is_criterion(self.when):
            problems.append(f"when={self.when!r} is not a criterion: it has no id and assess(subject)")
        if not isinstance(territory, Territory):
            problems.append(f"territory={territory!r} must be a Territory")
        if problems:
            raise DefinitionError(f"territory rule {self.id!r}", problems)


def _count_problems(territory: object, owners: object) -> list[Problem]:
    if not isinstance(territory, str) or not isinstance(owners, Mapping):
        return [Problem((str(territory),), "must map a territory id to owner ids and counts", owners)]
    return [
        Problem((territory, str(owner)), "must be a whole number from 0, under an owner id", count)
        for owner, count in owners.items()
        if not isinstance(owner, str) or isinstance(count, bool) or not isinstance(count, int) or count < 0
    ]


def _counts(counts: Mapping[str, Mapping[str, int]]) -> FrozenDict[str, FrozenDict[str, int]]:
    given: object = counts  # typed, but counts may come from storage
    if not isinstance(given, Mapping):
        raise InvalidInput(
            "Rotation", [Problem(("counts",), "must map territory ids to owner counts", given)]
        )
    problems = [problem for item in given.items() for problem in _count_problems(*item)]
    if problems:
        raise InvalidInput("Rotation", problems)
    frozen = {
        territory: FrozenDict({owner: count for owner, count in owners.items() if count})
        for territory, owners in given.items()
        if any(owners.values())
    }
    return FrozenDict(frozen)


@attrs.frozen
class Rotation:
    """How many assignments each owner of each territory has had by rule: the state of the turns.

    It goes into :meth:`Territories.assign` and a new one comes out; fold it again from stored
    events with :meth:`Territories.rotation_from`. Counts of zero are left out, so equal counts
    make equal rotations.
    """

    counts: Mapping[str, Mapping[str, int]] = attrs.field(factory=FrozenDict, converter=_counts)
    """For each territory id, each owner's number of assignments."""

    def count(self, territory: str, owner: str) -> int:
        """How many assignments ``owner`` has had in ``territory``.

        Raises:
            InvalidInput: ``territory`` or ``owner`` is not a string.
        """
        given: tuple[tuple[str, object], ...] = (("territory", territory), ("owner", owner))
        problems = [
            Problem((name,), "must be an id", value) for name, value in given if not isinstance(value, str)
        ]
        if problems:
            raise InvalidInput("Rotation.count", problems)
        return self.counts.get(territory, FrozenDict()).get(owner, 0)

    def adding(self, territory: str, owner: str) -> Rotation:
        """This rotation with one more assignment for ``owner`` in ``territory``."""
        owners = {**self.counts.get(territory, {}), owner: self.count(territory, owner) + 1}
        return Rotation({**self.counts, territory: owners})


NO_ROTATION = Rotation()


def next_owner(territory: Territory, rotation: Rotation) -> tuple[Owner, str]:
    """The owner whose turn it is in ``territory``, and why.

    The rule (Balinski and Young's quota method): among the owners who have fewer assignments
    than their share of all made so far plus this one, the one with the fewest assignments
    for their capacity once this one is counted, ``(assignments + 1) / capacity``; a tie goes
    to the owner listed first. From an empty rotation, after any number N of assignments each
    owner has had within 1 of N x capacity / total capacity; with equal capacities the owners
    take turns in the order listed.
    """
    counts = [rotation.count(territory.id, owner.id) for owner in territory.owners]
    made, total = sum(counts), territory.capacity
    # some owner is short of its share, as the shares of made + 1 add up to more than made
    _, index = min(
        (Fraction(count + 1, owner.capacity), index)
        for index, (owner, count) in enumerate(zip(territory.owners, counts, strict=True))
        if count * total < (made + 1) * owner.capacity
    )
    tally = ", ".join(
        f"{owner.id} {count} (capacity {owner.capacity})"
        for owner, count in zip(territory.owners, counts, strict=True)
    )
    turn = f"next in {territory.id!r}: fewest assignments for its capacity; so far {tally}"
    return territory.owners[index], turn


@attrs.frozen
class Assignment:
    """Where :meth:`Territories.assign` put an account, who owns it, by which rule, and why.

    Record it with the ``assign`` command of a lead, opportunity or client:
    ``lead.assign(at=at, owner=a.owner, reason=a.reason, rule=a.rule)``.
    """

    account: str
    """The account's id."""
    territory: str
    """The id of the territory it went to."""
    owner: str
    """The id of the owner whose turn it was."""
    rule: str
    """The id of the rule that matched, or ``Territories.DEFAULT_RULE`` for the default territory."""
    matched: CriterionResult | None
    """Why the rule matched (its result, under the rule's id); ``None`` for the default territory."""
    passed_over: tuple[CriterionResult, ...]
    """The results of the rules before it, none of them met, under their ids."""
    turn: str
    """Why this owner: the rotation's counts before this assignment."""
    rotation: Rotation
    """The rotation with this assignment counted: pass it to the next ``assign``."""

    @property
    def reason(self) -> str:
        """One line saying why, to keep in the ``Assigned`` event."""
        if self.matched is None:
            return f"territory {self.territory!r} by default: no rule matched"
        return f"territory {self.territory!r} by rule {self.rule!r}: {because(self.matched)}"

    def explain(self) -> str:
        """The assignment, each rule judged in order with its criteria, and the owner's turn, as text."""
        head = f"account {self.account!r}: territory {self.territory!r}, owner {self.owner!r}"
        head += f", rule {self.rule!r}"
        judged = [result.explain() for result in self.passed_over]
        judged.append(self.matched.explain() if self.matched is not None else "no rule matched: the default")
        return "\n".join([head, *judged, f"owner {self.owner!r}: {self.turn}"])


class NoTerritory(FunnelError, LookupError):
    """No territory rule matches an account, and there is no default territory.

    Attributes:
        account: the account's id.
        results: each rule's result on the account, in order, under the rule's id.
    """

    def __init__(self, account: str, results: Iterable[CriterionResult]) -> None:
        self.account = account
        self.results = tuple(results)
        judged = "".join(f"\n  - {r.criterion}: {r.verdict.value}: {because(r)}" for r in self.results)
        super().__init__(
            f"no territory rule matches account {account!r}, and there is no default territory:"
            f"{judged}\nadd a rule that matches it, or a default territory"
        )


def _rules(rules: Iterable[TerritoryRule]) -> tuple[TerritoryRule, ...]:
    given: object = rules  # typed, but definitions come from data too
    if not isinstance(given, Iterable) or isinstance(given, (str, TerritoryRule, set, frozenset, Mapping)):
        raise DefinitionError("territories", [f"rules={given!r} must be a sequence of TerritoryRule"])
    found = tuple(given)
    wrong = [f"{rule!r} is not a TerritoryRule" for rule in found if not isinstance(rule, TerritoryRule)]
    if wrong:
        raise DefinitionError("territories", wrong)
    return found


@attrs.frozen
class Territories:
    """Ordered territory rules and an optional default territory: where accounts go, and to whom.

    Example:
        >>> import funnelkit as fk
        >>> emea = fk.Territory("emea", ["u-ada", "u-bo"])
        >>> territories = fk.Territories(
        ...     [fk.TerritoryRule("emea", fk.attribute("region", one_of="EMEA"), emea)],
        ...     default=fk.Territory("rest", ["u-cy"]),
        ... )
        >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company, region="EMEA")
        >>> first = territories.assign(acme)
        >>> second = territories.assign(acme, rotation=first.rotation)
        >>> first.territory, first.owner, second.owner, first.rule
        ('emea', 'u-ada', 'u-bo', 'emea')
    """

    DEFAULT_RULE: ClassVar[str] = "default"
    """The rule id assignments to the default territory record; no rule may use it."""

    rules: tuple[TerritoryRule, ...] = attrs.field(converter=_rules)
    default: Territory | None = None
    """Where an account that no rule matches goes; without one, such an account is refused."""
    _by_rule: FrozenDict[str, Territory] = attrs.field(init=False, eq=False, repr=False)
    _members: FrozenDict[str, frozenset[str]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Refuse what is no rule, rule ids used twice or reserved, and two territories of one id."""
        default: object = self.default  # typed, but definitions come from data too
        problems = []
        if default is not None and not isinstance(default, Territory):
            problems.append(f"default={default!r} must be a Territory or None")
        if not self.rules and default is None:
            problems.append("give at least one rule, or a default territory")
        if problems:
            raise DefinitionError("territories", problems)
        pairs = [(rule.id, rule.territory) for rule in self.rules]
        ids = [rule for rule, _ in pairs]
        problems += [
            f"rule id {rule!r} is used twice" for rule in sorted({i for i in ids if ids.count(i) > 1})
        ]
        if self.DEFAULT_RULE in ids:
            problems.append(f"rule id {self.DEFAULT_RULE!r} is kept for the default territory")
        if self.default is not None:
            pairs.append((self.DEFAULT_RULE, self.default))
        by_id: dict[str, Territory] = {}
        for _, territory in pairs:
            if by_id.setdefault(territory.id, territory) != territory:
                problems.append(f"territory {territory.id!r} is defined twice, with different owners")
        if problems:
            raise DefinitionError("territories", list(dict.fromkeys(problems)))
        object.__setattr__(self, "_by_rule", FrozenDict(pairs))
        members = {
            name: frozenset(owner.id for owner in territory.owners) for name, territory in by_id.items()
        }
        object.__setattr__(self, "_members", FrozenDict(members))

    def assign(self, account: Account, *, rotation: Rotation = NO_ROTATION) -> Assignment:
        """Route ``account`` by the first rule it meets, and give it to the owner whose turn it is.

        Rules are judged in order; a rule matches when its criterion is met (unknown does not
        match). No rule matching, the default territory takes the account. In the territory, the
        owner is the one whose turn it is in ``rotation``: among the owners with fewer
        assignments than their share (by capacity) of all made so far plus this one, the one
        with the fewest for its capacity, ``(assignments + 1) / capacity``; a tie goes to the
        owner listed first. Equal capacities make it round robin in the order listed. The same
        account and rotation always give the same assignment.

        Raises:
            NoTerritory: no rule matches and there is no default territory.
            InvalidInput: ``account`` is not an Account, or ``rotation`` not a Rotation.
            CriterionFailed: a criterion of your own raised, or returned something not a result.
        """
        given: tuple[tuple[str, object, type, str], ...] = (
            ("account", account, Account, "an Account, such as lead.account"),
            ("rotation", rotation, Rotation, "a Rotation, such as the last assignment's"),
        )
        problems = [
            Problem((name,), f"must be {words}", value)
            for name, value, kind, words in given
            if not isinstance(value, kind)
        ]
        if problems:
            given_account: object = account  # typed, but callers may pass anything
            named = f"account {account.id!r}" if isinstance(given_account, Account) else SHORT.repr(account)
            raise InvalidInput(f"territories cannot assign {named}", problems)
        passed_over: list[CriterionResult] = []
        for rule in self.rules:
            result = self._judge(rule, account)
            if result.verdict is Verdict.met:
                return self._assignment(account, rule.id, result, passed_over, rotation)
            passed_over.append(result)
        if self.default is None:
            raise NoTerritory(account.id, passed_over)
        return self._assignment(account, self.DEFAULT_RULE, None, passed_over, rotation)

    def _judge(self, rule: TerritoryRule, account: Account) -> CriterionResult:
        token = EVALUATING.set(f"territory rule {rule.id!r}")
        try:
            result = assessed(rule.when, account)
        finally:
            EVALUATING.reset(token)
        return attrs.evolve(result, criterion=rule.id)

    def _assignment(
        self,
        account: Account,
        rule: str,
        matched: CriterionResult | None,
        passed_over: list[CriterionResult],
        rotation: Rotation,
    ) -> Assignment:
        territory = self._by_rule[rule]
        owner, turn = next_owner(territory, rotation)
        after = rotation.adding(territory.id, owner.id)
        return Assignment(account.id, territory.id, owner.id, rule, matched, tuple(passed_over), turn, after)

    def rotation_from(self, events: Iterable[Event], rotation: Rotation = NO_ROTATION) -> Rotation:
        """Fold ``events`` into ``rotation``: count each ``Assigned`` event made by one of these rules.

        An event counts when its ``rule`` is the id of one of these rules (or
        :attr:`DEFAULT_RULE`, given a default territory) and its owner is an owner of that rule's
        territory; assignments by hand (``rule=None``) and by other rules do not. Pass the
        events of the period to balance over (the last 30 days, say): an owner who joins starts
        from none and takes the turns it is owed.

        Raises:
            InvalidInput: ``events`` holds something that is not an Event, or ``rotation`` is not
                a Rotation.
        """
        given: object = events  # typed, but callers may pass anything
        if not isinstance(given, Iterable) or not isinstance(rotation, Rotation):
            problem = Problem(("events", "rotation"), "must be Events and a Rotation", (events, rotation))
            raise InvalidInput("territories cannot fold the rotation", [problem])
        counts = {territory: dict(owners) for territory, owners in rotation.counts.items()}
        for index, event in enumerate(given):
            if not isinstance(event, Event):
                problem = Problem(("events", index), "must be an Event", event)
                raise InvalidInput("territories cannot fold the rotation", [problem])
            rule, owner = event.payload.get("rule"), event.payload.get("owner")
            territory = (
                self._by_rule.get(rule) if event.command == "assign" and isinstance(rule, str) else None
            )
            if territory is not None and isinstance(owner, str) and owner in self._members[territory.id]:
                owners = counts.setdefault(territory.id, {})
                owners[owner] = owners.get(owner, 0) + 1
        return Rotation(counts)
