"""The built-in frameworks, each with its documented default policy and its variants.

Their sources: IBM's BANT rule of thumb (3 of 4), ANUM (Ken Krogue, InsideSales.com), CHAMP
(InsightSquared), MEDDIC (PTC, 1996) and its MEDDICC and MEDDPICC extensions, HubSpot's
GPCTBA/C&I, FAINT (RAIN Group) and NEAT (Harris Consulting Group and The Sales Hacker). The
framework reference in the documentation gives each one's policy and where it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from funnelkit._errors import UnknownName
from funnelkit._frozen import FrozenDict
from funnelkit.qualification._combinators import all_of, at_least, gate, min_grade
from funnelkit.qualification._frameworks import Framework
from funnelkit.qualification._leaves import FactCriterion, fact

QUESTIONS: Mapping[str, str] = FrozenDict(
    {
        "budget": "Is there budget, or a way to find it?",
        "funds": "Can they pay for it, budgeted or not?",
        "authority": "Does this contact decide, or reach who does?",
        "access_to_authority": "Can we reach the person who decides?",
        "need": "What problem must be solved?",
        "pain": "What pain does the buyer feel, in their words?",
        "timeline": "When must it be solved, and why then?",
        "urgency": "How urgent is it compared with their other work?",
        "interest": "Are they interested in solving it with us?",
        "prioritization": "Where does this rank among their priorities?",
        "challenges": "What challenges stand in their way?",
        "goals": "What goals are they trying to reach?",
        "plans": "What plans do they have to reach them?",
        "consequences": "What happens if they do nothing?",
        "implications": "What do they gain if they succeed?",
        "metrics": "What measurable gain will they get?",
        "economic_buyer": "Who signs off on the money, and have we met them?",
        "decision_criteria": "How will they choose?",
        "decision_process": "What steps lead to a decision, and who takes them?",
        "paper_process": "What does it take to get the contract signed?",
        "champion": "Who inside sells for us when we are not there?",
        "competition": "Who else are they considering, including doing nothing?",
        "economic_impact": "How much is solving it worth to them?",
    }
)


def fact_criteria(*names: str) -> tuple[FactCriterion, ...]:
    """The built-in fact criteria with these ids, each asking its discovery question.

    Raises:
        UnknownName: a name is not one of :data:`QUESTIONS`; ``known`` lists them.
    """
    for name in names:
        given: object = name  # typed, but names come from data too; an unhashable one must not TypeError
        if not isinstance(given, str) or given not in QUESTIONS:
            raise UnknownName("built-in fact criterion", name, sorted(QUESTIONS))
    return tuple(fact(name, QUESTIONS[name]) for name in names)


BantVariant = Literal["three_of_four", "all_of", "graded"]


def bant(variant: BantVariant = "three_of_four") -> Framework:
    """BANT: budget, authority, need, timeline. By default qualified when 3 of the 4 are met.

    ``"all_of"`` wants all four; ``"graded"`` wants every letter at grade 2 or better.

    Raises:
        UnknownName: ``variant`` is not one of those three.
    """
    letters = fact_criteria("budget", "authority", "need", "timeline")
    policies = {
        "three_of_four": at_least(3, *letters),
        "all_of": all_of(*letters),
        "graded": min_grade(2, *letters),
    }
    given: object = variant  # typed, but checked: an unhashable one must not TypeError
    if not isinstance(given, str) or given not in policies:
        raise UnknownName("BANT variant", variant, list(policies))
    suffix = "" if variant == "three_of_four" else f"_{variant}"
    return Framework(f"bant{suffix}", "1.0", policies[variant], "IBM's rule of thumb: 3 of 4")


def anum() -> Framework:
    """ANUM: authority is a gate; once it is met, need, urgency and money (budget) must be met too.

    While authority is unknown or unmet, ANUM is not met, the rest are not judged, and
    ``ask_next`` asks about authority alone.
    """
    authority, need, urgency, money = fact_criteria("authority", "need", "urgency", "budget")
    return Framework("anum", "1.0", gate(authority, need, urgency, money), "Ken Krogue, InsideSales.com")


def champ() -> Framework:
    """CHAMP: challenges, authority, money (budget), prioritization; all four, challenges first."""
    return Framework(
        "champ",
        "1.0",
        all_of(*fact_criteria("challenges", "authority", "budget", "prioritization")),
        "InsightSquared, 2014",
    )


_MEDDIC = ("metrics", "economic_buyer", "decision_criteria", "decision_process", "pain", "champion")
_MILESTONES = {
    "discover": ("pain", "metrics"),
    "prove": ("pain", "metrics", "economic_buyer", "champion"),
    "commit": ("pain", "metrics", "economic_buyer", "champion", "decision_criteria", "decision_process"),
}
"""What a MEDDIC deal must have shown, in order: the pain and its metrics, then the economic buyer
and a champion, then how and by what criteria the buyer decides."""


def _meddic_family(id: str, letters: tuple[str, ...], minimum: int) -> Framework:
    milestones = dict(_MILESTONES)
    if "paper_process" in letters:
        milestones["commit"] = (*milestones["commit"], "paper_process")
    return Framework(
        id,
        "1.0",
        min_grade(minimum, *fact_criteria(*letters)),
        "PTC, 1996 (Dick Dunkel, John McMahon, Jack Napoli)",
        milestones,
        minimum,
    )


def meddic(minimum: int = 2) -> Framework:
    """MEDDIC, graded 0-3 per letter: qualified when the lowest letter reaches ``minimum``.

    Its milestones add letters as a deal advances: ``discover`` wants pain and metrics,
    ``prove`` adds the economic buyer and a champion, and ``commit`` adds the decision criteria
    and process. :meth:`~funnelkit.Pipeline.gated_by` maps them onto a pipeline's stages.

    Example:
        >>> import funnelkit.qualification as q
        >>> list(q.meddic().milestones)
        ['discover', 'prove', 'commit']
    """
    return _meddic_family("meddic", _MEDDIC, minimum)


def meddicc(minimum: int = 2) -> Framework:
    """MEDDICC: MEDDIC plus competition."""
    return _meddic_family("meddicc", (*_MEDDIC, "competition"), minimum)


def meddpicc(minimum: int = 2) -> Framework:
    """MEDDPICC: MEDDICC plus the paper process, which its ``commit`` milestone also requires."""
    letters = (*_MEDDIC[:4], "paper_process", *_MEDDIC[4:], "competition")
    return _meddic_family("meddpicc", letters, minimum)


def gpctba_ci() -> Framework:
    """GPCTBA/C&I: goals, plans, challenges, timeline, budget, authority, consequences, implications."""
    names = (
        "goals",
        "plans",
        "challenges",
        "timeline",
        "budget",
        "authority",
        "consequences",
        "implications",
    )
    return Framework("gpctba_ci", "1.0", all_of(*fact_criteria(*names)), "HubSpot inbound sales")


def faint() -> Framework:
    """FAINT: funds (capacity to pay, not a budget line), authority, interest, need, timing."""
    names = ("funds", "authority", "interest", "need", "timeline")
    return Framework("faint", "1.0", all_of(*fact_criteria(*names)), "Mike Schultz, RAIN Group")


def neat() -> Framework:
    """NEAT: need, economic impact (quantified), access to authority, timeline."""
    names = ("need", "economic_impact", "access_to_authority", "timeline")
    return Framework(
        "neat", "1.0", all_of(*fact_criteria(*names)), "Harris Consulting Group / The Sales Hacker"
    )


def frameworks() -> Mapping[str, Framework]:
    """The built-in frameworks with their default policies, by id.

    Example:
        >>> import funnelkit.qualification as q
        >>> sorted(q.frameworks())
        ['anum', 'bant', 'champ', 'faint', 'gpctba_ci', 'meddic', 'meddicc', 'meddpicc', 'neat']
    """
    built = (bant(), anum(), champ(), meddic(), meddicc(), meddpicc(), gpctba_ci(), faint(), neat())
    return FrozenDict({framework.id: framework for framework in built})
