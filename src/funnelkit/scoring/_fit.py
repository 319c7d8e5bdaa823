"""Fit: who a subject is. Fit rules give points for criteria a subject meets, and never decay.

A fit rule's test is a qualification criterion: :func:`funnelkit.attribute` for an attribute or
custom field of the account (the one place that reads accounts), :func:`role` for the contact's
role, :func:`tagged` and :func:`field_is` for the subject's own tags and custom fields, or any
criterion of your own. A subject given as a plain mapping is read through :class:`Given`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from funnelkit._errors import DefinitionError, InvalidInput, Problem
from funnelkit._json import NAME, NO_FIELDS, Fields, tag_problem, tag_set
from funnelkit._market import same_value, shown
from funnelkit._values import Account, Contact, ContactRole, Touch
from funnelkit.qualification._combinators import Combinable
from funnelkit.qualification._criteria import Criterion, is_criterion
from funnelkit.qualification._evidence import NO_EVIDENCE, Evidence
from funnelkit.qualification._results import CriterionResult, Verdict
from funnelkit.scoring._decay import is_finite

KEYS = ("account", "contact", "committee", "fields", "tags", "evidence", "source", "touches")
"""The keys a subject given as a mapping may have: the attributes of a lead or an opportunity."""


@attrs.frozen
class Given:
    """A subject given as a mapping, read as a lead is: what criteria and engagement rules see."""

    account: Account | None = None
    contact: Contact | None = None
    committee: tuple[Contact, ...] = ()
    fields: Fields = NO_FIELDS
    tags: frozenset[str] = frozenset()
    evidence: Evidence = NO_EVIDENCE
    source: Touch | None = None
    touches: tuple[Touch, ...] = ()


_KINDS: dict[str, tuple[type, ...]] = {
    "account": (Account, type(None)),
    "contact": (Contact, type(None)),
    "evidence": (Evidence,),
    "source": (Touch, type(None)),
}
_MANY = {"committee": Contact, "touches": Touch}


def given(what: str, subject: Mapping[Any, Any]) -> Given:
    """``subject`` read as a :class:`Given`; :class:`InvalidInput` names every bad key and value."""
    problems = [
        Problem((str(key),), f"is not a key of a subject; use {', '.join(KEYS)}", key)
        for key in subject
        if key not in KEYS
    ]
    values: dict[str, Any] = {}
    for key, kinds in _KINDS.items():
        value = subject.get(key)
        if key in subject and not isinstance(value, kinds):
            problems.append(Problem((key,), f"must be {' or '.join(kind.__name__ for kind in kinds)}", value))
        values[key] = value
    for key, kind in _MANY.items():
        items = subject.get(key, ())
        if isinstance(items, Iterable) and not isinstance(items, (str, bytes, Mapping)):
            values[key] = tuple(items)
            problems += [
                Problem((key, index), f"must be a {kind.__name__}", item)
                for index, item in enumerate(values[key])
                if not isinstance(item, kind)
            ]
        else:
            problems.append(Problem((key,), f"must be an iterable of {kind.__name__}", items))
    try:
        values["fields"] = Fields(subject.get("fields", NO_FIELDS))
    except InvalidInput as error:
        problems += [
            Problem(("fields", *found.location), found.message, found.input) for found in error.problems
        ]
    try:
        values["tags"] = tag_set(what, subject.get("tags", ()))
    except InvalidInput as error:
        problems += error.problems
    if problems:
        raise InvalidInput(what, problems)
    values["evidence"] = values["evidence"] or NO_EVIDENCE
    return Given(**values)


def _verdict(holds: bool) -> Verdict:
    return Verdict.met if holds else Verdict.unmet


@attrs.frozen(repr=False)
class RoleCriterion(Combinable):
    """Met when the contact, or anyone on the buying committee, plays one of ``roles``."""

    roles: tuple[ContactRole, ...]
    id: str

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the roles of the subject's contact and buying committee."""
        contact = getattr(subject, "contact", None)
        people = ((contact,) if isinstance(contact, Contact) else ()) + tuple(
            getattr(subject, "committee", ())
        )
        if not people:
            return CriterionResult(self.id, Verdict.unknown, "no contact to read a role from")
        found = tuple(dict.fromkeys(person.role for person in people))
        wanted = ", ".join(repr(role.value) for role in self.roles)
        said = f"role = {', '.join(repr(role.value) for role in found)}"
        holds = any(role in self.roles for role in found)
        return CriterionResult(self.id, _verdict(holds), f"{said}, {'' if holds else 'not '}one of {wanted}")

    def is_met(self, subject: Any) -> bool:  # noqa: ANN401 - see Criterion
        """Whether :meth:`assess` judges ``subject`` met, without writing why: for scoring many subjects.

        Example:
            >>> from types import SimpleNamespace
            >>> import funnelkit as fk
            >>> import funnelkit.scoring as sc
            >>> ada = fk.Contact("Ada", "ada@acme.example", fk.ContactRole.decision_maker)
            >>> lead = SimpleNamespace(contact=ada)
            >>> sc.role("decision_maker").is_met(lead), sc.role("champion").is_met(lead)
            (True, False)
        """
        contact = getattr(subject, "contact", None)
        if isinstance(contact, Contact) and contact.role in self.roles:
            return True
        return any(person.role in self.roles for person in getattr(subject, "committee", ()))

    def __repr__(self) -> str:
        return f"role({', '.join(repr(role.value) for role in self.roles)})"


