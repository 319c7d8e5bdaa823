"""Commands with bad arguments: a FunnelError or an accepted command, nothing else, and no change."""

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()

ODD = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.just(object())
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
    | st.builds(lambda: fk.Money("1", "EUR"))
    | testing.touches()
)


@given(ANY_SUBJECT, st.data())
def test_bad_arguments_give_funnel_errors_and_change_nothing(subject: Any, data: st.DataObject) -> None:
    before = copy.deepcopy(subject)
    name = data.draw(st.sampled_from([*subject.commands, "fly", "qualfy"]))
    known = sorted(subject.commands[name].arguments) if name in subject.commands else []
    arguments = {
        key: data.draw(ODD)
        for key in data.draw(
            st.lists(
                st.sampled_from([*known, "extra"]) if known else st.just("extra"), max_size=3, unique=True
            )
        )
    }
    at = data.draw(st.sampled_from([subject.last_at, "now", None, subject.last_at.replace(tzinfo=None)]))
    try:
        result = subject.send(name, at=at, **arguments)
    except fk.FunnelError as error:
        result = error
    assert result is not None
    assert subject == before
    assert subject.version == before.version
