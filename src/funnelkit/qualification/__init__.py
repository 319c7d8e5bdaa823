"""Qualification: pluggable criteria and frameworks that explain every verdict.

A criterion judges a subject (a lead, an opportunity, or bare evidence) as met, partial, unmet or
unknown, and says why. Combinators build criteria from criteria; a framework is an id, a version
and a policy over its criteria, and concludes qualified, not yet (with what to ask next) or
disqualified.

Example:
    >>> from datetime import datetime, timezone
    >>> import funnelkit.qualification as q
    >>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    >>> facts = (q.Fact("budget", True, "call", at), q.Fact("need", "slow invoicing", "call", at))
    >>> evidence = q.Evidence(facts)
    >>> result = q.frameworks()["bant"].evaluate(evidence)
    >>> result.outcome.value, result.ask_next
    ('not_yet', ('authority', 'timeline'))
"""

from funnelkit._public import publish as _publish
from funnelkit.qualification._builtins import (
    QUESTIONS,
    anum,
    bant,
    champ,
    fact_criteria,
    faint,
    frameworks,
    gpctba_ci,
    meddic,
    meddicc,
    meddpicc,
    neat,
)
from funnelkit.qualification._combinators import (
    Combinable,
    Combinator,
    all_of,
    any_of,
    at_least,
    gate,
    knock_out,
    min_grade,
    not_,
    weighted,
)
from funnelkit.qualification._criteria import Criterion, evidence_of
from funnelkit.qualification._definitions import framework_from
from funnelkit.qualification._evidence import FACTS, GRADES, NO_EVIDENCE, Evidence, Fact, FactValue
from funnelkit.qualification._frameworks import Framework, Outcome, QualificationResult, Summary
from funnelkit.qualification._leaves import FactCriterion, criterion, fact
from funnelkit.qualification._registry import CRITERIA_GROUP, FRAMEWORKS_GROUP, PluginError, Registry
from funnelkit.qualification._results import CriterionResult, UnknownMode, Verdict

__all__ = [
    "CRITERIA_GROUP",
    "FACTS",
    "FRAMEWORKS_GROUP",
    "GRADES",
    "NO_EVIDENCE",
    "QUESTIONS",
    "Combinable",
    "Combinator",
    "Criterion",
    "CriterionResult",
    "Evidence",
    "Fact",
    "FactCriterion",
    "FactValue",
    "Framework",
    "Outcome",
    "PluginError",
    "QualificationResult",
    "Registry",
    "Summary",
    "UnknownMode",
    "Verdict",
    "all_of",
    "anum",
    "any_of",
    "at_least",
    "bant",
    "champ",
    "criterion",
    "evidence_of",
    "fact",
    "fact_criteria",
    "faint",
    "framework_from",
    "frameworks",
    "gate",
    "gpctba_ci",
    "knock_out",
    "meddic",
    "meddicc",
    "meddpicc",
    "min_grade",
    "neat",
    "not_",
    "weighted",
]

_publish(__all__, globals(), __name__)
