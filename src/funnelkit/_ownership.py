"""Owners: the user or team a lead, an opportunity or a client is assigned to, and the command."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from funnelkit._command import Decision, command, keep
from funnelkit._subject import Subject

A = TypeVar("A", bound="Assignable")


class Assignable(Subject):
    """The ``assign`` command of the objects that have an ``owner``."""

    __slots__ = ()

    @command("Assigned", effect=keep("owner"), owner=str, reason=str, rule=str | None)
    def assign(self: A, *, at: datetime, owner: str, reason: str, rule: str | None = None) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Give the object to ``owner`` (a user or team id), saying why.

        ``rule`` names the assignment rule that chose the owner, such as a territory's; without
        it, the assignment was made by hand. Either way the event keeps it.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.assign(at=day(2), owner="u-ada", reason="EMEA enterprise", rule="emea-large")
            >>> deal.owner, deal.history[-1].payload["rule"]
            ('u-ada', 'emea-large')
        """
        return {"owner": owner, "reason": reason, "rule": rule}
