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


def gate_framework(
    stage: str, requires: tuple[str, ...], grade: int, framework: Framework | None
) -> Framework:
    """The one-criterion framework a stage's gate is judged by, so its result reads like any other.

    Each name ``requires`` is the criterion of that id in ``framework``, if it has one, and
    otherwise the fact of that name; each must reach ``grade``.
    """
    criteria = [_criterion(name, framework) for name in requires]
    return Framework(f"{stage}_gate", "1", min_grade(grade, *criteria))


def _criterion(name: str, framework: Framework | None) -> Criterion:
    found = framework.criterion(name) if framework is not None else None
    return found if found is not None else fact(name, _QUESTIONS.get(name, f"What is known about {name}?"))


def result_guard(key: str, description: str, missing: str) -> Guard:
    """A guard that passes when the payload's ``key`` holds a qualified framework Summary.

    Its failure names every criterion that was not met, so the error says what to fix.
    """

    def passes(_subject: object, payload: Mapping[str, object]) -> bool:
        summary = payload.get(key)
        return isinstance(summary, Summary) and summary.outcome == Outcome.qualified.value

    def why_not(_subject: object, payload: Mapping[str, object]) -> str:
        summary = payload.get(key)
        if not isinstance(summary, Summary):
            return missing
        failing = ", ".join(f"{name} {verdict}" for name, verdict in summary.verdicts if verdict != "met")
        return f"{summary.framework} {summary.version} says {summary.outcome}; not met: {failing}"

    return Guard(passes, description, reads_payload=True, explain=why_not)


GATE_GUARD = result_guard(
    "gate", "the stage's required facts must be met", "entering this stage needs the result of its gate"
)
