"""The commands that set and clear an object's custom fields and tags (values in ``_json``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from funnelkit._command import Changes, Decision, command
from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit._json import Fields, field_values, tag_set
from funnelkit._subject import Subject

C = TypeVar("C", bound="Customizable")


def _fields_set(subject: Customizable, payload: Mapping[str, Any]) -> Changes:
    return {"fields": subject.fields.merged(payload["fields"])}


def _tagged(subject: Customizable, payload: Mapping[str, Any]) -> Changes:
    return {"tags": subject.tags | frozenset(payload["tags"])}


def _untagged(subject: Customizable, payload: Mapping[str, Any]) -> Changes:
    return {"tags": subject.tags - frozenset(payload["tags"])}


class Customizable(Subject):
    """The commands of the objects that carry custom ``fields`` and ``tags``."""

    __slots__ = ()
    fields: Fields
    tags: frozenset[str]

    @command("FieldsSet", effect=_fields_set, fields=FrozenDict)
    def set_fields(self: C, /, *, at: datetime, **values: object) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Set custom fields (JSON values under snake_case names); ``None`` clears a field.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.set_fields(at=day(2), landing_page="b48ec5", pages=[1, 2])
            >>> deal = deal.set_fields(at=day(3), pages=None)  # cleared
            >>> dict(deal.fields)
            {'landing_page': 'b48ec5'}
        """
        if not values:
            raise InvalidInput(
                self._context("set_fields"),
                [Problem((), "give at least one field, such as set_fields(at=..., landing_page='b48ec5')")],
            )
        return {"fields": FrozenDict(field_values(self._context("set_fields"), values, clearing=True))}

    @command("Tagged", effect=_tagged, tags=tuple[str, ...])
    def tag(self: C, *, at: datetime, tags: Iterable[str] | str) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Add one tag or several; a tag the object already has stays.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.tag(at=day(2), tags=["inbound", "partner"]).untag(at=day(3), tags="partner")
            >>> sorted(deal.tags)
            ['inbound']
        """
        added = tag_set(self._context("tag"), tags)
        if not added:
            raise InvalidInput(self._context("tag"), [Problem(("tags",), "give at least one tag", tags)])
        return {"tags": tuple(sorted(added))}

    @command("Untagged", effect=_untagged, tags=tuple[str, ...])
    def untag(self: C, *, at: datetime, tags: Iterable[str] | str) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Remove one tag or several; each must be one the object has (a typo is refused)."""
        context = self._context("untag")
        removed = tag_set(context, tags)
        if not removed:
            raise InvalidInput(context, [Problem(("tags",), "give at least one tag", tags)])
        missing = sorted(removed - self.tags)
        if missing:
            having = ", ".join(repr(tag) for tag in sorted(self.tags)) or "none"
            raise InvalidInput(
                context,
                [Problem(("tags",), f"has tags the object does not have; its tags are {having}", missing)],
            )
        return {"tags": tuple(sorted(removed))}
