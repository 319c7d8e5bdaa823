"""Open vocabularies: channels and touch kinds of the user's own, beside the built-in ones."""

import pickle
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
ACME = fk.Account("acme", "Acme", fk.AccountKind.company)


def test_custom_values_are_equal_by_their_text_and_store_as_it() -> None:
    paid = fk.Channel("paid_search")
    assert paid == fk.Channel("paid_search")
    assert hash(paid) == hash(fk.Channel("paid_search"))
    assert isinstance(paid, fk.Channel)
    assert (paid.value, paid.is_built_in, fk.Channel.search.is_built_in) == ("paid_search", False, True)
    assert paid == "paid_search"
    assert pickle.loads(pickle.dumps(paid)) == paid
    assert "paid_search" not in [member.value for member in fk.Channel]  # the built-ins are unchanged
    assert fk.Channel("search") is fk.Channel.search


@pytest.mark.parametrize("value", ["Paid Search", "", "9lives", "x" * 65, 3, None])
def test_a_custom_value_is_a_snake_case_name(value: object) -> None:
    with pytest.raises(fk.InvalidInput, match="or a name of your own in snake_case") as caught:
        fk.TouchKind(value)
    assert caught.value.what == "cannot make a TouchKind"


def test_touches_carry_utm_parameters_and_say_whether_they_raise_a_hand() -> None:
    page = fk.TouchKind("trial_signup")
    touch = fk.Touch(
        fk.Channel("paid_search"),
        "spring",
        page,
        AT,
        url="https://acme.example/trial",
        utm_source="google",
        utm_medium="cpc",
        utm_term="invoicing software",
        utm_content="ad-7",
    )
    assert not touch.is_hand_raise  # a kind of your own is not a hand raise unless the touch says so
    raised = fk.Touch(fk.Channel("paid_search"), "spring", page, AT, hand_raise=True)
    assert raised.is_hand_raise
    assert not fk.Touch(
        fk.Channel.webinar, "x", fk.TouchKind.demo_request, AT, hand_raise=False
    ).is_hand_raise
    lead = fk.Lead.create("L-1", account=ACME, source=raised, at=AT)
    assert lead.fast_track(at=AT).status is fk.LeadStatus.sales_accepted
    with pytest.raises(fk.TransitionNotAllowed, match="may_fast_track"):
        fk.Lead.create("L-2", account=ACME, source=touch, at=AT).fast_track(at=AT)
    assert fk.load(fk.Touch, fk.dump(touch)) == touch
    assert fk.load(fk.Lead, fk.dump(lead)) == lead
    with pytest.raises(fk.InvalidInput, match="hand_raise: must be True, False or None"):
        fk.Touch(fk.Channel.email, "x", fk.TouchKind.click, AT, hand_raise="yes")  # type: ignore[arg-type]


def test_the_json_schema_allows_values_of_your_own_and_load_refuses_others() -> None:
    schema = fk.json_schema(fk.Touch)
    channel = schema["$defs"]["Channel"]
    assert {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"} in channel["anyOf"]
    data = fk.dump(fk.Touch(fk.Channel("partner"), "x", fk.TouchKind("page_view"), AT))
    assert fk.load(fk.Touch, data).channel == fk.Channel("partner")
    with pytest.raises(
        fk.InvalidInput, match=r"channel: must be one of .* or a name of your own in snake_case"
    ):
        fk.load(fk.Touch, data | {"channel": "Not A Name"})
    with pytest.raises(fk.InvalidInput, match=r"or one of your own: Channel\('a_snake_case_name'\)"):
        fk.Touch(None, "x", fk.TouchKind.click, AT)  # type: ignore[arg-type]


@given(testing.touches())
def test_drawn_touches_round_trip(touch: fk.Touch) -> None:
    assert fk.load(fk.Touch, fk.dump(touch)) == touch


@given(st.sampled_from(["paid_search", "partner"]), st.sampled_from(list(fk.Channel)))
def test_custom_and_built_in_values_never_meet(custom: str, built_in: fk.Channel) -> None:
    assert fk.Channel(custom) != built_in
    assert fk.Channel(custom).is_built_in is False


def test_fields_added_since_are_written_only_when_set() -> None:
    plain = fk.dump(fk.Touch(fk.Channel.email, "x", fk.TouchKind.click, AT))
    assert set(plain) == {"channel", "campaign", "kind", "at"}
    tagged = fk.dump(
        fk.Touch(fk.Channel.email, "x", fk.TouchKind.click, AT, utm_source="news", hand_raise=False)
    )
    assert (tagged["utm_source"], tagged["hand_raise"]) == ("news", False)
    assert "phone" not in fk.dump(fk.Contact("Ada", "ada@acme.example"))
    assert fk.dump(fk.Contact("Bo", phone="+1 555 0100"))["phone"] == "+1 555 0100"
