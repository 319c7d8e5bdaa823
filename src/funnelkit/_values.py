"""The value objects the funnel objects link to: accounts, contacts and touches."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from funnelkit._arguments import with_article
from funnelkit._errors import MISSING, InvalidInput, Problem
from funnelkit._events import utc
from funnelkit._fields import SINCE
from funnelkit._json import MAX_WHOLE, NO_FIELDS, Fields, account_fields, account_tags
from funnelkit._money import Money

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_text(kind: str, name: str, value: object) -> str:
    """Return ``value`` if it is a non-blank string, else raise :class:`InvalidInput`."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(kind, [Problem((name,), "must be a non-blank string", value)])
    return value


def check_aware(kind: str, name: str, value: object) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise :class:`InvalidInput`."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(
            kind,
            [Problem((name,), "must be a timezone-aware datetime, such as one in UTC", value)],
        )
    return value


def non_blank(kind: str) -> Validator:
    """An attrs validator: the field must be a non-blank string."""

    def validate(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
        check_text(kind, attribute.name, value)

    return validate


def _optional_text(kind: str) -> Validator:
    def validate(_instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
        if value is not None:
            check_text(kind, attribute.name, value)

    return validate


def _optional_flag(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidInput("Touch", [Problem((attribute.name,), "must be True, False or None", value)])


def _member_of(kind: str, enumeration: type[enum.Enum]) -> Validator:
    def validate(_instance: object, attribute: attrs.Attribute[object], value: object) -> None:
        if not isinstance(value, enumeration):
            allowed = ", ".join(f"{enumeration.__name__}.{member.name}" for member in enumeration)
            if issubclass(enumeration, OpenVocabulary):
                allowed += f", or one of your own: {enumeration.__name__}('a_snake_case_name')"
            problem = f"must be {with_article(enumeration.__name__)}: {allowed}"
            raise InvalidInput(kind, [Problem((attribute.name,), problem, value)])

    return validate


class AccountKind(str, enum.Enum):
    """Whether an account is a company (B2B) or a consumer (B2C)."""

    company = "company"
    consumer = "consumer"


class ContactRole(str, enum.Enum):
    """The part a contact plays in a purchase."""

    decision_maker = "decision_maker"
    economic_buyer = "economic_buyer"
    champion = "champion"
    influencer = "influencer"
    user = "user"
    gatekeeper = "gatekeeper"
    other = "other"


_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A value of the user's own in an open vocabulary: a snake_case name, such as ``paid_search``."""


class OpenVocabulary(str, enum.Enum):
    """Built-in values that also take values of the user's own, such as ``Channel("paid_search")``.

    A value of the user's own is a snake_case name; it compares, hashes, pickles and stores as its
    text (use ``==``, not ``is``, for values of your own), and the JSON Schema allows it.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenVocabulary:
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            built_in = ", ".join(repr(member.value) for member in cls)
            problem = f"must be one of {built_in}, or a name of your own in snake_case, such as 'paid_search'"
            raise InvalidInput(f"cannot make a {cls.__name__}", [Problem(("value",), problem, value)])
        # a new object each time, equal to the others of its value: no registry grows with the
        # names untrusted data may bring
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_built_in(self) -> bool:
        """Whether the value is one funnelkit defines, not one of the user's own."""
        return self._name_ in type(self).__members__

    @classmethod
    def __get_pydantic_json_schema__(cls, _core_schema: object, _handler: object) -> dict[str, Any]:
        """The JSON Schema: a built-in value, or a snake_case name of the user's own."""
        built_in = {"enum": [member.value for member in cls]}
        own = {"type": "string", "pattern": f"^{_NAME.pattern}$"}  # a JSON Schema pattern is not anchored
        return {"title": cls.__name__, "anyOf": [built_in, own]}


class Channel(OpenVocabulary):
    """The medium a touch came through: a built-in one, or one of your own (``Channel("partner")``)."""

    search = "search"
    display = "display"
    social = "social"
    email = "email"
    webinar = "webinar"
    tradeshow = "tradeshow"
    content = "content"
    referral = "referral"
    direct = "direct"
    sales = "sales"
    """Outbound work by sales: a touch on this channel makes a sales-generated lead."""


class TouchKind(OpenVocabulary):
    """What happened in one interaction: a built-in kind, or one of your own (``TouchKind("page_view")``)."""

    impression = "impression"
    click = "click"
    visit = "visit"
    email_open = "email_open"
    download = "download"
    form_submission = "form_submission"
    subscription = "subscription"
    webinar = "webinar"
    meeting = "meeting"
    demo_request = "demo_request"
    contact_request = "contact_request"

    @property
    def is_hand_raise(self) -> bool:
        """Whether the person asked to talk to sales, which lets a lead skip MQL.

        A kind of your own is not, unless a touch says otherwise (``Touch(..., hand_raise=True)``).
        """
        return self in (TouchKind.demo_request, TouchKind.contact_request)


def _optional_count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_WHOLE
    ):
        problem = "must be a whole number from 0 (below 2**53), or None"
        raise InvalidInput("Account", [Problem((attribute.name,), problem, value)])


def _optional_money(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Money):
        raise InvalidInput("Account", [Problem((attribute.name,), "must be a Money, or None", value)])


def _learned(validator: Validator) -> Any:  # noqa: ANN401 - an attrs field
    """An account attribute added in schema 3, ``None`` until learned."""
    return attrs.field(default=None, validator=validator, metadata={SINCE: 3})


@attrs.frozen
class Account:
    """The company (B2B) or consumer (B2C) that makes the purchase, as far as it is known.

    Everything but its id, name and kind may be learned later: record it on the objects that
    refer to the account with their ``update_account`` command, and read it back as it stood at
    any time with ``account_as_of``.

    Example:
        >>> from funnelkit import Account, AccountKind
        >>> Account("acme", "Acme Ltd", AccountKind.company, segment="mid-market", territory="EMEA")
        Account(id='acme', name='Acme Ltd', kind=<AccountKind.company: 'company'>, ...)
    """

    id: str = attrs.field(validator=non_blank("Account"))
    name: str = attrs.field(validator=non_blank("Account"))
    kind: AccountKind = attrs.field(validator=_member_of("Account", AccountKind))
    segment: str | None = attrs.field(default=None, validator=_optional_text("Account"))
    """The market segment, such as ``"enterprise"``; ``None`` when not yet known."""
    territory: str | None = attrs.field(default=None, validator=_optional_text("Account"))
    """The part of the market allotted to a salesperson or team."""
    industry: str | None = _learned(_optional_text("Account"))
    """The line of business, such as ``"health_beauty"``."""
    employees: int | None = _learned(_optional_count)
    """How many people it employs."""
    annual_revenue: Money | None = _learned(_optional_money)
    """Its revenue in a year."""
    country: str | None = _learned(_optional_text("Account"))
    """Where it is, best as an ISO 3166 code such as ``"BR"``."""
    region: str | None = _learned(_optional_text("Account"))
    """The part of a country or of the world, such as ``"SP"`` or ``"EMEA"``."""
    owner: str | None = _learned(_optional_text("Account"))
    """The user or team that owns the account, such as its account manager."""
    fields: Fields = attrs.field(default=NO_FIELDS, converter=account_fields, metadata={SINCE: 3})
    """Its custom fields: JSON values under snake_case names."""
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=account_tags, metadata={SINCE: 3})
    """Its tags."""


MAX_EMAIL = 254
"""The longest address the mail standards allow."""


def _check_email(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checked here
    if value is None:
        return
    # the length first: the pattern takes time that grows faster than the address
    if not isinstance(value, str) or len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        raise InvalidInput(
            "Contact", [Problem(("email",), "must be an address like name@example.com", value)]
        )


MAX_PHONE = 32
"""The longest phone number a contact may give, with spaces and punctuation."""
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*[0-9]")


def _check_phone(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checked here
    if value is not None and (
        not isinstance(value, str) or len(value) > MAX_PHONE or not _PHONE.fullmatch(value)
    ):
        raise InvalidInput(
            "Contact", [Problem(("phone",), "must be a phone number like +44 20 7946 0958", value)]
        )


@attrs.frozen
class Contact:
    """A person at an account, reached by email, by phone or both (one of them is required).

    Example:
        >>> from funnelkit import Contact, ContactRole
        >>> Contact("Ada Byron", "ada@acme.example", ContactRole.decision_maker).role.value
        'decision_maker'
    """

    name: str = attrs.field(validator=non_blank("Contact"))
    email: str | None = attrs.field(default=None, validator=_check_email)
    """An address like ``name@example.com``; ``None`` for a contact known by phone alone."""
    role: ContactRole = attrs.field(default=ContactRole.other, validator=_member_of("Contact", ContactRole))
    phone: str | None = attrs.field(default=None, validator=_check_phone, metadata={SINCE: 3})
    """A phone number as given, such as ``"+44 20 7946 0958"``."""

    def __attrs_post_init__(self) -> None:
        """Refuse a contact nobody could reach: it needs an email, a phone or both."""
        if self.email is None and self.phone is None:
            raise InvalidInput("Contact", [Problem(("email",), "give an email, a phone or both", MISSING)])


def aware(kind: str) -> Validator:
    """An attrs validator: the field must be a timezone-aware datetime."""

    def validate(_instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
        check_aware(kind, attribute.name, value)

    return validate


@attrs.frozen
class Touch:
    """One interaction with a prospect or lead: where it came from and how it engaged.

    Example:
        >>> from datetime import datetime, timezone
        >>> from funnelkit import Channel, Touch, TouchKind
        >>> touch = Touch(Channel.webinar, "spring-launch", TouchKind.demo_request,
        ...               datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
        >>> touch.kind.is_hand_raise
        True
    """

    channel: Channel = attrs.field(validator=_member_of("Touch", Channel))
    campaign: str = attrs.field(validator=non_blank("Touch"))
    kind: TouchKind = attrs.field(validator=_member_of("Touch", TouchKind))
    at: datetime = attrs.field(converter=utc, validator=aware("Touch"))
    """When it happened, in UTC."""
    hand_raise: bool | None = attrs.field(default=None, validator=_optional_flag, metadata={SINCE: 3})
    """Whether the person asked to talk to sales; ``None`` leaves it to the kind."""
    url: str | None = attrs.field(default=None, validator=_optional_text("Touch"), metadata={SINCE: 3})
    """The landing page or link, as given."""
    utm_source: str | None = attrs.field(default=None, validator=_optional_text("Touch"), metadata={SINCE: 3})
    """Where the visitor came from, such as ``"google"`` (UTM source)."""
    utm_medium: str | None = attrs.field(default=None, validator=_optional_text("Touch"), metadata={SINCE: 3})
    """The kind of traffic, such as ``"cpc"`` (UTM medium)."""
    utm_term: str | None = attrs.field(default=None, validator=_optional_text("Touch"), metadata={SINCE: 3})
    """The paid keyword (UTM term)."""
    utm_content: str | None = attrs.field(
        default=None, validator=_optional_text("Touch"), metadata={SINCE: 3}
    )
    """Which ad or link was followed (UTM content)."""

    @property
    def is_hand_raise(self) -> bool:
        """Whether the person asked to talk to sales: as the touch says, or else as its kind says."""
        return self.kind.is_hand_raise if self.hand_raise is None else self.hand_raise
