"""The buying committee: the people on the buyer's side of an opportunity, each in their role."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from funnelkit._command import Changes, Decision, command
from funnelkit._errors import InvalidInput, Problem
from funnelkit._subject import Subject
from funnelkit._values import Contact

B = TypeVar("B", bound="Committee")


def _digits(phone: str) -> str:
    """A phone number as its digits, with a leading ``+`` kept: how two writings of it compare."""
    return ("+" if phone.strip().startswith("+") else "") + "".join(c for c in phone if c.isdigit())


def reaches(member: Contact, key: str) -> bool:
    """Whether ``key`` (an email in any case, or a phone however written) reaches ``member``."""
    email = member.email is not None and member.email.lower() == key.strip().lower()
    return email or (member.phone is not None and _digits(member.phone) == _digits(key) != "")


def same_person(one: Contact, other: Contact) -> bool:
    """Whether two contacts share an email (in any case) or a phone (however written)."""
    keys = [key for key in (other.email, other.phone) if key is not None]
    return any(reaches(one, key) for key in keys)


def _added(subject: Committee, payload: Mapping[str, Any]) -> Changes:
    added: Contact = payload["contact"]
    kept = tuple(member for member in subject.committee if not same_person(member, added))
    return {"committee": (*kept, added)}


def _removed(subject: Committee, payload: Mapping[str, Any]) -> Changes:
    key = payload["contact"]
    return {"committee": tuple(member for member in subject.committee if not reaches(member, key))}


class Committee(Subject):
    """The ``add_contact`` and ``remove_contact`` commands of an opportunity's buying committee."""

    __slots__ = ()
    committee: tuple[Contact, ...]

    @command("ContactAdded", effect=_added, contact=Contact)
    def add_contact(self: B, *, at: datetime, contact: Contact) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Add a person to the buying committee, in their role; adding them again updates them.

        A member is known by their email (in any case) and by their phone (however written): a
        contact who shares either with a member replaces that member.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> cfo = fk.Contact("Bo Chen", "bo@acme.example", fk.ContactRole.economic_buyer)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example", fk.ContactRole.champion)
            >>> deal = deal.add_contact(at=day(2), contact=cfo).add_contact(at=day(3), contact=ada)
            >>> deal = deal.remove_contact(at=day(4), contact="BO@acme.example")
            >>> [(member.name, member.role.value) for member in deal.committee]
            [('Ada Byron', 'champion')]
        """
        return {"contact": contact}

    @command("ContactRemoved", effect=_removed, contact=str)
    def remove_contact(self: B, *, at: datetime, contact: Contact | str) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Remove a member from the buying committee, given as a contact or by email or phone.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> bo = fk.Contact("Bo Chen", phone="+44 20 7946 0958", role=fk.ContactRole.user)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.add_contact(at=day(2), contact=bo)
            >>> deal.remove_contact(at=day(3), contact="+442079460958").committee
            ()
        """
        if isinstance(contact, Contact):
            key = contact.email.lower() if contact.email is not None else str(contact.phone)
        else:
            key = contact.strip()
        if not any(reaches(member, key) for member in self.committee):
            having = ", ".join(member.email or str(member.phone) for member in self.committee) or "nobody yet"
            raise InvalidInput(
                self._context("remove_contact"),
                [Problem(("contact",), f"is not on the buying committee, which has {having}", contact)],
            )
        return {"contact": key}
