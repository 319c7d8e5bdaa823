"""Accounts that change: what is learned later about an account, recorded on the objects that hold it.

A funnel object carries the account it is about as a value. What is learned later (a segment, the
industry, the head count, a custom field) is recorded with ``update_account``: an event that keeps
the whole account as it then stood, so the account as of any time is read back from the history
with ``account_as_of``, and a hand-over (a response, a conversion, a win) passes the account on as
it stands.
"""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any, TypeVar

import attrs

from funnelkit._command import Decision, command, keep
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import CREATE, utc
from funnelkit._json import Fields
from funnelkit._subject import Subject
from funnelkit._values import Account

UPDATABLE = tuple(field.name for field in attrs.fields(Account) if field.name != "id")
"""What ``update_account`` may change: everything but the account's id."""

H = TypeVar("H", bound="AccountHolder")

_ACCOUNT_EVENTS = frozenset({CREATE, "update_account"})
"""The commands whose payload holds the account as it then stood."""
_UNKNOWN = object()


class AccountHolder(Subject):
    """The ``update_account`` command and ``account_as_of`` of the objects that hold an account."""

    __slots__ = ()
    account: Account

    @command("AccountUpdated", effect=keep("account"), account=Account)
    def update_account(self: H, /, *, at: datetime, **changes: Any) -> Decision:  # noqa: ANN401, PYI019 - an account's attributes; the command returns self's kind
        """Record what was learned about the account: any attribute but its id.

        ``fields`` are merged into the account's custom fields (``None`` clears one); every other
        attribute, ``tags`` included, is replaced. The event keeps the account as it then stood.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.update_account(at=day(9), segment="enterprise", employees=1200)
            >>> deal.account.segment, deal.account_as_of(day(5)).segment
            ('enterprise', None)
        """
        context = self._context("update_account")
        if not changes:
            example = "update_account(at=..., segment='enterprise')"
            raise InvalidInput(context, [Problem((), f"give at least one attribute, such as {example}")])
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            allowed = ", ".join(UPDATABLE)
            raise InvalidInput(
                context,
                [
                    Problem(
                        (name,),
                        f"is not an account attribute that may change; those are {allowed}",
                        changes[name],
                    )
                    for name in unknown
                ],
            )
        problems: list[Problem] = []
        if "fields" in changes:
            try:
                fields = Fields.merging(context, self.account.fields, changes["fields"], ("fields",))
            except InvalidInput as error:
                problems.extend(error.problems)
            changes = {**changes, "fields": self.account.fields if problems else fields}
        for name, value in changes.items():  # each on its own, so every problem is named at once
            try:
                attrs.evolve(self.account, **{name: value})
            except InvalidInput as error:
                problems.extend(error.problems)
        if problems:
            raise InvalidInput(context, problems)
        account = attrs.evolve(self.account, **changes)
        return {"account": account}

    def account_as_of(self, at: datetime) -> Account | None:
        """The account as it stood at ``at``, from the history; ``None`` before the object existed.

        Raises:
            InvalidInput: ``at`` is not a timezone-aware datetime, or the object was restored from
                a snapshot and its kept history does not reach back to ``at``.
        """
        when: object = utc(at)  # typed, but callers may pass anything
        if not isinstance(when, datetime) or when.utcoffset() is None:
            raise InvalidInput(
                f"{self._kind} {self.id!r} cannot say its account",
                [Problem(("at",), "must be a timezone-aware datetime, such as one in UTC", at)],
            )
        # an object restored from a snapshot knows its account from the snapshot on, and so at
        # any time its kept history reaches; before the first account change it kept, only if
        # that time is within its kept history
        history = self.history
        known: object = None if history.start == 0 else _UNKNOWN
        reached = False
        for index, event in enumerate(history):
            if event.at > when:
                changed_later = any(later.command in _ACCOUNT_EVENTS for later in history[index:])
                if known is _UNKNOWN and (changed_later or not reached):
                    break
                return self.account if known is _UNKNOWN else typing.cast("Account | None", known)
            reached = True
            if event.command in _ACCOUNT_EVENTS:
                known = event.payload["account"]
        else:
            if known is not _UNKNOWN or history or when >= self.last_at:
                return self.account  # nothing has changed it since
        raise InvalidInput(
            f"{self._kind} {self.id!r} cannot say its account",
            [
                Problem(
                    ("at",),
                    f"is before what its history kept: it was restored from a snapshot at version "
                    f"{history.start}; replay it from its creation to ask about earlier times",
                    at,
                )
            ],
        )
