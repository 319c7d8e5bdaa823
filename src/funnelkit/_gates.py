"""Stage gates: facts an opportunity must have, well enough backed, before it enters a stage."""

from __future__ import annotations

from collections.abc import Mapping

from funnelkit._table import Guard
from funnelkit.qualification import QUESTIONS as _QUESTIONS
from funnelkit.qualification import Criterion, Framework, Outcome, Summary, fact, min_grade

GATE = "passes_gate"
"""The guard on every transition into a stage that requires facts."""
GATED_EVENTS = ("advance", "skip")
"""Moving forward passes gates; moving back, reopening and recording do not."""


def requirement(requires: tuple[str, ...], grade: int) -> Criterion:
    """The criterion a stage's required facts make: each at ``grade`` or better."""
    facts = [fact(name, _QUESTIONS.get(name, f"What is known about {name}?")) for name in requires]
    return min_grade(grade, *facts)


def gate_framework(stage: str, criterion: Criterion) -> Framework:
    """The one-criterion framework a gate is judged by, so its result reads like any other."""
    return Framework(f"{stage}_gate", "1", criterion)


def _passes(_subject: object, payload: Mapping[str, object]) -> bool:
    gate = payload.get("gate")
    return isinstance(gate, Summary) and gate.outcome == Outcome.qualified.value


def _why_not(_subject: object, payload: Mapping[str, object]) -> str:
    gate = payload.get("gate")
    if not isinstance(gate, Summary):
        return "entering this stage needs the result of its gate"
    failing = ", ".join(f"{name} {verdict}" for name, verdict in gate.verdicts if verdict != "met")
    return f"{gate.framework} says {gate.outcome}; not met: {failing}"


GATE_GUARD = Guard(_passes, "the stage's required facts must be met", reads_payload=True, explain=_why_not)
