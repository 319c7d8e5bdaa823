"""Registers funnelkit's strategies with Hypothesis, which calls this through its entry point.

It lives apart from ``funnelkit.testing`` so that importing either first works: Hypothesis runs
its entry points while it is still being imported.
"""

from __future__ import annotations

from funnelkit import Account, Client, Contact, Lead, Money, Opportunity, Pipeline, Prospect, Touch
from funnelkit.qualification import Evidence
from funnelkit.testing._evidence import evidence
from funnelkit.testing._strategies import (
    accounts,
    clients,
    contacts,
    leads,
    money,
    opportunities,
    pipelines,
    prospects,
    touches,
)


def setup() -> None:
    """Register a strategy for every funnelkit type; Hypothesis calls this through its entry point."""
    from hypothesis import strategies as st  # imported late: Hypothesis is still loading when it calls this

    registered: dict[type[object], st.SearchStrategy[object]] = {
        Prospect: prospects(),
        Lead: leads(),
        Opportunity: opportunities(),
        Client: clients(),
        Account: accounts(),
        Contact: contacts(),
        Touch: touches(),
        Money: money(),
        Pipeline: pipelines(),
        Evidence: evidence(),
    }
    for kind, strategy in registered.items():
        st.register_type_strategy(kind, strategy)
