"""Building an object by hand from a history that does not start with an event is refused."""

import pytest

import funnelkit as fk


def test_a_history_must_start_with_the_creating_event() -> None:
    with pytest.raises(fk.InvalidInput, match="must be the event that created the object") as caught:
        fk.Client(
            id="C-1",
            status=fk.ClientStatus.active,
            account=fk.Account("acme", "Acme", fk.AccountKind.company),
            history=("not an event",),  # type: ignore[arg-type]
        )
    assert caught.value.problems[0].location == ("history", 0)
