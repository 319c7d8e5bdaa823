"""funnelkit: funnel rules you can trust.

Prospects, leads, opportunities and clients are frozen values driven by lifecycles declared with
python-statemachine. Every command returns a new object with one more event in its history, or
raises a :class:`FunnelError` and changes nothing. funnelkit does no I/O: the caller passes time
in as ``at=`` and stores what comes out.
"""

from funnelkit._boundary import dump, json_schema, load, snapshot, snapshot_schema
from funnelkit._conversion import Conversion
from funnelkit._deals import Client, Opportunity
from funnelkit._diagram import mermaid
from funnelkit._errors import (
    CriterionFailed,
    CurrencyMismatch,
    DefinitionError,
    FunnelError,
    InvalidInput,
    Problem,
    TransitionNotAllowed,
    UnknownCommand,
    UnknownName,
)
from funnelkit._events import Event
from funnelkit._journey import BuyerStage
from funnelkit._json import Fields
from funnelkit._lead import Lead
from funnelkit._lifecycles import (
    ClientLifecycle,
    ClientStatus,
    LeadLifecycle,
    LeadStatus,
    ProspectLifecycle,
    ProspectStatus,
)
from funnelkit._log import Log
from funnelkit._market import AttributeCriterion, MarketFit, TargetMarket, attribute
from funnelkit._money import Money
from funnelkit._pipeline import DEFAULT_PIPELINE, ForecastCategory, Pipeline, Stage
from funnelkit._prospect import Prospect
from funnelkit._public import publish as _publish
from funnelkit._replay import replay
from funnelkit._territories import (
    Assignment,
    NoTerritory,
    Owner,
    Rotation,
    Territories,
    Territory,
    TerritoryRule,
)
from funnelkit._values import Account, AccountKind, Channel, Contact, ContactRole, Touch, TouchKind

__all__ = [
    "DEFAULT_PIPELINE",
    "Account",
    "AccountKind",
    "Assignment",
    "AttributeCriterion",
    "BuyerStage",
    "Channel",
    "Client",
    "ClientLifecycle",
    "ClientStatus",
    "Contact",
    "ContactRole",
    "Conversion",
    "CriterionFailed",
    "CurrencyMismatch",
    "DefinitionError",
    "Event",
    "Fields",
    "ForecastCategory",
    "FunnelError",
    "InvalidInput",
    "Lead",
    "LeadLifecycle",
    "LeadStatus",
    "Log",
    "MarketFit",
    "Money",
    "NoTerritory",
    "Opportunity",
    "Owner",
    "Pipeline",
    "Problem",
    "Prospect",
    "ProspectLifecycle",
    "ProspectStatus",
    "Rotation",
    "Stage",
    "TargetMarket",
    "Territories",
    "Territory",
    "TerritoryRule",
    "Touch",
    "TouchKind",
    "TransitionNotAllowed",
    "UnknownCommand",
    "UnknownName",
    "attribute",
    "dump",
    "json_schema",
    "load",
    "mermaid",
    "replay",
    "snapshot",
    "snapshot_schema",
]

_publish(__all__, globals(), __name__)
