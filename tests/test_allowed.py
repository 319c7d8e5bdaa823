"""Allowed means allowed: what allowed_events() lists is accepted, and what it leaves out is refused."""

from typing import Any

import pytest
from hypothesis import given

import funnelkit as fk
from funnelkit import testing

ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()


@given(ANY_SUBJECT)
def test_commands_without_arguments_do_what_allowed_events_says(subject: Any) -> None:
    allowed = subject.allowed_events()
    for name, declaration in subject.commands.items():
        # qualify takes only a framework, with a default; the others that take arguments need them
        if (declaration.arguments or declaration.open_ended) and name != "qualify":
            continue
        if name in allowed:
            assert subject.send(name, at=subject.last_at) is not None
        else:
            with pytest.raises(fk.TransitionNotAllowed):
                subject.send(name, at=subject.last_at)


def test_a_refused_qualify_is_not_listed_as_allowed(lead: fk.Lead, day: Any) -> None:
    accepted = lead.mark_marketing_qualified(at=day(2)).accept(at=day(2))
    with pytest.raises(fk.TransitionNotAllowed) as caught:
        accepted.qualify(at=day(3))
    assert "qualify" not in caught.value.allowed
    assert "qualify" not in accepted.allowed_events()
    facts: dict[str, Any] = {"budget": True, "authority": True, "need": "speed"}
    assert "qualify" in accepted.record(at=day(3), facts=facts).allowed_events()
