"""Test support for code built on funnelkit: Hypothesis strategies and a stateful test base.

Install with the ``testing`` extra (``pip install funnelkit[testing]``). Importing Hypothesis also
registers strategies for the funnel types through Hypothesis' entry point, so
``st.from_type(funnelkit.Lead)`` works.

Example:
    >>> from hypothesis import given
    >>> import funnelkit as fk
    >>> from funnelkit.testing import leads
    >>> @given(leads(status=fk.LeadStatus.sales_qualified))
    ... def test_qualified_leads_can_convert(lead):
    ...     assert "convert" in lead.allowed_events()
    >>> test_qualified_leads_can_convert()
"""

from funnelkit._public import publish as _publish
from funnelkit.testing._contracts import CriterionContract
from funnelkit.testing._evidence import Completeness, evidence, fact_lists, facts
from funnelkit.testing._funnels import events_of, funnels, interleaved
from funnelkit.testing._machine import (
    ClientMachine,
    LeadMachine,
    LifecycleMachine,
    OpportunityMachine,
    ProspectMachine,
    check_invariants,
    pipeline_machine,
    raised,
)
from funnelkit.testing._score_strategies import points_definitions, points_models
from funnelkit.testing._scoring import ScorerContract
from funnelkit.testing._strategies import (
    accounts,
    arguments,
    clients,
    contacts,
    custom_fields,
    ids,
    json_values,
    leads,
    money,
    opportunities,
    pipelines,
    prospects,
    reasons,
    stages,
    tags,
    times,
    touches,
)

__all__ = [
    "ClientMachine",
    "Completeness",
    "CriterionContract",
    "LeadMachine",
    "LifecycleMachine",
    "OpportunityMachine",
    "ProspectMachine",
    "ScorerContract",
    "accounts",
    "arguments",
    "check_invariants",
    "clients",
    "contacts",
    "custom_fields",
    "events_of",
    "evidence",
    "fact_lists",
    "facts",
    "funnels",
    "ids",
    "interleaved",
    "json_values",
    "leads",
    "money",
    "opportunities",
    "pipeline_machine",
    "pipelines",
    "points_definitions",
    "points_models",
    "prospects",
    "raised",
    "reasons",
    "stages",
    "tags",
    "times",
    "touches",
]

_publish(__all__, globals(), __name__)
