"""The lifecycles of prospects, leads and clients, declared with python-statemachine.

Each status enum names the statuses; each lifecycle class declares the transitions between them
and is the single source of truth for events, guards and diagrams. The objects never instantiate
these classes: commands go through tables derived from them once (see ``_table``). Opportunity
lifecycles are built from pipelines, in ``_pipeline``.
"""

from __future__ import annotations

import enum
import functools
import operator

from statemachine import State, StateMachine
from statemachine.states import States
from statemachine.transition_list import TransitionList


class ProspectStatus(str, enum.Enum):
    """Where a prospect is in its lifecycle."""

    targeted = "targeted"
    contacted = "contacted"
    responded = "responded"
    excluded = "excluded"


class LeadStatus(str, enum.Enum):
    """Where a lead is in its lifecycle."""

    new = "new"
    working = "working"
    nurturing = "nurturing"
    marketing_qualified = "marketing_qualified"
    sales_accepted = "sales_accepted"
    sales_qualified = "sales_qualified"
    converted = "converted"
    disqualified = "disqualified"


class ClientStatus(str, enum.Enum):
    """Where a client is in its lifecycle."""

    active = "active"
    at_risk = "at_risk"
    churned = "churned"


def _staying(*states: State) -> TransitionList:
    """Self-transitions on ``states``: events that record something without changing status."""
    staying: TransitionList = functools.reduce(operator.or_, (state.to(state) for state in states))
    return staying


def _unconverted(s: States) -> tuple[State, ...]:
    """Every status of a lead but converted, which is final."""
    return tuple(state for state in s if state.value != LeadStatus.converted)


class ProspectLifecycle(StateMachine):
    """A name on a list that marketing works until it responds or must be left alone."""

    s = States.from_enum(
        ProspectStatus,
        initial=ProspectStatus.targeted,
        final=[ProspectStatus.responded, ProspectStatus.excluded],
    )

    reach_out = s.targeted.to(s.contacted) | s.contacted.to.itself()
    respond = s.targeted.to(s.responded) | s.contacted.to(s.responded)
    exclude = s.targeted.to(s.excluded) | s.contacted.to(s.excluded)
    update_account = _staying(s.targeted, s.contacted)


class LeadLifecycle(StateMachine):
    """A prospect that responded, from inquiry to a sales-qualified lead and its conversion."""

    s = States.from_enum(LeadStatus, initial=LeadStatus.new, final=[LeadStatus.converted])

    work = s.new.to(s.working)
    record = _staying(
        s.new, s.working, s.nurturing, s.marketing_qualified, s.sales_accepted, s.sales_qualified
    )
    engage = _staying(
        s.new, s.working, s.nurturing, s.marketing_qualified, s.sales_accepted, s.sales_qualified
    )
    assign = _staying(*_unconverted(s))
    note_buyer_stage = _staying(
        s.new, s.working, s.nurturing, s.marketing_qualified, s.sales_accepted, s.sales_qualified
    )
    set_fields = _staying(*_unconverted(s))
    tag = _staying(*_unconverted(s))
    untag = _staying(*_unconverted(s))
    update_account = _staying(*_unconverted(s))
    nurture = s.new.to(s.nurturing) | s.working.to(s.nurturing)
    reengage = s.nurturing.to(s.working)
    mark_marketing_qualified = (
        s.new.to(s.marketing_qualified, cond="policy_agrees")
        | s.working.to(s.marketing_qualified, cond="policy_agrees")
        | s.nurturing.to(s.marketing_qualified, cond="policy_agrees")
    )
    accept = s.marketing_qualified.to(s.sales_accepted)
    fast_track = (
        s.new.to(s.sales_accepted, cond="may_fast_track")
        | s.working.to(s.sales_accepted, cond="may_fast_track")
        | s.nurturing.to(s.sales_accepted, cond="may_fast_track")
    )
    qualify = s.sales_accepted.to(s.sales_qualified, cond="is_qualified")
    recycle = (
        s.marketing_qualified.to(s.nurturing)
        | s.sales_accepted.to(s.nurturing)
        | s.sales_qualified.to(s.nurturing)
        | s.disqualified.to(s.nurturing)
    )
    disqualify = (
        s.new.to(s.disqualified)
        | s.working.to(s.disqualified)
        | s.nurturing.to(s.disqualified)
        | s.marketing_qualified.to(s.disqualified)
        | s.sales_accepted.to(s.disqualified)
        | s.sales_qualified.to(s.disqualified)
    )
    convert = s.sales_qualified.to(s.converted)


class ClientLifecycle(StateMachine):
    """An account that has bought: it may buy again, drift away, churn and be won back."""

    s = States.from_enum(ClientStatus, initial=ClientStatus.active, final=[])

    purchase = s.active.to.itself() | s.at_risk.to(s.active)
    expand = s.active.to.itself() | s.at_risk.to.itself()
    flag_at_risk = s.active.to(s.at_risk)
    retain = s.at_risk.to(s.active)
    churn = s.active.to(s.churned) | s.at_risk.to(s.churned)
    win_back = s.churned.to(s.active)
    assign = _staying(s.active, s.at_risk, s.churned)
    set_fields = _staying(s.active, s.at_risk, s.churned)
    tag = _staying(s.active, s.at_risk, s.churned)
    untag = _staying(s.active, s.at_risk, s.churned)
    update_account = _staying(s.active, s.at_risk, s.churned)