def role(*roles: ContactRole | str) -> RoleCriterion:
    """Make a criterion met when the contact (or a buying committee member) plays one of ``roles``.

    No contact at all is ``unknown``.

    Raises:
        DefinitionError: no role is given, or one is not a :class:`~funnelkit.ContactRole`.

    Example:
        >>> import funnelkit as fk
        >>> import funnelkit.scoring as sc
        >>> sc.role("decision_maker", fk.ContactRole.economic_buyer)
        role('decision_maker', 'economic_buyer')
    """
    known = {member.value for member in ContactRole}
    wrong = [value for value in roles if value not in known]
    if wrong or not roles:
        allowed = ", ".join(sorted(known))
        raise DefinitionError(
            "role(...)", [f"roles {wrong or list(roles)!r} must be one or more of {allowed}"]
        )
    members = tuple(dict.fromkeys(ContactRole(value) for value in roles))
    return RoleCriterion(members, f"role in {{{', '.join(repr(member.value) for member in members)}}}")


@attrs.frozen(repr=False)
class TagCriterion(Combinable):
    """Met when the subject itself carries a tag (an account's tags: ``fk.attribute("tags", ...)``)."""

    tag: str
    id: str

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the subject's own tags."""
        holds = self.tag in getattr(subject, "tags", ())
        return CriterionResult(self.id, _verdict(holds), f"{'' if holds else 'not '}tagged {self.tag!r}")

    def is_met(self, subject: Any) -> bool:  # noqa: ANN401 - see Criterion
        """Whether :meth:`assess` judges ``subject`` met, without writing why: for scoring many subjects.

        Example:
            >>> from types import SimpleNamespace
            >>> import funnelkit.scoring as sc
            >>> sc.tagged("vip").is_met(SimpleNamespace(tags=frozenset({"vip"})))
            True
        """
        return self.tag in getattr(subject, "tags", ())

    def __repr__(self) -> str:
        return f"tagged({self.tag!r})"


def tagged(tag: str) -> TagCriterion:
    """Make a criterion met when the subject itself (a lead, an opportunity) carries ``tag``.

    Raises:
        DefinitionError: ``tag`` is not a valid tag.

    Example:
        >>> import funnelkit.scoring as sc
        >>> sc.tagged("vip").id
        "tagged 'vip'"
    """
    problem = tag_problem(tag)
    if problem is not None:
        raise DefinitionError("tagged(...)", [f"tag {tag!r} {problem}"])
    return TagCriterion(tag, f"tagged {tag!r}")


@attrs.frozen(repr=False)
class FieldCriterion(Combinable):
    """Met when a custom field of the subject itself holds one of ``values``; unknown while unset."""

    name: str
    values: tuple[str | int | float | bool, ...]
    id: str

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge the subject's own custom field."""
        fields = getattr(subject, "fields", NO_FIELDS)
        value = fields.get(self.name) if isinstance(fields, Mapping) else None
        if value is None:
            return CriterionResult(self.id, Verdict.unknown, f"field {self.name} not known")
        holds = any(same_value(value, one) for one in self.values)
        wanted = ", ".join(shown(one) for one in self.values)
        reason = f"field {self.name} = {shown(value)}, {'' if holds else 'not '}one of {wanted}"
        return CriterionResult(self.id, _verdict(holds), reason)

    def is_met(self, subject: Any) -> bool:  # noqa: ANN401 - see Criterion
        """Whether :meth:`assess` judges ``subject`` met, without writing why: for scoring many subjects.

        Example:
            >>> from types import SimpleNamespace
            >>> import funnelkit.scoring as sc
            >>> sc.field_is("plan", "pro").is_met(SimpleNamespace(fields={"plan": "pro"}))
            True
        """
        fields = getattr(subject, "fields", NO_FIELDS)
        value = fields.get(self.name) if isinstance(fields, Mapping) else None
        return value is not None and any(same_value(value, one) for one in self.values)

    def __repr__(self) -> str:
        return f"field_is({self.name!r}, {', '.join(map(repr, self.values))})"


def field_is(name: str, *values: str | float | bool) -> FieldCriterion:
    """Make a criterion met when the subject's own custom field ``name`` holds one of ``values``.

    A field not set is ``unknown``. (An account's custom field is ``fk.attribute("fields.<name>", ...)``.)

    Raises:
        DefinitionError: ``name`` is not a snake_case field name, or no value (or a bad one) is given.

    Example:
        >>> import funnelkit.scoring as sc
        >>> sc.field_is("plan", "pro", "team").id
        "plan in {'pro', 'team'}"
    """
    named: object = name  # typed, but definitions come from data too
    problems = [] if isinstance(named, str) and NAME.fullmatch(named) else [f"{name!r} is not a field name"]
    good = values and all(isinstance(value, (str, bool)) or is_finite(value) for value in values)
    problems += (
        [] if good else [f"values {list(values)!r} must be strings, finite numbers or booleans, at least one"]
    )
    if problems:
        raise DefinitionError("field_is(...)", problems)
    return FieldCriterion(name, values, f"{name} in {{{', '.join(shown(value) for value in values)}}}")


@attrs.frozen
class FitRule:
    """Points for who the subject is: ``points`` (negative to subtract) when ``criterion`` is met.

    Partly met, unmet and unknown add nothing. Fit rules never decay.

    Example:
        >>> import funnelkit as fk
        >>> import funnelkit.scoring as sc
        >>> sc.FitRule("mid-market", 15, fk.attribute("employees", at_least=50, below=1000))
        FitRule(id='mid-market', points=15, criterion=attribute('employees', at_least=50, below=1000))
    """

    id: str
    points: float
    criterion: Criterion

    def __attrs_post_init__(self) -> None:
        """Refuse a blank id, points that are not a finite number, or a criterion that is none."""
        problems = rule_problems(self.id, self.points)
        if not is_criterion(self.criterion):
            problems.append(f"criterion {self.criterion!r} must be a criterion, such as fk.attribute(...)")
        if problems:
            raise DefinitionError(f"fit rule {self.id!r}", problems)


def text_problems(*named: tuple[str, object]) -> list[str]:
    """What is wrong with each named value that must be a non-blank string, such as an id."""
    return [
        f"{name} {value!r} must be a non-blank string"
        for name, value in named
        if not isinstance(value, str) or not value.strip()
    ]


def rule_problems(id: object, points: object) -> list[str]:
    """What is wrong with a rule's id and points."""
    finite = [] if is_finite(points) else [f"points={points!r} must be a finite number"]
    return text_problems(("id", id)) + finite
